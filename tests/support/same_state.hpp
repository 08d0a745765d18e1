#pragma once
// Two databases that ran the same operations, one of them interrupted: the same log
// apart from the records that say a restart happened, the same state rows, the same id
// high-water marks. For the restart tests, in process and with real processes.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/store/store_fixtures.hpp"

namespace baton::test {

// The log without the records that say a restart happened.
inline std::vector<std::string> comparable_log(store::store& st) {
  std::vector<std::string> out;
  st.read_log({}, [&](const store::log_record& r) {
    if (r.kind == "engine.recovered" || r.kind == "timer.late") {
      return;
    }
    out.push_back(format_iso(r.at) + " " + r.actor + " " + r.kind + " " + std::to_string(r.incident_id) + " " +
                  r.details);
  });
  return out;
}

// The first record where two logs part, for a message a person can read.
inline std::string first_difference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) {
    ++i;
  }
  if (i == a.size() && i == b.size()) {
    return "";
  }
  auto at = [&](const std::vector<std::string>& v) { return i < v.size() ? v[i] : std::string("(end)"); };
  return "record " + std::to_string(i) + " of " + std::to_string(a.size()) + " / " + std::to_string(b.size()) +
         ":\n  straight:    " + at(a) + "\n  interrupted: " + at(b) +
         (i > 0 ? "\n  after:       " + a[i - 1] : std::string{});
}

inline void check_same_state(store::store& a, store::store& b) {
  CHECK(first_difference(comparable_log(a), comparable_log(b)) == "");
  using store::testing::same;
  CHECK(same(a.incidents(false), b.incidents(false)));
  CHECK(same(a.escalations(0), b.escalations(0)));
  CHECK(same(a.timers(), b.timers()));
  CHECK(same(a.notifications(0), b.notifications(0)));
  REQUIRE(a.current_config_version().has_value());
  CHECK(a.current_config_version()->version == b.current_config_version()->version);
  CHECK(a.max_timer_id() == b.max_timer_id());
  CHECK(a.max_escalation_id() == b.max_escalation_id());
}

}  // namespace baton::test
