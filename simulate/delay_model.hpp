#pragma once
// How long a simulated responder takes to acknowledge: fixed, or drawn from a
// log-normal (given median and p90), exponential (given mean) or uniform distribution.
#include <cstdint>
#include <string>

#include "base/expected.hpp"
#include "base/time.hpp"
#include "simulate/random.hpp"

namespace baton::simulate {

class delay_model {
 public:
  enum class kind : std::uint8_t { fixed, lognormal, exponential, uniform };

  static delay_model fixed(duration d);
  /// Requires 0 < median < p90.
  static expected<delay_model> lognormal(duration median, duration p90);
  /// Requires mean > 0.
  static expected<delay_model> exponential(duration mean);
  /// Requires 0 <= low <= high.
  static expected<delay_model> uniform(duration low, duration high);

  /// One draw, rounded to the millisecond, never negative.
  duration sample(rng& r) const noexcept;

  kind type() const noexcept { return kind_; }
  /// "fixed 5m", "lognormal median 10m p90 45m", "exponential mean 20m", "uniform 5m..30m".
  std::string describe() const;

 private:
  delay_model(kind k, duration a, duration b, double mu, double sigma) noexcept
      : kind_(k), a_(a), b_(b), mu_(mu), sigma_(sigma) {}

  kind kind_;
  duration a_;  // fixed value, median, mean or lower bound
  duration b_;  // p90 or upper bound
  double mu_;     // log-normal: ln(median in ms)
  double sigma_;  // log-normal: (ln p90 - ln median) / z(0.9)
};

}  // namespace baton::simulate
