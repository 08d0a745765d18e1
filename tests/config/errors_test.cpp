// Broken configurations: each is the valid fixture with one small edit, and each must
// be rejected with the exact file:line:column of the mistake and a clear message.
#include <catch2/catch.hpp>

#include "config_fixture.hpp"

using namespace baton;
using namespace baton::config;
using namespace baton::config::test;

TEST_CASE("a YAML syntax error is reported where the parser stopped", "[config]") {
  fixture f;
  f.replace("name: Test Org", "name: Test: Org");
  load_result r = f.load();
  // yaml-cpp stops at the second ':' of the plain scalar.
  expect_only_error(r, f.at("Test: Org", 4), "YAML syntax: illegal map value");
  CHECK(where(r.diagnostics.items().front()) == f.path().string() + ":2:13");
}

TEST_CASE("an unknown key names the key, lists the allowed ones and suggests", "[config]") {
  fixture f;
  f.replace("    escalates_to: board\n", "    escalate_to: board\n");
  expect_only_error(f.load(), f.at("escalate_to"),
                    "unknown key \"escalate_to\" in role (allowed: id, title, scope, primary, backups, committee, "
                    "escalates_to, ack_timeout, repeat); did you mean \"escalates_to\"?");
}

TEST_CASE("an unknown top-level section is an error", "[config]") {
  fixture f;
  f.replace("storage: {sqlite: baton.db}", "storag: {sqlite: baton.db}");
  expect_only_error(f.load(), f.at("storag:"), "unknown key \"storag\" in the top level");
}

TEST_CASE("a value of the wrong type says what was expected and what was found", "[config]") {
  fixture f;
  f.replace("backups: [lukas]", "backups: {lukas: 1}");
  expect_only_error(f.load(), f.at("{lukas: 1}"), "backups: expected a list of person ids, found a mapping");
}

TEST_CASE("a missing required key is reported at its mapping", "[config]") {
  fixture f;
  f.replace("  time_zone: Europe/Berlin\n", "");
  expect_only_error(f.load(), f.at("name: Test Org"), "missing required key \"time_zone\" in organisation");
}

TEST_CASE("an unknown role in escalates_to", "[config]") {
  fixture f;
  f.replace("escalates_to: board", "escalates_to: bord");
  expect_only_error(f.load(), f.at("bord"), "unknown role \"bord\" in escalates_to of role caio (did you mean \"board\"?)");
}

TEST_CASE("an unknown person as a backup", "[config]") {
  fixture f;
  f.replace("backups: [lukas]", "backups: [lucas]");
  expect_only_error(f.load(), f.at("lucas]"), "unknown person \"lucas\" in backups of role caio (did you mean \"lukas\"?)");
}

TEST_CASE("an unknown notifier in a contact", "[config]") {
  fixture f;
  f.replace("notifier: memory", "notifier: pager");
  expect_only_error(f.load(), f.at("pager"), "unknown notifier \"pager\" in contact of lukas (known notifiers: file, memory)");
}

TEST_CASE("an activity with two accountable roles", "[config]") {
  fixture f;
  f.replace("    a: caio\n", "    a: [caio, cro]\n");
  expect_only_error(f.load(), f.at("a: [caio, cro]", 3),
                    "activity 24 must have exactly one accountable role, found 2 (caio, cro)");
}

TEST_CASE("an activity with no accountable role", "[config]") {
  SECTION("a is missing") {
    fixture f;
    f.replace("    a: caio\n", "");
    expect_only_error(f.load(), f.at("id: \"24\""), "activity 24 has no accountable role");
  }
  SECTION("a is an empty list") {
    fixture f;
    f.replace("    a: caio\n", "    a: []\n");
    expect_only_error(f.load(), f.at("[]"), "activity 24 has no accountable role");
  }
}

TEST_CASE("an unknown role in an activity's RACI lists", "[config]") {
  fixture f;
  f.replace("i: [board]", "i: [board, auditors]");
  expect_only_error(f.load(), f.at("auditors"), "unknown role \"auditors\" in i of activity 24");
}

TEST_CASE("a rule condition that does not parse, on one line", "[config]") {
  SECTION("plain scalar") {
    fixture f;
    f.replace("when: event.type == \"risk_appetite_breach\"", "when: event.type = \"risk_appetite_breach\"");
    load_result r = f.load();
    expect_only_error(r, f.at("= \"risk_appetite_breach\""), "when: unexpected \"=\"; expected \"==\" to compare");
    // `    when: ` is 10 characters; "=" is the 12th of the expression.
    CHECK(where(r.diagnostics.items().front()).ends_with(":22"));
  }
  SECTION("double-quoted scalar: one more column for the quote") {
    fixture f;
    f.replace("when: event.type == \"risk_appetite_breach\"", "when: \"event.type = \\\"risk_appetite_breach\\\"\"");
    load_result r = f.load();
    expect_only_error(r, f.at("= \\\"risk"), "when: unexpected \"=\"");
    CHECK(where(r.diagnostics.items().front()).ends_with(":23"));
  }
  SECTION("single-quoted scalar") {
    fixture f;
    f.replace("when: event.type == \"risk_appetite_breach\"", "when: 'event.type = \"risk_appetite_breach\"'");
    expect_only_error(f.load(), f.at("= \"risk"), "when: unexpected \"=\"");
  }
}

TEST_CASE("an escalates_to loop is reported with its cycle", "[config]") {
  fixture f;
  f.replace("    backups: [olu]\n", "    backups: [olu]\n    escalates_to: caio\n");
  expect_only_error(f.load(), f.at("escalates_to: board", 14), "escalates_to loop: caio -> board -> caio");
}

TEST_CASE("a role escalating to itself is a loop", "[config]") {
  fixture f;
  f.replace("escalates_to: board", "escalates_to: caio\n    ");
  expect_only_error(f.load(), f.at("escalates_to: caio\n    \n", 14), "escalates_to loop: caio -> caio");
}

TEST_CASE("a person with no contact method", "[config]") {
  SECTION("empty contacts") {
    fixture f;
    f.replace("      - {notifier: memory, address: lukas}\n", "");
    expect_only_error(f.load(), f.at("contacts:\n    accepted: {date: 2026-01-21"),
                      "person lukas has no contact method");
  }
  SECTION("no contacts key") {
    fixture f;
    f.replace("    contacts: [{notifier: file, address: olu@example.com}]\n", "");
    expect_only_error(f.load(), f.at("id: olu"), "person olu has no contact method");
  }
}

TEST_CASE("an out-of-office interval that ends before it starts", "[config]") {
  fixture f;
  f.replace("until: 2026-07-15", "until: 2026-06-15");
  expect_only_error(f.load(), f.at("2026-06-15"),
                    "out_of_office: until (2026-06-14T23:00:00Z) must be after from (2026-06-30T23:00:00Z)");
}

TEST_CASE("overlapping out-of-office intervals of one person", "[config]") {
  fixture f;
  f.replace("{from: \"2026-08-01T12:00\"", "{from: \"2026-07-10T12:00\"");
  load_result r = f.load();
  expect_only_error(r, f.at("{from: \"2026-07-10T12:00\""), "overlaps the one at " + f.at("{from: 2026-07-01"));
}

TEST_CASE("bad durations, deadlines, dates, times and weekdays", "[config]") {
  SECTION("duration") {
    fixture f;
    f.replace("ack_timeout: 5m", "ack_timeout: 5 minutes");
    expect_only_error(f.load(), f.at("5 minutes"), "ack_timeout: bad duration \"5 minutes\"");
  }
  SECTION("deadline") {
    fixture f;
    f.replace("within: 24h", "within: 24 hours");
    expect_only_error(f.load(), f.at("24 hours"), "within: bad deadline \"24 hours\"");
  }
  SECTION("date") {
    fixture f;
    f.replace("expires: 2027-10-01", "expires: 2027-13-01");
    expect_only_error(f.load(), f.at("2027-13-01"), "expires: bad date \"2027-13-01\" (expected YYYY-MM-DD");
  }
  SECTION("instant") {
    fixture f;
    f.replace("until: 2026-08-17", "until: next week");
    expect_only_error(f.load(), f.at("next week"), "until: bad instant \"next week\"");
  }
  SECTION("time of day") {
    fixture f;
    f.replace("end: \"17:30\"", "end: \"5pm\"");
    expect_only_error(f.load(), f.at("\"5pm\""), "end: bad time of day \"5pm\"");
  }
  SECTION("weekday") {
    fixture f;
    f.replace("work_days: [mon, tue, wed, thu, fri]", "work_days: [mon, tue, wed, thu, fry]");
    expect_only_error(f.load(), f.at("fry"), "work_days: unknown weekday \"fry\"");
  }
}

TEST_CASE("an unknown time zone", "[config]") {
  fixture f;
  f.replace("Europe/London", "Europe/Londn");
  expect_only_error(f.load(), f.at("Europe/Londn"), "time_zone: unknown time zone \"Europe/Londn\"");
}

TEST_CASE("a duplicate id points at the second and names the first", "[config]") {
  fixture f;
  f.replace("roles:\n", "  - id: amara\n    contacts: [{notifier: file, address: x@example.com}]\nroles:\n");
  expect_only_error(f.load(), f.at("amara\n    contacts: [{notifier: file, address: x@"),
                    "duplicate person id \"amara\" (first defined at " + f.at("amara\n    name: Amara") + ")");
}

TEST_CASE("an unknown risk tier", "[config]") {
  fixture f;
  f.replace("risk_tier: prohibited", "risk_tier: hihg");
  expect_only_error(f.load(), f.at("hihg"), "risk_tier: unknown risk tier \"hihg\"");
}

TEST_CASE("an unknown business unit of a system", "[config]") {
  fixture f;
  f.replace("business_unit: retail\n    risk_tier", "business_unit: retial\n    risk_tier");
  expect_only_error(f.load(), f.at("retial"), "unknown business unit \"retial\" in business_unit of system chat-assist");
}

TEST_CASE("a role that is neither scoped nor a committee needs a primary", "[config]") {
  fixture f;
  f.replace("    primary: lukas\n", "");
  expect_only_error(f.load(), f.at("id: cro"), "role cro has no primary");
}

TEST_CASE("business-unit holders for a role that is not scoped", "[config]") {
  fixture f;
  f.replace("      bu_owner: {primary: carlos, backups: [ines]}\n",
            "      bu_owner: {primary: carlos, backups: [ines]}\n      cro: {primary: carlos, backups: [ines]}\n");
  expect_only_error(f.load(), f.at("cro: {primary"), "role cro is not scoped to business units");
}

TEST_CASE("an override of a scoped role needs its business unit", "[config]") {
  fixture f;
  f.replace("business_unit: retail, person: ines", "person: ines");
  expect_only_error(f.load(), f.at("{role: bu_owner"), "business_unit is required");
}

TEST_CASE("an unknown delegate and an unknown routed event type", "[config]") {
  fixture f;
  f.replace("delegate: lukas", "delegate: lukass").replace("risk_appetite_breach: cro", "risk_apetite_breach: cro");
  load_result r = f.load();
  INFO(dump(r));
  CHECK(r.diagnostics.error_count() == 2);
  expect_error(r, f.at("lukass"), "unknown person \"lukass\" in out_of_office delegate of amara");
  expect_error(r, f.at("risk_apetite_breach"), "unknown event type \"risk_apetite_breach\" in routing.by_event_type");
}

TEST_CASE("a notifier of an unknown type", "[config]") {
  fixture f;
  f.replace("type: recorder", "type: pager");
  load_result r = f.load();
  expect_error(r, f.at("pager"), "type: unknown notifier type \"pager\" (known types: jsonl_file, recorder)");
}

TEST_CASE("every mistake of a file is reported in one run, in file order", "[config]") {
  fixture f;
  f.replace("escalates_to: board", "escalates_to: bord")
      .replace("ack_timeout: 5m", "ack_timeout: soon")
      .replace("Europe/London", "Mars/Olympus");
  load_result r = f.load();
  INFO(dump(r));
  REQUIRE(r.diagnostics.error_count() == 3);
  CHECK(where(r.diagnostics.items()[0]) == f.at("Mars/Olympus"));
  CHECK(where(r.diagnostics.items()[1]) == f.at("bord"));
  CHECK(where(r.diagnostics.items()[2]) == f.at("soon"));
}

TEST_CASE("files that are not a configuration", "[config]") {
  baton::test::temp_dir dir;
  SECTION("missing root file") {
    load_result r = load(dir.path() / "nothing.yaml", fixture_now());
    INFO(dump(r));
    CHECK(r.org == nullptr);
    REQUIRE(r.diagnostics.error_count() == 1);
    CHECK_THAT(r.diagnostics.items()[0].message, Catch::Matchers::Contains("does not exist"));
    CHECK(r.diagnostics.items()[0].at.file == (dir.path() / "nothing.yaml").string());
  }
  SECTION("a list at the top") {
    auto p = dir.write("list.yaml", "# comment\n- a\n- b\n");
    load_result r = load(p, fixture_now());
    expect_only_error(r, p.string() + ":2:1", "expected a mapping of sections");
  }
  SECTION("an empty file has no organisation") {
    auto p = dir.write("empty.yaml", "");
    load_result r = load(p, fixture_now());
    INFO(dump(r));
    CHECK(r.diagnostics.error_count() == 2);
    expect_error(r, p.string() + ":0:0", "missing section organisation");
    expect_error(r, p.string() + ":0:0", "no roles are defined");
  }
  SECTION("two YAML documents") {
    auto p = dir.write("two.yaml", "organisation: {name: a, time_zone: UTC}\n---\npeople: []\n");
    load_result r = load(p, fixture_now());
    expect_only_error(r, p.string() + ":2:1", "a second YAML document starts here");
  }
}

TEST_CASE("a missing required value is reported once", "[config]") {
  SECTION("empty id") {
    fixture f;
    f.replace("roles:\n", "  - id:\n    contacts: [{notifier: file, address: z@example.com}]\nroles:\n");
    expect_only_error(f.load(), f.at("id:\n    contacts: [{notifier: file, address: z@"),
                      "missing value for required key \"id\" in person");
  }
  SECTION("contact without address") {
    fixture f;
    f.replace("{notifier: file, address: olu@example.com}", "{notifier: file}");
    expect_only_error(f.load(), f.at("{notifier: file}"), "missing required key \"address\" in contact");
  }
}

TEST_CASE("a notifier's retry bounds are checked where they are written", "[config]") {
  {
    fixture f;
    f.replace("    type: recorder\n",
              "    type: recorder\n    max_attempts: 7\n    give_up_after: 2h\n    attempt_timeout: 250ms\n");
    auto r = f.load();
    REQUIRE(r.org != nullptr);
    const auto* n = r.org->find_notifier("memory");
    REQUIRE(n != nullptr);
    CHECK(n->max_attempts == 7);
    CHECK(n->give_up_after == std::chrono::hours{2});
    CHECK(n->attempt_timeout == std::chrono::milliseconds{250});
    CHECK(r.org->find_notifier("file")->max_attempts == 5);  // the defaults
    CHECK(r.org->find_notifier("file")->attempt_timeout == std::chrono::seconds{30});
  }
  {
    fixture f;
    f.replace("    type: recorder\n", "    type: recorder\n    attempt_timeout: 50ms\n");
    expect_only_error(f.load(), f.at("50ms"),
                      "attempt_timeout: 50ms is shorter than 100ms, too short for a receiver to answer");
  }
  {
    fixture f;
    f.replace("    type: recorder\n", "    type: recorder\n    attempt_timeout: 11m\n");
    expect_only_error(f.load(), f.at("11m"), "attempt_timeout: 11m is longer than 10m; a page that slow to go out "
                                             "is a failed page");
  }
  {
    fixture f;
    f.replace("    type: recorder\n", "    type: recorder\n    max_attempts: 0\n");
    expect_only_error(f.load(), f.at("0\n", 0), "max_attempts: expected a whole number from 1 to 100, found \"0\"");
  }
  {
    fixture f;
    f.replace("    type: recorder\n", "    type: recorder\n    give_up_after: 8d\n");
    expect_only_error(f.load(), f.at("8d"), "give_up_after: 8d is longer than 7d; a notification that old is no "
                                            "longer news");
  }
}
