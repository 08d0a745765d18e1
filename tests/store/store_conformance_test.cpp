// The store contract (store/store.hpp), run against every store so they stay equivalent.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "tests/store/store_fixtures.hpp"

namespace baton::store::testing {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

incident_row make_incident(std::int64_t id, std::string state) {
  incident_row r;
  r.id = id;
  r.dedup_key = "dedup-" + std::to_string(id);
  r.system = "credit-scoring-v3";
  r.event_type = "incident";
  r.severity = "high";
  r.summary = "Applicants denied: \"unexpected\" score drift, 'quoted', ümlaut";
  r.state = std::move(state);
  r.config_version = "cfg-7";
  r.opened_at = t0() + minutes(id);
  r.updated_at = t0() + minutes(id + 1);
  r.event_count = id * 2;
  r.accountable = R"([{"role":"caio","holder":"ada","engaged":false}])";
  r.fired_rules = R"(["T1","T4"])";
  return r;
}

escalation_row make_escalation(std::int64_t id, std::int64_t incident_id) {
  escalation_row r;
  r.id = id;
  r.incident_id = incident_id;
  r.role = "caio";
  r.rule = id % 2 == 0 ? "" : "T1";
  r.state = "paging";
  r.triggered_at = t0() + minutes(id);
  r.engaged_by = "";
  r.rung = 1;
  r.round = 0;
  r.paged = "ada";
  return r;
}

notification_row make_notification(std::string key, std::int64_t incident_id, timestamp created) {
  notification_row r;
  r.idempotency_key = std::move(key);
  r.incident_id = incident_id;
  r.escalation_id = incident_id * 10;
  r.kind = "page";
  r.person = "ada";
  r.role = "caio";
  r.notifier = "webhook-main";
  r.address = "https://hooks.example/ada";
  r.payload = R"({"text":"page"})";
  r.state = "pending";
  r.attempts = 0;
  r.created_at = created;
  return r;
}

}  // namespace

TEMPLATE_TEST_CASE("stores upsert, find and list incidents", "[store]", sqlite_fixture, memory_fixture) {
  TestType f;
  store& s = f.get();
  REQUIRE(s.max_incident_id() == 0);
  REQUIRE_FALSE(s.find_incident(1));

  auto open = make_incident(1, "open");
  auto resolved = make_incident(2, "resolved");
  resolved.resolved_at = t0() + hours(5);
  auto acknowledged = make_incident(3, "acknowledged");
  s.upsert_incident(resolved);
  s.upsert_incident(open);
  s.upsert_incident(acknowledged);
  f.reopen();
  store& r = f.get();

  auto found = r.find_incident(1);
  REQUIRE(found);
  CHECK(same(*found, open));
  CHECK_FALSE(found->resolved_at);
  found = r.find_incident(2);
  REQUIRE(found);
  CHECK(same(*found, resolved));
  REQUIRE(found->resolved_at);
  CHECK(*found->resolved_at == t0() + hours(5));

  CHECK(same(r.incidents(false), std::vector<incident_row>{open, resolved, acknowledged}));
  CHECK(same(r.incidents(true), std::vector<incident_row>{open, acknowledged}));
  CHECK(r.max_incident_id() == 3);

  // Upsert replaces every field, including clearing an optional one.
  resolved.state = "open";
  resolved.resolved_at.reset();
  resolved.event_count = 99;
  resolved.summary = "reopened";
  r.upsert_incident(resolved);
  CHECK(same(*r.find_incident(2), resolved));
  CHECK(r.incidents(true).size() == 3);
  CHECK(r.incidents(false).size() == 3);
}

TEMPLATE_TEST_CASE("stores upsert and list escalations by incident", "[store]", sqlite_fixture, memory_fixture) {
  TestType f;
  store& s = f.get();
  auto a = make_escalation(1, 10);
  auto b = make_escalation(2, 20);
  auto c = make_escalation(3, 10);
  c.target_at = t0() + hours(24);
  c.engaged_at = t0() + hours(2);
  c.engaged_by = "grace";
  c.state = "engaged";
  c.rung = 2;
  c.round = 1;
  c.breached = true;
  s.upsert_escalation(c);
  s.upsert_escalation(a);
  s.upsert_escalation(b);
  f.reopen();
  store& r = f.get();

  CHECK(same(r.escalations(10), std::vector<escalation_row>{a, c}));
  CHECK(same(r.escalations(20), std::vector<escalation_row>{b}));
  CHECK(same(r.escalations(0), std::vector<escalation_row>{a, b, c}));
  CHECK(r.escalations(30).empty());
  CHECK(r.max_escalation_id() == 3);

  // Moving an escalation to another incident moves it between the lists.
  a.incident_id = 20;
  a.target_at = t0() + hours(1);
  r.upsert_escalation(a);
  CHECK(same(r.escalations(10), std::vector<escalation_row>{c}));
  CHECK(same(r.escalations(20), std::vector<escalation_row>{a, b}));
}

TEMPLATE_TEST_CASE("stores list timers by due time, then id", "[store]", sqlite_fixture, memory_fixture) {
  TestType f;
  store& s = f.get();
  s.put_timer({4, t0() + minutes(30), "ack_timeout", 1, 1});
  s.put_timer({2, t0() + minutes(10), "target", 1, 0});
  s.put_timer({3, t0() + minutes(10), "reminder", 2, 5});
  s.put_timer({1, t0() + minutes(20), "ack_timeout", 2, 6});
  f.reopen();
  store& r = f.get();

  auto ids = [&] {
    std::vector<std::int64_t> out;
    for (const auto& t : r.timers()) {
      out.push_back(t.id);
    }
    return out;
  };
  CHECK(ids() == std::vector<std::int64_t>{2, 3, 1, 4});
  CHECK(same(r.timers().front(), timer_row{2, t0() + minutes(10), "target", 1, 0}));
  CHECK(same(r.timers().back(), timer_row{4, t0() + minutes(30), "ack_timeout", 1, 1}));

  // Rescheduling moves a timer; deleting removes it but its id stays spent.
  r.put_timer({4, t0() + minutes(5), "ack_timeout", 1, 1});
  CHECK(ids() == std::vector<std::int64_t>{4, 2, 3, 1});
  r.delete_timer(4);
  r.delete_timer(42);  // unknown: nothing happens
  CHECK(ids() == std::vector<std::int64_t>{2, 3, 1});
  CHECK(r.max_timer_id() == 4);
  f.reopen();
  CHECK(f.get().max_timer_id() == 4);

  // Ids handed out to timers that never reached the store stay spent too; the mark
  // never goes down.
  f.get().keep_timer_ids(9);
  f.get().keep_timer_ids(6);
  f.reopen();
  CHECK(f.get().max_timer_id() == 9);
}

TEMPLATE_TEST_CASE("stores keep one notification per idempotency key", "[store]", sqlite_fixture, memory_fixture) {
  TestType f;
  store& s = f.get();
  auto n1 = make_notification("inc1-esc1-ada-1", 1, t0() + minutes(2));
  auto n2 = make_notification("inc1-esc1-bob-1", 1, t0() + minutes(1));
  auto n3 = make_notification("inc2-esc4-ada-1", 2, t0() + minutes(1));
  n3.next_attempt_at = t0() + minutes(3);
  n3.last_error = "HTTP 503";
  s.put_notification(n1);
  s.put_notification(n2);
  s.put_notification(n3);
  f.reopen();
  store& r = f.get();

  CHECK(same(r.notifications(1), std::vector<notification_row>{n2, n1}));
  CHECK(same(r.notifications(2), std::vector<notification_row>{n3}));
  CHECK(same(r.notifications(0), std::vector<notification_row>{n2, n3, n1}));

  n1.state = "delivered";
  n1.attempts = 2;
  n1.next_attempt_at = t0() + minutes(9);
  r.put_notification(n1);
  auto listed = r.notifications(1);
  REQUIRE(listed.size() == 2);
  CHECK(same(listed[1], n1));
  CHECK(r.notifications(0).size() == 3);
}

TEMPLATE_TEST_CASE("stores keep configuration versions", "[store]", sqlite_fixture, memory_fixture) {
  TestType f;
  store& s = f.get();
  config_version_row v1{"sha256:abc", t0(), R"({"baton.yaml":"organisation: {}\n"})"};
  s.put_config_version(v1);
  f.reopen();
  store& r = f.get();
  auto found = r.find_config_version("sha256:abc");
  REQUIRE(found);
  CHECK(same(*found, v1));
  CHECK_FALSE(r.find_config_version("sha256:other"));
  v1.sources = "{}";
  r.put_config_version(v1);
  CHECK(r.find_config_version("sha256:abc")->sources == "{}");
}

TEMPLATE_TEST_CASE("the current configuration version is the one loaded last", "[store]", sqlite_fixture,
                   memory_fixture) {
  TestType f;
  store& s = f.get();
  CHECK_FALSE(s.current_config_version());
  // Loaded A, then B, then A again at the same instant: A is current.
  s.put_config_version({"a", t0(), "{}", 1});
  s.put_config_version({"b", t0(), "{}", 5});
  CHECK(s.current_config_version()->version == "b");
  s.put_config_version({"a", t0(), "{}", 9});
  f.reopen();
  auto current = f.get().current_config_version();
  REQUIRE(current);
  CHECK(current->version == "a");
  CHECK(current->loaded_seq == 9);
}

TEMPLATE_TEST_CASE("stores list the escalations of incidents not resolved", "[store]", sqlite_fixture,
                   memory_fixture) {
  TestType f;
  store& s = f.get();
  auto open = make_incident(10, "acknowledged");
  auto done = make_incident(20, "resolved");
  open.reminders_sent = 3;
  s.upsert_incident(open);
  s.upsert_incident(done);
  auto also_open = make_incident(5, "open");
  s.upsert_incident(also_open);
  s.upsert_escalation(make_escalation(3, 10));
  s.upsert_escalation(make_escalation(1, 10));
  s.upsert_escalation(make_escalation(2, 20));
  s.upsert_escalation(make_escalation(4, 5));
  f.reopen();
  // By incident, then id.
  auto listed = f.get().open_escalations();
  REQUIRE(listed.size() == 3);
  CHECK(listed[0].id == 4);
  CHECK(listed[1].id == 1);
  CHECK(listed[2].id == 3);
  CHECK(f.get().count_open_incidents() == 2);
  CHECK(f.get().find_incident(10)->reminders_sent == 3);
}

TEMPLATE_TEST_CASE("committed transactions keep every change", "[store]", sqlite_fixture, memory_fixture) {
  TestType f;
  store& s = f.get();
  audit_log log(s);
  s.begin();
  s.upsert_incident(make_incident(1, "open"));
  s.put_timer({1, t0(), "ack_timeout", 1, 0});
  log.append(t0(), "engine", "incident.opened", 1, {{"id", 1}});
  s.commit();
  f.reopen();
  store& r = f.get();
  CHECK(r.find_incident(1));
  CHECK(r.timers().size() == 1);
  CHECK(r.head().seq == 1);
  CHECK(verify(r).ok);
}

TEMPLATE_TEST_CASE("rolled-back transactions restore the state at begin", "[store]", sqlite_fixture, memory_fixture) {
  TestType f;
  store& s = f.get();
  auto incident = make_incident(1, "open");
  auto escalation = make_escalation(1, 1);
  auto notification = make_notification("k1", 1, t0());
  s.upsert_incident(incident);
  s.upsert_escalation(escalation);
  s.put_timer({1, t0(), "ack_timeout", 1, 1});
  s.put_timer({2, t0() + minutes(1), "target", 1, 1});
  s.put_notification(notification);
  s.put_config_version({"v1", t0(), "{}"});
  audit_log log(s);
  log.append(t0(), "engine", "incident.opened", 1, {{"id", 1}});
  const log_head head_before = s.head();

  s.begin();
  auto changed = incident;
  changed.state = "resolved";
  changed.resolved_at = t0() + hours(1);
  s.upsert_incident(changed);
  changed.summary = "changed twice in one transaction";
  s.upsert_incident(changed);
  s.upsert_incident(make_incident(2, "open"));
  auto moved = escalation;
  moved.incident_id = 2;
  s.upsert_escalation(moved);
  s.upsert_escalation(make_escalation(2, 1));
  s.delete_timer(1);
  s.put_timer({2, t0() + hours(9), "target", 1, 1});
  s.put_timer({7, t0(), "reminder", 1, 0});
  auto delivered = notification;
  delivered.state = "delivered";
  s.put_notification(delivered);
  s.put_notification(make_notification("k2", 1, t0()));
  s.put_config_version({"v1", t0(), "changed"});
  s.put_config_version({"v2", t0(), "{}"});
  log.append(t0() + minutes(1), "engine", "rule.fired", 1, {{"rule", "T1"}});
  log.append(t0() + minutes(2), "engine", "accountability.moved", 1, {{"to", "caio"}});
  CHECK(s.head().seq == 3);
  s.rollback();

  CHECK(same(*s.find_incident(1), incident));
  CHECK_FALSE(s.find_incident(2));
  CHECK(s.max_incident_id() == 1);
  CHECK(same(s.escalations(1), std::vector<escalation_row>{escalation}));
  CHECK(s.escalations(2).empty());
  CHECK(s.timers().size() == 2);
  CHECK(same(s.timers()[0], timer_row{1, t0(), "ack_timeout", 1, 1}));
  CHECK(same(s.timers()[1], timer_row{2, t0() + minutes(1), "target", 1, 1}));
  CHECK(s.max_timer_id() == 2);
  CHECK(same(s.notifications(0), std::vector<notification_row>{notification}));
  CHECK(s.find_config_version("v1")->sources == "{}");
  CHECK_FALSE(s.find_config_version("v2"));
  CHECK(s.head().seq == head_before.seq);
  CHECK(s.head().hash == head_before.hash);
  CHECK(all_records(s).size() == 1);

  // The audit log still holds the rolled-back head until told to re-read it.
  CHECK(log.head().seq == 3);
  CHECK_THROWS_AS(log.append(t0(), "engine", "x", 0, {}), std::runtime_error);
  log.reload_head();
  CHECK(log.append(t0() + minutes(3), "engine", "acknowledged", 1, {{"by", "ada"}}) == 2);
  CHECK(verify(s).ok);
}

TEMPLATE_TEST_CASE("transaction misuse is refused", "[store]", sqlite_fixture, memory_fixture) {
  TestType f;
  store& s = f.get();
  CHECK_THROWS_AS(s.commit(), std::logic_error);
  s.rollback();  // without a transaction: harmless
  s.begin();
  CHECK_THROWS_AS(s.begin(), std::logic_error);
  s.rollback();
  {
    transaction tx(s);
    s.upsert_incident(make_incident(1, "open"));
  }  // not committed: rolled back
  CHECK_FALSE(s.find_incident(1));
  {
    transaction tx(s);
    s.upsert_incident(make_incident(1, "open"));
    tx.commit();
  }
  CHECK(s.find_incident(1));
}

TEMPLATE_TEST_CASE("stores work without an explicit transaction", "[store]", sqlite_fixture, memory_fixture) {
  TestType f;
  store& s = f.get();
  audit_log log(s);
  s.upsert_incident(make_incident(5, "open"));
  log.append(t0(), "engine", "incident.opened", 5, {{"id", 5}});
  log.append(t0(), "engine", "rule.fired", 5, {{"rule", "T2"}});
  f.reopen();
  CHECK(f.get().find_incident(5));
  CHECK(f.get().head().seq == 2);
  CHECK(verify(f.get()).ok);
}

TEMPLATE_TEST_CASE("append_log only accepts the record that follows the head", "[store]", sqlite_fixture,
                   memory_fixture) {
  TestType f;
  store& s = f.get();
  append_records(s, 3);
  auto last = record_at(s, 3);

  log_record gap = last;
  gap.seq = 5;
  gap.prev_hash = last.hash;
  CHECK_THROWS_AS(s.append_log(gap), std::runtime_error);
  log_record wrong_link = last;
  wrong_link.seq = 4;
  wrong_link.prev_hash = genesis_hash;
  CHECK_THROWS_AS(s.append_log(wrong_link), std::runtime_error);
  CHECK_THROWS_AS(s.append_log(last), std::runtime_error);  // a replay

  CHECK(s.head().seq == 3);
  CHECK(s.head().hash == last.hash);
  CHECK(all_records(s).size() == 3);

  // Inside a transaction the refusal changes nothing either, and the rest commits.
  s.begin();
  CHECK_THROWS_AS(s.append_log(gap), std::runtime_error);
  s.commit();
  CHECK(verify(s).ok);
}

TEMPLATE_TEST_CASE("read_log filters by time, both bounds inclusive", "[store]", sqlite_fixture, memory_fixture) {
  TestType f;
  store& s = f.get();
  append_records(s, 10);  // record i at t0 + i seconds
  using std::chrono::seconds;
  auto seqs = [&](const log_range& range) {
    std::vector<std::int64_t> out;
    s.read_log(range, [&](const log_record& r) { out.push_back(r.seq); });
    return out;
  };
  CHECK(seqs({}) == std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  CHECK(seqs({t0() + seconds(3), t0() + seconds(5)}) == std::vector<std::int64_t>{3, 4, 5});
  CHECK(seqs({t0() + seconds(9), std::nullopt}) == std::vector<std::int64_t>{9, 10});
  CHECK(seqs({std::nullopt, t0() + seconds(2)}) == std::vector<std::int64_t>{1, 2});
  CHECK(seqs({t0() + seconds(11), std::nullopt}).empty());
  CHECK(seqs({t0() + std::chrono::milliseconds(3001), t0() + std::chrono::milliseconds(3999)}).empty());
}

TEMPLATE_TEST_CASE("the log head survives reopening and the chain continues", "[store]", sqlite_fixture,
                   memory_fixture) {
  TestType f;
  CHECK(f.get().head().seq == 0);
  CHECK(f.get().head().hash == genesis_hash);
  append_records(f.get(), 10);
  const log_head before = f.get().head();
  f.reopen();
  store& s = f.get();
  CHECK(s.head().seq == 10);
  CHECK(s.head().hash == before.hash);
  audit_log log(s);
  CHECK(log.head().seq == 10);
  CHECK(log.append(t0() + std::chrono::hours(1), "engine", "incident.resolved", 3, {{"by", "ada"}}) == 11);
  CHECK(record_at(s, 11).prev_hash == before.hash);
  auto result = verify(s);
  CHECK(result.ok);
  CHECK(result.records == 11);
}

}  // namespace baton::store::testing
