#include "engine/latency.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace baton::engine {
namespace {

constexpr int sub_bits = 6;  // 64 buckets per doubling
constexpr std::uint64_t sub_count = 1u << sub_bits;
// Durations are at most 36500 days (about 2^41.5 ms): 64 + 36 doublings of 64 buckets.
constexpr std::size_t bucket_count = sub_count + (42 - sub_bits) * sub_count;

std::size_t bucket_of(duration d) {
  const auto v = static_cast<std::uint64_t>(std::max<std::int64_t>(0, d.count()));
  if (v < sub_count) {
    return static_cast<std::size_t>(v);
  }
  const int e = static_cast<int>(std::bit_width(v)) - 1;  // v in [2^e, 2^(e+1))
  const auto sub = (v >> (e - sub_bits)) & (sub_count - 1);
  const auto index = sub_count + static_cast<std::uint64_t>(e - sub_bits) * sub_count + sub;
  return static_cast<std::size_t>(std::min<std::uint64_t>(index, bucket_count - 1));
}

duration lower_bound_of(std::size_t index) {
  if (index < sub_count) {
    return duration{static_cast<std::int64_t>(index)};
  }
  const auto e = (index - sub_count) / sub_count + sub_bits;
  const auto sub = (index - sub_count) % sub_count;
  return duration{static_cast<std::int64_t>((sub_count + sub) << (e - sub_bits))};
}

// The nearest rank for share q of n samples, 1-based.
std::size_t rank_of(double q, std::int64_t n) {
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(n)));
  return std::clamp<std::size_t>(rank, 1, static_cast<std::size_t>(n));
}

}  // namespace

void latency_summary::add(duration latency, bool breached) {
  ++count_;
  breaches_ += breached ? 1 : 0;
  max_ = std::max(max_, latency);
  if (buckets_.empty()) {
    exact_.push_back(latency);
    if (exact_.size() > exact_limit) {
      to_histogram();
    }
    return;
  }
  ++buckets_[bucket_of(latency)];
}

void latency_summary::to_histogram() {
  buckets_.assign(bucket_count, 0);
  for (auto d : exact_) {
    ++buckets_[bucket_of(d)];
  }
  exact_.clear();
  exact_.shrink_to_fit();
}

latency_stats latency_summary::stats() const {
  latency_stats st;
  st.count = count_;
  st.breaches = breaches_;
  st.max = max_;
  if (count_ == 0) {
    return st;
  }
  const std::size_t ranks[] = {rank_of(0.5, count_), rank_of(0.9, count_)};
  duration* out[] = {&st.median, &st.p90};
  if (buckets_.empty()) {
    std::vector<duration> sorted = exact_;
    std::sort(sorted.begin(), sorted.end());
    for (int i = 0; i < 2; ++i) {
      *out[i] = sorted[ranks[i] - 1];
    }
    return st;
  }
  for (int i = 0; i < 2; ++i) {
    std::uint64_t seen = 0;
    for (std::size_t b = 0; b < buckets_.size(); ++b) {
      seen += buckets_[b];
      if (seen >= ranks[i]) {
        *out[i] = std::min(lower_bound_of(b), max_);
        break;
      }
    }
  }
  return st;
}

void latency_book::add(const latency_sample& s) {
  const std::string_view rule = s.rule.empty() ? std::string_view{"(routing)"} : std::string_view{s.rule};
  auto r = rules_.find(rule);
  if (r == rules_.end()) {
    r = rules_.emplace(std::string(rule), latency_summary{}).first;
  }
  r->second.add(s.latency, s.breached);
  auto o = roles_.find(s.role);
  if (o == roles_.end()) {
    o = roles_.emplace(s.role, latency_summary{}).first;
  }
  o->second.add(s.latency, s.breached);
}

namespace {

std::map<std::string, latency_stats> all_stats(const std::map<std::string, latency_summary, std::less<>>& m) {
  std::map<std::string, latency_stats> out;
  for (const auto& [k, s] : m) {
    out.emplace(k, s.stats());
  }
  return out;
}

}  // namespace

std::map<std::string, latency_stats> latency_book::by_rule() const { return all_stats(rules_); }

std::map<std::string, latency_stats> latency_book::by_role() const { return all_stats(roles_); }

}  // namespace baton::engine
