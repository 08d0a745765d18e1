// The complete valid fixture loads into the model it describes.
#include <catch2/catch.hpp>

#include <date/tz.h>

#include "config/loader.hpp"
#include "config_fixture.hpp"
#include "rules/inputs.hpp"

using namespace baton;
using namespace baton::config;
using namespace baton::config::test;
using namespace std::chrono_literals;

namespace {

timestamp utc(std::chrono::year_month_day day, std::chrono::minutes time = 0min) {
  return timestamp{std::chrono::sys_days{day}} + time;
}

civil_day day_number(std::chrono::year_month_day day) {
  return static_cast<civil_day>(std::chrono::sys_days{day}.time_since_epoch().count());
}

bool fires(const rule& r, std::string_view type, rules::attributes attrs) {
  rules::event_view event;
  event.type = type;
  event.severity = "high";
  event.attrs = &attrs;
  rules::incident_view incident;
  rules::context ctx;
  ctx.event = &event;
  ctx.incident = &incident;
  return r.when.evaluate(ctx);
}

}  // namespace

TEST_CASE("the valid fixture loads without errors or warnings", "[config]") {
  fixture f;
  load_result r = f.load();
  INFO(dump(r));
  REQUIRE(r.org != nullptr);
  CHECK(r.diagnostics.items().empty());
  const organisation& org = *r.org;
  CHECK(org.name == "Test Org");
  CHECK(org.zone_name == "Europe/Berlin");
  CHECK(org.zone == date::locate_zone("Europe/Berlin"));
  CHECK(org.raci_version == "2026.1");
  CHECK(org.files == std::vector<std::string>{f.path().string()});
  CHECK(org.version.size() == 16);
  CHECK(org.version.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(org.event_types == std::vector<std::string>{"incident", "drift", "risk_appetite_breach"});
}

TEST_CASE("calendar, defaults and routing", "[config]") {
  fixture f;
  load_result r = f.load();
  REQUIRE(r.org != nullptr);
  const organisation& org = *r.org;
  CHECK(org.calendar.work_days == std::array<bool, 7>{false, true, true, true, true, true, false});
  // Sorted, as days since 1970-01-01.
  CHECK(org.calendar.holidays ==
        std::vector<civil_day>{day_number(2026y / 12 / 24), day_number(2026y / 12 / 25)});
  CHECK(day_number(2026y / 12 / 24) == 20811);
  CHECK(org.defaults.ack_timeout == 10min);
  CHECK(org.defaults.repeat == 2);
  CHECK(org.defaults.reminder_interval == 2h);
  CHECK(org.defaults.governance_owner == "caio");
  CHECK(org.route.default_role == "bu_owner");
  REQUIRE(org.route.by_event_type.size() == 1);
  CHECK(org.route.by_event_type.at("risk_appetite_breach") == "cro");
  REQUIRE(org.notifiers.size() == 2);
  CHECK(org.notifiers[0].type == "jsonl_file");
  // Relative to the root file's folder.
  CHECK(org.notifiers[0].settings.at("path") == (f.dir.path() / "out" / "notifications.jsonl").string());
  CHECK(org.find_notifier("memory")->type == "recorder");
  CHECK(org.find_notifier("memory")->settings.empty());
}

TEST_CASE("people: contacts, zones, hours, absences through the person's zone", "[config]") {
  fixture f;
  load_result r = f.load();
  REQUIRE(r.org != nullptr);
  const organisation& org = *r.org;
  REQUIRE(org.people.size() == 6);
  const person* amara = org.find_person("amara");
  REQUIRE(amara != nullptr);
  CHECK(amara->name == "Amara Okafor");
  CHECK(amara->zone_name == "Europe/London");
  REQUIRE(amara->contacts.size() == 1);
  CHECK(amara->contacts[0].notifier == "file");
  CHECK(amara->contacts[0].address == "amara@example.com");
  REQUIRE(amara->hours.has_value());
  CHECK(amara->hours->start == 9h);
  CHECK(amara->hours->end == 17h + 30min);
  CHECK(amara->hours->days == std::array<bool, 7>{false, true, true, true, true, true, false});
  REQUIRE(amara->out_of_office.size() == 2);
  // A date alone is local midnight in London, on summer time (UTC+1).
  CHECK(amara->out_of_office[0].from == utc(2026y / 6 / 30, 23h));
  CHECK(amara->out_of_office[0].until == utc(2026y / 7 / 14, 23h));
  CHECK(amara->out_of_office[0].delegate == "lukas");
  CHECK(amara->out_of_office[0].reason == "annual leave");
  CHECK(amara->out_of_office[1].from == utc(2026y / 8 / 1, 11h));
  CHECK(amara->out_of_office[1].until == utc(2026y / 8 / 2));
  REQUIRE(amara->accepted.has_value());
  CHECK(amara->accepted->version == "2026.1");
  CHECK(amara->accepted->date == day_number(2026y / 1 / 20));
  REQUIRE(amara->training.has_value());
  CHECK(amara->training->completed == day_number(2025y / 10 / 1));
  CHECK(amara->training->expires == day_number(2027y / 10 / 1));

  // No zone of their own: the organisation's. No working hours: always within them.
  const person* lukas = org.find_person("lukas");
  REQUIRE(lukas != nullptr);
  CHECK(lukas->zone_name == "Europe/Berlin");
  CHECK(lukas->zone == org.zone);
  CHECK_FALSE(lukas->hours.has_value());
  CHECK_FALSE(lukas->training->expires.has_value());
  CHECK(org.find_person("helena")->name == "helena");
  CHECK(org.find_person("nobody") == nullptr);
}

TEST_CASE("roles, committees, scoped holders and systems", "[config]") {
  fixture f;
  load_result r = f.load();
  REQUIRE(r.org != nullptr);
  const organisation& org = *r.org;
  const role* caio = org.find_role("caio");
  REQUIRE(caio != nullptr);
  CHECK(caio->title == "Chief AI Officer");
  CHECK(caio->scope == role_scope::organisation);
  CHECK(caio->held_by.primary == "amara");
  CHECK(caio->held_by.backups == std::vector<std::string>{"lukas"});
  CHECK(caio->escalates_to == "board");
  CHECK(caio->ack_timeout == std::optional<duration>{5min});
  CHECK(caio->repeat == std::optional<int>{3});
  CHECK_FALSE(org.find_role("cro")->ack_timeout.has_value());

  const role* board = org.find_role("board");
  REQUIRE(board != nullptr);
  CHECK(board->committee);
  CHECK(board->held_by.primary == "helena");
  CHECK(board->members == std::vector<std::string>{"olu"});
  CHECK(board->escalates_to.empty());

  const role* owner = org.find_role("bu_owner");
  REQUIRE(owner != nullptr);
  CHECK(owner->scope == role_scope::business_unit);
  CHECK(owner->held_by.primary.empty());
  const business_unit* retail = org.find_business_unit("retail");
  REQUIRE(retail != nullptr);
  CHECK(retail->name == "Retail Banking");
  CHECK(retail->holders_by_role.at("bu_owner").primary == "carlos");
  CHECK(retail->holders_by_role.at("bu_owner").backups == std::vector<std::string>{"ines"});

  const ai_system* chat = org.find_system("chat-assist");
  REQUIRE(chat != nullptr);
  CHECK(chat->business_unit == "retail");
  CHECK(chat->risk_tier == "unacceptable");  // the alias "prohibited"
  CHECK(chat->data == std::vector<std::string>{"personal", "special_category"});
  CHECK(chat->domain == "credit");
  CHECK(chat->vendor == "Northwind");
}

TEST_CASE("activities keep their RACI lists", "[config]") {
  fixture f;
  load_result r = f.load();
  REQUIRE(r.org != nullptr);
  REQUIRE(r.org->activities.size() == 2);
  const activity& triage = r.org->activities[0];
  CHECK(triage.id == "24");
  CHECK(triage.phase == "Incident");
  CHECK(triage.name == "Incident triage");
  CHECK(triage.responsible == std::vector<std::string>{"bu_owner"});
  CHECK(triage.accountable == std::vector<std::string>{"caio"});
  CHECK(triage.consulted == std::vector<std::string>{"cro", "external_stakeholders"});
  CHECK(triage.informed == std::vector<std::string>{"board"});
  // A single role may be written without a list; `a: [cro]` is one role too.
  CHECK(r.org->activities[1].responsible == std::vector<std::string>{"bu_owner"});
  CHECK(r.org->activities[1].accountable == std::vector<std::string>{"cro"});
}

TEST_CASE("rules are compiled, positioned and evaluate", "[config]") {
  fixture f;
  load_result r = f.load();
  REQUIRE(r.org != nullptr);
  REQUIRE(r.org->rules.size() == 2);
  const rule& harm = r.org->rules[0];
  CHECK(harm.id == "incident-harm");
  CHECK(harm.threshold == "6");
  CHECK(harm.description == "Incident with customer harm");
  // Folded (`>-`): the line break reads as a space.
  CHECK(harm.when_source == "event.type == \"incident\" && event.attrs.customer_harm == true");
  // A folded block: the expression starts on the line after `>-`, at its indentation.
  CHECK(harm.when_at.file == f.path().string());
  CHECK(harm.when_at.file + ":" + std::to_string(harm.when_at.line) + ":" + std::to_string(harm.when_at.column) ==
        f.at("event.type == \"incident\" &&"));
  CHECK(harm.from == "bu_owner");
  CHECK(harm.to == std::vector<std::string>{"caio", "cro"});
  REQUIRE(harm.notify.size() == 2);
  CHECK(harm.notify[0].role == "board");
  CHECK(to_string(harm.notify[0].within) == "24h");
  CHECK(harm.notify[1].role == "caio");
  CHECK(harm.notify[1].within.empty());
  CHECK(harm.target.type == deadline_spec::kind::elapsed);
  CHECK(harm.target.elapsed == 24h);
  CHECK(harm.ack_timeout == std::optional<duration>{10min});
  CHECK_FALSE(harm.working_hours_only);

  CHECK(fires(harm, "incident", {{"customer_harm", true}}));
  CHECK_FALSE(fires(harm, "incident", {{"customer_harm", false}}));
  CHECK_FALSE(fires(harm, "drift", {{"customer_harm", true}}));

  const rule& appetite = r.org->rules[1];
  CHECK(appetite.to == std::vector<std::string>{"cro"});
  CHECK(appetite.from.empty());
  CHECK(appetite.target.type == deadline_spec::kind::business_days);
  CHECK(appetite.target.business_days == 5);
  CHECK(appetite.notify[0].within.business_days == 1);
  CHECK(f.at("event.type == \"risk_appetite_breach\"") ==
        appetite.when_at.file + ":" + std::to_string(appetite.when_at.line) + ":" +
            std::to_string(appetite.when_at.column));
  CHECK(fires(appetite, "risk_appetite_breach", {}));
  CHECK_FALSE(fires(appetite, "incident", {}));
}

TEST_CASE("overrides are read in the organisation's zone", "[config]") {
  fixture f;
  load_result r = f.load();
  REQUIRE(r.org != nullptr);
  REQUIRE(r.org->overrides.size() == 2);
  const override_entry& acting = r.org->overrides[0];
  CHECK(acting.role == "caio");
  CHECK(acting.person == "lukas");
  CHECK(acting.business_unit.empty());
  // Berlin is on summer time (UTC+2) in August.
  CHECK(acting.from == utc(2026y / 8 / 2, 22h));
  CHECK(acting.until == utc(2026y / 8 / 16, 22h));
  CHECK(acting.reason == "acting CAIO");
  const override_entry& scoped = r.org->overrides[1];
  CHECK(scoped.business_unit == "retail");
  CHECK(scoped.from == utc(2026y / 5 / 1));
  CHECK(scoped.until == utc(2026y / 5 / 8));
}

TEST_CASE("the version changes with the content and not with the folder", "[config]") {
  fixture a;
  fixture b;
  load_result ra = a.load();
  load_result rb = b.load();
  REQUIRE(ra.org != nullptr);
  REQUIRE(rb.org != nullptr);
  CHECK(ra.org->version == rb.org->version);
  b.replace("name: Test Org", "name: Test Org 2");
  load_result changed = b.load();
  REQUIRE(changed.org != nullptr);
  CHECK(changed.org->version != ra.org->version);
}

TEST_CASE("find_* use the index and still work on a hand-built organisation", "[config]") {
  organisation org;
  org.people.push_back(person{});
  org.people.back().id = "a";
  CHECK(org.find_person("a") == &org.people[0]);  // before build_indexes: a scan
  org.build_indexes();
  org.people.push_back(person{});
  org.people.back().id = "b";
  CHECK(org.find_person("b") == &org.people[1]);  // grown since: a scan
  org.build_indexes();
  CHECK(org.find_person("a") == &org.people[0]);
  CHECK(org.find_person("b") == &org.people[1]);
  CHECK(org.find_person("c") == nullptr);
  organisation copy = org;
  CHECK(copy.find_person("b") == &copy.people[1]);
}
