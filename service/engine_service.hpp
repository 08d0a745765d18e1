#pragma once
// The engine as a service: the engine on a thread of its own, fed through a bounded
// queue, committing what has queued as one batch (group commit), firing timers on the
// real clock and recording delivery outcomes as the pipeline reports them. `baton serve`
// puts its HTTP front on this; nothing else touches the engine while it runs.
//
// Group commit: while the engine thread is inside one batch's commit (its fsync), new
// operations queue; the next batch takes all of them, up to `max_batch`. Under load a
// batch holds many operations and each pays a share of one fsync; at a trickle each
// operation is a batch of its own and waits for nothing.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/engine.hpp"
#include "notifiers/delivery_pipeline.hpp"
#include "service/service_metrics.hpp"

namespace baton::service {

class engine_service {
 public:
  struct options {
    /// Operations queued and not yet in a batch; beyond it submit() refuses (the HTTP
    /// front answers 503 with Retry-After: a sender retries that, never a 4xx).
    std::size_t queue_capacity = 65'536;
    /// The most operations in one batch.
    std::size_t max_batch = 4'096;
    /// The most timers fired in one batch: a million overdue after a long stop fire a
    /// thousand at a time, with the operations that queue meanwhile between them.
    std::size_t max_timers_per_batch = 1'000;
    /// The longest the engine thread sleeps without looking at the clock: a step of the
    /// wall clock (NTP) is noticed within it.
    std::chrono::milliseconds max_sleep{1'000};
    /// Where the engine's records and the batches are counted (GET /metrics); none when
    /// null. Must outlive the service.
    service_metrics* metrics = nullptr;
    /// Called once, on the engine thread, when the engine stops for good after a store
    /// error, with why (the service logs it; /readyz answers 503 from then on).
    std::function<void(const std::string& why)> on_stopped;
  };

  /// Called on the engine thread once the operation's batch has committed (or failed:
  /// then the outcome is `unavailable`). It should only hand the outcome on (post the
  /// HTTP answer); the next batch waits for it.
  using callback = std::function<void(engine::outcome)>;
  /// Makes the engine, on the engine thread, delivering through `pipeline`. Whatever
  /// it throws (recovery refused) is rethrown by the constructor.
  using engine_factory = std::function<std::unique_ptr<engine::engine>(notifiers::delivery_pipeline& pipeline)>;

  /// Starts the engine thread and waits until the engine is made (recovered).
  engine_service(const engine::clock& clk, engine_factory make, options o);
  engine_service(const engine::clock& clk, engine_factory make) : engine_service(clk, std::move(make), options{}) {}
  /// stop(), if not yet done.
  ~engine_service();
  engine_service(const engine_service&) = delete;
  engine_service& operator=(const engine_service&) = delete;

  /// Queues `op`; `done` is called with its outcome after its batch. False, with
  /// nothing queued and `done` never called, when the queue is full or the service is
  /// stopping. Any thread.
  bool submit(engine::operation op, callback done);

  /// Queues every operation of `ops` or none of them; `done` is called once, with their
  /// outcomes in order, after the last of them has committed (they may span batches).
  /// False, with nothing queued, as for submit(). Any thread.
  using callback_all = std::function<void(std::vector<engine::outcome>)>;
  bool submit_all(std::vector<engine::operation> ops, callback_all done);

  /// Makes the engine thread look at the clock now (a test moving a manual clock; a
  /// wall-clock step noticed elsewhere). Any thread.
  void wake();

  /// Runs `f` on the engine thread between batches, with the engine, and waits for it:
  /// how committed state is read (GET requests, metrics, startup counts). Any thread
  /// but the engine's.
  void with_engine(const std::function<void(engine::engine&)>& f);

  /// Stops taking operations, runs and commits everything queued, and ends the engine
  /// thread. Deliveries in flight are left: their rows stay pending (at least once).
  void stop();

  /// True once the engine is made and while it can write (it stops for good after a
  /// store error). Any thread.
  bool ready() const noexcept { return ready_flag_.load(); }

  struct stats {
    std::uint64_t batches = 0;     // batches of queued operations run
    std::uint64_t operations = 0;  // operations in them
    std::uint64_t largest_batch = 0;
    std::uint64_t refused = 0;     // submit() answered false for a full queue
    std::size_t queued = 0;        // now
  };
  stats snapshot() const;

 private:
  struct queued {
    engine::operation op;
    callback done;
  };

  void run(const engine_factory& make);
  void serve(engine::engine& eng);

  const engine::clock& clock_;
  options opts_;
  mutable std::mutex mu_;
  std::condition_variable wake_;   // work queued, deliveries done, a wake(), stopping
  std::condition_variable ready_;  // the engine made (or failed), a with_engine() done
  std::deque<queued> queue_;
  std::deque<std::function<void(engine::engine&)>> calls_;
  bool deliveries_done_ = false;
  bool woken_ = false;
  bool stopping_ = false;
  bool started_ = false;
  std::exception_ptr start_error_;
  std::atomic<bool> ready_flag_{false};
  stats stats_;
  // Declared last: made after the rest, and the thread ended (stop()) before they go.
  std::unique_ptr<notifiers::threaded_pipeline> pipeline_;
  std::thread thread_;
};

}  // namespace baton::service
