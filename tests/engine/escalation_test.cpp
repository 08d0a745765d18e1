// The engine's escalation behaviour on the virtual clock and a real SQLite file.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "store/audit_log.hpp"
#include "tests/engine/harness.hpp"

using namespace baton;
using namespace std::chrono_literals;
using test::at;
using test::harness;
using strings = std::vector<std::string>;

TEST_CASE("a new incident is routed to the system's business-unit owner and pages the primary", "[engine]") {
  harness h;
  auto id = h.submit("anomaly", "chat", "k1");
  CHECK(h.accountable(id) == strings{"bu_owner"});
  CHECK(h.paged(id, "bu_owner") == "bea");
  CHECK(h.pages() == strings{"bea@bu_owner"});
  auto resolved = h.records("holder.resolved");
  REQUIRE(resolved.size() == 1);
  CHECK_THAT(resolved[0].details, Catch::Contains("primary bea"));
}

TEST_CASE("a primary who does not acknowledge: the backup is paged exactly at the timeout", "[engine]") {
  harness h;
  auto id = h.submit("anomaly", "chat", "k1");
  h.advance(14min + 59s);
  CHECK(h.paged(id, "bu_owner") == "bea");
  h.advance(1s);
  CHECK(h.paged(id, "bu_owner") == "ben");
  CHECK(h.pages() == strings{"bea@bu_owner", "ben@bu_owner"});
  auto stepped = h.records("escalation.unacknowledged");
  REQUIRE(stepped.size() == 1);
  CHECK(stepped[0].at == at("2026-11-23T09:15:00"));
  CHECK_THAT(stepped[0].details, Catch::Contains("\"unacknowledged\":\"bea\""));
}

TEST_CASE("a primary out of office: the backup is paged at once, with the reason", "[engine]") {
  auto yaml = test::testco_yaml();
  // Bea is away the whole week of the incident.
  yaml.replace(yaml.find("{id: bea, name: Bea, contacts"), std::string("{id: bea, name: Bea, contacts").size(),
               "{id: bea, name: Bea, out_of_office: [{from: 2026-11-20, until: 2026-11-30, reason: leave}], contacts");
  harness h(yaml);
  auto id = h.submit("anomaly", "chat", "k1");
  CHECK(h.paged(id, "bu_owner") == "ben");
  auto resolved = h.records("holder.resolved");
  REQUIRE(resolved.size() == 1);
  CHECK_THAT(resolved[0].details, Catch::Contains("primary bea: bea out of office until 2026-11-30 00:00 CET"));
  CHECK_THAT(resolved[0].details, Catch::Contains("backup 1 ben"));
  auto sent = h.recorder->sent();
  REQUIRE(sent.size() == 1);
  CHECK_THAT(sent[0].reason, Catch::Contains("out of office"));
}

TEST_CASE("a delegate stands in for a primary who is away", "[engine]") {
  auto yaml = test::testco_yaml();
  yaml.replace(yaml.find("{id: bea, name: Bea, contacts"), std::string("{id: bea, name: Bea, contacts").size(),
               "{id: bea, name: Bea, out_of_office: [{from: 2026-11-20, until: 2026-11-30, delegate: dan}], contacts");
  harness h(yaml);
  auto id = h.submit("anomaly", "chat", "k1");
  CHECK(h.paged(id, "bu_owner") == "dan");
  // The delegate may acknowledge for the role.
  auto ack = h.eng->acknowledge(id, "dan");
  REQUIRE(ack.has_value());
  CHECK(ack->engaged_roles == strings{"bu_owner"});
}

TEST_CASE("a role's chain exhausted: accountability climbs to escalates_to", "[engine]") {
  harness h;
  auto id = h.submit("anomaly", "chat", "k1");
  h.advance(15min);  // bea -> ben
  CHECK(h.paged(id, "bu_owner") == "ben");
  h.advance(15min);  // ben -> caio's primary (bu_owner escalates to caio), at caio's 10m timeout next
  CHECK(h.paged(id, "bu_owner") == "ada");
  h.advance(10min);
  CHECK(h.paged(id, "bu_owner") == "bob");
  auto resolved = h.records("holder.resolved");
  REQUIRE(resolved.size() == 4);
  CHECK_THAT(resolved[2].details, Catch::Contains("escalated to caio: primary ada"));
  // Someone reached through escalates_to may engage the role.
  REQUIRE(h.eng->acknowledge(id, "bob").has_value());
  CHECK(h.eng->find_incident(id)->state == engine::incident_state::acknowledged);
}

TEST_CASE("a ladder that runs out ends unowned, logged and announced, never silently", "[engine]") {
  harness h;
  // dpo: dan only, escalates to gc (gil, gus), which escalates to board (hal, mo).
  auto id = h.submit("intake", "chat", "k1");
  REQUIRE(h.accountable(id) == strings{"bu_owner", "dpo"});
  REQUIRE(h.eng->acknowledge(id, "bea").has_value());  // bu_owner engaged; dpo keeps climbing
  h.advance(48h);
  auto unowned = h.records("incident.unowned");
  REQUIRE(unowned.size() == 1);
  CHECK_THAT(unowned[0].details, Catch::Contains("\"role\":\"dpo\""));
  CHECK(h.eng->totals().unowned == 1);
  // Both rounds went over every rung: dan, gil, gus, hal (chair), mo — twice (repeat 1).
  strings dpo_pages;
  for (const auto& p : h.pages()) {
    if (p.ends_with("@dpo") || p.ends_with("@gc") || p.ends_with("@board")) {
      dpo_pages.push_back(p);
    }
  }
  CHECK(dpo_pages == strings{"dan@dpo", "gil@gc", "gus@gc", "hal@board", "mo@board", "dan@dpo", "gil@gc", "gus@gc",
                             "hal@board", "mo@board"});
  bool announced = false;
  for (const auto& n : h.recorder->sent()) {
    if (n.kind == notifiers::notification_kind::unowned) {
      announced = true;
      CHECK(n.role == "caio");
      CHECK(n.person == "ada");
    }
  }
  CHECK(announced);
  auto esc = h.eng->accountable(id);
  auto it = std::find_if(esc.begin(), esc.end(), [](const auto* e) { return e->role->id == "dpo"; });
  REQUIRE(it != esc.end());
  CHECK((*it)->state == engine::escalation_state::unowned);
}

TEST_CASE("joint accountability: one role's acknowledgement does not silence the other", "[engine]") {
  harness h;
  auto id = h.submit("incident", "chat", "k1", {{"customer_harm", true}});
  CHECK(h.accountable(id) == strings{"caio", "gc"});
  CHECK(h.paged(id, "caio") == "ada");
  CHECK(h.paged(id, "gc") == "gil");
  auto ack = h.eng->acknowledge(id, "ada");
  REQUIRE(ack.has_value());
  CHECK(ack->engaged_roles == strings{"caio"});
  CHECK_FALSE(ack->incident_acknowledged);
  h.advance(15min);
  CHECK(h.paged(id, "gc") == "gus");  // gc keeps escalating
  h.advance(15min);
  CHECK(h.paged(id, "gc") == "hal");  // then to the board's chair
  auto ack2 = h.eng->acknowledge(id, "gus");
  REQUIRE(ack2.has_value());
  CHECK(ack2->engaged_roles == strings{"gc"});
  CHECK(ack2->incident_acknowledged);
}

TEST_CASE("a rule's notify list is informed with its deadline, a committee's members too", "[engine]") {
  harness h;
  h.submit("incident", "chat", "k1", {{"customer_harm", true}});
  strings informed;
  for (const auto& n : h.recorder->sent()) {
    if (n.kind == notifiers::notification_kind::inform) {
      informed.push_back(n.person + "@" + n.role);
      REQUIRE(n.deadline.has_value());
      CHECK(*n.deadline == at("2026-11-24T09:00:00"));
    }
  }
  CHECK(informed == strings{"hal@board", "mo@board"});
}

TEST_CASE("acknowledgement by someone holding no accountable role is refused and logged", "[engine]") {
  harness h;
  auto id = h.submit("anomaly", "chat", "k1");
  auto r = h.eng->acknowledge(id, "gil");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == engine::error_kind::forbidden);
  CHECK(h.records("acknowledgement.rejected").size() == 1);
  CHECK(h.eng->acknowledge(id, "nobody").error().kind == engine::error_kind::invalid);
  CHECK(h.eng->acknowledge(999, "bea").error().kind == engine::error_kind::not_found);
}

TEST_CASE("repeated events deduplicate into one incident, after resolution the key opens a new one", "[engine]") {
  harness h;
  auto a = h.submit("anomaly", "chat", "same");
  auto b = h.submit("anomaly", "chat", "same");
  auto c = h.submit("anomaly", "chat", "same");
  CHECK(a == b);
  CHECK(b == c);
  CHECK(h.eng->find_incident(a)->event_count == 3);
  CHECK(h.pages().size() == 1);
  CHECK(h.eng->totals().deduplicated == 2);
  REQUIRE(h.eng->resolve(a, "person:bea").has_value());
  CHECK(h.eng->find_incident(a) == nullptr);
  CHECK(h.eng->pending_timers() == 0);
  auto d = h.submit("anomaly", "chat", "same");
  CHECK(d != a);
  auto row = h.db->find_incident(a);
  REQUIRE(row.has_value());
  CHECK(row->state == "resolved");
  CHECK(row->event_count == 3);
}

TEST_CASE("a later event on an open incident fires further rules", "[engine]") {
  harness h;
  auto id = h.submit("incident", "chat", "k1");
  CHECK(h.accountable(id) == strings{"bu_owner"});
  h.advance(3h);
  auto again = h.submit("incident_update", "chat", "k1", {{"customer_harm", true}});
  CHECK(again == id);
  CHECK(h.accountable(id) == strings{"caio", "gc"});
  auto ended = h.records("escalation.ended");
  REQUIRE(ended.size() == 1);
  CHECK_THAT(ended[0].details, Catch::Contains("accountability moved"));
  // The rule fires once per incident.
  h.submit("incident_update", "chat", "k1", {{"customer_harm", true}});
  CHECK(h.records("rule.fired").size() == 1);
}

TEST_CASE("resolve ends the incident and cancels its timers", "[engine]") {
  harness h;
  auto id = h.submit("incident", "chat", "k1", {{"customer_harm", true}});
  CHECK(h.eng->pending_timers() > 0);
  REQUIRE(h.eng->resolve(id, "person:ada", "fixed").has_value());
  CHECK(h.eng->pending_timers() == 0);
  CHECK(h.db->timers().empty());
  auto before = h.recorder->count();
  h.advance(72h);
  CHECK(h.recorder->count() == before);
  CHECK_FALSE(h.eng->resolve(id, "person:ada").has_value());
}

TEST_CASE("escalation latency is kept per escalation, rule and role", "[engine]") {
  harness h;
  auto id = h.submit("incident", "chat", "k1", {{"customer_harm", true}});
  h.advance(7min);
  REQUIRE(h.eng->acknowledge(id, "ada").has_value());
  h.advance(5min);
  REQUIRE(h.eng->acknowledge(id, "gil").has_value());
  auto id2 = h.submit("incident", "chat", "k2", {{"customer_harm", true}});
  h.advance(2min);
  REQUIRE(h.eng->acknowledge(id2, "ada").has_value());
  REQUIRE(h.eng->acknowledge(id2, "gil").has_value());

  auto by_rule = h.eng->latency_by_rule();
  REQUIRE(by_rule.count("harm") == 1);
  CHECK(by_rule["harm"].count == 4);
  CHECK(by_rule["harm"].max == 12min);
  CHECK(by_rule["harm"].breaches == 0);
  auto by_role = h.eng->latency_by_role();
  CHECK(by_role["caio"].count == 2);
  CHECK(by_role["caio"].median == 2min);  // nearest rank of {2m, 7m}
  CHECK(by_role["caio"].max == 7min);
  CHECK(by_role["gc"].max == 12min);
  auto rows = h.db->escalations(id);
  auto caio = std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r.role == "caio"; });
  REQUIRE(caio != rows.end());
  REQUIRE(caio->engaged_at.has_value());
  CHECK(*caio->engaged_at - caio->triggered_at == 7min);
  CHECK(h.records("escalation.engaged").size() == 4);
}

TEST_CASE("a passed engagement deadline is a breach and escalates at once", "[engine]") {
  // Make the harm rule's ack timeout long so only the 24h target can move it.
  auto yaml = test::testco_yaml();
  yaml.replace(yaml.find("    target: 24h\n"), std::string("    target: 24h\n").size(),
               "    target: 24h\n    ack_timeout: 20h\n");
  harness h(yaml);
  auto id = h.submit("incident", "chat", "k1", {{"customer_harm", true}});
  h.advance(20h);
  CHECK(h.paged(id, "caio") == "bob");
  h.advance(4h);
  auto breaches = h.records("deadline.breached");
  REQUIRE(breaches.size() == 2);  // caio and gc
  CHECK(breaches[0].at == at("2026-11-24T09:00:00"));
  // The breach skipped cy and went straight up caio's escalates_to: the board's chair.
  CHECK(h.paged(id, "caio") == "hal");
  CHECK(h.eng->totals().breaches == 2);
  REQUIRE(h.eng->acknowledge(id, "hal").has_value());
  auto by_rule = h.eng->latency_by_rule();
  CHECK(by_rule["harm"].breaches >= 1);
}

TEST_CASE("an acknowledged, unresolved incident gets reminders on the interval", "[engine]") {
  harness h;
  auto id = h.submit("anomaly", "chat", "k1");
  REQUIRE(h.eng->acknowledge(id, "bea").has_value());
  h.advance(4h - 1s);
  CHECK(h.records("reminder.sent").empty());
  h.advance(1s);
  CHECK(h.records("reminder.sent").size() == 1);
  h.advance(4h);
  CHECK(h.records("reminder.sent").size() == 2);
  std::size_t reminders = 0;
  for (const auto& n : h.recorder->sent()) {
    reminders += n.kind == notifiers::notification_kind::reminder ? 1 : 0;
  }
  CHECK(reminders == 2);
  REQUIRE(h.eng->resolve(id, "person:bea").has_value());
  h.advance(8h);
  CHECK(h.records("reminder.sent").size() == 2);
}

TEST_CASE("a configuration reload does not change an open incident's rules", "[engine]") {
  harness h;
  auto old_incident = h.submit("incident", "chat", "old");
  const auto v1 = h.org->version;
  // Version 2 sends harm to the DPO instead.
  auto yaml2 = test::testco_yaml();
  yaml2.replace(yaml2.find("to: [caio, gc]"), std::string("to: [caio, gc]").size(), "to: [dpo]");
  auto org2 = test::load_org(h.dir, yaml2, "v2.yaml");
  REQUIRE(org2->version != v1);
  h.eng->load_config(org2);
  // Holders of the old incident's roles, not only the person paged, can still engage.
  REQUIRE(h.paged(old_incident, "bu_owner") == "bea");
  auto ack = h.eng->acknowledge(old_incident, "ben");
  REQUIRE(ack.has_value());
  CHECK(ack->engaged_roles == strings{"bu_owner"});
  auto loaded = h.records("config.loaded");
  REQUIRE(loaded.size() == 2);
  CHECK_THAT(loaded[1].details, Catch::Contains(org2->version));

  h.submit("incident_update", "chat", "old", {{"customer_harm", true}});
  CHECK(h.accountable(old_incident) == strings{"caio", "gc"});
  auto fresh = h.submit("incident", "chat", "new", {{"customer_harm", true}});
  CHECK(h.accountable(fresh) == strings{"dpo"});
  CHECK(h.eng->find_incident(old_incident)->org->version == v1);
  CHECK(h.db->find_incident(old_incident)->config_version == v1);
  CHECK(h.db->find_incident(fresh)->config_version == org2->version);
  auto fired = h.records("rule.fired");
  REQUIRE(fired.size() == 2);
  CHECK_THAT(fired[0].details, Catch::Contains(v1));
  CHECK_THAT(fired[1].details, Catch::Contains(org2->version));
}

TEST_CASE("rules with working_hours_only skip holders outside their hours", "[engine]") {
  auto rules = R"(  - id: quiet
    description: Drift, only during working hours
    when: event.type == "drift"
    from: bu_owner
    to: [caio]
    working_hours_only: true
)";
  auto yaml = test::testco_yaml("", rules);
  // Ada and Bob away: cy (New York, 09:00-17:00) is next. 09:00 Berlin is 03:00 in New York.
  yaml.replace(yaml.find("{id: ada, name: Ada, contacts"), std::string("{id: ada, name: Ada, contacts").size(),
               "{id: ada, name: Ada, out_of_office: [{from: 2026-11-01, until: 2026-12-01}], contacts");
  yaml.replace(yaml.find("{id: bob, name: Bob, contacts"), std::string("{id: bob, name: Bob, contacts").size(),
               "{id: bob, name: Bob, out_of_office: [{from: 2026-11-01, until: 2026-12-01}], contacts");
  harness h(yaml);
  auto id = h.submit("drift", "chat", "k1");
  CHECK(h.paged(id, "caio") == "hal");
  auto resolved = h.records("holder.resolved");
  REQUIRE_FALSE(resolved.empty());
  CHECK_THAT(resolved.back().details, Catch::Contains("cy outside working hours (09:00-17:00 America/New_York)"));
  // The urgent harm rule pages cy at any hour.
  auto urgent = h.submit("incident", "chat", "k2", {{"customer_harm", true}});
  CHECK(h.paged(urgent, "caio") == "cy");
}

TEST_CASE("every state change is in the log and the chain verifies", "[engine]") {
  harness h;
  auto id = h.submit("incident", "chat", "k1", {{"customer_harm", true}});
  h.advance(20min);
  REQUIRE(h.eng->acknowledge(id, "bob").has_value());
  REQUIRE(h.eng->acknowledge(id, "gus").has_value());
  REQUIRE(h.eng->resolve(id, "person:bob").has_value());
  for (const char* kind : {"config.loaded", "event.received", "incident.opened", "rule.fired", "accountability.moved",
                           "holder.resolved", "notification.sent", "escalation.unacknowledged", "escalation.engaged",
                           "acknowledged", "incident.acknowledged", "incident.resolved"}) {
    INFO(kind);
    CHECK_FALSE(h.records(kind).empty());
  }
  auto v = store::verify(*h.db);
  CHECK(v.ok);
  CHECK(v.records == h.eng->log_head().seq);
}

TEST_CASE("the governance owner told of an unowned escalation can take it by acknowledging", "[engine]") {
  harness h;
  auto id = h.submit("intake", "chat", "k1");
  REQUIRE(h.eng->acknowledge(id, "bea").has_value());
  h.advance(48h);  // dpo runs out: dan, gc, board, twice
  bool told = false;
  for (const auto& n : h.recorder->sent()) {
    if (n.kind == notifiers::notification_kind::unowned) {
      told = true;
      CHECK_THAT(n.reason, Catch::Contains("acknowledge to take ownership as the governance owner (caio)"));
      CHECK_THAT(n.body, Catch::Contains("Acknowledge: POST /v1/incidents/1/ack"));
    }
  }
  REQUIRE(told);
  // ada holds caio, which is not on dpo's ladder (dpo -> gc -> board): she may take it
  // because it is unowned and she holds the governance owner role.
  auto r = h.eng->acknowledge(id, "ada");
  REQUIRE(r.has_value());
  CHECK(r->engaged_roles == strings{"dpo"});
  CHECK(r->incident_acknowledged);
}

TEST_CASE("a breach with no level above is told to the holder paged and the governance owner", "[engine]") {
  // drift: the board becomes accountable with a 30m target; the board has no
  // escalates_to, so at 30m there is nowhere higher to page.
  harness h(test::testco_yaml("", R"(  - id: board_drift
    threshold: "9"
    description: Drift straight to the board
    when: event.type == "drift"
    from: bu_owner
    to: [board]
    target: 30m
)"));
  auto id = h.submit("drift", "chat", "k1");
  REQUIRE(h.accountable(id) == strings{"board"});
  CHECK(h.paged(id, "board") == "hal");
  h.advance(30min);
  REQUIRE(h.records("deadline.breached").size() == 1);
  strings breach_notices;
  for (const auto& n : h.recorder->sent()) {
    if (n.kind == notifiers::notification_kind::breach) {
      breach_notices.push_back(n.person + "@" + n.role);
      CHECK_THAT(n.subject, Catch::Contains("deadline breached: incident 1"));
    }
  }
  CHECK(breach_notices == strings{"hal@board", "ada@caio"});
  CHECK(h.records("notification.sent").size() >= 3);
}

TEST_CASE("a breach of an unowned escalation is told to the governance owner", "[engine]") {
  harness h(test::testco_yaml("", R"(  - id: dpo_fast
    threshold: "9"
    description: Anomaly to the DPO with a three-day target
    when: event.type == "anomaly"
    from: bu_owner
    to: [dpo]
    target: 72h
)"));
  auto id = h.submit("anomaly", "chat", "k1");
  REQUIRE(h.accountable(id) == strings{"dpo"});
  h.advance(48h);
  REQUIRE(h.records("incident.unowned").size() == 1);
  const auto before = h.recorder->sent().size();
  h.advance(24h);  // the 72h target passes while nobody owns it
  REQUIRE(h.records("deadline.breached").size() == 1);
  strings after;
  const auto sent = h.recorder->sent();  // a copy: sent() returns the list by value
  for (std::size_t i = before; i < sent.size(); ++i) {
    after.push_back(std::string(notifiers::to_string(sent[i].kind)) + ":" + sent[i].person);
  }
  CHECK(after == strings{"breach:ada"});
}

namespace {

// Wes works 09:00-17:00 Berlin, Monday to Friday, and alone holds the ethics role, which
// a working-hours-only rule makes accountable for drift.
std::string office_hours_yaml() {
  auto yaml = test::testco_yaml(
      "  - {id: wes, name: Wes, contacts: [{notifier: rec, address: wes@t.example}], working_hours: {days: [mon, "
      "tue, wed, thu, fri], start: \"09:00\", end: \"17:00\"}, accepted: {date: 2026-01-01, version: \"1\"}, "
      "training: {completed: 2026-01-01, expires: 2027-06-01}}\n",
      R"(  - id: ethics_review
    description: Drift goes to the ethics lead, in office hours
    when: event.type == "drift"
    from: bu_owner
    to: [ethics]
    working_hours_only: true
)");
  yaml.replace(yaml.find("roles:\n"), 7, "roles:\n  - {id: ethics, title: Ethics Lead, primary: wes}\n");
  return yaml;
}

}  // namespace

TEST_CASE("a working-hours-only ladder outside everyone's hours waits for the next working time", "[engine]") {
  harness h(office_hours_yaml(), "2026-11-23T20:00:00");  // Monday evening
  auto id = h.submit("drift", "chat", "k1");
  REQUIRE(h.accountable(id) == strings{"ethics"});
  CHECK(h.paged(id, "ethics").empty());
  CHECK(h.records("incident.unowned").empty());
  auto waiting = h.records("escalation.waiting");
  REQUIRE(waiting.size() == 1);
  CHECK_THAT(waiting[0].details, Catch::Contains("\"until\":\"2026-11-24T08:00:00Z\""));
  CHECK_THAT(waiting[0].details, Catch::Contains("wes outside working hours"));
  h.advance(12h + 59min);
  CHECK(h.paged(id, "ethics").empty());
  h.advance(1min);  // Tuesday 09:00
  CHECK(h.paged(id, "ethics") == "wes");
  CHECK(h.records("incident.unowned").empty());
}

TEST_CASE("reminders about a non-urgent incident wait for the holder's working hours", "[engine]") {
  harness h(office_hours_yaml(), "2026-11-24T09:00:00");  // Tuesday morning
  auto id = h.submit("drift", "chat", "k1");
  REQUIRE(h.paged(id, "ethics") == "wes");
  h.advance(5min);
  REQUIRE(h.eng->acknowledge(id, "wes").has_value());
  auto reminder_times = [&] {
    strings out;
    for (const auto& n : h.recorder->sent()) {
      if (n.kind == notifiers::notification_kind::reminder) {
        out.push_back(format_iso(n.created_at));
      }
    }
    return out;
  };
  h.advance(24h);
  // 13:05 is in hours; 17:05 is not, so the next comes at 09:00 Wednesday.
  CHECK(reminder_times() == strings{"2026-11-24T12:05:00Z", "2026-11-25T08:00:00Z"});
  auto deferred = h.records("reminder.deferred");
  REQUIRE(deferred.size() == 1);
  CHECK_THAT(deferred[0].details, Catch::Contains("\"until\":\"2026-11-25T08:00:00Z\""));
}

TEST_CASE("a reload swaps the notifiers, an open incident keeps its own version's", "[engine]") {
  test::temp_dir dir;
  auto a = test::load_org(dir, test::testco_yaml(), "a.yaml");
  auto b_yaml = test::testco_yaml();
  b_yaml.replace(b_yaml.find("ack_timeout: 15m"), 16, "ack_timeout: 20m");
  auto b = test::load_org(dir, b_yaml, "b.yaml");
  REQUIRE(a->version != b->version);
  engine::manual_clock clock(test::at("2026-11-23T09:00:00"));
  store::sqlite_store db(dir.path() / "baton.db");
  // One recorder per version: what each version's notifiers delivered.
  std::map<std::string, notifiers::recording_notifier*> recorders;
  int made = 0;
  engine::engine eng(
      clock, db,
      [&](const config::organisation& org) {
        ++made;
        auto set = std::make_shared<notifiers::notifier_set>();
        auto r = std::make_unique<notifiers::recording_notifier>("rec");
        recorders[org.version] = r.get();
        set->add(std::move(r));
        return set;
      },
      a);
  engine::event e;
  e.type = "anomaly";
  e.system = "chat";
  e.dedup_key = "old";
  REQUIRE(eng.submit(e).has_value());
  REQUIRE(eng.load_config(b).has_value());
  e.dedup_key = "new";
  REQUIRE(eng.submit(e).has_value());
  // The old incident's timeout pages ben through version a's notifiers.
  engine::run_until(clock, eng, clock.now() + 15min);
  auto people = [&](const std::string& version) {
    strings out;
    for (const auto& n : recorders.at(version)->sent()) {
      out.push_back(fmt::format("{}:{}", n.incident_id, n.person));
    }
    return out;
  };
  CHECK(people(a->version) == strings{"1:bea", "1:ben"});
  CHECK(people(b->version) == strings{"2:bea"});
  CHECK(made == 2);
}
