#include <catch2/catch.hpp>

#include "engine/clock.hpp"
#include "engine/timer_queue.hpp"

using namespace baton;
using namespace std::chrono_literals;

TEST_CASE("timers fire in (deadline, arming order) and cancelled ones never fire", "[engine][timers]") {
  engine::timer_queue q;
  timestamp t0{};
  auto a = q.arm(t0 + 10s, engine::timer_kind::ack_timeout, 1, 1);
  auto b = q.arm(t0 + 5s, engine::timer_kind::target, 2, 2);
  auto c = q.arm(t0 + 10s, engine::timer_kind::reminder, 3, 0);
  auto d = q.arm(t0 + 7s, engine::timer_kind::ack_timeout, 4, 4);
  q.cancel(d);
  CHECK(q.size() == 3);
  CHECK(q.next_due() == t0 + 5s);
  CHECK_FALSE(q.pop_due(t0 + 4s).has_value());
  auto first = q.pop_due(t0 + 20s);
  REQUIRE(first);
  CHECK(first->seq == b);
  auto second = q.pop_due(t0 + 20s);
  REQUIRE(second);
  CHECK(second->seq == a);
  auto third = q.pop_due(t0 + 20s);
  REQUIRE(third);
  CHECK(third->seq == c);
  CHECK_FALSE(q.pop_due(t0 + 20s).has_value());
  CHECK(q.size() == 0);
  q.cancel(a);  // already fired: ignored
  CHECK(q.size() == 0);
}

TEST_CASE("the manual clock never goes back", "[engine][timers]") {
  engine::manual_clock clk(timestamp{} + 10s);
  clk.set(timestamp{} + 5s);
  CHECK(clk.now() == timestamp{} + 10s);
  clk.advance(5s);
  CHECK(clk.now() == timestamp{} + 15s);
}

TEST_CASE("cancelled timers do not pile up behind a long deadline", "[engine][timers]") {
  engine::timer_queue q;
  timestamp t0{};
  // A far deadline at the top of the heap, and a million short timers armed and
  // cancelled behind it, as acknowledgements cancel ack timeouts under load.
  q.arm(t0 + std::chrono::hours{24 * 365}, engine::timer_kind::target, 1, 1);
  std::size_t most = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    auto id = q.arm(t0 + std::chrono::hours{24 * 400}, engine::timer_kind::ack_timeout, 2, 2);
    q.cancel(id);
    most = std::max(most, q.held());
  }
  CHECK(q.size() == 1);
  CHECK(most <= 2 * 1 + 64 + 1);
  // Order survives the rebuilds.
  auto later = q.arm(t0 + 20s, engine::timer_kind::reminder, 3, 0);
  auto sooner = q.arm(t0 + 10s, engine::timer_kind::reminder, 4, 0);
  for (int i = 0; i < 200; ++i) {
    q.cancel(q.arm(t0 + 5s, engine::timer_kind::ack_timeout, 5, 5));
  }
  CHECK(q.pop_due(t0 + 30s)->seq == sooner);
  CHECK(q.pop_due(t0 + 30s)->seq == later);
  CHECK_FALSE(q.pop_due(t0 + 30s).has_value());
}
