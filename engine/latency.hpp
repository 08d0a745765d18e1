#pragma once
// Escalation latency (engaged time - trigger time), kept per rule and per role.
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

/// The samples of one engine run and their summaries. Percentiles are nearest-rank:
/// the smallest sample with at least that share of all samples at or below it.
class latency_book {
 public:
  void add(latency_sample s) { samples_.push_back(std::move(s)); }
  const std::vector<latency_sample>& samples() const noexcept { return samples_; }
  /// Keyed by rule id ("(routing)" for the initial routing) or by role id.
  std::map<std::string, latency_stats> by_rule() const;
  std::map<std::string, latency_stats> by_role() const;

 private:
  std::map<std::string, latency_stats> by(std::string latency_sample::*key) const;

  std::vector<latency_sample> samples_;
};

}  // namespace baton::engine
