// Restart at scale: a SQLite file (synchronous=FULL) holding N open incidents of the
// reference organisation, each paging its holder with a pending acknowledgement timer;
// then a new engine rebuilt from it three times (time, the median, and resident memory
// it added), and the storm when the process comes back an hour later and every timer is
// overdue (time to drain, timers fired). Figures only; nothing is asserted.
//
//   recovery_bench                     100,000 open incidents
//   recovery_bench 1000000             one million (about 3 GB of database, minutes to build)
//   recovery_bench 1000000 no-storm    without the storm (minutes at a million)
#include <fmt/format.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "bench/measure.hpp"
#include "config/loader.hpp"
#include "engine/engine.hpp"
#include "notifiers/recording_notifier.hpp"
#include "store/sqlite_store.hpp"

using namespace baton;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::unique_ptr<notifiers::notifier_set> counting_notifiers(const config::organisation& org) {
  auto set = std::make_unique<notifiers::notifier_set>();
  for (const auto& n : org.notifiers) {
    set->add(std::make_unique<notifiers::recording_notifier>(n.id, false));
  }
  return set;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t open = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100'000;
  const bool storm = !(argc > 2 && std::string_view(argv[2]) == "no-storm");
  const timestamp start = *parse_iso("2026-11-23T09:00:00Z", nullptr);
  auto loaded = config::load(std::string(BATON_SOURCE_DIR) + "/examples/compel/baton.yaml", start);
  if (!loaded.org || open == 0) {
    fmt::print(stderr, "recovery_bench: cannot load the reference organisation, or no incidents asked for\n");
    return 2;
  }
  const auto org = loaded.org;
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("baton-recovery-bench-{}", ::getpid());
  std::filesystem::create_directories(dir);
  const auto db = dir / "baton.db";

  // Build: N incidents in batches of 1,000 operations per commit.
  {
    store::sqlite_store st(db);
    engine::manual_clock clock(start);
    auto notifiers = counting_notifiers(*org);
    engine::engine eng(clock, st, *notifiers, org);
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<engine::operation> batch;
    for (std::size_t i = 0; i < open; ++i) {
      engine::submit_op op;
      op.e.type = "anomaly";
      op.e.system = org->systems[i % org->systems.size()].id;
      op.e.severity = "high";
      op.e.summary = "metric out of bounds";
      op.e.dedup_key = fmt::format("open-{}", i);
      batch.push_back(std::move(op));
      if (batch.size() == 1000 || i + 1 == open) {
        (void)eng.run(batch);
        batch.clear();
      }
    }
    fmt::print("recovery: built {} open incidents with {} pending timers in {:.1f} s ({} log records, {:.0f} MB "
               "database)\n",
               eng.open_incidents(), eng.pending_timers(), seconds_since(t0), eng.log_head().seq,
               static_cast<double>(std::filesystem::file_size(db)) / 1e6);
  }

  // Restart an hour later, three times (each one logs engine.recovered and nothing
  // else); after the last, the storm of overdue timers.
  constexpr int restarts = 3;
  std::vector<double> rebuilds;
  for (int k = 0; k < restarts; ++k) {
    malloc_trim(0);  // what the build freed goes back to the system, so it is not reused unseen
    const auto rss_before = bench::resident_bytes();
    const auto t0 = std::chrono::steady_clock::now();
    store::sqlite_store st(db);
    engine::manual_clock clock(start + std::chrono::hours{1});
    auto notifiers = counting_notifiers(*org);
    engine::engine eng(clock, st, *notifiers, org);
    const double rebuild = seconds_since(t0);
    rebuilds.push_back(rebuild);
    const auto rss_after = bench::resident_bytes();
    fmt::print("recovery: rebuilt {} open incidents and {} pending timers in {:.2f} s; {:.0f} MB resident added "
               "({:.0f} bytes per open incident, SQLite's page cache of up to 32 MiB included)\n",
               eng.open_incidents(), eng.pending_timers(), rebuild,
               static_cast<double>(rss_after - rss_before) / 1e6,
               static_cast<double>(rss_after - rss_before) / static_cast<double>(open));
    if (k + 1 < restarts) {
      continue;
    }
    std::sort(rebuilds.begin(), rebuilds.end());
    fmt::print("recovery: restart median {:.2f} s of {} (fastest {:.2f} s, slowest {:.2f} s)\n",
               rebuilds[rebuilds.size() / 2], rebuilds.size(), rebuilds.front(), rebuilds.back());
    if (!storm) {
      break;
    }
    const auto t1 = std::chrono::steady_clock::now();
    const auto fired = eng.run_due();
    const double drain = seconds_since(t1);
    fmt::print("recovery: timer storm: {} overdue timers fired (logged late) in {:.2f} s, {:.0f} timers/s, one "
               "commit; {} log records after\n",
               fired, drain, static_cast<double>(fired) / drain, eng.log_head().seq);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
