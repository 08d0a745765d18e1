#include <catch2/catch.hpp>

#include "engine/holder_resolver.hpp"
#include "tests/engine/harness.hpp"

using namespace baton;
using test::at;

namespace {

std::string with_person_field(std::string yaml, const std::string& id, const std::string& field) {
  const std::string needle = "{id: " + id + ", name: ";
  auto pos = yaml.find(needle);
  REQUIRE(pos != std::string::npos);
  yaml.insert(pos + 1, field + ", ");
  return yaml;
}

timestamp utc(const char* iso) { return *parse_iso(iso, nullptr); }

}  // namespace

TEST_CASE("resolution: primary when available, with the reason", "[engine][resolver]") {
  test::temp_dir dir;
  auto org = test::load_org(dir, test::testco_yaml());
  auto r = engine::resolve_holder(*org, *org->find_role("caio"), nullptr, at("2026-11-23T09:00:00"));
  REQUIRE(r.holder != nullptr);
  CHECK(r.holder->id == "ada");
  CHECK(r.reason() == "primary ada");
}

TEST_CASE("resolution: scoped roles resolve through the system's business unit", "[engine][resolver]") {
  test::temp_dir dir;
  auto org = test::load_org(dir, test::testco_yaml());
  const auto& bu = *org->find_role("bu_owner");
  auto r = engine::resolve_holder(*org, bu, org->find_system("chat"), at("2026-11-23T09:00:00"));
  REQUIRE(r.holder != nullptr);
  CHECK(r.holder->id == "bea");
  // Without a system the scoped role has no holder: its escalates_to answers, and says why.
  auto unscoped = engine::resolve_holder(*org, bu, nullptr, at("2026-11-23T09:00:00"));
  REQUIRE(unscoped.holder != nullptr);
  CHECK(unscoped.holder->id == "ada");
  CHECK(unscoped.as_role->id == "caio");
  CHECK_THAT(unscoped.reason(), Catch::Contains("bu_owner is held per business unit"));
}

TEST_CASE("resolution: an override in force wins, an expired one is recorded", "[engine][resolver]") {
  test::temp_dir dir;
  auto yaml = test::testco_yaml("", "",
                                "overrides:\n  - {role: caio, person: gil, from: 2026-08-03, until: 2026-08-17, "
                                "reason: acting CAIO}\n");
  auto org = test::load_org(dir, yaml);
  const auto& caio = *org->find_role("caio");
  auto during = engine::resolve_holder(*org, caio, nullptr, at("2026-08-10T12:00:00"));
  REQUIRE(during.holder != nullptr);
  CHECK(during.holder->id == "gil");
  CHECK(during.reason() == "override gil");
  auto after = engine::resolve_holder(*org, caio, nullptr, at("2026-08-17T00:00:00"));
  REQUIRE(after.holder != nullptr);
  CHECK(after.holder->id == "ada");
  CHECK(after.reason() == "override gil: override gil expired 2026-08-17 00:00 CEST; primary ada");
  // Weeks later the old delegation is history and no longer named; nor is one to come.
  auto later = engine::resolve_holder(*org, caio, nullptr, at("2026-09-20T12:00:00"));
  CHECK(later.reason() == "primary ada");
  auto earlier = engine::resolve_holder(*org, caio, nullptr, at("2026-07-20T12:00:00"));
  CHECK(earlier.reason() == "primary ada");
}

TEST_CASE("resolution: committees are held by their chair", "[engine][resolver]") {
  test::temp_dir dir;
  auto org = test::load_org(dir, test::testco_yaml());
  auto r = engine::resolve_holder(*org, *org->find_role("board"), nullptr, at("2026-11-23T09:00:00"));
  REQUIRE(r.holder != nullptr);
  CHECK(r.holder->id == "hal");
  CHECK(r.reason() == "chair hal");
}

TEST_CASE("resolution: out-of-office ends exactly across the spring DST change", "[engine][resolver]") {
  // Ada is away until (exclusive) 29 March 2027, local Berlin date. Clocks went forward on
  // the 28th, so her absence ends at 2027-03-28 22:00 UTC (00:00 CEST), not 23:00 UTC.
  test::temp_dir dir;
  auto org = test::load_org(
      dir, with_person_field(test::testco_yaml(), "ada",
                             "out_of_office: [{from: 2027-03-20, until: 2027-03-29, delegate: gil}]"));
  const auto& caio = *org->find_role("caio");
  auto before = engine::resolve_holder(*org, caio, nullptr, utc("2027-03-28T21:59:00Z"));
  REQUIRE(before.holder != nullptr);
  CHECK(before.holder->id == "gil");
  CHECK(before.reason() == "primary ada: ada out of office until 2027-03-29 00:00 CEST, delegated to gil");
  auto after = engine::resolve_holder(*org, caio, nullptr, utc("2027-03-28T22:00:00Z"));
  REQUIRE(after.holder != nullptr);
  CHECK(after.holder->id == "ada");
}

TEST_CASE("resolution: out-of-office in the person's own zone across the autumn change", "[engine][resolver]") {
  // Cy is in New York; her absence 2026-10-30 .. 2026-11-02 (local) spans the US change
  // on 1 November: it ends at 2026-11-02 00:00 EST = 05:00 UTC.
  test::temp_dir dir;
  auto yaml = with_person_field(test::testco_yaml(), "ada", "out_of_office: [{from: 2026-10-01, until: 2026-12-01}]");
  yaml = with_person_field(yaml, "bob", "out_of_office: [{from: 2026-10-01, until: 2026-12-01}]");
  yaml = with_person_field(yaml, "cy", "out_of_office: [{from: 2026-10-30, until: 2026-11-02}]");
  auto org = test::load_org(dir, yaml);
  const auto& caio = *org->find_role("caio");
  auto away = engine::resolve_holder(*org, caio, nullptr, utc("2026-11-02T04:59:00Z"));
  REQUIRE(away.holder != nullptr);
  CHECK(away.holder->id == "hal");
  CHECK_THAT(away.reason(), Catch::Contains("cy out of office until 2026-11-02 00:00 EST"));
  auto back = engine::resolve_holder(*org, caio, nullptr, utc("2026-11-02T05:00:00Z"));
  REQUIRE(back.holder != nullptr);
  CHECK(back.holder->id == "cy");
  CHECK(back.reason() ==
        "primary ada: ada out of office until 2026-12-01 00:00 CET; backup 1 bob: bob out of office until "
        "2026-12-01 00:00 CET; backup 2 cy");
}

TEST_CASE("resolution is a pure function of configuration and time", "[engine][resolver]") {
  test::temp_dir dir;
  auto org = test::load_org(
      dir, with_person_field(test::testco_yaml(), "ada", "out_of_office: [{from: 2026-11-20, until: 2026-11-25}]"));
  const auto& caio = *org->find_role("caio");
  auto t = at("2026-11-23T03:00:00");
  auto a = engine::resolve_holder(*org, caio, nullptr, t);
  auto b = engine::resolve_holder(*org, caio, nullptr, t);
  CHECK(a.holder == b.holder);
  CHECK(a.reason() == b.reason());
  CHECK(a.holder->id == "bob");
}
