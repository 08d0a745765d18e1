// Type errors (unknown fields, mismatched operands), closed-set warnings and constant
// folding.
#include <catch2/catch.hpp>

#include "base/text.hpp"
#include "rules/condition.hpp"
#include "rules_fixture.hpp"

using namespace baton::rules;
using namespace baton::rules::test;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;
using Catch::Matchers::StartsWith;

TEST_CASE("unknown fields list the fields that exist", "[rules]") {
  compile_error attrs = must_fail("event.atrs.x == 1");
  CHECK(where(attrs) == "1:1");
  CHECK_THAT(attrs.message, Equals("unknown field \"event.atrs.x\"; event has type, severity, "
                                   "source, summary, attrs.<name> (did you mean "
                                   "event.attrs.x?)"));

  compile_error tier = must_fail(R"(event.type == "intake" && system.tier == "high")");
  CHECK(where(tier) == "1:27");
  CHECK_THAT(tier.message, Equals("unknown field \"system.tier\"; system has id, name, "
                                  "business_unit, domain, vendor, risk_tier, data"));

  CHECK_THAT(must_fail("system.risk_teir == \"high\"").message,
             Contains("(did you mean system.risk_tier?)"));
  CHECK_THAT(must_fail("incident.count > 3").message,
             Contains("incident has age, event_count, state"));
  CHECK_THAT(must_fail("foo.bar == 1").message,
             Equals("unknown field \"foo.bar\"; fields start with event., system. or incident."));
  CHECK_THAT(must_fail("event == 1").message,
             Contains("\"event\" is not a value; event has type"));
  CHECK_THAT(must_fail("event.attrs == 1").message,
             Contains("event.attrs needs an attribute name"));
  CHECK_THAT(must_fail("event.type.name == 1").message,
             Contains("event.type is a string and has no fields"));
  CHECK_THAT(must_fail("True").message, Contains("unknown field \"True\""));
}

TEST_CASE("== and != need the same type on both sides", "[rules]") {
  compile_error e = must_fail("event.type == 5");
  CHECK(where(e) == "1:15");
  CHECK_THAT(e.message, Equals("cannot compare event.type (a string) with 5 (a number) using "
                               "\"==\"; expected a string such as \"intake\""));

  compile_error bools = must_fail("true != system.id");
  CHECK(where(bools) == "1:1");
  CHECK_THAT(bools.message, Contains("cannot compare system.id (a string) with true (a bool)"));

  CHECK_THAT(must_fail("incident.event_count == 1h").message,
             Contains("expected a number such as 1000000"));
  CHECK_THAT(must_fail("system.data == \"x\"").message,
             Contains("system.data is a list of strings; test membership with \"value\" in "
                      "system.data"));
  CHECK_THAT(must_fail("[1] == [1]").message, Contains("a list can only appear on the right"));
  // A dynamic attribute may be compared with anything.
  must_compile("event.attrs.x == \"a\" || event.attrs.x == 1 || event.attrs.x == 1h || "
               "event.attrs.x == true || event.attrs.x == event.type || "
               "event.attrs.x == event.attrs.y");
}

TEST_CASE("ordering needs numbers or durations, and the same on both sides", "[rules]") {
  compile_error age = must_fail("incident.age > 24");
  CHECK(where(age) == "1:16");
  CHECK_THAT(age.message, Equals("cannot compare incident.age (a duration) with 24 (a number) "
                                 "using \">\"; expected a duration such as 24h"));

  compile_error flipped = must_fail("24 <= incident.age");
  CHECK(where(flipped) == "1:1");
  CHECK_THAT(flipped.message, Contains("expected a duration such as 24h"));

  compile_error text = must_fail(R"(event.type < "m")");
  CHECK(where(text) == "1:1");
  CHECK_THAT(text.message, Equals("\"<\" needs two numbers or two durations, found event.type "
                                  "(a string)"));
  CHECK_THAT(must_fail("true >= false").message, Contains("needs two numbers or two durations"));
  CHECK_THAT(must_fail("incident.event_count > 1h").message,
             Contains("expected a number such as 1000000"));
  must_compile("event.attrs.amount > 1000000 && event.attrs.downtime >= 1h && "
               "event.attrs.a < event.attrs.b && incident.event_count >= 3");
}

TEST_CASE("&&, || and ! need conditions, and a dynamic attribute counts as one", "[rules]") {
  compile_error left = must_fail(R"(event.type && event.severity == "high")");
  CHECK(where(left) == "1:1");
  CHECK_THAT(left.message, Equals("\"&&\" needs conditions (true or false), found event.type "
                                  "(a string); compare it, e.g. event.type == \"...\" or has(event.type)"));
  compile_error right = must_fail("true || incident.event_count");
  CHECK(where(right) == "1:9");
  CHECK_THAT(right.message, Contains("\"||\" needs conditions"));
  CHECK_THAT(must_fail("!incident.age").message, Contains("\"!\" needs conditions"));
  must_compile("event.attrs.customer_harm && !event.attrs.test || event.attrs.press");
}

TEST_CASE("the whole condition must be true or false", "[rules]") {
  compile_error e = must_fail("event.type");
  CHECK_THAT(e.message, Equals("the condition must be true or false, found event.type (a "
                               "string); compare it, e.g. event.type == \"...\" or has(event.type)"));
  CHECK_THAT(must_fail("incident.age").message, Contains("e.g. incident.age > 24h"));
  CHECK_THAT(must_fail("system.data").message,
             Contains("e.g. \"special_category\" in system.data"));
  CHECK_THAT(must_fail("42").message, Contains("found 42 (a number)"));
  must_compile("event.attrs.customer_harm");
  must_compile("true");
}

TEST_CASE("in: element types, list types and what may stand on the right", "[rules]") {
  compile_error numbers = must_fail("event.type in [1, 2]");
  CHECK(where(numbers) == "1:16");
  CHECK_THAT(numbers.message, Equals("cannot look for event.type (a string) in a list of "
                                     "numbers; expected elements of the same type, a string "
                                     "such as \"intake\""));

  compile_error mixed = must_fail(R"(event.attrs.x in [1, "a"])");
  CHECK(where(mixed) == "1:22");
  CHECK_THAT(mixed.message, Equals("list elements must all have one type: \"a\" (a string) "
                                   "differs from the first element, 1 (a number)"));

  compile_error data = must_fail("5 in system.data");
  CHECK(where(data) == "1:1");
  CHECK_THAT(data.message, Contains("system.data holds strings; expected a string such as "
                                    "\"special_category\" on the left of \"in\""));

  compile_error scalar = must_fail(R"("high" in system.risk_tier)");
  CHECK(where(scalar) == "1:11");
  CHECK_THAT(scalar.message, Equals("\"in\" needs a list on its right ([...] or system.data), "
                                    "found system.risk_tier (a string)"));
  CHECK_THAT(must_fail("event.attrs.x in event.attrs.y").message,
             Contains("\"in\" needs a list on its right"));
  CHECK_THAT(must_fail("system.data in [\"a\"]").message,
             Contains("\"in\" needs a single value on its left"));
  must_compile("incident.age in [1h, 2h] || event.attrs.n in [1, 2.5] || "
               "event.attrs.flag in [true] || event.source in system.data || "
               "event.attrs.category in system.data");
}

TEST_CASE("has() takes attributes and string fields only", "[rules]") {
  compile_error age = must_fail("has(incident.age)");
  CHECK(where(age) == "1:5");
  CHECK_THAT(age.message, Equals("has() takes event.attrs.<name> or a string field (true when "
                                 "it is not empty), found incident.age (a duration)"));
  CHECK_THAT(must_fail("has(system.data)").message, Contains("has() takes event.attrs.<name>"));
  CHECK_THAT(must_fail("has(system.vendr)").message, Contains("unknown field"));
  must_compile("has(system.vendor) && has(event.attrs.x) && has(event.summary)");
}

TEST_CASE("a closed-set field compared with an unknown value warns and folds", "[rules]") {
  condition tier = must_compile(R"(system.risk_tier == "hihg")");
  REQUIRE(tier.warnings().size() == 1);
  CHECK_THAT(tier.warnings()[0].message,
             Equals("system.risk_tier is never \"hihg\"; known: minimal, limited, high, "
                    "unacceptable"));
  CHECK(where(tier.warnings()[0].position) == "1:21");
  CHECK(tier.never_true());
  sample s;
  s.risk_tier = "hihg";  // even a value outside the set at run time: the rule is dead
  CHECK_FALSE(s.eval(tier));

  condition not_equal = must_compile(R"(system.risk_tier != "hihg")");
  CHECK(not_equal.warnings().size() == 1);
  CHECK_FALSE(not_equal.never_true());
  CHECK(sample{}.eval(not_equal));

  condition severity = must_compile(R"(event.severity == "High")");
  CHECK_THAT(severity.warnings().at(0).message,
             Equals("event.severity is never \"High\"; known: info, low, medium, high, critical"));
  condition state = must_compile(R"(incident.state == "closed")");
  CHECK_THAT(state.warnings().at(0).message,
             Equals("incident.state is never \"closed\"; known: open, acknowledged, resolved"));
  condition type = must_compile(R"(event.type == "incidnet")");
  CHECK_THAT(type.warnings().at(0).message,
             Contains("event.type is never \"incidnet\"; known: incident, incident_update, "));
  CHECK(type.never_true());
}

TEST_CASE("in-list values outside a closed set are dropped with a warning each", "[rules]") {
  condition c = must_compile(R"(event.type in ["intake", "intak", "risk_clasification"])");
  REQUIRE(c.warnings().size() == 2);
  CHECK(where(c.warnings()[0].position) == "1:26");
  CHECK_THAT(c.warnings()[0].message, Contains("event.type is never \"intak\""));
  CHECK_THAT(c.warnings()[1].message, Contains("event.type is never \"risk_clasification\""));
  CHECK_FALSE(c.never_true());
  CHECK_THAT(c.disassemble_for_test(), Contains("event.type in [\"intake\"]"));
  CHECK_THAT(c.disassemble_for_test(), !Contains("intak\""));

  condition dead = must_compile(R"(event.type in ["intak"] && system.risk_tier == "high")");
  CHECK(dead.never_true());
  CHECK(dead.warnings().size() == 1);

  condition empty = must_compile("event.attrs.x in []");
  CHECK(empty.never_true());
  CHECK_THAT(empty.warnings().at(0).message,
             Equals("event.attrs.x in [] is never true: the list is empty"));
}

TEST_CASE("an empty schema list leaves the field open", "[rules]") {
  schema open;
  open.event_types = {};
  open.risk_tiers = {};
  condition c = must_compile(R"(event.type == "anything" && system.risk_tier == "prohibited")", open);
  CHECK(c.warnings().empty());
  CHECK_FALSE(c.never_true());
  sample s;
  s.type = "anything";
  s.risk_tier = "prohibited";
  CHECK(s.eval(c));
}

TEST_CASE("constant folding of &&, || and ! over constants", "[rules]") {
  CHECK(must_compile("false").never_true());
  CHECK(must_compile("true && false").never_true());
  CHECK(must_compile("!true").never_true());
  CHECK(must_compile("1 > 2").never_true());
  CHECK(must_compile(R"("a" == "b")").never_true());
  CHECK(must_compile(R"("a" in ["b", "c"])").never_true());
  CHECK(must_compile("1h < 30m").never_true());
  CHECK_FALSE(must_compile("true").never_true());
  CHECK_FALSE(must_compile("2 >= 2").never_true());
  CHECK(holds("2 >= 2", sample{}));

  condition dead_and = must_compile(R"(event.type == "incidnet" && event.attrs.x == 1)");
  CHECK(dead_and.never_true());
  CHECK_THAT(dead_and.disassemble_for_test(), Contains("push_bool            false"));

  condition live_or = must_compile(R"(event.type == "incidnet" || event.type == "intake")");
  CHECK_FALSE(live_or.never_true());
  CHECK_THAT(live_or.disassemble_for_test(), !Contains("incidnet"));
  CHECK_THAT(live_or.disassemble_for_test(), !Contains("jump"));

  condition negated = must_compile(R"(!(event.type == "incidnet"))");
  CHECK_FALSE(negated.never_true());
  CHECK(sample{}.eval(negated));

  condition always = must_compile(R"(event.type == "incidnet" || true)");
  CHECK(sample{}.eval(always));
  // Warnings of folded-away parts are kept: the author still made a typo.
  CHECK(always.warnings().size() == 1);
}

TEST_CASE("a value set finds its values by lookup and keeps their order", "[rules]") {
  std::vector<std::string> values;
  for (int i = 0; i < 5000; ++i) {
    // Short strings (kept inside the string object) and long ones, in no sorted order.
    values.push_back(i % 2 == 0 ? "t" + std::to_string(4999 - i)
                                : std::string(40, 'x') + std::to_string(i));
  }
  values.push_back("t0");  // a duplicate
  value_set original(values);
  // Copied and moved sets answer like the original: the index holds positions, not
  // views into strings that a copy or move would leave behind.
  value_set copy = original;
  value_set moved = std::move(copy);
  for (const value_set* set : {&original, &moved}) {
    CHECK(set->size() == values.size());
    CHECK(set->values() == values);
    for (const std::string& v : values) {
      REQUIRE(set->contains(v));
    }
    CHECK_FALSE(set->contains("t5000"));
    CHECK_FALSE(set->contains(""));
    CHECK_FALSE(set->contains(std::string(40, 'x')));
  }
  CHECK(value_set{}.empty());
  CHECK_FALSE(value_set{}.contains(""));
  CHECK(value_set{"", "a"}.contains(""));
}

TEST_CASE("the known values of a warning: twelve in full, more cut with a count", "[rules]") {
  auto warning_for = [](int types) {
    std::vector<std::string> values;
    for (int i = 0; i < types; ++i) {
      values.push_back("t" + std::to_string(i));
    }
    schema s;
    s.event_types = value_set(std::move(values));
    condition c = must_compile(R"(event.type == "x")", s);
    REQUIRE(c.warnings().size() == 1);
    return c.warnings()[0].message;
  };
  const std::string twelve = "t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11";
  CHECK_THAT(warning_for(12), Equals("event.type is never \"x\"; known: " + twelve));
  CHECK_THAT(warning_for(13), Equals("event.type is never \"x\"; known: " + twelve + ", ... (13 in all)"));
  CHECK_THAT(warning_for(24000), Equals("event.type is never \"x\"; known: " + twelve + ", ... (24000 in all)"));
  CHECK_THAT(must_compile(R"(event.type == "incidnet")").warnings().at(0).message,
             Equals("event.type is never \"incidnet\"; known: incident, incident_update, drift, anomaly, "
                    "performance_threshold, vendor_incident, material_model_change, risk_appetite_breach, "
                    "certification_nonconformity, intake, risk_classification, budget_request, ... (14 in all)"));
}

TEST_CASE("every value of a large set is found, every other one warned about", "[rules]") {
  constexpr int n = 2000;  // as many as fit in one condition
  std::vector<std::string> values;
  for (int i = 0; i < n; ++i) {
    values.push_back("type_" + std::to_string(i));
  }
  schema s;
  s.event_types = value_set(values);
  std::string list;
  for (int i = 0; i < n; ++i) {
    list += (i > 0 ? ", \"" : "\"") + values[static_cast<std::size_t>(i)] + "\", \"nope_" + std::to_string(i) + "\"";
  }
  condition c = must_compile("event.type in [" + list + "]", s);
  CHECK(c.warnings().size() == n);
  CHECK_FALSE(c.never_true());
  sample e;
  e.type = "type_1999";
  CHECK(e.eval(c));
}

TEST_CASE("an unknown field with a very long path is quoted short", "[rules]") {
  const std::string tail(60000, 'a');
  compile_error e = must_fail("event.x." + tail + " == 1");
  // The attribute candidate is as long as the path: compared with a bounded edit
  // distance, not the full quadratic one.
  CHECK_THAT(e.message, Equals("unknown field \"event.x." + std::string(40, 'a') +
                               "...\"; event has type, severity, source, summary, attrs.<name>"));
  compile_error typo = must_fail("event.atrs." + tail + " == 1");
  CHECK_THAT(typo.message, Contains("(did you mean event.attrs." + std::string(36, 'a') + "...?)"));
  CHECK(typo.message.size() < 200);
}

TEST_CASE("a long operand is quoted short and cut between characters", "[rules]") {
  std::string text;
  for (int i = 0; i < 30; ++i) {
    text += "\u00e9";  // two bytes each in UTF-8
  }
  compile_error e = must_fail("\"" + text + "\" == 5");
  // Operands are shown in at most 48 bytes: the opening quote and 23 characters are 47,
  // and the 24th would end past the cut.
  CHECK_THAT(e.message, StartsWith("cannot compare \"" + text.substr(0, 46) + "... (a string) with 5 (a number)"));
  CHECK(baton::is_valid_utf8(e.message));
}
