// The gaps reported as warnings (the configuration stays valid) and the coverage
// figures, which are computed even when there are errors.
#include <catch2/catch.hpp>

#include "config_fixture.hpp"

using namespace baton;
using namespace baton::config;
using namespace baton::config::test;
using namespace std::chrono_literals;

TEST_CASE("a role without a backup", "[config]") {
  fixture f;
  f.replace("    backups: [amara]\n", "");
  expect_only_warning(f.load(), f.at("id: cro"), "role cro has no backup");
}

TEST_CASE("a scoped role without a backup in a business unit", "[config]") {
  fixture f;
  f.replace("{primary: carlos, backups: [ines]}", "{primary: carlos}");
  expect_only_warning(f.load(), f.at("bu_owner: {primary"), "role bu_owner has no backup in business unit retail");
}

TEST_CASE("a holder whose training expired", "[config]") {
  fixture f;
  f.replace("expires: 2026-10-03", "expires: 2026-02-01");
  expect_only_warning(f.load(), f.at("{completed: 2025-10-03"), "holder helena: training expired on 2026-02-01");
}

TEST_CASE("training expires at the start of its day in the holder's zone", "[config]") {
  fixture f;
  // Amara lives in London (UTC+1 in summer): her training expires 2027-10-01 at
  // 2027-09-30T23:00Z.
  auto expired = [&](timestamp now) {
    return !matching(f.load(now), severity::warning, "holder amara: training expired on 2027-10-01").empty();
  };
  timestamp london_midnight = timestamp{std::chrono::sys_days{std::chrono::year{2027} / 9 / 30}} + 23h;
  CHECK_FALSE(expired(london_midnight - 1ms));
  CHECK(expired(london_midnight));
}

TEST_CASE("a holder with no training record", "[config]") {
  fixture f;
  f.replace("    training: {completed: 2025-10-02}\n", "");
  expect_only_warning(f.load(), f.at("id: lukas"), "holder lukas has no training record");
}

TEST_CASE("a holder who accepted an older RACI version", "[config]") {
  fixture f;
  f.replace("{date: 2026-01-21, version: \"2026.1\"}", "{date: 2025-01-21, version: \"2025.2\"}");
  expect_only_warning(f.load(), f.at("{date: 2025-01-21"),
                      "holder lukas has not accepted RACI version 2026.1 (accepted 2025.2)");
}

TEST_CASE("a holder who accepted nothing", "[config]") {
  fixture f;
  f.replace("    accepted: {date: 2026-01-23, version: \"2026.1\"}\n", "");
  expect_only_warning(f.load(), f.at("id: olu"), "holder olu has not accepted the RACI (version 2026.1)");
}

TEST_CASE("committee members and people holding nothing are not holders", "[config]") {
  fixture f;
  // olu is a member of the board and its backup; as a member only, olu holds nothing.
  f.replace("    backups: [olu]\n", "    backups: [amara]\n")
      .replace("    accepted: {date: 2026-01-23, version: \"2026.1\"}\n", "")
      .replace("    training: {completed: 2025-10-04, expires: 2026-10-04}\n", "");
  load_result r = f.load();
  INFO(dump(r));
  REQUIRE(r.org != nullptr);
  CHECK(r.diagnostics.items().empty());
  CHECK(r.coverage.holders == 5);
}

TEST_CASE("a system whose business unit has no owner", "[config]") {
  fixture f;
  f.replace("systems:\n", "  - id: markets\n    name: Markets\nsystems:\n  - id: pricer\n    business_unit: markets\n");
  load_result r = f.load();
  INFO(dump(r));
  REQUIRE(r.org != nullptr);
  REQUIRE(r.diagnostics.warning_count() == 2);
  auto unit = matching(r, severity::warning, "business unit markets has no holder for scoped role bu_owner");
  REQUIRE(unit.size() == 1);
  CHECK(where(unit[0]) == f.at("id: markets"));
  auto system = matching(r, severity::warning, "system pricer has no business-unit owner");
  REQUIRE(system.size() == 1);
  CHECK(where(system[0]) == f.at("id: pricer"));
  // The scoped role counts once per unit.
  CHECK(r.coverage.roles == 5);
  CHECK(r.coverage.roles_with_primary_and_backup == 4);
}

TEST_CASE("coverage of the valid fixture", "[config]") {
  fixture f;
  load_result r = f.load();
  CHECK(r.coverage.activities == 2);
  CHECK(r.coverage.activities_with_one_accountable == 2);
  CHECK(r.coverage.roles == 4);
  CHECK(r.coverage.roles_with_primary_and_backup == 4);
  CHECK(r.coverage.holders == 6);
  CHECK(r.coverage.holders_accepted == 6);
  CHECK(r.coverage.holders_trained == 6);
}

TEST_CASE("coverage counts the gaps", "[config]") {
  fixture f;
  f.replace("    backups: [amara]\n", "")
      .replace("{date: 2026-01-21, version: \"2026.1\"}", "{date: 2025-01-21, version: \"2025.2\"}")
      .replace("expires: 2026-10-03", "expires: 2026-02-01");
  load_result r = f.load();
  REQUIRE(r.org != nullptr);
  CHECK(r.diagnostics.warning_count() == 3);
  CHECK(r.coverage.roles == 4);
  CHECK(r.coverage.roles_with_primary_and_backup == 3);
  CHECK(r.coverage.holders == 6);
  CHECK(r.coverage.holders_accepted == 5);
  CHECK(r.coverage.holders_trained == 5);
}

TEST_CASE("coverage is computed for an invalid configuration too", "[config]") {
  fixture f;
  f.replace("    a: caio\n", "    a: [caio, cro]\n");
  load_result r = f.load();
  CHECK(r.org == nullptr);
  CHECK(r.coverage.activities == 2);
  CHECK(r.coverage.activities_with_one_accountable == 1);
  CHECK(r.coverage.roles == 4);
}
