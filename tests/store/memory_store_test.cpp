// What only memory_store has: head-only retention and its undo journal's corner cases
// (store/memory_store.cpp). The shared contract is in store_conformance_test.cpp.
#include <catch2/catch.hpp>

#include <sstream>

#include "tests/store/store_fixtures.hpp"

namespace baton::store::testing {

TEST_CASE("memory_store with head_only keeps the same head and no records", "[store]") {
  memory_store full;
  memory_store lean(memory_store::log_retention::head_only);
  append_records(full, 500);
  append_records(lean, 500);
  CHECK(lean.head().seq == 500);
  CHECK(lean.head().hash == full.head().hash);
  int visited = 0;
  lean.read_log({}, [&](const log_record&) { ++visited; });
  CHECK(visited == 0);
  std::ostringstream csv;
  export_csv(lean, {}, csv);
  CHECK(csv.str() == "seq,time,actor,kind,incident,details,prev_hash,hash\r\n");

  // Its precondition and rollback still hold.
  log_record stale;
  stale.seq = 3;
  stale.prev_hash = genesis_hash;
  CHECK_THROWS_AS(lean.append_log(stale), std::runtime_error);
  const log_head before = lean.head();
  audit_log log(lean);
  lean.begin();
  log.append(t0(), "engine", "event.received", 1, {{"n", 1}});
  lean.rollback();
  CHECK(lean.head().seq == before.seq);
  CHECK(lean.head().hash == before.hash);
}

TEST_CASE("memory_store rollback undoes many writes to the same rows in order", "[store]") {
  memory_store s;
  s.put_timer({1, t0(), "ack_timeout", 1, 1});
  s.begin();
  for (int i = 1; i <= 100; ++i) {
    s.put_timer({1, t0() + std::chrono::minutes(i), "ack_timeout", 1, 1});
    if (i % 10 == 0) {
      s.delete_timer(1);
    }
    s.put_timer({1 + i, t0() - std::chrono::minutes(i), "reminder", 2, 0});
  }
  CHECK(s.timers().size() == 100);  // timer 1 was deleted again at i == 100
  CHECK(s.max_timer_id() == 101);
  s.rollback();
  auto timers = s.timers();
  REQUIRE(timers.size() == 1);
  CHECK(same(timers[0], timer_row{1, t0(), "ack_timeout", 1, 1}));
  CHECK(s.max_timer_id() == 1);

  // A committed transaction's changes are not undone by a later rollback.
  s.begin();
  s.put_timer({2, t0(), "target", 1, 0});
  s.commit();
  s.begin();
  s.delete_timer(2);
  s.rollback();
  CHECK(s.timers().size() == 2);
}

TEST_CASE("memory_store test hooks refuse records that are not there", "[store]") {
  memory_store s;
  CHECK_THROWS_AS(s.tamper_for_test(1, log_record{}), std::out_of_range);
  CHECK_THROWS_AS(s.erase_log_for_test(1), std::out_of_range);
}

}  // namespace baton::store::testing
