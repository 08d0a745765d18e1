// Syntax errors with exact positions, operator precedence and the nesting limit.
#include <string>

#include <catch2/catch.hpp>

#include "rules/condition.hpp"
#include "rules_fixture.hpp"

using namespace baton::rules;
using namespace baton::rules::test;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;

TEST_CASE("an empty condition is rejected", "[rules]") {
  compile_error empty = must_fail("");
  CHECK(where(empty) == "1:1");
  CHECK_THAT(empty.message, Contains("empty condition; expected an expression such as"));
  compile_error blank = must_fail("  \n   ");
  CHECK(where(blank) == "2:4");
  CHECK_THAT(blank.message, Contains("empty condition"));
}

TEST_CASE("an unclosed parenthesis names where it was opened", "[rules]") {
  compile_error e = must_fail(R"((event.type == "intake")");
  CHECK(where(e) == "1:24");
  CHECK_THAT(e.message, Equals("expected \")\" to close \"(\" opened at 1:1, found end of "
                               "expression"));

  compile_error inner = must_fail(R"(true && (event.type == "a" || event.type == "b")");
  CHECK_THAT(inner.message, Equals("expected \")\" to close \"(\" opened at 1:9, found end of "
                                   "expression"));

  compile_error other = must_fail(R"((event.type == "a" ])");
  CHECK(where(other) == "1:20");
  CHECK_THAT(other.message, Contains("found \"]\""));
}

TEST_CASE("syntax errors in multi-line conditions point into the right line", "[rules]") {
  std::string source =
      "(event.type == \"incident\"\n"
      "  && event.severity == \"high\"\n";
  compile_error e = must_fail(source);
  CHECK(where(e) == "3:1");
  CHECK(e.position.offset == source.size());
  CHECK_THAT(e.message, Contains("opened at 1:1, found end of expression"));

  compile_error missing = must_fail("event.type == \"incident\" &&\n\n    || true");
  CHECK(where(missing) == "3:5");
  CHECK_THAT(missing.message, Contains("expected a value"));
  CHECK_THAT(missing.message, Contains("found \"||\""));
}

TEST_CASE("tokens left over after a complete condition", "[rules]") {
  compile_error extra = must_fail(R"(event.type == "a" event.severity == "b")");
  CHECK(where(extra) == "1:19");
  CHECK_THAT(extra.message, Equals("expected \"&&\", \"||\" or end of expression, found field "
                                   "event.severity"));

  compile_error close = must_fail(R"(event.type == "a"))");
  CHECK(where(close) == "1:18");
  CHECK_THAT(close.message, Equals("unexpected \")\" with no matching \"(\""));
}

TEST_CASE("a missing operand says what a value looks like", "[rules]") {
  compile_error end = must_fail("event.type ==");
  CHECK(where(end) == "1:14");
  CHECK_THAT(end.message, Equals("expected a value (a field such as event.type, a literal, "
                                 "has(...), \"(\" or \"[\"), found end of expression"));
  CHECK(where(must_fail("event.type == && true")) == "1:15");
  CHECK_THAT(must_fail("()").message, Contains("expected a value before \")\""));
}

TEST_CASE("comparisons do not chain", "[rules]") {
  compile_error e = must_fail("1 < incident.event_count < 5");
  CHECK(where(e) == "1:26");
  CHECK_THAT(e.message, Contains("comparisons do not chain"));
  CHECK_FALSE(holds("1 < incident.event_count && incident.event_count < 5", sample{}));
}

TEST_CASE("has() syntax", "[rules]") {
  CHECK_THAT(must_fail("has event.attrs.x").message, Contains("expected \"(\" after has"));
  compile_error unclosed = must_fail("has(event.attrs.x");
  CHECK(where(unclosed) == "1:18");
  CHECK_THAT(unclosed.message, Contains("to close \"(\" opened at 1:4"));
  CHECK_THAT(must_fail(R"(has("x"))").message, Contains("has() takes a field"));
}

TEST_CASE("list syntax: literals only, commas between, optional trailing comma", "[rules]") {
  compile_error field = must_fail(R"(event.type in ["intake", event.severity])");
  CHECK(where(field) == "1:26");
  CHECK_THAT(field.message, Contains("list elements must be literals"));

  compile_error comma = must_fail(R"(event.type in ["intake" "drift"])");
  CHECK(where(comma) == "1:25");
  CHECK_THAT(comma.message, Contains("expected \",\" between list elements"));

  compile_error open = must_fail(R"(event.type in ["intake",)");
  CHECK_THAT(open.message, Equals("expected \"]\" to close \"[\" opened at 1:15, found end of "
                                  "expression"));

  sample s;
  s.type = "drift";
  CHECK(holds("event.type in [\n  \"intake\",\n  \"drift\",\n]", s));
}

TEST_CASE("precedence: ! binds to a comparison, && binds tighter than ||", "[rules]") {
  sample s;
  s.type = "intake";
  CHECK(holds("true || false && false", s));
  CHECK_FALSE(holds("(true || false) && false", s));
  CHECK(holds("false && false || true", s));
  // `!` applies to the whole comparison, as in CEL: !(event.type == "intake").
  CHECK_FALSE(holds(R"(!event.type == "intake")", s));
  CHECK(holds(R"(!event.type == "drift")", s));
  CHECK_FALSE(holds("!false && false", s));
  CHECK(holds("!(false && false)", s));
  CHECK(holds("!!true", s));
  CHECK(holds(R"(event.type == "drift" || event.type == "intake" && event.severity == "high")", s));
  CHECK_FALSE(holds(R"((event.type == "drift" || event.type == "intake") && event.severity == "low")", s));
}

TEST_CASE("nesting is limited to 64 levels with a clear error", "[rules]") {
  auto nested = [](int levels) {
    return std::string(static_cast<std::size_t>(levels), '(') + "event.attrs.x == 1" +
           std::string(static_cast<std::size_t>(levels), ')');
  };
  sample s;
  s.attr("x", 1.0);
  CHECK(holds(nested(64), s));

  compile_error deep = must_fail(nested(65));
  CHECK(where(deep) == "1:65");
  CHECK_THAT(deep.message, Contains("nested too deeply: more than 64 levels"));

  compile_error bangs = must_fail(std::string(65, '!') + "true");
  CHECK(where(bangs) == "1:65");
  CHECK(holds(std::string(64, '!') + "true", s));

  // Nested comparisons need one stack slot per level; the deepest allowed still runs.
  std::string chain = "event.attrs.b";
  for (int i = 0; i < 64; ++i) {
    chain = "(event.attrs.b == " + chain + ")";
  }
  sample b;
  b.attr("b", true);
  CHECK(holds(chain, b));
  b.attrs.front().value = false;
  CHECK_FALSE(holds(chain, b));
}

TEST_CASE("long && and || chains are flat, not deep", "[rules]") {
  std::string source = "event.attrs.x == 0";
  for (int i = 1; i < 2000; ++i) {
    source += " || event.attrs.x == " + std::to_string(i);
  }
  condition c = must_compile(source);
  sample hit;
  hit.attr("x", 1999.0);
  sample miss;
  miss.attr("x", 2000.0);
  CHECK(hit.eval(c));
  CHECK_FALSE(miss.eval(c));
}
