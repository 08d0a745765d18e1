// The engine as a service (service/engine_service.hpp): a real SQLite file, the
// reference organisation, operations from other threads. Each test makes the engine
// thread wait (a with_engine call that blocks) where it needs operations to queue, or
// the sync thread (an answer that blocks) where it needs batches to wait for their
// sync, so what it checks does not depend on timing; every wait is bounded. Callbacks
// run on the sync thread, so they only note what they saw; the test thread checks it.
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "config/loader.hpp"
#include "notifiers/recording_notifier.hpp"
#include "service/engine_service.hpp"
#include "service/service_metrics.hpp"
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

// Holds the engine thread (between batches) until `release` opens.
std::future<void> hold_engine(service::engine_service& svc, latch& held, latch& release) {
  return std::async(std::launch::async, [&] {
    svc.with_engine([&](engine::engine&) {
      held.open();
      release.wait();
    });
  });
}

}  // namespace

TEST_CASE("operations queued while a batch runs share the next commit, answered after it", "[service]") {
  test::service_rig r;
  latch engine_held;
  latch release;
  auto holding = hold_engine(*r.svc, engine_held, release);
  REQUIRE(engine_held.wait());
  counter answered;
  std::atomic<int> committed_before_answer{0};
  std::atomic<int> right_incident{0};
  for (int i = 0; i < 100; ++i) {
    REQUIRE(r.svc->submit(r.event(i), [&, i](engine::outcome o) {
      if (o.has_value()) {
        // Answered only once committed: another connection sees the incident.
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
  holding.get();
  REQUIRE(answered.wait_for(100));
  CHECK(committed_before_answer.load() == 100);
  CHECK(right_incident.load() == 100);
  const auto s = r.svc->snapshot();
  CHECK(s.batches == 1);
  CHECK(s.operations == 100);
  CHECK(s.largest_batch == 100);
}

TEST_CASE("while a batch waits for its sync the next ones commit, and answers and deliveries wait for the sync",
          "[service]") {
  test::service_rig r;
  latch sync_held;
  latch release;
  counter answered;
  // The first answer holds the sync thread: its batch is committed, and until the
  // answer returns no later batch can be synced.
  REQUIRE(r.svc->submit(r.event(0), [&](engine::outcome) {
    sync_held.open();
    release.wait();
    answered.add();
  }));
  REQUIRE(sync_held.wait());
  for (int i = 1; i <= 100; ++i) {
    REQUIRE(r.svc->submit(r.event(i), [&](engine::outcome o) {
      CHECK(o.has_value());
      answered.add();
    }));
  }
  // A round trip to the engine thread after the submits: it has run and committed
  // them meanwhile, in one batch or more, with none of them answered or delivered.
  std::size_t open = 0;
  r.svc->with_engine([&](engine::engine& eng) { open = eng.open_incidents(); });
  CHECK(open == 101);
  CHECK(store::sqlite_store::open_read_only(r.db_path)->incidents(false).size() == 101);
  CHECK(answered.value() == 0);
  // Nothing goes out before its batch is durable: only the first batch's page may have.
  for (const auto* recorder : r.recorders) {
    for (const auto& n : recorder->sent()) {
      CHECK(n.incident_id == 1);
    }
  }
  release.open();
  REQUIRE(answered.wait_for(101));
  CHECK(r.svc->snapshot().batches >= 2);
  // Once durable, every page goes out; each look is a round trip to the engine thread,
  // bounded in number.
  std::int64_t sent = 0;
  for (int tries = 0; tries < 100'000 && sent < 101; ++tries) {
    r.svc->with_engine([&](engine::engine& eng) { sent = eng.totals().notifications_sent; });
  }
  CHECK(sent >= 101);
}

TEST_CASE("a full queue refuses an operation and queues nothing", "[service]") {
  service::engine_service::options o;
  o.queue_capacity = 5;
  test::service_rig r(o);
  latch engine_held;
  latch release;
  auto holding = hold_engine(*r.svc, engine_held, release);
  REQUIRE(engine_held.wait());
  counter answered;
  for (int i = 0; i < 5; ++i) {
    REQUIRE(r.svc->submit(r.event(i), [&](engine::outcome) { answered.add(); }));
  }
  bool called = false;
  CHECK_FALSE(r.svc->submit(r.event(6), [&](engine::outcome) { called = true; }));
  CHECK(r.svc->snapshot().refused == 1);
  release.open();
  holding.get();
  REQUIRE(answered.wait_for(5));
  r.svc->stop();
  CHECK_FALSE(called);
  CHECK(r.db->incidents(false).size() == 5);
}

TEST_CASE("timers fire on the service's clock", "[service]") {
  service::service_metrics metrics;
  service::engine_service::options o;
  o.metrics = &metrics;
  test::service_rig r(o);
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
  // Fired a minute late by the test's clock: counted in the lateness histogram, in the
  // bucket for 60 s and not below it.
  const auto text = metrics.render({});
  CHECK_THAT(text, Catch::Contains("baton_timer_lateness_seconds_count 1\n"));
  CHECK_THAT(text, Catch::Contains("baton_timer_lateness_seconds_bucket{le=\"10\"} 0\n"));
  CHECK_THAT(text, Catch::Contains("baton_timer_lateness_seconds_bucket{le=\"60\"} 1\n"));
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

TEST_CASE("delivery outcomes ride in the next batch's commit, or are recorded alone at stop", "[service]") {
  service::engine_service::options o;
  o.outcome_linger = std::chrono::hours{1};  // so only a batch or the stop records them
  test::service_rig r(o);
  counter answered;
  // Until the pipeline has reported every attempt handed out as done (none is recorded
  // meanwhile: they stay in flight); each look is a round trip to the engine thread,
  // bounded.
  auto wait_all_delivered = [&](std::size_t recorded_before) {
    for (int tries = 0; tries < 100'000; ++tries) {
      std::size_t in_flight = 0;
      r.svc->with_engine([&](engine::engine& eng) { in_flight = eng.deliveries_in_flight(); });
      if (in_flight > 0 && r.svc->snapshot().attempts_finished == recorded_before + in_flight) {
        return true;
      }
    }
    return false;
  };
  REQUIRE(r.svc->submit(r.event(0), [&](engine::outcome) { answered.add(); }));
  REQUIRE(answered.wait_for(1));
  REQUIRE(wait_all_delivered(0));
  const auto first = static_cast<std::int64_t>(r.svc->snapshot().attempts_finished);
  CHECK(r.delivered() == static_cast<std::size_t>(first));
  std::int64_t sent = -1;
  std::uint64_t batches = 0;
  r.svc->with_engine([&](engine::engine& eng) {
    sent = eng.totals().notifications_sent;
    batches = eng.committed_batches();
  });
  CHECK(sent == 0);  // delivered, waiting for a batch

  REQUIRE(r.svc->submit(r.event(1), [&](engine::outcome) { answered.add(); }));
  REQUIRE(answered.wait_for(2));
  r.svc->with_engine([&](engine::engine& eng) {
    CHECK(eng.totals().notifications_sent == first);
    CHECK(eng.committed_batches() == batches + 1);  // one commit for the event and the outcomes
  });

  // The second event's deliveries finish with no batch after them: the stop records them.
  REQUIRE(wait_all_delivered(static_cast<std::size_t>(first)));
  const std::size_t all = r.delivered();
  CHECK(r.svc->snapshot().attempts_finished == all);
  r.svc->stop();
  std::size_t recorded = 0;
  for (const auto& n : r.db->notifications(0)) {
    recorded += n.state == "pending" ? 0 : 1;
  }
  CHECK(recorded == all);
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

// A service on a counting_store (which fails on request), noting what on_stopped said.
struct failing_rig {
  test::temp_dir dir;
  test::test_clock clock{*parse_iso("2026-11-23T09:00:00Z", nullptr)};
  config::load_result loaded = config::load(test::copy_compel(dir, "org"), clock.now());
  test::counting_store db{dir.path() / "baton.db"};
  std::shared_ptr<notifiers::notifier_set> set = std::make_shared<notifiers::notifier_set>();
  std::mutex mu;
  std::vector<std::string> said;
  std::unique_ptr<service::engine_service> svc;

  failing_rig() {
    REQUIRE(loaded.org != nullptr);
    for (const auto& n : loaded.org->notifiers) {
      set->add(std::make_unique<notifiers::recording_notifier>(n.id));
    }
    service::engine_service::options o;
    o.on_stopped = [this](const std::string& why) {
      std::lock_guard lock(mu);
      said.push_back(why);
    };
    svc = std::make_unique<service::engine_service>(
        clock,
        [this](notifiers::delivery_pipeline& pipeline) {
          return std::make_unique<engine::engine>(
              clock, db, [this](const config::organisation&) { return set; }, loaded.org, pipeline);
        },
        o);
    REQUIRE(svc->ready());
  }
  engine::outcome submit(int i) {
    std::promise<engine::outcome> answer;
    engine::submit_op op;
    op.e.type = "anomaly";
    op.e.system = "credit-scoring";
    op.e.dedup_key = "s" + std::to_string(i);
    REQUIRE(svc->submit(std::move(op), [&](engine::outcome out) { answer.set_value(std::move(out)); }));
    return answer.get_future().get();
  }
  /// Stops the service; what on_stopped said, which must have been said once.
  std::string stopped_once() {
    svc->stop();
    std::lock_guard lock(mu);
    REQUIRE(said.size() == 1);
    return said.front();
  }
};

TEST_CASE("a store error stops the engine for good and says so once", "[service]") {
  failing_rig r;
  r.db.fail_commit = true;
  for (int i = 0; i < 2; ++i) {
    auto out = r.submit(i);
    REQUIRE_FALSE(out.has_value());
    CHECK(out.error().kind == engine::error_kind::unavailable);
  }
  CHECK_FALSE(r.svc->ready());
  CHECK_THAT(r.stopped_once(), Catch::Contains("disk I/O error"));
}

TEST_CASE("a sync that fails answers its batches unavailable and stops the engine for good", "[service]") {
  failing_rig r;
  // A durable batch first: answered, one sync made it so.
  CHECK(r.submit(0).has_value());
  CHECK(r.db.syncs.load() >= 1);
  r.db.fail_sync = true;
  // Committed, but never durable: not accepted.
  auto failed = r.submit(1);
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().kind == engine::error_kind::unavailable);
  CHECK_THAT(failed.error().message, Catch::Contains("could not be made durable"));
  // The engine stops: its memory holds a batch the disk may not.
  auto after = r.submit(2);
  REQUIRE_FALSE(after.has_value());
  CHECK(after.error().kind == engine::error_kind::unavailable);
  CHECK_FALSE(r.svc->ready());
  CHECK_THAT(r.stopped_once(), Catch::Contains("Input/output error"));
}
