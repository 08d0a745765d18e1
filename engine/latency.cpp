#include "engine/latency.hpp"

#include <algorithm>
#include <cmath>

namespace baton::engine {
namespace {

latency_stats summarise(std::vector<const latency_sample*> samples) {
  latency_stats st;
  if (samples.empty()) {
    return st;
  }
  std::sort(samples.begin(), samples.end(),
            [](const latency_sample* a, const latency_sample* b) { return a->latency < b->latency; });
  st.count = static_cast<std::int64_t>(samples.size());
  auto at = [&](double q) {
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples.size())));
    return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1]->latency;
  };
  st.median = at(0.5);
  st.p90 = at(0.9);
  st.max = samples.back()->latency;
  for (const auto* s : samples) {
    st.breaches += s->breached ? 1 : 0;
  }
  return st;
}

}  // namespace

std::map<std::string, latency_stats> latency_book::by(std::string latency_sample::*key) const {
  std::map<std::string, std::vector<const latency_sample*>> groups;
  for (const auto& l : samples_) {
    const std::string& k = l.*key;
    groups[k.empty() ? "(routing)" : k].push_back(&l);
  }
  std::map<std::string, latency_stats> out;
  for (auto& [k, v] : groups) {
    out[k] = summarise(std::move(v));
  }
  return out;
}

std::map<std::string, latency_stats> latency_book::by_rule() const { return by(&latency_sample::rule); }

std::map<std::string, latency_stats> latency_book::by_role() const { return by(&latency_sample::role); }

}  // namespace baton::engine
