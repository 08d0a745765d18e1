#pragma once
// A small registry of Prometheus metrics: counters, gauges and histograms with labels,
// rendered in the text exposition format 0.0.4 for GET /metrics. Thread-safe: the
// engine thread and the HTTP threads record, a scrape renders.
//
// Label values come from the configuration (rules, roles, notifiers, integrations) and
// from fixed sets (outcomes, status codes), never from request text, so the series stay
// few. A family still refuses series beyond `max_series` (counted in
// baton_metrics_series_dropped_total) rather than grow without bound.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace baton::service {

class metrics {
 public:
  enum class type : std::uint8_t { counter, gauge, histogram };
  /// A family's index, from declare().
  using family = std::size_t;
  static constexpr std::size_t max_series = 2'000;

  /// Declares a family; `buckets` (upper bounds, increasing) only for histograms.
  family declare(type t, std::string name, std::string help, std::vector<std::string> labels,
                 std::vector<double> buckets = {});

  /// Counters: adds `by`. Gauges: adds `by` (may be negative). `values` pair with the
  /// family's labels, in order.
  void add(family f, std::initializer_list<std::string_view> values, double by = 1);
  /// Gauges: sets the value.
  void set(family f, std::initializer_list<std::string_view> values, double value);
  /// Histograms: records one observation.
  void observe(family f, std::initializer_list<std::string_view> values, double value);

  /// Every family with its series, in declaration order.
  std::string render() const;

 private:
  struct series {
    double value = 0;                    // counter, gauge
    std::vector<std::uint64_t> buckets;  // histogram: per bucket (not cumulative)
    double sum = 0;
    std::uint64_t count = 0;
  };
  struct family_data {
    type t = type::counter;
    std::string name;
    std::string help;
    std::vector<std::string> labels;
    std::vector<double> buckets;
    std::map<std::string, series, std::less<>> by_labels;  // key: rendered {a="x",...}
  };
  series* find(family_data& f, std::initializer_list<std::string_view> values);

  mutable std::mutex mu_;
  std::vector<family_data> families_;
  std::string key_;  // scratch, under mu_
  std::uint64_t dropped_ = 0;
};

/// Prometheus label-value escaping: backslash, double quote and newline.
void append_label_value(std::string& out, std::string_view v);

}  // namespace baton::service
