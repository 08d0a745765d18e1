// Durable ingest through the engine service (service/engine_service.hpp), without HTTP:
// C client threads, each like one keep-alive connection (an event, wait for its answer,
// the next), on the reference organisation and a real SQLite file (synchronous=FULL).
// An answer comes only after the event's batch committed, so events/s here is durable
// events/s, and the batch sizes show the group commit at work. Figures only.
//
//   service_bench [EVENTS] [CLIENTS]   defaults 100,000 and 32; at most 120 s
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "config/loader.hpp"
#include "notifiers/recording_notifier.hpp"
#include "service/engine_service.hpp"
#include "store/sqlite_store.hpp"

using namespace baton;

namespace {

struct client_state {
  std::mutex mu;
  std::condition_variable cv;
  bool answered = false;
  bool ok = false;
};

}  // namespace

int main(int argc, char** argv) {
  const long events = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 100'000;
  const long clients = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 32;
  if (events <= 0 || clients <= 0 || clients > 1024) {
    fmt::print(stderr, "usage: service_bench [EVENTS] [CLIENTS (1..1024)]\n");
    return 2;
  }
  engine::real_clock clock;
  auto loaded = config::load(std::string(BATON_SOURCE_DIR) + "/examples/compel/baton.yaml", clock.now());
  if (!loaded.org) {
    fmt::print(stderr, "service_bench: cannot load the example organisation\n");
    return 2;
  }
  auto org = loaded.org;
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("baton-service-bench-{}", ::getpid());
  std::filesystem::create_directories(dir);
  auto set = std::make_shared<notifiers::notifier_set>();
  for (const auto& n : org->notifiers) {
    set->add(std::make_unique<notifiers::recording_notifier>(n.id, false));
  }
  std::atomic<long> done{0};
  std::atomic<long> failed{0};
  double seconds = 0;
  service::engine_service::stats s;
  {
    store::sqlite_store db(dir / "baton.db");
    service::engine_service svc(clock, [&](notifiers::delivery_pipeline& pipeline) {
      return std::make_unique<engine::engine>(
          clock, db, [&](const config::organisation&) { return set; }, org, pipeline);
    });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{120};
    std::atomic<long> next{0};
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (long c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        client_state st;
        for (;;) {
          const long i = next.fetch_add(1);
          if (i >= events || std::chrono::steady_clock::now() > deadline) {
            return;
          }
          engine::submit_op op;
          op.e.type = "anomaly";
          op.e.system = org->systems[static_cast<std::size_t>(i) % org->systems.size()].id;
          op.e.severity = "high";
          op.e.summary = "metric out of bounds";
          // One event in four opens an incident; the rest repeat a recent one.
          op.e.dedup_key = fmt::format("svc-{}", i % 4 == 0 ? i : i - i % 4);
          op.actor = fmt::format("integration:client-{}", c);
          {
            std::lock_guard lock(st.mu);
            st.answered = false;
          }
          const bool queued = svc.submit(std::move(op), [&](engine::outcome o) {
            std::lock_guard lock(st.mu);
            st.ok = o.has_value();
            st.answered = true;
            st.cv.notify_one();
          });
          if (!queued) {
            ++failed;  // a full queue: the service would answer 503
            continue;
          }
          std::unique_lock lock(st.mu);
          st.cv.wait(lock, [&] { return st.answered; });
          (st.ok ? done : failed) += 1;
        }
      });
    }
    for (auto& t : threads) {
      t.join();
    }
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    s = svc.snapshot();
  }
  std::filesystem::remove_all(dir);
  fmt::print("service ingest: {} durable events/s with {} clients, one event per request ({} answered, {} refused or "
             "failed, {:.1f} s)\n",
             static_cast<long>(static_cast<double>(done.load()) / seconds), clients, done.load(), failed.load(),
             seconds);
  fmt::print("service ingest: {} batches, {:.1f} operations per batch on average, {} at most\n", s.batches,
             s.batches == 0 ? 0.0 : static_cast<double>(s.operations) / static_cast<double>(s.batches),
             s.largest_batch);
  return 0;
}
