#pragma once
// Shared by the rules tests: the schema and the ten reference conditions the example
// organisation uses, and `sample`, an owning event/system/incident that builds the
// views a condition reads.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "rules/condition.hpp"
#include "rules/inputs.hpp"

namespace baton::rules::test {

/// The event types of the reference organisation, in its order.
inline std::vector<std::string> reference_event_types() {
  return {"incident",          "incident_update",      "drift",
          "anomaly",           "performance_threshold", "vendor_incident",
          "material_model_change", "risk_appetite_breach",
          "certification_nonconformity", "intake", "risk_classification",
          "budget_request",    "regulator_request",    "vendor_deprecation"};
}

inline schema reference_schema() {
  schema s;
  s.event_types = value_set(reference_event_types());
  return s;
}

inline constexpr std::array<std::string_view, 10> reference_conditions{
    R"(event.type in ["intake", "risk_classification"] && system.risk_tier in ["high", "unacceptable"])",
    R"(event.type in ["intake", "risk_classification"] && system.risk_tier == "unacceptable")",
    R"(event.type == "budget_request" && event.attrs.amount > 1000000)",
    R"(event.type == "intake" && "special_category" in system.data)",
    R"(event.type == "intake" && system.domain in ["medical_device", "credit", "employment"])",
    R"(event.type in ["incident", "incident_update"] && (event.attrs.customer_harm == true || event.attrs.regulator_notification == true || event.attrs.press_exposure == true))",
    R"(event.type == "material_model_change" && event.attrs.change in ["base_model", "training_data_class", "deployment_region"])",
    R"(event.type == "risk_appetite_breach")",
    R"(event.type == "certification_nonconformity" && event.attrs.grade == "major")",
    R"(event.type == "vendor_incident" && has(system.vendor))",
};

/// Compiles `source` against the reference schema; fails the test on an error.
inline condition must_compile(std::string_view source, const schema& s = reference_schema()) {
  auto c = compile(source, s);
  if (!c) {
    FAIL("unexpected compile error at " << c.error().position.line << ":"
                                        << c.error().position.column << ": "
                                        << c.error().message << "\n  in: " << source);
  }
  return *c;
}

/// The error for `source`; fails the test when it compiles.
inline compile_error must_fail(std::string_view source, const schema& s = reference_schema()) {
  auto c = compile(source, s);
  if (c) {
    FAIL("expected a compile error for: " << source);
  }
  return c.error();
}

/// "line:column" of a position, for compact assertions.
inline std::string where(const source_position& p) {
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}
inline std::string where(const compile_error& e) { return where(e.position); }

/// An event about a system within an incident, owning everything the views point to.
struct sample {
  std::string type = "incident";
  std::string severity = "high";
  std::string source = "monitor";
  std::string summary = "something happened";
  attributes attrs;

  bool with_system = true;
  std::string system_id = "credit-scoring";
  std::string system_name = "Credit scoring";
  std::string business_unit = "retail";
  std::string risk_tier = "limited";
  std::string domain;
  std::string vendor;
  std::vector<std::string> data;

  bool with_incident = true;
  duration age{0};
  std::int64_t event_count = 1;
  std::string state = "open";

  sample& attr(std::string key, attribute_value v) {
    attrs.push_back({std::move(key), std::move(v)});
    return *this;
  }

  /// Builds the views and evaluates `c` on them.
  bool eval(const condition& c) const {
    event_view e{type, severity, source, summary, &attrs};
    system_view sys{system_id, system_name, business_unit, risk_tier, domain, vendor, data};
    incident_view inc{age, event_count, state};
    context ctx{&e, with_system ? &sys : nullptr, with_incident ? &inc : nullptr};
    return c.evaluate(ctx);
  }
};

/// Compiles `source` and evaluates it on `s` in one step.
inline bool holds(std::string_view source, const sample& s) {
  return s.eval(must_compile(source));
}

}  // namespace baton::rules::test
