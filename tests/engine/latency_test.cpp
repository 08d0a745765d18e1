// Latency summaries per rule and role (engine/latency.hpp).
#include <catch2/catch.hpp>

#include "engine/latency.hpp"

using namespace baton;
using namespace std::chrono_literals;

TEST_CASE("latency summaries use nearest-rank percentiles and count breaches", "[engine][latency]") {
  engine::latency_book book;
  for (int m : {7, 1, 3, 10, 2}) {
    book.add({"harm", "caio", std::chrono::minutes{m}, m > 5});
  }
  book.add({"", "bu_owner", 4min, false});
  auto by_rule = book.by_rule();
  REQUIRE(by_rule.size() == 2);
  const auto& harm = by_rule.at("harm");
  CHECK(harm.count == 5);
  CHECK(harm.median == 3min);  // the 3rd of 1, 2, 3, 7, 10
  CHECK(harm.p90 == 10min);    // rank ceil(4.5) = 5
  CHECK(harm.max == 10min);
  CHECK(harm.breaches == 2);
  CHECK(by_rule.at("(routing)").count == 1);
  auto by_role = book.by_role();
  CHECK(by_role.at("caio").count == 5);
  CHECK(by_role.at("bu_owner").median == 4min);
  CHECK(engine::latency_book{}.by_rule().empty());
}

TEST_CASE("a latency summary stays the same size however many samples, within 1/64 of exact", "[engine][latency]") {
  engine::latency_summary s;
  std::vector<duration> all;
  // A million latencies from 1 s to about 11 days, as a long-running service sees them.
  std::uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 1'000'000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const duration d{1000 + static_cast<std::int64_t>(x % 1'000'000'000)};
    all.push_back(d);
    s.add(d, i % 10 == 0);
  }
  std::sort(all.begin(), all.end());
  const auto st = s.stats();
  CHECK(st.count == 1'000'000);
  CHECK(st.breaches == 100'000);
  CHECK(st.max == all.back());
  const auto exact_median = all[500'000 - 1];
  const auto exact_p90 = all[900'000 - 1];
  CHECK(st.median <= exact_median);
  CHECK(st.median.count() >= exact_median.count() - exact_median.count() / 64);
  CHECK(st.p90 <= exact_p90);
  CHECK(st.p90.count() >= exact_p90.count() - exact_p90.count() / 64);
}
