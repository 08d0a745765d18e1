#include "notifiers/delivery_pipeline.hpp"

#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>

#include "base/thread_name.hpp"
#include "base/time.hpp"

namespace baton::notifiers {

delivery_result attempt(const delivery& d) {
  if (d.target == nullptr) {
    return delivery_result::fail(fmt::format("notifier {} not configured", d.message->notifier));
  }
  return d.target->deliver(*d.message);
}

void inline_pipeline::start(delivery d) { done_.push_back({d.ticket, attempt(d)}); }

std::vector<delivery_done> inline_pipeline::take_done() { return std::exchange(done_, {}); }

namespace {

using steady = std::chrono::steady_clock;

// A worker with nothing to do for this long ends; its lane makes a new one when work
// comes. So the lanes of notifiers no longer in use leave no threads behind.
constexpr std::chrono::seconds idle_exit{10};

struct lane {
  const notifier* key = nullptr;
  std::deque<delivery> queue;
  std::condition_variable work;  // a delivery queued, or the pipeline stopping
  std::size_t workers = 0;       // threads serving the lane (hung ones not counted)
  std::size_t idle = 0;          // of those, waiting for work
  std::size_t hung = 0;          // threads written off, still inside the notifier
};

struct running_attempt {
  lane* in = nullptr;
  steady::time_point deadline;
  std::chrono::milliseconds timeout{};
  bool written_off = false;
};

}  // namespace

// Everything the threads share, behind one mutex. Worker threads hold it by shared_ptr:
// a thread written off may return long after the pipeline is gone.
struct threaded_pipeline::state {
  options opts;
  std::function<void()> on_done;
  mutable std::mutex mu;
  std::condition_variable finished;   // an attempt finished, or a thread ended
  std::condition_variable supervise;  // a new deadline to watch, or stopping
  bool stopping = false;
  std::unordered_map<const notifier*, lane> lanes;  // nodes: a lane& stays valid
  std::unordered_map<std::uint64_t, running_attempt> running;
  std::vector<delivery_done> done;
  std::size_t threads = 0;
  std::size_t hung = 0;
  std::thread supervisor;

  // With `mu` held.
  static void spawn(const std::shared_ptr<state>& s, lane& l);
  void finish(std::unique_lock<std::mutex>& lock, delivery_done d);
  void leave(lane& l);

  static void serve(const std::shared_ptr<state>& s, lane& l);
  static void watch(const std::shared_ptr<state>& s);
};

void threaded_pipeline::state::spawn(const std::shared_ptr<state>& s, lane& l) {
  std::thread t([s, &l] {
    name_this_thread("baton-deliver");
    serve(s, l);
  });
  t.detach();
  ++l.workers;
  ++s->threads;
}

// Reports an attempt's outcome and wakes the owner, unless the pipeline is stopping
// (nobody will take it then: the row stays pending).
void threaded_pipeline::state::finish(std::unique_lock<std::mutex>& lock, delivery_done d) {
  if (stopping) {
    return;
  }
  done.push_back(std::move(d));
  finished.notify_all();
  if (on_done) {
    lock.unlock();
    on_done();
    lock.lock();
  }
}

// A thread of `l` ends: the lane goes once nothing is left in it.
void threaded_pipeline::state::leave(lane& l) {
  --threads;
  finished.notify_all();
  if (l.workers == 0 && l.hung == 0 && l.queue.empty()) {
    lanes.erase(l.key);
  }
}

void threaded_pipeline::state::serve(const std::shared_ptr<state>& s, lane& l) {
  std::unique_lock lock(s->mu);
  for (;;) {
    if (l.queue.empty() && !s->stopping) {
      ++l.idle;
      const bool woken = l.work.wait_for(lock, idle_exit, [&] { return s->stopping || !l.queue.empty(); });
      --l.idle;
      if (!woken) {
        break;
      }
    }
    if (s->stopping) {
      break;
    }
    delivery d = std::move(l.queue.front());
    l.queue.pop_front();
    const auto ticket = d.ticket;
    s->running[ticket] = {&l, steady::now() + d.attempt_timeout, d.attempt_timeout, false};
    s->supervise.notify_one();
    lock.unlock();
    delivery_result r = attempt(d);
    d = {};  // the notifier set may go with it: not under the lock
    lock.lock();
    auto it = s->running.find(ticket);
    const bool written_off = it->second.written_off;
    s->running.erase(it);
    if (written_off) {
      // Reported as timed out long ago, and replaced in its lane: the late answer is
      // dropped and the thread ends.
      --l.hung;
      --s->hung;
      s->leave(l);
      return;
    }
    s->finish(lock, {ticket, std::move(r)});
  }
  --l.workers;
  s->leave(l);
}

void threaded_pipeline::state::watch(const std::shared_ptr<state>& s) {
  std::unique_lock lock(s->mu);
  while (!s->stopping) {
    const auto now = steady::now();
    auto next = steady::time_point::max();
    std::vector<delivery_done> late;
    for (auto& [ticket, a] : s->running) {
      if (a.written_off) {
        continue;
      }
      if (a.deadline > now) {
        next = std::min(next, a.deadline);
        continue;
      }
      a.written_off = true;
      lane& l = *a.in;
      --l.workers;
      ++l.hung;
      ++s->hung;
      late.push_back({ticket, delivery_result::retry(fmt::format("no answer within {}", format_duration(a.timeout)))});
      // The lane carries on without the hung thread.
      if (l.queue.size() > l.idle) {
        try {
          spawn(s, l);
        } catch (const std::system_error&) {
          // No thread to be had: the lane's other workers, or the next start, carry on.
        }
      }
    }
    if (!late.empty()) {
      for (auto& d : late) {
        s->finish(lock, std::move(d));
      }
      continue;
    }
    if (next == steady::time_point::max()) {
      s->supervise.wait(lock);
    } else {
      s->supervise.wait_until(lock, next);
    }
  }
}

threaded_pipeline::threaded_pipeline(options o, std::function<void()> on_done) : state_(std::make_shared<state>()) {
  state_->opts = o;
  state_->on_done = std::move(on_done);
  state_->supervisor = std::thread([s = state_] {
    name_this_thread("baton-watch");
    state::watch(s);
  });
}

threaded_pipeline::~threaded_pipeline() {
  std::unique_lock lock(state_->mu);
  state_->stopping = true;
  for (auto& [key, l] : state_->lanes) {
    l.work.notify_all();
  }
  state_->supervise.notify_all();
  lock.unlock();
  state_->supervisor.join();
  lock.lock();
  // Attempts in progress may finish, within the grace; hung ones are not waited for.
  state_->finished.wait_for(lock, state_->opts.shutdown_grace,
                            [&] { return state_->threads == state_->hung; });
}

void threaded_pipeline::start(delivery d) {
  state& s = *state_;
  std::unique_lock lock(s.mu);
  if (d.target == nullptr) {
    s.done.push_back({d.ticket, attempt(d)});
    return;
  }
  lane& l = s.lanes[d.target];
  l.key = d.target;
  if (l.hung >= s.opts.max_hung_per_notifier) {
    s.done.push_back({d.ticket, delivery_result::retry(fmt::format(
                                    "notifier {}: {} earlier attempts have not returned", d.message->notifier, l.hung))});
    return;
  }
  const auto ticket = d.ticket;
  const auto name = d.message->notifier;
  l.queue.push_back(std::move(d));
  if (l.queue.size() <= l.idle) {
    l.work.notify_one();
    return;
  }
  if (l.workers < s.opts.workers_per_notifier) {
    try {
      state::spawn(state_, l);
    } catch (const std::system_error& e) {
      if (l.workers == 0) {
        l.queue.pop_back();
        s.done.push_back({ticket, delivery_result::retry(
                                      fmt::format("notifier {}: cannot start a delivery thread: {}", name, e.what()))});
      }
    }
  }
}

std::vector<delivery_done> threaded_pipeline::take_done() {
  std::lock_guard lock(state_->mu);
  return std::exchange(state_->done, {});
}

bool threaded_pipeline::wait_done(std::chrono::steady_clock::time_point until) {
  std::unique_lock lock(state_->mu);
  return state_->finished.wait_until(lock, until, [&] { return !state_->done.empty(); });
}

threaded_pipeline::stats threaded_pipeline::snapshot() const {
  std::lock_guard lock(state_->mu);
  stats out;
  for (const auto& [key, l] : state_->lanes) {
    out.queued += l.queue.size();
  }
  out.hung = state_->hung;
  out.running = state_->running.size() - state_->hung;
  out.threads = state_->threads;
  return out;
}

}  // namespace baton::notifiers
