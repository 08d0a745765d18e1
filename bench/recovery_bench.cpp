// Restart at scale: a SQLite file (synchronous=FULL) holding N open incidents of the
// reference organisation, each paging its holder with a pending acknowledgement timer;
// then a new engine rebuilt from it six times, each in a fresh process as a real
// restart is, three of them with transparent huge pages for malloc's heap (time, the
// medians, and resident memory it added), and the storm when the process comes back an
// hour later and every timer is overdue (time to drain, timers fired). Figures only;
// nothing is asserted.
//
//   recovery_bench                     100,000 open incidents
//   recovery_bench 1000000             one million (about 3 GB of database, minutes to build)
//   recovery_bench 1000000 no-storm    without the storm (minutes at a million)
//
// (`recovery_bench --restart DB storm|no-storm` is how it runs each restart.)
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
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

// One restart, in the process recovery_bench started for it: the engine rebuilt from
// `db` an hour after the build, its time (printed as "rebuild-seconds S" for the parent)
// and the resident memory it added; then, when asked, the storm of overdue timers.
int restart(const std::shared_ptr<const config::organisation>& org, timestamp start, const std::filesystem::path& db,
            bool storm) {
  const auto rss_before = bench::resident_bytes();
  const auto t0 = std::chrono::steady_clock::now();
  store::sqlite_store st(db);
  engine::manual_clock clock(start + std::chrono::hours{1});
  auto notifiers = counting_notifiers(*org);
  engine::engine eng(clock, st, *notifiers, org);
  const double rebuild = seconds_since(t0);
  const auto rss_after = bench::resident_bytes();
  const auto open = static_cast<double>(std::max<std::size_t>(eng.open_incidents(), 1));
  fmt::print("recovery: rebuilt {} open incidents and {} pending timers in {:.2f} s (a fresh process); {:.0f} MB "
             "resident added ({:.0f} bytes per open incident, SQLite's page cache of up to 32 MiB included)\n",
             eng.open_incidents(), eng.pending_timers(), rebuild, static_cast<double>(rss_after - rss_before) / 1e6,
             static_cast<double>(rss_after - rss_before) / open);
  fmt::print("rebuild-seconds {:.6f}\n", rebuild);
  if (storm) {
    const auto t1 = std::chrono::steady_clock::now();
    const auto fired = eng.run_due();
    const double drain = seconds_since(t1);
    fmt::print("recovery: timer storm: {} overdue timers fired (logged late) in {:.2f} s, {:.0f} timers/s, one "
               "commit; {} log records after\n",
               fired, drain, static_cast<double>(fired) / drain, eng.log_head().seq);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const bool child = argc == 4 && std::string_view(argv[1]) == "--restart";
  const std::size_t open = argc > 1 && !child ? std::strtoull(argv[1], nullptr, 10) : 100'000;
  const bool storm = !(argc > 2 && std::string_view(argv[argc - 1]) == "no-storm");
  const timestamp start = *parse_iso("2026-11-23T09:00:00Z", nullptr);
  auto loaded = config::load(std::string(BATON_SOURCE_DIR) + "/examples/compel/baton.yaml", start);
  if (loaded.org && child) {
    return restart(loaded.org, start, argv[2], storm);
  }
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

  // The build leaves gigabytes of the file to be written back; the restarts are timed
  // after that, not against it.
  ::sync();

  // Restart an hour later, each in a fresh process as a real restart is (a heap the
  // build has not fragmented, the configuration loaded anew); each logs engine.recovered
  // and nothing else. Three with glibc's malloc as it comes, interleaved with three with
  // transparent huge pages for its heap (GLIBC_TUNABLES=glibc.malloc.hugetlb=1, which
  // examples/systemd/baton.service sets): at a million incidents the rebuild writes
  // about 800 MB of fresh memory, and 4 KiB pages cost a fault each. The last one also
  // runs the storm.
  constexpr int restarts = 3;
  const std::string huge_pages = "glibc.malloc.hugetlb=1";
  std::vector<double> rebuilds[2];
  const auto self = std::filesystem::read_symlink("/proc/self/exe");
  for (int k = 0; k < 2 * restarts; ++k) {
    const bool huge = k % 2 == 1;
    const bool last = k + 1 == 2 * restarts;
    const std::string command =
        fmt::format("GLIBC_TUNABLES={} '{}' --restart '{}' {}", huge ? huge_pages : "", self.string(), db.string(),
                    last && storm ? "storm" : "no-storm");
    FILE* out = ::popen(command.c_str(), "r");
    if (out == nullptr) {
      fmt::print(stderr, "recovery_bench: cannot start {}\n", command);
      return 2;
    }
    char line[512];
    auto& times = rebuilds[huge ? 1 : 0];
    const auto before = times.size();
    while (std::fgets(line, sizeof line, out) != nullptr) {
      double seconds = 0;
      if (std::sscanf(line, "rebuild-seconds %lf", &seconds) == 1) {
        times.push_back(seconds);
      } else {
        fmt::print("{}{}", huge ? "[huge pages] " : "", line);
      }
    }
    if (::pclose(out) != 0 || times.size() != before + 1) {
      fmt::print(stderr, "recovery_bench: the restart process failed\n");
      return 2;
    }
  }
  for (int huge = 0; huge < 2; ++huge) {
    auto& times = rebuilds[huge];
    std::sort(times.begin(), times.end());
    fmt::print("recovery: restart median {:.2f} s of {} (fastest {:.2f} s, slowest {:.2f} s), {}\n",
               times[times.size() / 2], times.size(), times.front(), times.back(),
               huge ? "GLIBC_TUNABLES=" + huge_pages : std::string("glibc's malloc as it comes"));
  }
  std::filesystem::remove_all(dir);
  return 0;
}
