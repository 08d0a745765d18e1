// Batches: several operations, one store transaction; what reaches the store; and what
// a failed batch leaves behind (engine/persistence.cpp, docs/engine.md).
#include <catch2/catch.hpp>

#include <map>
#include <stdexcept>

#include "tests/engine/counting_store.hpp"
#include "tests/engine/harness.hpp"

using namespace baton;
using namespace std::chrono_literals;
using test::at;
using test::counting_store;

namespace {

struct fixture {
  test::temp_dir dir;
  std::shared_ptr<const config::organisation> org = test::load_org(dir, test::testco_yaml());
  engine::manual_clock clock{at("2026-11-23T09:00:00")};
  counting_store db{dir.path() / "baton.db"};
  notifiers::notifier_set notifiers;
  std::unique_ptr<engine::engine> eng;

  fixture() {
    notifiers.add(std::make_unique<notifiers::recording_notifier>("rec"));
    eng = std::make_unique<engine::engine>(clock, db, notifiers, org);
  }
};

engine::submit_op anomaly(const std::string& key) {
  engine::submit_op op;
  op.e.type = "anomaly";
  op.e.system = "chat";
  op.e.severity = "high";
  op.e.dedup_key = key;
  return op;
}

}  // namespace

TEST_CASE("the operations of a batch share one commit and each row is written once", "[engine][batch]") {
  // One commit for the operations, and one after it for the outcomes of the deliveries
  // they queued (engine/outbox.cpp).
  fixture f;
  const int before = f.db.commits;
  const std::vector<engine::operation> ops{anomaly("k1"), anomaly("k1"), anomaly("k2"),
                                           engine::acknowledge_op{1, "bea", "", ""}};
  auto out = f.eng->run(ops);
  CHECK(f.db.commits == before + 2);
  REQUIRE(out.size() == 4);
  for (const auto& o : out) {
    REQUIRE(o.has_value());
  }
  CHECK(std::get<engine::submit_result>(out[0].value()).created);
  CHECK(std::get<engine::submit_result>(out[1].value()).incident_id == 1);
  CHECK_FALSE(std::get<engine::submit_result>(out[1].value()).created);
  CHECK(std::get<engine::submit_result>(out[2].value()).incident_id == 2);
  CHECK(std::get<engine::ack_result>(out[3].value()).engaged_roles == std::vector<std::string>{"bu_owner"});
  // Incident 1 was touched by three operations; its row was written once.
  CHECK(f.db.incident_writes[1] == 1);
  CHECK(f.db.escalation_writes[1] == 1);
  REQUIRE(f.db.find_incident(1).has_value());
  CHECK(f.db.find_incident(1)->state == "acknowledged");
  CHECK(f.db.find_incident(1)->event_count == 2);
}

TEST_CASE("a timer armed and cancelled within one batch never reaches the store", "[engine][batch]") {
  fixture f;
  const std::vector<engine::operation> ops{anomaly("k1"), engine::acknowledge_op{1, "bea", "", ""}};
  auto out = f.eng->run(ops);
  REQUIRE(out[1].has_value());
  // The page armed ack timer 1; the acknowledgement cancelled it and armed reminder 2.
  CHECK(f.db.timers_put.count(1) == 0);
  CHECK(f.db.timers_deleted.count(1) == 0);
  CHECK(f.db.timers_put[2] == 1);
  auto stored = f.db.timers();
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].kind == "reminder");
  CHECK(f.eng->pending_timers() == 1);

  // Armed in an earlier batch, the timer is deleted from the store when it fires.
  f.clock.advance(4h);
  CHECK(f.eng->run_due() == 1);
  CHECK(f.db.timers_deleted[2] == 1);
}

TEST_CASE("an operation refused within a batch does not stop the others", "[engine][batch]") {
  fixture f;
  engine::submit_op untyped = anomaly("k0");
  untyped.e.type.clear();
  const std::vector<engine::operation> ops{untyped, anomaly("k1"), engine::acknowledge_op{1, "gil", "", ""},
                                           engine::resolve_op{99, "api", "", ""}, anomaly("k2")};
  auto out = f.eng->run(ops);
  REQUIRE(out.size() == 5);
  REQUIRE_FALSE(out[0].has_value());
  CHECK(out[0].error().kind == engine::error_kind::invalid);
  CHECK(out[1].has_value());
  REQUIRE_FALSE(out[2].has_value());
  CHECK(out[2].error().kind == engine::error_kind::forbidden);
  REQUIRE_FALSE(out[3].has_value());
  CHECK(out[3].error().kind == engine::error_kind::not_found);
  REQUIRE(out[4].has_value());
  CHECK(std::get<engine::submit_result>(out[4].value()).incident_id == 2);
  CHECK(f.eng->stopped().empty());
}

TEST_CASE("within a batch, a resolved incident is closed to later operations and its key is free",
          "[engine][batch]") {
  fixture f;
  const std::vector<engine::operation> ops{anomaly("k1"), engine::resolve_op{1, "person:bea", "done", ""},
                                           engine::acknowledge_op{1, "bea", "", ""}, anomaly("k1")};
  auto out = f.eng->run(ops);
  REQUIRE(out[1].has_value());
  REQUIRE_FALSE(out[2].has_value());
  CHECK(out[2].error().kind == engine::error_kind::conflict);
  CHECK_THAT(out[2].error().message, Catch::Contains("already resolved"));
  REQUIRE(out[3].has_value());
  CHECK(std::get<engine::submit_result>(out[3].value()).incident_id == 2);
  CHECK(f.eng->find_incident(1) == nullptr);
  REQUIRE(f.db.find_incident(1).has_value());
  CHECK(f.db.find_incident(1)->state == "resolved");
  CHECK(f.eng->open_incidents() == 1);
}

TEST_CASE("a failed commit leaves the database as it was and stops the engine", "[engine][batch]") {
  for (const bool at_commit : {true, false}) {
    DYNAMIC_SECTION((at_commit ? "the commit fails" : "an append fails mid-batch")) {
      fixture f;
      REQUIRE(f.eng->submit(anomaly("k1").e).has_value());
      const auto head = f.db.head();
      const auto incidents = f.db.incidents(false).size();
      const auto timers = f.db.timers().size();
      if (at_commit) {
        f.db.fail_commit = true;
      } else {
        f.db.fail_after_appends = 3;
      }
      const std::vector<engine::operation> ops{anomaly("k2"), engine::acknowledge_op{1, "bea", "", ""}, anomaly("k3")};
      auto out = f.eng->run(ops);
      REQUIRE(out.size() == 3);
      for (const auto& o : out) {
        REQUIRE_FALSE(o.has_value());
        CHECK(o.error().kind == engine::error_kind::unavailable);
        CHECK_THAT(o.error().message, Catch::Contains("store error") && Catch::Contains("test.db"));
      }
      CHECK(f.db.head().seq == head.seq);
      CHECK(f.db.head().hash == head.hash);
      CHECK(f.db.incidents(false).size() == incidents);
      CHECK(f.db.timers().size() == timers);

      // It refuses everything after, and a virtual-time driver stops rather than spins.
      f.db.fail_commit = false;
      f.db.fail_after_appends = -1;
      CHECK_FALSE(f.eng->stopped().empty());
      auto again = f.eng->submit(anomaly("k4").e);
      REQUIRE_FALSE(again.has_value());
      CHECK(again.error().kind == engine::error_kind::unavailable);
      CHECK_FALSE(f.eng->next_due().has_value());
      CHECK(f.eng->run_due() == 0);
      engine::run_until(f.clock, *f.eng, f.clock.now() + 1h);
      CHECK(f.db.head().seq == head.seq);
    }
  }
}
