// The engine as a service (service/engine_service.hpp): a real SQLite file, the
// reference organisation, operations from other threads. Each test makes the engine
// thread wait (a callback that blocks) where it needs operations to queue, so what it
// checks does not depend on timing; every wait is bounded. Callbacks run on the engine
// thread, so they only note what they saw; the test thread checks it.
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "config/loader.hpp"
#include "notifiers/recording_notifier.hpp"
#include "service/engine_service.hpp"
#include "store/sqlite_store.hpp"
#include "tests/engine/counting_store.hpp"
#include "tests/support/service_rig.hpp"
#include "tests/support/test_support.hpp"

using namespace baton;
using namespace std::chrono_literals;

namespace {

using steady = std::chrono::steady_clock;

// Opens once, counts down from other threads, wait() bounded.
class latch {
 public:
  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  bool wait(std::chrono::seconds bound = 20s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, bound, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

class counter {
 public:
  void add() {
    std::lock_guard lock(mu_);
    ++n_;
    cv_.notify_all();
  }
  bool wait_for(int n, std::chrono::seconds bound = 20s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, bound, [&] { return n_ >= n; });
  }
  int value() {
    std::lock_guard lock(mu_);
    return n_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int n_ = 0;
};

}  // namespace

TEST_CASE("operations queued while a batch runs share the next commit, answered after it", "[service]") {
  test::service_rig r;
  latch engine_held;
  latch release;
  counter answered;
  std::atomic<int> committed_before_answer{0};
  std::atomic<int> right_incident{0};
  // The first answer holds the engine thread until 100 more operations have queued.
  REQUIRE(r.svc->submit(r.event(0), [&](engine::outcome) {
    engine_held.open();
    release.wait();
    answered.add();
  }));
  REQUIRE(engine_held.wait());
  for (int i = 1; i <= 100; ++i) {
    REQUIRE(r.svc->submit(r.event(i), [&, i](engine::outcome o) {
      if (o.has_value()) {
        // Answered only once on disk: another connection sees the incident.
        auto reader = store::sqlite_store::open_read_only(r.db_path);
        const auto id = std::get<engine::submit_result>(o.value()).incident_id;
        committed_before_answer += reader->find_incident(id).has_value() ? 1 : 0;
        right_incident += id == i + 1 ? 1 : 0;
      }
      answered.add();
    }));
  }
  CHECK(r.svc->snapshot().queued == 100);
  release.open();
  REQUIRE(answered.wait_for(101));
  CHECK(committed_before_answer.load() == 100);
  CHECK(right_incident.load() == 100);
  const auto s = r.svc->snapshot();
  CHECK(s.batches == 2);
  CHECK(s.operations == 101);
  CHECK(s.largest_batch == 100);
}

TEST_CASE("a full queue refuses an operation and queues nothing", "[service]") {
  service::engine_service::options o;
  o.queue_capacity = 5;
  test::service_rig r(o);
  latch engine_held;
  latch release;
  counter answered;
  REQUIRE(r.svc->submit(r.event(0), [&](engine::outcome) {
    engine_held.open();
    release.wait();
    answered.add();
  }));
  REQUIRE(engine_held.wait());
  for (int i = 1; i <= 5; ++i) {
    REQUIRE(r.svc->submit(r.event(i), [&](engine::outcome) { answered.add(); }));
  }
  bool called = false;
  CHECK_FALSE(r.svc->submit(r.event(6), [&](engine::outcome) { called = true; }));
  CHECK(r.svc->snapshot().refused == 1);
  release.open();
  REQUIRE(answered.wait_for(6));
  r.svc->stop();
  CHECK_FALSE(called);
  CHECK(r.db->incidents(false).size() == 6);
}

TEST_CASE("timers fire on the service's clock", "[service]") {
  test::service_rig r;
  counter answered;
  REQUIRE(r.svc->submit(r.event(0), [&](engine::outcome) { answered.add(); }));
  REQUIRE(answered.wait_for(1));
  std::size_t before = 0;
  r.svc->with_engine([&](engine::engine& eng) { before = eng.pending_timers(); });
  CHECK(before > 0);
  // Past the first acknowledgement timeout (15 minutes): the next look at the clock
  // fires it, before the call below runs.
  r.clock.advance(std::chrono::minutes{16});
  r.svc->wake();
  std::int64_t paged_again = -1;
  r.svc->with_engine([&](engine::engine& eng) {
    const auto now = eng.accountable(1);
    if (!now.empty()) {
      paged_again = now.front()->rung + now.front()->round;
    }
  });
  CHECK(paged_again > 0);
}

TEST_CASE("deliveries go out on the pipeline and their outcomes are recorded", "[service]") {
  test::service_rig r;
  counter answered;
  REQUIRE(r.svc->submit(r.event(0), [&](engine::outcome) { answered.add(); }));
  REQUIRE(answered.wait_for(1));
  // The outcome comes back from a pipeline thread; each look is a round trip to the
  // engine thread, bounded in number.
  std::int64_t sent = 0;
  for (int tries = 0; tries < 100'000 && sent == 0; ++tries) {
    r.svc->with_engine([&](engine::engine& eng) { sent = eng.totals().notifications_sent; });
  }
  CHECK(sent > 0);
  CHECK(r.delivered() >= 1);
}

TEST_CASE("stop runs and commits everything queued", "[service]") {
  test::service_rig r;
  counter answered;
  std::atomic<int> ok{0};
  for (int i = 0; i < 50; ++i) {
    REQUIRE(r.svc->submit(r.event(i), [&](engine::outcome o) {
      ok += o.has_value() ? 1 : 0;
      answered.add();
    }));
  }
  r.svc->stop();
  CHECK(answered.value() == 50);
  CHECK(ok.load() == 50);
  CHECK(r.db->incidents(false).size() == 50);
  CHECK_FALSE(r.svc->submit(r.event(99), [](engine::outcome) {}));
}

TEST_CASE("an engine that cannot start is the service's constructor's error", "[service]") {
  test::temp_dir dir;
  test::test_clock clock{*parse_iso("2026-11-23T09:00:00Z", nullptr)};
  CHECK_THROWS_WITH(service::engine_service(clock,
                                            [](notifiers::delivery_pipeline&) -> std::unique_ptr<engine::engine> {
                                              throw std::runtime_error("recovery refused: damaged");
                                            }),
                    "recovery refused: damaged");
}

TEST_CASE("many timers due at once fire a bounded number per batch, every one in the end", "[service]") {
  service::engine_service::options o;
  o.max_timers_per_batch = 7;
  test::service_rig r(o);
  counter answered;
  for (int i = 0; i < 30; ++i) {
    REQUIRE(r.svc->submit(r.event(i), [&](engine::outcome) { answered.add(); }));
  }
  REQUIRE(answered.wait_for(30));
  r.clock.advance(std::chrono::minutes{16});  // every first acknowledgement timeout is due
  r.svc->wake();
  // Each look is a round trip between batches; the due timers drain a few at a time.
  bool drained = false;
  int moved = 0;
  for (int tries = 0; tries < 10'000 && !drained; ++tries) {
    r.svc->with_engine([&](engine::engine& eng) {
      const auto due = eng.next_due();
      drained = !due || *due > r.clock.now();
      moved = 0;
      for (std::int64_t id = 1; id <= 30; ++id) {
        const auto now = eng.accountable(id);
        moved += !now.empty() && now.front()->rung + now.front()->round > 0 ? 1 : 0;
      }
    });
  }
  CHECK(drained);
  CHECK(moved == 30);
}

TEST_CASE("a store error stops the engine for good and says so once", "[service]") {
  test::temp_dir dir;
  test::test_clock clock{*parse_iso("2026-11-23T09:00:00Z", nullptr)};
  auto loaded = config::load(test::copy_compel(dir, "org"), clock.now());
  REQUIRE(loaded.org != nullptr);
  test::counting_store db(dir.path() / "baton.db");
  auto set = std::make_shared<notifiers::notifier_set>();
  for (const auto& n : loaded.org->notifiers) {
    set->add(std::make_unique<notifiers::recording_notifier>(n.id));
  }
  std::mutex mu;
  std::vector<std::string> said;
  service::engine_service::options o;
  o.on_stopped = [&](const std::string& why) {
    std::lock_guard lock(mu);
    said.push_back(why);
  };
  service::engine_service svc(
      clock,
      [&](notifiers::delivery_pipeline& pipeline) {
        return std::make_unique<engine::engine>(
            clock, db, [&](const config::organisation&) { return set; }, loaded.org, pipeline);
      },
      o);
  REQUIRE(svc.ready());
  db.fail_commit = true;
  for (int i = 0; i < 2; ++i) {
    std::promise<engine::outcome> answer;
    engine::submit_op op;
    op.e.type = "anomaly";
    op.e.system = "credit-scoring";
    op.e.dedup_key = "s" + std::to_string(i);
    REQUIRE(svc.submit(std::move(op), [&](engine::outcome out) { answer.set_value(std::move(out)); }));
    auto out = answer.get_future().get();
    REQUIRE_FALSE(out.has_value());
    CHECK(out.error().kind == engine::error_kind::unavailable);
  }
  CHECK_FALSE(svc.ready());
  svc.stop();
  std::lock_guard lock(mu);
  REQUIRE(said.size() == 1);
  CHECK_THAT(said.front(), Catch::Contains("disk I/O error"));
}
