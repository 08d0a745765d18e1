// How fast the tamper-evident log takes records: audit_log::append (canonical JSON +
// SHA-256 + store) into each store, and how fast verify() walks a log back.
// Prints the median of 3 runs for each case; bounded to well under a minute.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "store/audit_log.hpp"
#include "store/memory_store.hpp"
#include "store/sqlite_store.hpp"

namespace {

using namespace baton;
namespace bs = baton::store;
using bs::audit_log;
using bs::log_record;
using bs::memory_store;
using bs::sqlite_store;
using bench_clock = std::chrono::steady_clock;

constexpr std::int64_t head_only_records = 1'000'000;
constexpr std::int64_t memory_records = 200'000;
constexpr std::int64_t grouped_records = 200'000;
constexpr std::int64_t group_size = 1000;
constexpr std::int64_t per_record_commits = 2000;
constexpr int runs = 3;

const timestamp start_time = from_epoch_ms(1'772'614'800'000);  // 2026-03-04T09:00:00Z

// Details like the engine's: an event summary, a rule, roles and a reason, ~200 bytes
// once canonical. A handful of variants, cycled, so the work is not one cached shape.
std::vector<boost::json::object> make_details() {
  std::vector<boost::json::object> out;
  const char* rules[] = {"T1", "T2", "T4", "T7"};
  const char* systems[] = {"credit-scoring-v3", "claims-triage", "hr-screening", "fraud-detector"};
  for (int i = 0; i < 16; ++i) {
    out.push_back({{"event", {{"type", "incident"}, {"system", systems[i % 4]}, {"severity", i % 3 == 0 ? "high" : "medium"}}},
                   {"rule", rules[i % 4]},
                   {"from", "bu_owner"},
                   {"to", boost::json::array{"caio", "general_counsel"}},
                   {"reason", "customer harm reported; regulator notification required"},
                   {"incident", 1000 + i}});
  }
  return out;
}

double seconds_since(bench_clock::time_point start) {
  return std::chrono::duration<double>(bench_clock::now() - start).count();
}

double median(std::array<double, runs> v) {
  std::sort(v.begin(), v.end());
  return v[runs / 2];
}

/// Appends `n` records to `s`, committing every `group` records (0 = no transactions),
/// and returns records per second.
double append_rate(bs::store& s, std::int64_t n, std::int64_t group, const std::vector<boost::json::object>& details) {
  audit_log log(s);
  auto start = bench_clock::now();
  for (std::int64_t i = 0; i < n; ++i) {
    if (group != 0 && i % group == 0) {
      s.begin();
    }
    log.append(start_time + std::chrono::milliseconds(i), "engine", "accountability.moved", i % 5000,
               details[static_cast<std::size_t>(i) % details.size()]);
    if (group != 0 && (i + 1) % group == 0) {
      s.commit();
    }
  }
  if (group != 0 && n % group != 0) {
    s.commit();
  }
  return static_cast<double>(n) / seconds_since(start);
}

double verify_rate(bs::store& s, std::int64_t expected) {
  auto start = bench_clock::now();
  auto result = bs::verify(s);
  double rate = static_cast<double>(result.records) / seconds_since(start);
  if (!result.ok || result.records != expected) {
    fmt::print("  (verify reported a problem: {})\n", result.reason);
  }
  return rate;
}

struct temp_database {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               fmt::format("baton-log-bench-{}.db", ::getpid());
  temp_database() { remove(); }
  temp_database(const temp_database&) = delete;
  temp_database& operator=(const temp_database&) = delete;
  ~temp_database() { remove(); }
  void remove() const {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path.string() + suffix, ec);
    }
  }
};

void report(const char* what, std::int64_t n, const std::array<double, runs>& rates) {
  fmt::print("  {:<40} {:>9} records  {:>12.0f} records/s\n", what, n, median(rates));
}

}  // namespace

int main() {
  const auto details = make_details();
  {
    memory_store probe;
    audit_log log(probe);
    log.append(start_time, "engine", "accountability.moved", 1, details[0]);
    std::size_t bytes = 0;
    probe.read_log({}, [&](const log_record& r) { bytes = r.details.size(); });
    fmt::print("log append bench: audit_log::append with {}-byte canonical details, median of {} runs\n",
               bytes, runs);
  }

  std::array<double, runs> head_only{}, all_records{}, grouped{}, per_record{}, verify_memory{}, verify_sqlite{};
  for (int run = 0; run < runs; ++run) {
    {
      memory_store s(memory_store::log_retention::head_only);
      head_only[run] = append_rate(s, head_only_records, 0, details);
    }
    {
      memory_store s;
      all_records[run] = append_rate(s, memory_records, 0, details);
      verify_memory[run] = verify_rate(s, memory_records);
    }
    {
      temp_database db;
      sqlite_store s(db.path);
      grouped[run] = append_rate(s, grouped_records, group_size, details);
      verify_sqlite[run] = verify_rate(s, grouped_records);
    }
    {
      temp_database db;
      sqlite_store s(db.path);
      per_record[run] = append_rate(s, per_record_commits, 1, details);
    }
  }

  fmt::print("append\n");
  report("memory_store, head_only", head_only_records, head_only);
  report("memory_store, all records", memory_records, all_records);
  report(fmt::format("sqlite_store, 1 commit per {} records", group_size).c_str(), grouped_records, grouped);
  report("sqlite_store, 1 commit per record", per_record_commits, per_record);
  fmt::print("verify\n");
  report("memory_store", memory_records, verify_memory);
  report("sqlite_store (file written above)", grouped_records, verify_sqlite);
  return 0;
}
