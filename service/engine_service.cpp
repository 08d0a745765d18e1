#include "service/engine_service.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <vector>

#include "base/thread_name.hpp"

namespace baton::service {

engine_service::engine_service(const engine::clock& clk, engine_factory make, options o)
    : clock_(clk), opts_(o) {
  pipeline_ = std::make_unique<notifiers::threaded_pipeline>(notifiers::threaded_pipeline::options{}, [this] {
    std::lock_guard lock(mu_);
    deliveries_done_ = true;
    ++stats_.attempts_finished;
    wake_.notify_one();
  });
  thread_ = std::thread([this, make = std::move(make)] {
    name_this_thread("baton-engine");
    run(make);
  });
  std::unique_lock lock(mu_);
  ready_.wait(lock, [&] { return started_; });
  if (start_error_) {
    lock.unlock();
    thread_.join();
    std::rethrow_exception(start_error_);
  }
}

engine_service::~engine_service() { stop(); }

bool engine_service::submit(engine::operation op, callback done) {
  std::lock_guard lock(mu_);
  if (stopping_ || queue_.size() >= opts_.queue_capacity) {
    stats_.refused += stopping_ ? 0 : 1;
    return false;
  }
  queue_.push_back({std::move(op), std::move(done)});
  wake_.notify_one();
  return true;
}

bool engine_service::submit_all(std::vector<engine::operation> ops, callback_all done) {
  struct gathered {
    std::vector<engine::outcome> outcomes;
    std::size_t remaining = 0;
    callback_all done;
  };
  auto g = std::make_shared<gathered>();
  g->outcomes.resize(ops.size(), engine::outcome{engine::ack_result{}});
  g->remaining = ops.size();
  g->done = std::move(done);
  if (ops.empty()) {
    // Nothing to commit: answered at once, on this thread, as no batch will call it.
    g->done({});
    return true;
  }
  std::lock_guard lock(mu_);
  if (stopping_ || queue_.size() + ops.size() > opts_.queue_capacity) {
    stats_.refused += stopping_ ? 0 : 1;
    return false;
  }
  for (std::size_t i = 0; i < ops.size(); ++i) {
    // Every callback runs on the engine thread, in order: no lock needed for `g`.
    queue_.push_back({std::move(ops[i]), [g, i](engine::outcome o) {
                        g->outcomes[i] = std::move(o);
                        if (--g->remaining == 0) {
                          g->done(std::move(g->outcomes));
                        }
                      }});
  }
  wake_.notify_one();
  return true;
}

void engine_service::wake() {
  std::lock_guard lock(mu_);
  woken_ = true;
  wake_.notify_one();
}

void engine_service::with_engine(const std::function<void(engine::engine&)>& f) {
  std::unique_lock lock(mu_);
  if (!thread_.joinable() || stopping_) {
    return;
  }
  bool finished = false;
  calls_.push_back([&](engine::engine& eng) {
    f(eng);
    std::lock_guard inner(mu_);
    finished = true;
    ready_.notify_all();
  });
  wake_.notify_one();
  ready_.wait(lock, [&] { return finished; });
}

void engine_service::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) {
    thread_.join();
  }
}

engine_service::stats engine_service::snapshot() const {
  std::lock_guard lock(mu_);
  stats s = stats_;
  s.queued = queue_.size();
  return s;
}

void engine_service::run(const engine_factory& make) {
  std::unique_ptr<engine::engine> eng;
  try {
    eng = make(*pipeline_);
    syncer_ = eng->defer_sync();
  } catch (...) {
    std::lock_guard lock(mu_);
    start_error_ = std::current_exception();
    started_ = true;
    ready_.notify_all();
    return;
  }
  handed_batches_ = eng->committed_batches();
  durable_batches_ = handed_batches_;
  if (opts_.metrics != nullptr) {
    opts_.metrics->set_open_incidents(eng->open_incidents());
    eng->observe_log([m = opts_.metrics](const store::log_record& r, const boost::json::object& d) {
      m->on_record(r, d);
    });
    eng->observe_timers([m = opts_.metrics](duration late) { m->on_timer(late); });
  }
  sync_thread_ = std::thread([this, durable = handed_batches_] {
    name_this_thread("baton-sync");
    sync_loop(durable);
  });
  {
    std::lock_guard lock(mu_);
    started_ = true;
    ready_flag_ = eng->stopped().empty();
    ready_.notify_all();
  }
  serve(*eng);
  ready_flag_ = false;
  {
    std::lock_guard lock(sync_mu_);
    sync_stopping_ = true;
    sync_wake_.notify_one();
  }
  sync_thread_.join();
}

void engine_service::hand_to_sync(engine::engine& eng, std::vector<callback>& callbacks,
                                  std::vector<engine::outcome>& outcomes) {
  const auto batch = eng.committed_batches();
  if (batch == handed_batches_ && callbacks.empty()) {
    return;
  }
  handed_batches_ = batch;
  std::lock_guard lock(sync_mu_);
  unsynced_.push_back({batch, std::move(callbacks), std::move(outcomes)});
  callbacks.clear();
  outcomes.clear();
  sync_wake_.notify_one();
}

void engine_service::sync_loop(std::uint64_t durable) {
  std::string failed;
  std::deque<committed> batches;
  for (;;) {
    {
      std::unique_lock lock(sync_mu_);
      sync_wake_.wait(lock, [&] { return !unsynced_.empty() || sync_stopping_; });
      if (unsynced_.empty()) {
        return;
      }
      batches.swap(unsynced_);
    }
    // One sync for every batch committed so far; none when they committed nothing new
    // (a batch refused whole by a stopped engine).
    const std::uint64_t through = batches.back().batch;
    if (failed.empty() && through > durable) {
      const auto started = std::chrono::steady_clock::now();
      try {
        syncer_->sync();
        if (opts_.metrics != nullptr) {
          opts_.metrics->on_sync(batches.size(), std::chrono::steady_clock::now() - started);
        }
      } catch (const std::exception& e) {
        failed = e.what();
      }
    }
    {
      // Told to the engine thread before anyone is answered: an operation sent after
      // an answer meets the engine in the state that answer implies.
      std::lock_guard lock(mu_);
      if (failed.empty()) {
        durable_batches_ = through;
      } else {
        sync_error_ = failed;
      }
      wake_.notify_one();
    }
    for (auto& b : batches) {
      for (std::size_t i = 0; i < b.callbacks.size(); ++i) {
        if (!b.callbacks[i]) {
          continue;
        }
        if (failed.empty() || b.batch <= durable) {
          b.callbacks[i](std::move(b.outcomes[i]));
        } else {
          b.callbacks[i](engine::outcome{unexpected{engine::engine_error{
              engine::error_kind::unavailable, "the batch could not be made durable: " + failed}}});
        }
      }
    }
    if (failed.empty()) {
      durable = through;
    }
    batches.clear();
  }
}

void engine_service::serve(engine::engine& eng) {
  using steady = std::chrono::steady_clock;
  std::vector<engine::operation> ops;
  std::vector<callback> callbacks;
  std::vector<engine::outcome> outcomes;
  std::uint64_t released = handed_batches_;
  // Finished delivery attempts have waited to be recorded since then (outcome_linger).
  bool outcomes_waiting = false;
  steady::time_point outcomes_since{};
  eng.record_outcomes_with_batches();
  for (;;) {
    // How long until the next timer: the wall clock's distance to it, at most
    // max_sleep, so that a step of the wall clock is seen within that.
    auto sleep = opts_.max_sleep;
    const auto due = eng.next_due();
    if (due) {
      const auto until = *due - clock_.now();
      sleep = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(until), std::chrono::milliseconds{0},
                         opts_.max_sleep);
    }
    if (outcomes_waiting) {
      const auto left = outcomes_since + opts_.outcome_linger - steady::now();
      sleep = std::clamp(std::chrono::ceil<std::chrono::milliseconds>(left), std::chrono::milliseconds{0}, sleep);
    }
    bool finish = false;
    std::uint64_t durable = 0;
    std::string sync_error;
    std::deque<std::function<void(engine::engine&)>> calls;
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, sleep, [&] {
        return !queue_.empty() || !calls_.empty() || (deliveries_done_ && !outcomes_waiting) || woken_ || stopping_ ||
               durable_batches_ > released || !sync_error_.empty();
      });
      woken_ = false;
      if (std::exchange(deliveries_done_, false) && !outcomes_waiting) {
        outcomes_waiting = true;
        outcomes_since = steady::now();
      }
      durable = durable_batches_;
      sync_error = sync_error_;
      calls.swap(calls_);
      const std::size_t n = std::min(queue_.size(), opts_.max_batch);
      ops.clear();
      callbacks.clear();
      for (std::size_t i = 0; i < n; ++i) {
        ops.push_back(std::move(queue_.front().op));
        callbacks.push_back(std::move(queue_.front().done));
        queue_.pop_front();
      }
      if (n > 0) {
        ++stats_.batches;
        stats_.operations += n;
        stats_.largest_batch = std::max<std::uint64_t>(stats_.largest_batch, n);
      }
      finish = n == 0 && calls.empty() && stopping_ && queue_.empty();
    }
    if (!sync_error.empty()) {
      eng.stop_unsynced(sync_error);
    }
    // What the disk now holds may go out: the notifications of durable batches.
    if (durable > released) {
      released = durable;
      eng.synced(durable);
    }
    // Timers due first, in the same batch as the operations that queued meanwhile: one
    // commit for both.
    const auto now_due = finish ? std::nullopt : eng.next_due();
    if (now_due && *now_due <= clock_.now()) {
      ops.insert(ops.begin(), engine::fire_due_op{opts_.max_timers_per_batch});
      callbacks.insert(callbacks.begin(), callback{});
    }
    if (!ops.empty()) {
      outcomes = eng.run(ops);  // records the attempts finished by its commit, in it
      outcomes_waiting = false;
      if (opts_.metrics != nullptr) {
        opts_.metrics->on_batch(ops.size(), eng.last_commit_duration());
      }
    } else if (finish || (outcomes_waiting && steady::now() - outcomes_since >= opts_.outcome_linger)) {
      // No batch came to carry them: recorded alone. What finished before a stop is
      // recorded now, not delivered again after the restart.
      eng.record_deliveries();
      outcomes_waiting = false;
    }
    const bool was_ready = ready_flag_.exchange(eng.stopped().empty());
    if (was_ready && !ready_flag_ && opts_.on_stopped) {
      opts_.on_stopped(eng.stopped());
    }
    hand_to_sync(eng, callbacks, outcomes);
    for (auto& call : calls) {
      call(eng);
    }
    if (finish) {
      return;
    }
  }
}

}  // namespace baton::service
