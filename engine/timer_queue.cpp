#include "engine/timer_queue.hpp"

#include <algorithm>

namespace baton::engine {

std::uint64_t timer_queue::arm(timestamp due, timer_kind kind, std::int64_t incident,
                               std::int64_t escalation, std::uint64_t id) {
  if (id == 0) {
    id = next_seq_;
  }
  next_seq_ = std::max(next_seq_, id + 1);
  heap_.push(timer{due, id, kind, incident, escalation});
  pending_.insert(id);
  return id;
}

void timer_queue::cancel(std::uint64_t id) {
  pending_.erase(id);
}

void timer_queue::drop_cancelled() {
  while (!heap_.empty()) {
    if (pending_.contains(heap_.top().seq)) {
      return;
    }
    heap_.pop();
  }
}

std::optional<timestamp> timer_queue::next_due() {
  drop_cancelled();
  if (heap_.empty()) {
    return std::nullopt;
  }
  return heap_.top().due;
}

std::optional<timer> timer_queue::pop_due(timestamp now) {
  drop_cancelled();
  if (heap_.empty() || heap_.top().due > now) {
    return std::nullopt;
  }
  timer t = heap_.top();
  heap_.pop();
  pending_.erase(t.seq);
  return t;
}

}  // namespace baton::engine
