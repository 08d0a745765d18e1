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
