// Lexical errors (with exact positions) and the literal forms of the rule language.
#include <catch2/catch.hpp>

#include "rules/condition.hpp"
#include "rules_fixture.hpp"

using namespace baton::rules;
using namespace baton::rules::test;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;

TEST_CASE("an unterminated string is reported where the closing quote was expected", "[rules]") {
  compile_error e = must_fail(R"(event.type == "intake)");
  CHECK(where(e) == "1:22");
  CHECK(e.position.offset == 21);
  CHECK_THAT(e.message, Equals("unterminated string opened at 1:15; expected a closing \" "
                               "before the end of the expression"));

  compile_error line = must_fail("event.type == 'intake\n || true");
  CHECK(where(line) == "1:22");
  CHECK_THAT(line.message, Contains("before the end of the line"));
}

TEST_CASE("errors on later lines of a multi-line condition count lines and columns from 1",
          "[rules]") {
  compile_error e = must_fail("event.type == \"intake\" &&\n  system.risk_tier = \"high\"");
  CHECK(where(e) == "2:20");
  CHECK(e.position.offset == 45);
  CHECK_THAT(e.message, Equals("unexpected \"=\"; expected \"==\" to compare (there is no "
                               "assignment)"));
}

TEST_CASE("columns count characters, not bytes", "[rules]") {
  compile_error e = must_fail(R"("é" == @)");
  CHECK(where(e) == "1:8");
  CHECK(e.position.offset == 8);  // é is two bytes, one column
  CHECK_THAT(e.message, Contains("unexpected character \"@\""));

  compile_error multibyte = must_fail("event.type == \"a\" && \xc3\xa9");
  CHECK(where(multibyte) == "1:22");
  CHECK_THAT(multibyte.message, Contains("unexpected character \"\xc3\xa9\""));
}

TEST_CASE("bad escapes, durations and numbers name the problem and the expected form",
          "[rules]") {
  compile_error escape = must_fail(R"(event.summary == "a\qb")");
  CHECK(where(escape) == "1:20");
  CHECK_THAT(escape.message, Equals(R"(unknown escape "\q" in string; expected one of \" \' \\ \n \t)"));

  compile_error unfinished = must_fail("incident.age > 1h30");
  CHECK(where(unfinished) == "1:16");
  CHECK_THAT(unfinished.message, Contains("invalid duration \"1h30\""));
  CHECK_THAT(unfinished.message, Contains("such as 24h, 1h30m, 90s, 2d or 1w"));

  compile_error order = must_fail("incident.age > 30m1h");
  CHECK_THAT(order.message, Contains("invalid duration \"30m1h\""));
  CHECK_THAT(order.message, Contains("largest first"));

  compile_error fraction = must_fail("incident.age > 1.5h");
  CHECK(where(fraction) == "1:16");
  CHECK_THAT(fraction.message, Equals("invalid duration \"1.5h\"; durations take whole numbers "
                                      "of units, e.g. 1h30m rather than 1.5h"));
  CHECK_THAT(must_fail("event.attrs.x > 1.5x2").message, Contains("invalid duration"));
  CHECK_THAT(must_fail("event.attrs.x > 1.5e3x").message, Contains("invalid number \"1.5e3x\""));

  compile_error negative = must_fail("incident.age > -1h");
  CHECK_THAT(negative.message, Contains("durations cannot be negative"));

  compile_error underscores = must_fail("event.attrs.amount > 1__000");
  CHECK(where(underscores) == "1:22");
  CHECK_THAT(underscores.message, Contains("\"_\" may only separate digits"));
  CHECK_THAT(must_fail("event.attrs.amount > 1000_").message, Contains("may only separate"));

  compile_error dot = must_fail("event.attrs.amount > 1.");
  CHECK(where(dot) == "1:23");
  CHECK_THAT(dot.message, Contains("expected a digit after the decimal point"));

  compile_error huge = must_fail("event.attrs.amount > 1e999");
  CHECK_THAT(huge.message, Contains("out of range"));
}

TEST_CASE("stray operator characters say which operator was meant", "[rules]") {
  CHECK_THAT(must_fail("true & false").message, Equals("unexpected \"&\"; expected \"&&\""));
  CHECK(where(must_fail("true & false")) == "1:6");
  CHECK_THAT(must_fail("true | false").message, Equals("unexpected \"|\"; expected \"||\""));
  CHECK_THAT(must_fail("event.attrs.a + 1 > 2").message, Contains("no arithmetic"));
  compile_error path = must_fail("event. == 1");
  CHECK(where(path) == "1:6");
  CHECK_THAT(path.message, Contains("expected a name after \".\" in \"event.\""));
}

TEST_CASE("number literals: integers, decimals, exponents, separators and signs", "[rules]") {
  sample s;
  s.attr("n", 1'000'000.0).attr("f", 1.5).attr("tiny", 0.0025).attr("neg", -5.0);
  CHECK(holds("event.attrs.n == 1000000", s));
  CHECK(holds("event.attrs.n == 1_000_000", s));
  CHECK(holds("event.attrs.n == 1e6", s));
  CHECK(holds("event.attrs.n == 1E+6", s));
  CHECK(holds("event.attrs.f == 1.5", s));
  CHECK(holds("event.attrs.tiny == 2.5e-3", s));
  CHECK(holds("event.attrs.neg == -5", s));
  CHECK(holds("event.attrs.neg < -4.5", s));
  CHECK_FALSE(holds("event.attrs.n == 999_999", s));
}

TEST_CASE("string literals: both quote styles and every escape", "[rules]") {
  sample s;
  s.summary = "it's \"quoted\"\n\ttab\\";
  CHECK(holds(R"(event.summary == 'it\'s "quoted"\n\ttab\\')", s));
  CHECK(holds(R"(event.summary == "it's \"quoted\"\n\ttab\\")", s));
  CHECK_FALSE(holds(R"(event.summary == "it's")", s));
  s.summary = "";
  CHECK(holds(R"(event.summary == "")", s));
}

TEST_CASE("duration literals: every unit and combinations", "[rules]") {
  sample s;
  s.age = std::chrono::minutes(90);
  CHECK(holds("incident.age == 1h30m", s));
  CHECK(holds("incident.age == 90m", s));
  CHECK(holds("incident.age == 5400s", s));
  CHECK(holds("incident.age == 5400000ms", s));
  CHECK(holds("incident.age < 2d", s));
  CHECK(holds("incident.age < 1w", s));
  CHECK(holds("incident.age > 250ms", s));
  CHECK_FALSE(holds("incident.age == 24h", s));
}

TEST_CASE("keywords are ordinary names inside a path", "[rules]") {
  sample s;
  s.attr("in", true).attr("has", 2.0);
  CHECK(holds("event.attrs.in == true", s));
  CHECK(holds("event.attrs.has == 2", s));
}
