// Who is accountable after a rule fires (engine/accountability.hpp): pure functions of
// the configuration, checked without an engine.
#include <catch2/catch.hpp>

#include "engine/accountability.hpp"
#include "tests/engine/harness.hpp"

using namespace baton;
using strings = std::vector<std::string>;

namespace {

strings ids(const engine::accountable_set& set) {
  strings out;
  for (const auto& a : set) {
    out.push_back(a.role->id);
  }
  return out;
}

const config::rule& rule(const config::organisation& org, const std::string& id) {
  for (const auto& r : org.rules) {
    if (r.id == id) {
      return r;
    }
  }
  FAIL("no rule " << id);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("a new incident starts with its routing's role", "[engine][accountability]") {
  test::temp_dir dir;
  auto org = test::load_org(dir, test::testco_yaml());
  auto set = engine::initial_accountability(*org, "anomaly");
  CHECK(ids(set) == strings{"bu_owner"});
  CHECK(set.front().rule == nullptr);
}

TEST_CASE("a rule moves accountability from its role to its targets, jointly", "[engine][accountability]") {
  test::temp_dir dir;
  auto org = test::load_org(dir, test::testco_yaml());
  auto set = engine::initial_accountability(*org, "incident");
  // harm: bu_owner -> caio + gc.
  auto moved = engine::move_accountability(set, *org, rule(*org, "harm"));
  CHECK(moved.before == strings{"bu_owner"});
  CHECK(moved.after == strings{"caio", "gc"});
  CHECK(ids(set) == strings{"caio", "gc"});
  CHECK(set[0].rule == &rule(*org, "harm"));
  // Applying it again changes nothing: its targets are there already.
  auto again = engine::move_accountability(set, *org, rule(*org, "harm"));
  CHECK(again.before == again.after);
}

TEST_CASE("a rule naming its own from role among its targets keeps it (joint A)", "[engine][accountability]") {
  test::temp_dir dir;
  auto org = test::load_org(dir, test::testco_yaml());
  auto set = engine::initial_accountability(*org, "intake");
  // special: bu_owner -> dpo + bu_owner: the BU owner stays, the DPO joins.
  auto moved = engine::move_accountability(set, *org, rule(*org, "special"));
  CHECK(moved.after == strings{"bu_owner", "dpo"});
  CHECK(set[0].rule == nullptr);  // still there from the routing
  CHECK(engine::holds(set, org->find_role("dpo")));
  CHECK_FALSE(engine::holds(set, org->find_role("caio")));
}
