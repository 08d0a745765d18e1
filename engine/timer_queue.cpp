#include "engine/timer_queue.hpp"

#include <algorithm>

namespace baton::engine {

std::uint64_t timer_queue::arm(timestamp due, timer_kind kind, std::int64_t incident,
                               std::int64_t escalation, std::uint64_t id) {
  if (id == 0) {
    id = next_seq_;
  }
  next_seq_ = std::max(next_seq_, id + 1);
  heap_.push_back(timer{due, id, kind, incident, escalation});
  std::push_heap(heap_.begin(), heap_.end(), later{});
  pending_.insert(id);
  return id;
}

void timer_queue::cancel(std::uint64_t id) {
  if (pending_.erase(id) != 0 && heap_.size() > 2 * pending_.size() + 64) {
    compact();
  }
}

void timer_queue::compact() {
  std::erase_if(heap_, [&](const timer& t) { return !pending_.contains(t.seq); });
  std::make_heap(heap_.begin(), heap_.end(), later{});
}

void timer_queue::drop_cancelled() {
  while (!heap_.empty()) {
    if (pending_.contains(heap_.front().seq)) {
      return;
    }
    std::pop_heap(heap_.begin(), heap_.end(), later{});
    heap_.pop_back();
  }
}

std::optional<timestamp> timer_queue::next_due() {
  drop_cancelled();
  if (heap_.empty()) {
    return std::nullopt;
  }
  return heap_.front().due;
}

std::optional<timer> timer_queue::pop_due(timestamp now) {
  drop_cancelled();
  if (heap_.empty() || heap_.front().due > now) {
    return std::nullopt;
  }
  std::pop_heap(heap_.begin(), heap_.end(), later{});
  timer t = heap_.back();
  heap_.pop_back();
  pending_.erase(t.seq);
  return t;
}

}  // namespace baton::engine
