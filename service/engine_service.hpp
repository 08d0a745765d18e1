#pragma once
// The engine as a service: the engine on a thread of its own, fed through a bounded
// queue, committing what has queued as one batch (group commit), firing timers on the
// real clock and recording delivery outcomes as the pipeline reports them. `baton serve`
// puts its HTTP front on this; nothing else touches the engine while it runs.
//
// Group commit: the engine thread runs a batch and commits it (writes, no fsync), then
// hands it to the sync thread and goes on with the next batch while the sync thread
// waits for the disk (fdatasync): one sync makes every batch committed before it
// durable. Only then are the batch's operations answered and its notifications handed
// to the notifiers, so a 2xx still means on disk and nothing goes out before the change
// that caused it is durable. Under load a sync covers many operations; at a trickle
// each operation is a batch of its own and waits for one sync.
//
// A commit the engine thread made is visible to readers (GET) before it is synced: a
// crash of the process loses nothing (the writes are in the kernel), a power cut in
// that fraction of a millisecond loses what no sender was told was accepted.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
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
    /// How long the outcomes of finished delivery attempts wait for a batch of
    /// operations to be recorded with (one commit for both) before they are recorded
    /// alone. Under load a batch always comes first; idle, an outcome is on disk this
    /// much later. Zero records them as soon as the engine thread sees them.
    std::chrono::milliseconds outcome_linger{5};
    /// Where the engine's records and the batches are counted (GET /metrics); none when
    /// null. Must outlive the service.
    service_metrics* metrics = nullptr;
    /// Called once, on the engine thread, when the engine stops for good after a store
    /// error, with why (the service logs it; /readyz answers 503 from then on).
    std::function<void(const std::string& why)> on_stopped;
  };

  /// Called on the sync thread once the operation's batch is durable (or failed: then
  /// the outcome is `unavailable`), in the order the operations ran. It should only hand
  /// the outcome on (post the HTTP answer); the next sync waits for it.
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
    std::uint64_t attempts_finished = 0;  // delivery attempts the pipeline has reported done
    std::size_t queued = 0;        // now
  };
  stats snapshot() const;

 private:
  struct queued {
    engine::operation op;
    callback done;
  };

  /// A committed batch waiting for its sync, with the answers it owes.
  struct committed {
    std::uint64_t batch = 0;  // engine::committed_batches() after it
    std::vector<callback> callbacks;
    std::vector<engine::outcome> outcomes;
  };

  void run(const engine_factory& make);
  void serve(engine::engine& eng);
  /// Hands what `eng` committed since the last call (and `callbacks` owed) to the sync
  /// thread.
  void hand_to_sync(engine::engine& eng, std::vector<callback>& callbacks, std::vector<engine::outcome>& outcomes);
  /// `durable`: the batches committed (and synced) before the service started.
  void sync_loop(std::uint64_t durable);

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
  std::uint64_t durable_batches_ = 0;  // what the sync thread made durable (mu_)
  std::string sync_error_;             // why a sync failed; the engine stops (mu_)

  // The sync thread's side.
  std::shared_ptr<store::syncer> syncer_;
  std::uint64_t handed_batches_ = 0;  // engine thread only
  std::mutex sync_mu_;
  std::condition_variable sync_wake_;
  std::deque<committed> unsynced_;
  bool sync_stopping_ = false;
  std::thread sync_thread_;
  // Declared last: made after the rest, and the thread ended (stop()) before they go.
  std::unique_ptr<notifiers::threaded_pipeline> pipeline_;
  std::thread thread_;
};

}  // namespace baton::service
