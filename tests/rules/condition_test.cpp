// The ten reference conditions of the example organisation: each holds on an event that
// matches it and not on near misses.
#include <catch2/catch.hpp>

#include "rules/condition.hpp"
#include "rules_fixture.hpp"

using namespace baton::rules;
using namespace baton::rules::test;

namespace {

condition reference(std::size_t number) {
  condition c = must_compile(reference_conditions.at(number - 1));
  CHECK(c.warnings().empty());
  CHECK_FALSE(c.never_true());
  return c;
}

sample event(std::string type) {
  sample s;
  s.type = std::move(type);
  return s;
}

}  // namespace

TEST_CASE("t1: intake or classification of a high or unacceptable risk system", "[rules]") {
  condition c = reference(1);
  sample s = event("intake");
  s.risk_tier = "high";
  CHECK(s.eval(c));
  s.type = "risk_classification";
  s.risk_tier = "unacceptable";
  CHECK(s.eval(c));

  s.risk_tier = "limited";
  CHECK_FALSE(s.eval(c));
  s.risk_tier = "High";
  CHECK_FALSE(s.eval(c));
  s.risk_tier = "high";
  s.type = "incident";
  CHECK_FALSE(s.eval(c));
  s.type = "intake";
  s.with_system = false;
  CHECK_FALSE(s.eval(c));
}

TEST_CASE("t2: intake or classification of an unacceptable risk system", "[rules]") {
  condition c = reference(2);
  sample s = event("risk_classification");
  s.risk_tier = "unacceptable";
  CHECK(s.eval(c));
  s.type = "intake";
  CHECK(s.eval(c));

  s.risk_tier = "high";
  CHECK_FALSE(s.eval(c));
  s.risk_tier = "unacceptable";
  s.type = "drift";
  CHECK_FALSE(s.eval(c));
}

TEST_CASE("t3: budget request above one million", "[rules]") {
  condition c = reference(3);
  sample s = event("budget_request");
  s.attr("amount", 1'000'000.01);
  CHECK(s.eval(c));

  sample exactly = event("budget_request");
  exactly.attr("amount", 1'000'000.0);
  CHECK_FALSE(exactly.eval(c));
  sample text = event("budget_request");
  text.attr("amount", std::string("5000000"));
  CHECK_FALSE(text.eval(c));
  CHECK_FALSE(event("budget_request").eval(c));
  sample other = event("intake");
  other.attr("amount", 5e6);
  CHECK_FALSE(other.eval(c));
}

TEST_CASE("t4: intake of a system processing special-category data", "[rules]") {
  condition c = reference(4);
  sample s = event("intake");
  s.data = {"contact", "special_category"};
  CHECK(s.eval(c));

  s.data = {"contact", "special category"};
  CHECK_FALSE(s.eval(c));
  s.data = {"special_category"};
  s.type = "risk_classification";
  CHECK_FALSE(s.eval(c));
  s.type = "intake";
  s.with_system = false;
  CHECK_FALSE(s.eval(c));
}

TEST_CASE("t5: intake of a system in a regulated domain", "[rules]") {
  condition c = reference(5);
  for (const char* domain : {"medical_device", "credit", "employment"}) {
    sample s = event("intake");
    s.domain = domain;
    CHECK(s.eval(c));
  }
  sample s = event("intake");
  s.domain = "";
  CHECK_FALSE(s.eval(c));
  s.domain = "marketing";
  CHECK_FALSE(s.eval(c));
  s.domain = "credit";
  s.type = "incident";
  CHECK_FALSE(s.eval(c));
}

TEST_CASE("t6: incident with customer harm, regulator notification or press exposure",
          "[rules]") {
  condition c = reference(6);
  for (const char* flag : {"customer_harm", "regulator_notification", "press_exposure"}) {
    for (const char* type : {"incident", "incident_update"}) {
      sample s = event(type);
      s.attr("other", true).attr(flag, true);
      CHECK(s.eval(c));
    }
  }
  sample none = event("incident");
  none.attr("customer_harm", false).attr("regulator_notification", false);
  CHECK_FALSE(none.eval(c));
  CHECK_FALSE(event("incident").eval(c));
  sample text = event("incident");
  text.attr("customer_harm", std::string("true"));
  CHECK_FALSE(text.eval(c));
  sample drift = event("drift");
  drift.attr("customer_harm", true);
  CHECK_FALSE(drift.eval(c));
}

TEST_CASE("t7: material model change of a listed kind", "[rules]") {
  condition c = reference(7);
  for (const char* change : {"base_model", "training_data_class", "deployment_region"}) {
    sample s = event("material_model_change");
    s.attr("change", std::string(change));
    CHECK(s.eval(c));
  }
  sample minor = event("material_model_change");
  minor.attr("change", std::string("hyperparameters"));
  CHECK_FALSE(minor.eval(c));
  CHECK_FALSE(event("material_model_change").eval(c));
  sample other = event("drift");
  other.attr("change", std::string("base_model"));
  CHECK_FALSE(other.eval(c));
}

TEST_CASE("t8: risk appetite breach", "[rules]") {
  condition c = reference(8);
  CHECK(event("risk_appetite_breach").eval(c));
  sample no_system = event("risk_appetite_breach");
  no_system.with_system = false;
  CHECK(no_system.eval(c));
  CHECK_FALSE(event("risk_appetite_breach ").eval(c));
  CHECK_FALSE(event("incident").eval(c));
}

TEST_CASE("t9: major certification nonconformity", "[rules]") {
  condition c = reference(9);
  sample s = event("certification_nonconformity");
  s.attr("grade", std::string("major"));
  CHECK(s.eval(c));
  sample minor = event("certification_nonconformity");
  minor.attr("grade", std::string("minor"));
  CHECK_FALSE(minor.eval(c));
  CHECK_FALSE(event("certification_nonconformity").eval(c));
  sample other = event("incident");
  other.attr("grade", std::string("major"));
  CHECK_FALSE(other.eval(c));
}

TEST_CASE("t10: vendor incident on a third-party system", "[rules]") {
  condition c = reference(10);
  sample s = event("vendor_incident");
  s.vendor = "acme-ai";
  CHECK(s.eval(c));
  s.vendor = "";
  CHECK_FALSE(s.eval(c));
  s.vendor = "acme-ai";
  s.with_system = false;
  CHECK_FALSE(s.eval(c));
  sample other = event("incident");
  other.vendor = "acme-ai";
  CHECK_FALSE(other.eval(c));
}

TEST_CASE("reference conditions compiled against a schema that lacks a type warn",
          "[rules]") {
  std::vector<std::string> types = reference_event_types();
  std::erase(types, "vendor_incident");
  schema s;
  s.event_types = value_set(std::move(types));
  auto c = compile(reference_conditions[9], s);
  REQUIRE(c);
  CHECK(c->never_true());
  REQUIRE(c->warnings().size() == 1);
  CHECK(c->warnings()[0].message.starts_with("event.type is never \"vendor_incident\"; known: "));
}
