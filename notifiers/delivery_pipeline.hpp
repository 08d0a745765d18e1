#pragma once
// The delivery pipeline: the part between the outbox and the notifiers. The engine
// hands it committed notifications, one attempt at a time, and later takes back each
// attempt's outcome to record (engine/outbox.cpp); the pipeline itself decides nothing
// about retries. Two of them:
//   inline_pipeline    tries at once on the caller's thread: the simulator and the
//                      tests, where a run must be the same every time;
//   threaded_pipeline  tries on worker threads, a lane per notifier, each attempt with
//                      a deadline: the service, where a notifier that hangs must cost
//                      only its own deliveries.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "notifiers/notifier.hpp"

namespace baton::notifiers {

/// One attempt to deliver one notification.
struct delivery {
  std::uint64_t ticket = 0;              // the caller's name for the attempt
  std::shared_ptr<notifier_set> owner;   // keeps `target` alive while the attempt runs
  notifier* target = nullptr;            // null: no such notifier, the attempt fails at once
  std::shared_ptr<const notification> message;  // never null
  std::chrono::milliseconds attempt_timeout{30'000};  // threaded_pipeline only
};

struct delivery_done {
  std::uint64_t ticket = 0;
  delivery_result result;
};

/// The one attempt: the notifier's answer, or why there was no notifier to ask.
delivery_result attempt(const delivery& d);

class delivery_pipeline {
 public:
  virtual ~delivery_pipeline() = default;
  /// Starts an attempt. Never waits for a notifier.
  virtual void start(delivery d) = 0;
  /// The attempts finished since the last call, in the order they finished.
  virtual std::vector<delivery_done> take_done() = 0;
};

/// Tries each delivery when it is started, on the caller's thread; it cannot bound an
/// attempt's time, so it suits notifiers that cannot hang (a file, a recorder).
class inline_pipeline final : public delivery_pipeline {
 public:
  void start(delivery d) override;
  std::vector<delivery_done> take_done() override;

 private:
  std::vector<delivery_done> done_;
};

/// Tries deliveries on worker threads. Each notifier has a lane: a queue and up to
/// `workers_per_notifier` threads taking from it, so a slow or hanging notifier holds
/// up only its own deliveries. An attempt that has not returned by its deadline is
/// reported as `retry` ("no answer within ...") and its thread is written off: a new
/// one takes its place in the lane, and whatever the hung call returns later is
/// dropped (the retry carries the same idempotency key, so delivering twice is safe).
/// Once `max_hung_per_notifier` calls of one notifier hang at the same time, its
/// further attempts are answered `retry` at once instead of tying up more threads.
///
/// start() and take_done() are for one thread (the engine's). `on_done`, when given, is
/// called from a pipeline thread after each finished attempt, without any lock held: it
/// should only wake the owner (post to its event loop), which then calls take_done().
class threaded_pipeline final : public delivery_pipeline {
 public:
  struct options {
    std::size_t workers_per_notifier = 4;
    std::size_t max_hung_per_notifier = 8;
    /// At destruction, how long attempts in progress may take to finish; threads
    /// still inside a notifier after it are left to end on their own.
    std::chrono::milliseconds shutdown_grace{2'000};
  };

  explicit threaded_pipeline(options o, std::function<void()> on_done = {});
  threaded_pipeline() : threaded_pipeline(options{}) {}
  /// Starts no new attempt; waits up to shutdown_grace for those in progress. Attempts
  /// not finished or not started are not reported: their rows stay pending in the store
  /// and go out after the next start (at least once).
  ~threaded_pipeline() override;
  threaded_pipeline(const threaded_pipeline&) = delete;
  threaded_pipeline& operator=(const threaded_pipeline&) = delete;

  void start(delivery d) override;
  std::vector<delivery_done> take_done() override;
  /// Waits until an attempt has finished (take_done() would return something) or
  /// `until`; true if one has.
  bool wait_done(std::chrono::steady_clock::time_point until);

  struct stats {
    std::size_t queued = 0;    // started, waiting for a worker
    std::size_t running = 0;   // inside a notifier, within their deadline
    std::size_t hung = 0;      // past their deadline, still inside a notifier
    std::size_t threads = 0;   // worker threads alive, hung ones included
  };
  stats snapshot() const;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace baton::notifiers
