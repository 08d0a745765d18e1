#pragma once
// Escalation latency (engaged time - trigger time), kept per rule and per role as
// fixed-size summaries: a service running for months keeps bounded memory, not every
// sample forever.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/time.hpp"

namespace baton::engine {

/// Latency figures for one rule or role.
struct latency_stats {
  std::int64_t count = 0;
  duration median{0};
  duration p90{0};
  duration max{0};
  std::int64_t breaches = 0;  // engaged after the target, or target passed unengaged
};

struct latency_sample {
  std::string rule;  // "" for the initial routing
  std::string role;
  duration latency{0};
  bool breached = false;
};

/// The latencies of one rule or role. The first `exact_limit` samples are kept as they
/// are, so percentiles are exact (nearest rank: the smallest sample with at least that
/// share of all samples at or below it); after that they go into a histogram of 64
/// buckets per doubling (below 64 ms one per millisecond), and percentiles are the lower
/// bound of their bucket: at most 1/64 (1.6%) below the exact figure. Count, breaches and
/// max stay exact. At most about 10 KB, however many samples.
class latency_summary {
 public:
  static constexpr std::size_t exact_limit = 1024;

  void add(duration latency, bool breached);
  latency_stats stats() const;

 private:
  void to_histogram();

  std::int64_t count_ = 0;
  std::int64_t breaches_ = 0;
  duration max_{0};
  std::vector<duration> exact_;         // while count_ <= exact_limit
  std::vector<std::uint32_t> buckets_;  // after
};

/// The summaries of one engine run, per rule ("(routing)" for the initial routing) and
/// per role.
class latency_book {
 public:
  void add(const latency_sample& s);
  std::map<std::string, latency_stats> by_rule() const;
  std::map<std::string, latency_stats> by_role() const;

 private:
  std::map<std::string, latency_summary, std::less<>> rules_;
  std::map<std::string, latency_summary, std::less<>> roles_;
};

}  // namespace baton::engine
