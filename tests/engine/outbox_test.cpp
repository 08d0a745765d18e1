// The outbox (engine/outbox.cpp): notifications are rows first, deliveries second.
#include <catch2/catch.hpp>

#include <functional>

#include "store/sqlite_store.hpp"
#include "tests/engine/counting_store.hpp"
#include "tests/engine/harness.hpp"

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
