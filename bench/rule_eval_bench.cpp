// Rule evaluation in process: the ten reference conditions, compiled once, evaluated on
// every event of a realistic mix (most events match nothing, about one in ten matches a
// rule). Target: >= 1,000,000 events/s on one core. For scale, the same ten conditions
// hand-written in C++ are measured too: the ceiling an interpreter can approach.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "rules/condition.hpp"
#include "rules/inputs.hpp"

namespace {

using namespace baton::rules;

constexpr std::array<std::string_view, 10> reference_conditions{
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

struct system_data {
  std::string id, name, business_unit, risk_tier, domain, vendor;
  std::vector<std::string> data;
};

struct event_data {
  std::string type, severity, source, summary;
  attributes attrs;
  const system_data* system = nullptr;
};

const std::vector<system_data>& systems() {
  static const std::vector<system_data> all{
      {"credit-scoring", "Credit scoring", "retail", "high", "credit", "", {"financial", "personal"}},
      {"triage-assist", "Triage assistant", "health", "high", "medical_device", "medvendor",
       {"health", "special_category", "personal"}},
      {"chatbot", "Support chatbot", "service", "limited", "", "llm-corp", {"personal"}},
      {"forecast", "Demand forecast", "supply", "minimal", "", "", {"sales"}},
      {"cv-screen", "CV screening", "hr", "unacceptable", "employment", "",
       {"personal", "special_category"}},
      {"fraud", "Fraud detection", "payments", "high", "", "", {"financial"}},
  };
  return all;
}

// 64 distinct events: monitoring noise (drift, anomalies, thresholds), incidents without
// aggravating flags, intakes of low-risk systems, small budgets... and a few that match.
std::vector<event_data> make_events() {
  const auto& sys = systems();
  std::vector<event_data> out;
  auto add = [&](std::string type, std::string severity, const system_data* s, attributes attrs) {
    out.push_back({std::move(type), std::move(severity), "monitor",
                   "event " + std::to_string(out.size()), std::move(attrs), s});
  };
  const char* metrics[] = {"auc", "psi", "latency_p99", "error_rate", "toxicity"};
  const char* severities[] = {"info", "low", "medium", "high", "critical"};
  for (int i = 0; i < 40; ++i) {
    const char* type = i % 3 == 0 ? "drift" : i % 3 == 1 ? "anomaly" : "performance_threshold";
    add(type, severities[i % 5], i % 7 == 6 ? nullptr : &sys[static_cast<std::size_t>(i) % sys.size()],
        {{"metric", std::string(metrics[i % 5])},
         {"value", 0.5 + i * 0.01},
         {"threshold", 0.6},
         {"window", std::string("1h")}});
  }
  add("incident", "high", &sys[0], {{"customer_harm", false}, {"regulator_notification", false}});
  add("incident", "medium", &sys[2], {{"ticket", std::string("INC-1")}});
  add("incident_update", "medium", &sys[3], {{"press_exposure", false}, {"note", std::string("x")}});
  add("incident", "low", &sys[5], {});
  add("budget_request", "info", &sys[3], {{"amount", 50'000.0}, {"currency", std::string("EUR")}});
  add("budget_request", "info", &sys[0], {{"amount", 1'000'000.0}});
  add("material_model_change", "medium", &sys[2], {{"change", std::string("hyperparameters")}});
  add("material_model_change", "medium", &sys[5], {{"change", std::string("threshold")}});
  add("certification_nonconformity", "low", &sys[0], {{"grade", std::string("minor")}});
  add("vendor_incident", "high", &sys[3], {{"vendor_ticket", std::string("V-1")}});
  add("intake", "info", &sys[3], {});
  add("intake", "info", &sys[2], {});
  add("risk_classification", "info", &sys[2], {});
  add("regulator_request", "high", &sys[0], {{"regulator", std::string("BaFin")}});
  add("vendor_deprecation", "low", &sys[2], {{"date", std::string("2026-09-01")}});
  add("anomaly", "critical", nullptr, {});
  add("drift", "low", &sys[1], {{"metric", std::string("psi")}, {"value", 0.31}});
  // The matching ones.
  add("intake", "info", &sys[1], {});                                   // t1 t4 t5
  add("budget_request", "info", &sys[5], {{"amount", 2'500'000.0}});    // t3
  add("incident", "critical", &sys[0], {{"customer_harm", true}});      // t6
  add("material_model_change", "high", &sys[0], {{"change", std::string("base_model")}});  // t7
  add("certification_nonconformity", "high", &sys[5], {{"grade", std::string("major")}});  // t9
  add("vendor_incident", "high", &sys[2], {{"vendor_ticket", std::string("V-2")}});        // t10
  add("risk_appetite_breach", "high", nullptr, {});                      // t8

  // Deterministic shuffle so the matches are spread out.
  std::uint32_t seed = 12345;
  for (std::size_t i = out.size() - 1; i > 0; --i) {
    seed = seed * 1'103'515'245U + 12'345U;
    std::swap(out[i], out[(seed >> 8) % (i + 1)]);
  }
  return out;
}

struct views {
  event_view event;
  system_view system;
  incident_view incident;
  context ctx;
};

std::vector<views> make_views(const std::vector<event_data>& events) {
  std::vector<views> out(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const event_data& e = events[i];
    views& v = out[i];
    v.event = {e.type, e.severity, e.source, e.summary, &e.attrs};
    if (e.system != nullptr) {
      const system_data& s = *e.system;
      v.system = {s.id, s.name, s.business_unit, s.risk_tier, s.domain, s.vendor, s.data};
    }
    v.incident = {std::chrono::minutes(5), 1, "open"};
    v.ctx = {&v.event, e.system != nullptr ? &v.system : nullptr, &v.incident};
  }
  // Contexts point into `out`, which no longer moves.
  return out;
}

// The same ten rules written by hand: what the compiled form competes with.
bool is_true(const attributes& a, std::string_view key) {
  const attribute_value* v = find_attribute(a, key);
  const bool* b = v != nullptr ? std::get_if<bool>(v) : nullptr;
  return b != nullptr && *b;
}

int native_matches(const context& c) {
  const event_view& e = *c.event;
  const system_view* s = c.system;
  auto in = [](std::string_view x, std::initializer_list<std::string_view> list) {
    return std::find(list.begin(), list.end(), x) != list.end();
  };
  bool intake_or_class = e.type == "intake" || e.type == "risk_classification";
  int n = 0;
  n += intake_or_class && s != nullptr && in(s->risk_tier, {"high", "unacceptable"});
  n += intake_or_class && s != nullptr && s->risk_tier == "unacceptable";
  if (e.type == "budget_request") {
    const attribute_value* v = find_attribute(*e.attrs, "amount");
    const double* d = v != nullptr ? std::get_if<double>(v) : nullptr;
    n += d != nullptr && *d > 1'000'000;
  }
  n += e.type == "intake" && s != nullptr &&
       std::find(s->data.begin(), s->data.end(), "special_category") != s->data.end();
  n += e.type == "intake" && s != nullptr && in(s->domain, {"medical_device", "credit", "employment"});
  n += (e.type == "incident" || e.type == "incident_update") &&
       (is_true(*e.attrs, "customer_harm") || is_true(*e.attrs, "regulator_notification") ||
        is_true(*e.attrs, "press_exposure"));
  if (e.type == "material_model_change") {
    const attribute_value* v = find_attribute(*e.attrs, "change");
    const std::string* t = v != nullptr ? std::get_if<std::string>(v) : nullptr;
    n += t != nullptr && in(*t, {"base_model", "training_data_class", "deployment_region"});
  }
  n += e.type == "risk_appetite_breach";
  if (e.type == "certification_nonconformity") {
    const attribute_value* v = find_attribute(*e.attrs, "grade");
    const std::string* t = v != nullptr ? std::get_if<std::string>(v) : nullptr;
    n += t != nullptr && *t == "major";
  }
  n += e.type == "vendor_incident" && s != nullptr && !s->vendor.empty();
  return n;
}

struct run_result {
  std::uint64_t events = 0;
  std::uint64_t matches = 0;
  double seconds = 0;
  double per_second() const { return static_cast<double>(events) / seconds; }
};

// Runs whole passes over the events until `budget` has elapsed (bounded by a pass cap).
template <class Evaluate>
run_result measure(const std::vector<views>& events, double budget, Evaluate evaluate) {
  using clock = std::chrono::steady_clock;  // interval measurement only
  run_result r;
  auto start = clock::now();
  constexpr int passes_per_check = 256;
  for (int batch = 0; batch < 100'000; ++batch) {
    for (int pass = 0; pass < passes_per_check; ++pass) {
      for (const views& v : events) {
        r.matches += static_cast<std::uint64_t>(evaluate(v.ctx));
      }
    }
    r.events += static_cast<std::uint64_t>(passes_per_check) * events.size();
    r.seconds = std::chrono::duration<double>(clock::now() - start).count();
    if (r.seconds >= budget) {
      break;
    }
  }
  return r;
}

template <class Evaluate>
run_result median_of_5(const std::vector<views>& events, double budget, Evaluate evaluate) {
  std::vector<run_result> runs;
  for (int i = 0; i < 5; ++i) {
    runs.push_back(measure(events, budget, evaluate));
  }
  std::sort(runs.begin(), runs.end(),
            [](const run_result& a, const run_result& b) { return a.per_second() < b.per_second(); });
  return runs[2];
}

void print(const char* name, const run_result& r) {
  std::printf("%s: 10 rules, %llu events, %.0f events/s (%.1f ns/event), %llu matches\n", name,
              static_cast<unsigned long long>(r.events), r.per_second(),
              r.seconds * 1e9 / static_cast<double>(r.events),
              static_cast<unsigned long long>(r.matches));
}

}  // namespace

int main() {
  schema s;
  s.event_types = {"incident", "incident_update", "drift", "anomaly", "performance_threshold",
                   "vendor_incident", "material_model_change", "risk_appetite_breach",
                   "certification_nonconformity", "intake", "risk_classification",
                   "budget_request", "regulator_request", "vendor_deprecation"};
  std::vector<condition> conditions;
  for (std::string_view source : reference_conditions) {
    auto c = compile(source, s);
    if (!c) {
      std::fprintf(stderr, "rule_eval: cannot compile %.*s: %s\n",
                   static_cast<int>(source.size()), source.data(), c.error().message.c_str());
      return 1;
    }
    conditions.push_back(*c);
  }

  std::vector<event_data> events = make_events();
  std::vector<views> contexts = make_views(events);

  int matching_events = 0;
  int matches_per_pass = 0;
  for (const views& v : contexts) {
    int n = 0;
    for (const condition& c : conditions) {
      n += c.evaluate(v.ctx) ? 1 : 0;
    }
    if (n != native_matches(v.ctx)) {
      std::fprintf(stderr, "rule_eval: compiled and hand-written rules disagree on %s\n",
                   v.event.summary.data());
      return 1;
    }
    matching_events += n > 0 ? 1 : 0;
    matches_per_pass += n;
  }
  std::printf("rule_eval: %zu distinct events, %d match a rule (%d matches per pass)\n",
              contexts.size(), matching_events, matches_per_pass);

  constexpr double budget_seconds = 0.25;  // per repetition; 5 repetitions per figure
  run_result compiled = median_of_5(contexts, budget_seconds, [&](const context& ctx) {
    int n = 0;
    for (const condition& c : conditions) {
      n += c.evaluate(ctx) ? 1 : 0;
    }
    return n;
  });
  print("rule_eval", compiled);
  run_result native = median_of_5(contexts, budget_seconds, native_matches);
  print("rule_eval_native (hand-written C++, for scale)", native);
  return 0;
}
