// Each of the ten reference thresholds (examples/compel) moves accountability to the
// roles the reference table names, through the real engine.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>

#include "tests/engine/harness.hpp"

using namespace baton;
using strings = std::vector<std::string>;

namespace {

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

const config::ai_system& find_system(const config::organisation& org,
                                     const std::function<bool(const config::ai_system&)>& pred) {
  for (const auto& s : org.systems) {
    if (pred(s)) {
      return s;
    }
  }
  FAIL("examples/compel has no AI system with the property this test needs");
  throw std::logic_error("unreachable");
}

bool regulated(const config::ai_system& s) {
  return s.domain == "medical_device" || s.domain == "credit" || s.domain == "employment";
}

bool plain(const config::ai_system& s) { return !has(s.data, "special_category") && !regulated(s); }

struct case_t {
  std::string rule;
  std::string event_type;
  std::function<bool(const config::ai_system&)> system;
  rules::attributes attrs;
  strings to;         // must all be accountable afterwards
  std::string from;   // must no longer be accountable (unless it is also in `to`)
};

}  // namespace

TEST_CASE("each reference threshold moves accountability to the right roles", "[engine][thresholds]") {
  const std::vector<case_t> cases = {
      {"t1", "risk_classification", [](const auto& s) { return s.risk_tier == "high" && plain(s); }, {},
       {"caio"}, "bu_owner"},
      {"t2", "risk_classification", [](const auto& s) { return s.risk_tier == "unacceptable"; }, {}, {"board"},
       "caio"},
      {"t3", "budget_request", [](const auto& s) { return plain(s) && s.risk_tier != "unacceptable"; },
       {{"amount", 2'500'000.0}}, {"caio", "cfo"}, "bu_owner"},
      {"t4", "intake", [](const auto& s) { return has(s.data, "special_category"); }, {}, {"dpo", "bu_owner"},
       "bu_owner"},
      {"t5", "intake", [](const auto& s) { return regulated(s); }, {}, {"gc", "bu_owner"}, "bu_owner"},
      {"t6", "incident", [](const auto&) { return true; }, {{"customer_harm", true}}, {"caio", "gc"}, "bu_owner"},
      {"t6", "incident", [](const auto&) { return true; }, {{"regulator_notification", true}}, {"caio", "gc"},
       "bu_owner"},
      {"t6", "incident_update", [](const auto&) { return true; }, {{"press_exposure", true}}, {"caio", "gc"},
       "bu_owner"},
      {"t7", "material_model_change", [](const auto&) { return true; }, {{"change", std::string{"base_model"}}},
       {"caio"}, "ml_lead"},
      {"t8", "risk_appetite_breach", [](const auto&) { return true; }, {}, {"board"}, "cro"},
      {"t9", "certification_nonconformity", [](const auto&) { return true; }, {{"grade", std::string{"major"}}},
       {"caio", "audit_committee"}, "coe"},
      {"t10", "vendor_incident", [](const auto& s) { return !s.vendor.empty(); }, {}, {"caio", "ciso", "gc"},
       "bu_owner"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.rule << " on " << c.event_type) {
      test::harness h(test::compel_config(), "2026-11-24T10:00:00");
      const auto& system = find_system(*h.org, c.system);
      auto id = h.submit(c.event_type, system.id, "k-" + c.rule, c.attrs);
      auto fired = h.records("rule.fired");
      bool rule_fired = std::any_of(fired.begin(), fired.end(), [&](const store::log_record& r) {
        return r.details.find("\"rule\":\"" + c.rule + "\"") != std::string::npos;
      });
      CHECK(rule_fired);
      auto now = h.accountable(id);
      for (const auto& role : c.to) {
        INFO("role " << role << " accountable after " << c.rule);
        CHECK(has(now, role));
      }
      if (!has(c.to, c.from)) {
        INFO("role " << c.from << " no longer accountable after " << c.rule);
        CHECK_FALSE(has(now, c.from));
      }
      // Every accountable role has someone paged or is explicitly unowned.
      for (const auto* esc : h.eng->accountable(id)) {
        INFO(esc->role->id);
        CHECK((esc->paged != nullptr || esc->state == engine::escalation_state::unowned));
      }
    }
  }
}

TEST_CASE("threshold 6 informs the Board within 24h, near misses fire nothing", "[engine][thresholds]") {
  test::harness h(test::compel_config(), "2026-11-24T10:00:00");
  const auto& sys = h.org->systems.front();
  h.submit("incident", sys.id, "harm", {{"customer_harm", true}});
  bool board_told = false;
  for (const auto& n : h.recorder->sent()) {
    if (n.kind == notifiers::notification_kind::inform && n.role == "board") {
      board_told = true;
      REQUIRE(n.deadline.has_value());
      CHECK(*n.deadline == test::at("2026-11-25T10:00:00"));
    }
  }
  CHECK(board_told);

  auto before = h.records("rule.fired").size();
  auto small = h.submit("budget_request", sys.id, "small", {{"amount", 400'000.0}});
  h.submit("incident", sys.id, "no-harm", {{"customer_harm", false}});
  h.submit("certification_nonconformity", sys.id, "minor", {{"grade", std::string{"minor"}}});
  CHECK(h.records("rule.fired").size() == before);
  CHECK(h.accountable(small) == strings{"bu_owner"});
}
