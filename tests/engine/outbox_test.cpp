// The outbox (engine/outbox.cpp): notifications are rows first, deliveries second.
#include <catch2/catch.hpp>

#include <functional>

#include "store/sqlite_store.hpp"
#include "tests/engine/counting_store.hpp"
#include "tests/engine/harness.hpp"
#include "tests/notifiers/fake_notifiers.hpp"

using namespace baton;
using namespace std::chrono_literals;

namespace {

// Runs `check` at every delivery, then delivers.
class watching_notifier final : public notifiers::notifier {
 public:
  watching_notifier(std::string id, std::function<void(const notifiers::notification&)> check)
      : notifier(std::move(id)), check_(std::move(check)) {}
  std::vector<notifiers::notification> seen;

 protected:
  notifiers::delivery_result do_deliver(const notifiers::notification& n) override {
    check_(n);
    seen.push_back(n);
    return notifiers::delivery_result::ok();
  }

 private:
  std::function<void(const notifiers::notification&)> check_;
};

engine::event anomaly(const std::string& key) {
  engine::event e;
  e.type = "anomaly";
  e.system = "chat";
  e.dedup_key = key;
  return e;
}

}  // namespace

TEST_CASE("a notification is delivered only after the change that caused it is on disk", "[engine][outbox]") {
  test::temp_dir dir;
  auto org = test::load_org(dir, test::testco_yaml());
  engine::manual_clock clock(test::at("2026-11-23T09:00:00"));
  const auto path = dir.path() / "baton.db";
  store::sqlite_store db(path);
  int checked = 0;
  notifiers::notifier_set set;
  auto watcher = std::make_unique<watching_notifier>("rec", [&](const notifiers::notification& n) {
    // Another connection, as another process would see the file: the incident, the
    // records that paged, and the queued row with the whole message are all committed.
    auto reader = store::sqlite_store::open_read_only(path);
    REQUIRE(reader->find_incident(n.incident_id).has_value());
    bool queued = false;
    for (const auto& row : reader->notifications(n.incident_id)) {
      if (row.idempotency_key == n.idempotency_key) {
        queued = true;
        CHECK(row.state == "pending");
        CHECK_THAT(row.payload, Catch::Contains(n.subject));
      }
    }
    CHECK(queued);
    ++checked;
  });
  auto* w = watcher.get();
  set.add(std::move(watcher));
  engine::engine eng(clock, db, set, org);
  REQUIRE(eng.submit(anomaly("k1")).has_value());
  CHECK(checked == 1);
  // Then its outcome is recorded, as an operation of its own.
  auto rows = db.notifications(1);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].state == "delivered");
  CHECK(rows[0].attempts == 1);
  CHECK(w->seen.size() == 1);
}

TEST_CASE("a batch that fails delivers nothing", "[engine][outbox]") {
  test::temp_dir dir;
  auto org = test::load_org(dir, test::testco_yaml());
  engine::manual_clock clock(test::at("2026-11-23T09:00:00"));
  test::counting_store db(dir.path() / "baton.db");
  notifiers::notifier_set set;
  auto rec = std::make_unique<notifiers::recording_notifier>("rec");
  auto* r = rec.get();
  set.add(std::move(rec));
  engine::engine eng(clock, db, set, org);
  db.fail_commit = true;
  auto out = eng.submit(anomaly("k1"));
  REQUIRE_FALSE(out.has_value());
  CHECK(r->sent().empty());  // bea was never paged for an incident that does not exist
  CHECK(db.notifications(0).empty());
}

TEST_CASE("notifications not yet delivered at a stop go out after the restart, with the same key",
          "[engine][outbox]") {
  test::temp_dir dir;
  auto org = test::load_org(dir, test::testco_yaml());
  engine::manual_clock clock(test::at("2026-11-23T09:00:00"));
  const auto path = dir.path() / "baton.db";
  std::string first_key;
  {
    test::counting_store db(path);
    notifiers::notifier_set set;
    // Delivered, but recording the outcome fails: the engine stops with the row still
    // pending, as after a crash between the delivery and its record.
    set.add(std::make_unique<watching_notifier>("rec", [&](const notifiers::notification& n) {
      first_key = n.idempotency_key;
      db.fail_commit = true;
    }));
    engine::engine eng(clock, db, set, org);
    auto out = eng.submit(anomaly("k1"));
    REQUIRE(out.has_value());  // the event itself was committed
    CHECK_FALSE(eng.stopped().empty());
    db.fail_commit = false;
    auto rows = db.notifications(1);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].state == "pending");
  }
  store::sqlite_store db(path);
  notifiers::notifier_set set;
  auto rec = std::make_unique<notifiers::recording_notifier>("rec");
  auto* r = rec.get();
  set.add(std::move(rec));
  engine::engine eng(clock, db, set, org);
  // Delivered again at the restart: at least once, and the receiver can tell by the key.
  REQUIRE(r->sent().size() == 1);
  CHECK(r->sent()[0].idempotency_key == first_key);
  CHECK(r->sent()[0].person == "bea");
  CHECK(db.notifications(1)[0].state == "delivered");
  int recovered = 0;
  db.read_log({}, [&](const store::log_record& rec_) {
    if (rec_.kind == "engine.recovered") {
      ++recovered;
      CHECK_THAT(rec_.details, Catch::Contains("\"undelivered_notifications\":1"));
    }
  });
  CHECK(recovered == 1);
}

namespace {

// Testco with a second notifier (mail) for ada, the governance owner's holder, and at
// most three attempts per delivery through rec.
std::string two_channel_yaml() {
  auto yaml = test::testco_yaml();
  const std::string rec = "  - id: rec\n    type: recorder\n";
  yaml.replace(yaml.find(rec), rec.size(), rec + "    max_attempts: 3\n  - id: mail\n    type: recorder\n");
  const std::string ada = "{id: ada, name: Ada, contacts: [{notifier: rec, address: ada@t.example}]";
  yaml.replace(yaml.find(ada), ada.size(),
               "{id: ada, name: Ada, contacts: [{notifier: rec, address: ada@t.example}, {notifier: mail, address: "
               "ada@mail.example}]");
  return yaml;
}

struct two_channels {
  test::temp_dir dir;
  std::shared_ptr<const config::organisation> org = test::load_org(dir, two_channel_yaml());
  engine::manual_clock clock{test::at("2026-11-23T09:00:00")};
  store::sqlite_store db{dir.path() / "baton.db"};
  notifiers::notifier_set set;
  test::failing_notifier* rec = nullptr;
  notifiers::recording_notifier* mail = nullptr;
  std::unique_ptr<engine::engine> eng;

  two_channels(int failures, bool permanent) {
    auto r = std::make_unique<test::failing_notifier>("rec", failures, permanent);
    rec = r.get();
    set.add(std::move(r));
    auto m = std::make_unique<notifiers::recording_notifier>("mail");
    mail = m.get();
    set.add(std::move(m));
    eng = std::make_unique<engine::engine>(clock, db, set, org);
  }

  std::vector<store::log_record> records(const std::string& kind) {
    std::vector<store::log_record> out;
    db.read_log({}, [&](const store::log_record& r) {
      if (r.kind == kind) {
        out.push_back(r);
      }
    });
    return out;
  }
};

}  // namespace

TEST_CASE("a delivery that can be tried again is retried with backoff and the same key", "[engine][outbox]") {
  two_channels f(2, false);
  REQUIRE(f.eng->submit(anomaly("k1")).has_value());  // pages bea through rec: fails, 503
  auto retried = f.records("notification.retried");
  REQUIRE(retried.size() == 1);
  CHECK_THAT(retried[0].details, Catch::Contains("\"attempt\":1") && Catch::Contains("\"error\":\"http 503\""));
  auto row = f.db.notifications(1).front();
  CHECK(row.state == "pending");
  REQUIRE(row.next_attempt_at.has_value());
  // Backoff with jitter: the first retry 5 to 10 seconds after the first attempt.
  CHECK(*row.next_attempt_at >= test::at("2026-11-23T09:00:05"));
  CHECK(*row.next_attempt_at <= test::at("2026-11-23T09:00:10"));
  engine::run_until(f.clock, *f.eng, f.clock.now() + 1min);
  CHECK(f.records("notification.retried").size() == 2);
  auto sent = f.records("notification.sent");
  REQUIRE(sent.size() == 1);
  row = f.db.notifications(1).front();
  CHECK(row.state == "delivered");
  CHECK(row.attempts == 3);
  CHECK(f.rec->attempts() == 3);
  CHECK(f.eng->totals().notifications_retried == 2);
  CHECK(f.records("notification.dead").empty());
}

TEST_CASE("a delivery out of attempts is a dead letter, told to the governance owner another way",
          "[engine][outbox]") {
  two_channels f(100, false);  // rec answers 503 for ever; at most 3 attempts
  REQUIRE(f.eng->submit(anomaly("k1")).has_value());
  engine::run_until(f.clock, *f.eng, f.clock.now() + 10min);
  auto dead = f.records("notification.dead");
  REQUIRE(dead.size() >= 1);
  CHECK_THAT(dead[0].details, Catch::Contains("\"person\":\"bea\"") && Catch::Contains("3 attempts"));
  CHECK(f.eng->totals().notifications_dead >= 1);
  // ada (caio, the governance owner) hears of it through mail, not through rec.
  bool told = false;
  for (const auto& n : f.mail->sent()) {
    if (n.kind == notifiers::notification_kind::undeliverable) {
      told = true;
      CHECK(n.person == "ada");
      CHECK_THAT(n.reason, Catch::Contains("the page to bea as bu_owner through rec"));
      CHECK_THAT(n.subject, Catch::Contains("could not notify: incident 1"));
    }
  }
  CHECK(told);
}

TEST_CASE("a permanent failure is a dead letter at once", "[engine][outbox]") {
  two_channels f(100, true);
  REQUIRE(f.eng->submit(anomaly("k1")).has_value());
  CHECK(f.records("notification.retried").empty());
  auto dead = f.records("notification.dead");
  REQUIRE(dead.size() == 1);
  CHECK_THAT(dead[0].details, Catch::Contains("another attempt cannot help"));
  CHECK(f.db.notifications(1).front().state == "dead");
  CHECK_FALSE(f.mail->sent().empty());
}

TEST_CASE("a retry pending at a restart happens at its time after it", "[engine][outbox]") {
  test::temp_dir dir;
  const auto path = dir.path() / "baton.db";
  auto org = test::load_org(dir, two_channel_yaml());
  engine::manual_clock clock(test::at("2026-11-23T09:00:00"));
  timestamp next;
  {
    store::sqlite_store db(path);
    notifiers::notifier_set set;
    set.add(std::make_unique<test::failing_notifier>("rec", 1));
    set.add(std::make_unique<notifiers::recording_notifier>("mail"));
    engine::engine eng(clock, db, set, org);
    REQUIRE(eng.submit(anomaly("k1")).has_value());
    next = *db.notifications(1).front().next_attempt_at;
  }  // stopped with the retry pending
  store::sqlite_store db(path);
  notifiers::notifier_set set;
  auto rec = std::make_unique<notifiers::recording_notifier>("rec");
  auto* r = rec.get();
  set.add(std::move(rec));
  set.add(std::make_unique<notifiers::recording_notifier>("mail"));
  engine::engine eng(clock, db, set, org);
  CHECK(r->sent().empty());  // not before its time
  REQUIRE(eng.next_due().has_value());
  CHECK(*eng.next_due() == next);
  engine::run_until(clock, eng, next);
  REQUIRE(r->sent().size() == 1);
  CHECK(db.notifications(1).front().state == "delivered");
  CHECK(db.notifications(1).front().attempts == 2);
}

namespace {

// rec, whose first attempt hangs until released, and mail, a recorder: the notifiers of
// two_channel_yaml for the threaded-pipeline tests.
struct hanging_set {
  std::shared_ptr<notifiers::notifier_set> set = std::make_shared<notifiers::notifier_set>();
  test::hanging_notifier* rec = nullptr;
};

hanging_set hanging_channels() {
  hanging_set h;
  auto hang = std::make_unique<test::hanging_notifier>("rec", 1);
  h.rec = hang.get();
  h.set->add(std::move(hang));
  h.set->add(std::make_unique<notifiers::recording_notifier>("mail"));
  return h;
}

}  // namespace

TEST_CASE("through a threaded pipeline a hanging notifier holds up neither the engine nor other deliveries",
          "[engine][outbox][pipeline]") {
  using steady = std::chrono::steady_clock;
  test::temp_dir dir;
  auto yaml = two_channel_yaml();
  const std::string bounds = "    max_attempts: 3\n";
  yaml.replace(yaml.find(bounds), bounds.size(), bounds + "    attempt_timeout: 200ms\n");
  auto org = test::load_org(dir, yaml);
  engine::manual_clock clock(test::at("2026-11-23T09:00:00"));
  store::sqlite_store db(dir.path() / "baton.db");
  const auto channels = hanging_channels();
  const auto& set = channels.set;
  auto* rec = channels.rec;
  notifiers::threaded_pipeline pipeline;
  {
    engine::engine eng(
        clock, db, [&](const config::organisation&) { return set; }, org, pipeline);
    // Bea is paged through rec, which hangs: the event is answered all the same, with
    // the page committed and in flight.
    REQUIRE(eng.submit(anomaly("k1")).has_value());
    REQUIRE(rec->wait_entered(1, steady::now() + 10s));
    CHECK(eng.deliveries_in_flight() == 1);
    CHECK(db.notifications(1).front().state == "pending");
    // The engine goes on meanwhile: bea acknowledges while her page still hangs.
    auto ack = eng.acknowledge(1, "bea");
    REQUIRE(ack.has_value());
    CHECK_FALSE(ack->engaged_roles.empty());
    CHECK(rec->entered() == 1);
    // The hung attempt comes back as a retry once its deadline passes, and is recorded.
    std::size_t recorded = 0;
    const auto until = steady::now() + 20s;
    while (recorded == 0 && steady::now() < until) {
      pipeline.wait_done(until);
      recorded += eng.record_deliveries();
    }
    REQUIRE(recorded == 1);
    auto row = db.notifications(1).front();
    CHECK(row.state == "pending");
    CHECK(row.last_error == "no answer within 200ms");
    REQUIRE(row.next_attempt_at.has_value());
    // The retry, with the same key, goes out at its time and is delivered.
    clock.set(*row.next_attempt_at);
    eng.run_due();
    recorded = 0;
    while (recorded == 0 && steady::now() < until + 20s) {
      pipeline.wait_done(until + 20s);
      recorded += eng.record_deliveries();
    }
    CHECK(db.notifications(1).front().state == "delivered");
    CHECK(db.notifications(1).front().attempts == 2);
    CHECK(eng.deliveries_in_flight() == 0);
    CHECK(rec->entered() == 2);
  }
  rec->release();
  CHECK(rec->wait_returned(steady::now() + 10s));
}

TEST_CASE("deliveries that finished while operations waited are recorded in the same commit as those operations",
          "[engine][outbox][pipeline]") {
  using steady = std::chrono::steady_clock;
  test::temp_dir dir;
  auto org = test::load_org(dir, two_channel_yaml());
  engine::manual_clock clock(test::at("2026-11-23T09:00:00"));
  test::counting_store db(dir.path() / "baton.db");
  const auto channels = hanging_channels();
  const auto& set = channels.set;
  auto* rec = channels.rec;
  notifiers::threaded_pipeline pipeline;
  {
    engine::engine eng(
        clock, db, [&](const config::organisation&) { return set; }, org, pipeline);
    REQUIRE(eng.submit(anomaly("k1")).has_value());
    REQUIRE(rec->wait_entered(1, steady::now() + 10s));
    // The page comes back delivered while nothing runs on the engine.
    rec->release();
    REQUIRE(pipeline.wait_done(steady::now() + 10s));
    REQUIRE(eng.deliveries_in_flight() == 1);
    const int before = db.commits;
    // The next operation's batch records it: one commit for both.
    REQUIRE(eng.acknowledge(1, "bea").has_value());
    CHECK(db.commits == before + 1);
    CHECK(eng.deliveries_in_flight() == 0);
    const auto row = db.notifications(1).front();
    CHECK(row.state == "delivered");
    CHECK(row.attempts == 1);
    std::vector<std::string> kinds;
    db.read_log({}, [&](const store::log_record& r) { kinds.push_back(r.kind); });
    // The acknowledgement first, then the delivery recorded in its batch.
    const auto ack = std::find(kinds.begin(), kinds.end(), "incident.acknowledged");
    REQUIRE(ack != kinds.end());
    CHECK(std::find(ack, kinds.end(), "notification.sent") != kinds.end());
  }
  CHECK(rec->wait_returned(steady::now() + 10s));
}
