#include "tests/engine/harness.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

namespace baton::test {

std::string testco_yaml(const std::string& extra_people, const std::string& extra_rules, const std::string& extra_top) {
  return R"(organisation:
  name: Testco
  time_zone: Europe/Berlin
  raci_version: "1"
  calendar:
    work_days: [mon, tue, wed, thu, fri]
    holidays: [2026-12-24, 2026-12-25, 2026-12-26, 2027-01-01]
defaults:
  ack_timeout: 15m
  repeat: 1
  reminder_interval: 4h
  governance_owner: caio
routing:
  default_role: bu_owner
event_types: [incident, incident_update, anomaly, intake, drift]
notifiers:
  - id: rec
    type: recorder
people:
  - {id: ada, name: Ada, contacts: [{notifier: rec, address: ada@t.example}], accepted: {date: 2026-01-01, version: "1"}, training: {completed: 2026-01-01, expires: 2027-06-01}}
  - {id: bob, name: Bob, contacts: [{notifier: rec, address: bob@t.example}], accepted: {date: 2026-01-01, version: "1"}, training: {completed: 2026-01-01, expires: 2027-06-01}}
  - {id: cy, name: Cy, time_zone: America/New_York, contacts: [{notifier: rec, address: cy@t.example}], working_hours: {days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00"}, accepted: {date: 2026-01-01, version: "1"}, training: {completed: 2026-01-01, expires: 2027-06-01}}
  - {id: gil, name: Gil, contacts: [{notifier: rec, address: gil@t.example}], accepted: {date: 2026-01-01, version: "1"}, training: {completed: 2026-01-01, expires: 2027-06-01}}
  - {id: gus, name: Gus, contacts: [{notifier: rec, address: gus@t.example}], accepted: {date: 2026-01-01, version: "1"}, training: {completed: 2026-01-01, expires: 2027-06-01}}
  - {id: bea, name: Bea, contacts: [{notifier: rec, address: bea@t.example}], accepted: {date: 2026-01-01, version: "1"}, training: {completed: 2026-01-01, expires: 2027-06-01}}
  - {id: ben, name: Ben, contacts: [{notifier: rec, address: ben@t.example}], accepted: {date: 2026-01-01, version: "1"}, training: {completed: 2026-01-01, expires: 2027-06-01}}
  - {id: dan, name: Dan, contacts: [{notifier: rec, address: dan@t.example}], accepted: {date: 2026-01-01, version: "1"}, training: {completed: 2026-01-01, expires: 2027-06-01}}
  - {id: hal, name: Hal, contacts: [{notifier: rec, address: hal@t.example}], accepted: {date: 2026-01-01, version: "1"}, training: {completed: 2026-01-01, expires: 2027-06-01}}
  - {id: mo, name: Mo, contacts: [{notifier: rec, address: mo@t.example}], accepted: {date: 2026-01-01, version: "1"}, training: {completed: 2026-01-01, expires: 2027-06-01}}
)" + extra_people + R"(roles:
  - {id: caio, title: Chief AI Officer, primary: ada, backups: [bob, cy], escalates_to: board, ack_timeout: 10m}
  - {id: gc, title: General Counsel, primary: gil, backups: [gus], escalates_to: board}
  - {id: bu_owner, title: Business Unit AI Owner, scope: business_unit, escalates_to: caio}
  - {id: dpo, title: Data Protection Officer, primary: dan, escalates_to: gc}
  - id: board
    title: Board AI Committee
    committee: {chair: hal, members: [mo]}
    backups: [mo]
    ack_timeout: 1h
business_units:
  - id: retail
    name: Retail
    holders:
      bu_owner: {primary: bea, backups: [ben]}
systems:
  - {id: chat, name: Chat assistant, business_unit: retail, risk_tier: high, data: [personal, special_category]}
  - {id: scorer, name: Credit scorer, business_unit: retail, risk_tier: limited, data: [financial], domain: credit}
activities:
  - {id: "24", phase: Incident, name: Incident triage, r: [caio], a: caio, c: [gc], i: [board]}
rules:
  - id: harm
    threshold: "6"
    description: Incident with customer harm
    when: event.type in ["incident", "incident_update"] && event.attrs.customer_harm == true
    from: bu_owner
    to: [caio, gc]
    notify: [{role: board, within: 24h}]
    target: 24h
  - id: special
    threshold: "4"
    description: Special-category data at intake
    when: event.type == "intake" && "special_category" in system.data
    from: bu_owner
    to: [dpo, bu_owner]
    target: 2 business days
)" + extra_rules + extra_top;
}

timestamp at(const std::string& iso) {
  auto t = parse_iso(iso, find_zone("Europe/Berlin"));
  REQUIRE(t.has_value());
  return *t;
}

std::shared_ptr<const config::organisation> load_org(const temp_dir& dir, const std::string& yaml,
                                                     const std::string& name) {
  auto path = dir.write(name, yaml);
  auto loaded = config::load(path, at("2026-11-23T09:00:00"));
  for (const auto& d : loaded.diagnostics.items()) {
    if (d.level == config::severity::error) {
      UNSCOPED_INFO(config::to_string(d));
    }
  }
  REQUIRE(loaded.org != nullptr);
  return loaded.org;
}

harness::harness(const std::string& yaml, const std::string& start) : org(load_org(dir, yaml)), clock(at(start)) {
  start_engine();
}

harness::harness(const std::filesystem::path& config, const std::string& start) : clock(at(start)) {
  auto loaded = config::load(config, at(start));
  for (const auto& d : loaded.diagnostics.items()) {
    if (d.level == config::severity::error) {
      UNSCOPED_INFO(config::to_string(d));
    }
  }
  REQUIRE(loaded.org != nullptr);
  org = loaded.org;
  start_engine();
}

// One recorder answers for every notifier id the configuration names, so the tests see
// all notifications in one list, in order.
class shared_recorder final : public notifiers::notifier {
 public:
  shared_recorder(std::string id, notifiers::recording_notifier& target) : notifier(std::move(id)), target_(target) {}

 protected:
  notifiers::delivery_result do_deliver(const notifiers::notification& n) override { return target_.deliver(n); }

 private:
  notifiers::recording_notifier& target_;
};

void harness::start_engine() {
  db = std::make_unique<store::sqlite_store>(dir.path() / "baton.db");
  auto rec = std::make_unique<notifiers::recording_notifier>("rec");
  recorder = rec.get();
  notifiers.add(std::move(rec));
  for (const auto& n : org->notifiers) {
    if (n.id != "rec") {
      notifiers.add(std::make_unique<shared_recorder>(n.id, *recorder));
    }
  }
  eng = std::make_unique<engine::engine>(clock, *db, notifiers, org);
}

std::int64_t harness::submit(const std::string& type, const std::string& system, const std::string& key,
                             rules::attributes attrs) {
  engine::event e;
  e.type = type;
  e.system = system;
  e.severity = "high";
  e.summary = type + " on " + system;
  e.source = "test";
  e.dedup_key = key;
  e.attrs = std::move(attrs);
  auto r = eng->submit(e);
  REQUIRE(r.has_value());
  return r->incident_id;
}

void harness::advance(duration d) { engine::run_until(clock, *eng, clock.now() + d); }

std::vector<std::string> harness::accountable(std::int64_t id) const {
  std::vector<std::string> out;
  for (const auto* e : eng->accountable(id)) {
    out.push_back(e->role->id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string harness::paged(std::int64_t id, const std::string& role) const {
  for (const auto* e : eng->accountable(id)) {
    if (e->role->id == role) {
      return e->paged != nullptr ? e->paged->id : "";
    }
  }
  return "";
}

std::vector<std::string> harness::pages() const {
  std::vector<std::string> out;
  for (const auto& n : recorder->sent()) {
    if (n.kind == notifiers::notification_kind::page) {
      out.push_back(n.person + "@" + n.role);
    }
  }
  return out;
}

std::vector<store::log_record> harness::records(const std::string& kind) const {
  std::vector<store::log_record> out;
  db->read_log({}, [&](const store::log_record& r) {
    if (r.kind == kind) {
      out.push_back(r);
    }
  });
  return out;
}

}  // namespace baton::test
