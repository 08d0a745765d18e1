#pragma once
// Pending timers ordered by (deadline, sequence): timers due at the same instant fire in
// the order they were armed, whatever the container does, so runs are reproducible.
// Cancellation is lazy: a cancelled timer stays in the heap until it reaches the top, or
// until cancelled entries outnumber pending ones, when the heap is rebuilt without them:
// memory follows the pending timers, not every timer armed within the longest deadline.
// Timers armed before the clock's now simply fire at the next pop (they are late).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <unordered_set>
#include <vector>

#include "base/time.hpp"

namespace baton::engine {

/// working_hours: a ladder for a working-hours-only rule waits for someone's hours to
/// begin (it takes the escalation's ack timer slot: both move the ladder on).
enum class timer_kind : std::uint8_t { ack_timeout, target, reminder, working_hours };

struct timer {
  timestamp due;
  std::uint64_t seq = 0;  // arming order; also the timer's id
  timer_kind kind = timer_kind::ack_timeout;
  std::int64_t incident_id = 0;
  std::int64_t escalation_id = 0;
};

class timer_queue {
 public:
  /// Arms a timer; returns its id. `id` may be given when restoring persisted timers.
  std::uint64_t arm(timestamp due, timer_kind kind, std::int64_t incident, std::int64_t escalation,
                    std::uint64_t id = 0);

  /// Cancels a pending timer; unknown or fired ids are ignored.
  void cancel(std::uint64_t id);

  /// The earliest pending deadline.
  std::optional<timestamp> next_due();

  /// Removes and returns the earliest timer if it is due at `now`.
  std::optional<timer> pop_due(timestamp now);

  std::size_t size() const noexcept { return pending_.size(); }
  /// Entries held, cancelled ones included (for the tests of the bound above).
  std::size_t held() const noexcept { return heap_.size(); }

  /// The largest id handed out so far (0: none).
  std::uint64_t highest_id() const noexcept { return next_seq_ - 1; }

  /// Room for `n` pending timers without growing (a restart knows about how many).
  void reserve(std::size_t n) {
    heap_.reserve(n);
    pending_.reserve(n);
  }
  /// Ids up to `highest` were handed out before (by an earlier process): never again.
  void reserve_ids(std::uint64_t highest) noexcept { next_seq_ = std::max(next_seq_, highest + 1); }

 private:
  struct later {
    bool operator()(const timer& a, const timer& b) const noexcept {
      return a.due != b.due ? a.due > b.due : a.seq > b.seq;
    }
  };
  void drop_cancelled();

  void compact();

  std::vector<timer> heap_;  // a heap under `later`: the earliest timer at the front
  std::unordered_set<std::uint64_t> pending_;  // ids armed and neither fired nor cancelled
  std::uint64_t next_seq_ = 1;
};

}  // namespace baton::engine
