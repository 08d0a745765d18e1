#include "simulate/delay_model.hpp"

#include <algorithm>
#include <cmath>

namespace baton::simulate {
namespace {

// The standard normal's 90th percentile: a log-normal with median m has its p90 at
// m * exp(sigma * z90), so sigma follows from the two percentiles a person can estimate.
constexpr double z90 = 1.2815515655446004;

double ms(duration d) { return static_cast<double>(d.count()); }

duration from_ms(double v) {
  // Clamp keeps a freak draw (or a huge mean) within the durations baton computes with,
  // so the time of the answer (an instant plus this) never overflows.
  const auto limit = static_cast<double>(max_duration.count());
  if (!(v > 0)) {
    return duration{0};  // also NaN, which clamp would pass through
  }
  return duration{static_cast<std::int64_t>(std::llround(std::clamp(v, 0.0, limit)))};
}

}  // namespace

delay_model delay_model::fixed(duration d) { return {kind::fixed, std::max(d, duration{0}), duration{0}, 0, 0}; }

expected<delay_model> delay_model::lognormal(duration median, duration p90) {
  if (median.count() <= 0 || p90 <= median) {
    return unexpected{std::string{"a log-normal delay needs 0 < median < p90"}};
  }
  const double mu = std::log(ms(median));
  const double sigma = (std::log(ms(p90)) - mu) / z90;
  return delay_model{kind::lognormal, median, p90, mu, sigma};
}

expected<delay_model> delay_model::exponential(duration mean) {
  if (mean.count() <= 0) {
    return unexpected{std::string{"an exponential delay needs a mean above zero"}};
  }
  return delay_model{kind::exponential, mean, duration{0}, 0, 0};
}

expected<delay_model> delay_model::uniform(duration low, duration high) {
  if (low.count() < 0 || high < low) {
    return unexpected{std::string{"a uniform delay needs 0 <= low <= high"}};
  }
  return delay_model{kind::uniform, low, high, 0, 0};
}

duration delay_model::sample(rng& r) const noexcept {
  switch (kind_) {
    case kind::fixed:
      return a_;
    case kind::lognormal:
      return from_ms(std::exp(mu_ + sigma_ * r.normal()));
    case kind::exponential:
      return from_ms(-ms(a_) * std::log(r.uniform_open_zero()));
    case kind::uniform:
      return from_ms(ms(a_) + (ms(b_) - ms(a_)) * r.uniform());
  }
  return a_;
}

std::string delay_model::describe() const {
  switch (kind_) {
    case kind::fixed:
      return "fixed " + format_duration(a_);
    case kind::lognormal:
      return "lognormal median " + format_duration(a_) + " p90 " + format_duration(b_);
    case kind::exponential:
      return "exponential mean " + format_duration(a_);
    case kind::uniform:
      return "uniform " + format_duration(a_) + ".." + format_duration(b_);
  }
  return "?";
}

}  // namespace baton::simulate
