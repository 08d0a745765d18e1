// Simulated responders' acknowledgement delays follow their parameters, and a seed
// gives the same draws everywhere.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "simulate/delay_model.hpp"

using namespace baton;
using namespace std::chrono_literals;
using simulate::delay_model;

namespace {

std::vector<double> draw(const delay_model& m, std::size_t n, std::uint64_t seed = 42) {
  simulate::rng r(seed);
  std::vector<double> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(static_cast<double>(m.sample(r).count()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

double quantile(const std::vector<double>& sorted, double q) {
  return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) {
    sum += x;
  }
  return sum / static_cast<double>(v.size());
}

constexpr std::size_t samples = 200'000;

}  // namespace

TEST_CASE("a fixed delay is always the same", "[simulate]") {
  auto m = delay_model::fixed(5min);
  simulate::rng r(1);
  for (int i = 0; i < 100; ++i) {
    CHECK(m.sample(r) == 5min);
  }
  CHECK(m.describe() == "fixed 5m");
}

TEST_CASE("a log-normal delay has the median and p90 it was given", "[simulate]") {
  auto m = delay_model::lognormal(10min, 45min);
  REQUIRE(m.has_value());
  auto v = draw(*m, samples);
  CHECK(quantile(v, 0.5) == Approx(600'000.0).epsilon(0.02));
  CHECK(quantile(v, 0.9) == Approx(2'700'000.0).epsilon(0.03));
  CHECK(v.front() >= 0);
  CHECK(m->describe() == "lognormal median 10m p90 45m");
}

TEST_CASE("an exponential delay has its mean, and its median at mean times ln 2", "[simulate]") {
  auto m = delay_model::exponential(20min);
  REQUIRE(m.has_value());
  auto v = draw(*m, samples);
  CHECK(mean(v) == Approx(1'200'000.0).epsilon(0.02));
  CHECK(quantile(v, 0.5) == Approx(1'200'000.0 * 0.6931471805599453).epsilon(0.02));
}

TEST_CASE("a uniform delay stays within its bounds and is flat", "[simulate]") {
  auto m = delay_model::uniform(5min, 30min);
  REQUIRE(m.has_value());
  auto v = draw(*m, samples);
  CHECK(v.front() >= 300'000.0);
  CHECK(v.back() <= 1'800'000.0);
  CHECK(mean(v) == Approx(1'050'000.0).epsilon(0.01));
  CHECK(quantile(v, 0.25) == Approx(300'000.0 + 0.25 * 1'500'000.0).epsilon(0.02));
}

TEST_CASE("impossible delay parameters are refused with a reason", "[simulate]") {
  CHECK_FALSE(delay_model::lognormal(10min, 5min).has_value());
  CHECK_FALSE(delay_model::lognormal(0min, 5min).has_value());
  CHECK_FALSE(delay_model::exponential(0min).has_value());
  CHECK_FALSE(delay_model::uniform(10min, 5min).has_value());
  CHECK(delay_model::lognormal(10min, 5min).error() == "a log-normal delay needs 0 < median < p90");
}

TEST_CASE("the same seed and stream give the same draws, other streams differ", "[simulate]") {
  simulate::rng a(7, 3);
  simulate::rng b(7, 3);
  simulate::rng c(7, 4);
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    auto x = a.next();
    CHECK(x == b.next());
    differs = differs || x != c.next();
  }
  CHECK(differs);
  // Pinned values: a change to the generator would silently change every seeded report.
  simulate::rng pinned(2026, 0);
  CHECK(pinned.next() == 14400714012408053251ULL);
  CHECK(pinned.next() == 16357143585536447373ULL);
  CHECK(simulate::rng(0, 0).next() != simulate::rng(0, 1).next());
}
