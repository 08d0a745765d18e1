#pragma once
// The engine: events -> incidents (by dedup key) -> escalation rules -> accountable
// roles -> holders -> notifications, with acknowledgement timeouts, engagement targets,
// reminders and the "unowned" end of the ladder, all on an injected clock. Every state
// change is one record in the hash-chained audit log, written in the same store
// transaction as the state it describes. `baton serve`, `baton simulate` and the tests
// all run this one engine; only the clock differs.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "base/expected.hpp"
#include "config/organisation.hpp"
#include "engine/clock.hpp"
#include "engine/event.hpp"
#include "engine/latency.hpp"
#include "notifiers/delivery_pipeline.hpp"
#include "notifiers/notifier.hpp"
#include "store/audit_log.hpp"
#include "store/store.hpp"

namespace baton::engine {

enum class incident_state : std::uint8_t { open, acknowledged, resolved };
enum class escalation_state : std::uint8_t { paging, engaged, unowned, ended };

std::string_view to_string(incident_state s) noexcept;
std::string_view to_string(escalation_state s) noexcept;

/// Accountability of one role for one incident, from the moment it moved there until it
/// was engaged, ran out of holders, or moved on.
struct escalation {
  std::int64_t id = 0;
  std::int64_t incident_id = 0;
  const config::role* role = nullptr;
  const config::rule* rule = nullptr;  // null: the incident's initial routing
  escalation_state state = escalation_state::paging;
  timestamp triggered_at;
  std::optional<timestamp> target_at;
  std::optional<timestamp> engaged_at;
  const config::person* engaged_by = nullptr;
  const config::person* paged = nullptr;  // person paged last
  std::int32_t rung = 0;   // rung of the ladder paged last
  std::int32_t round = 0;  // completed passes over the ladder
  std::uint64_t ack_timer = 0;
  std::uint64_t target_timer = 0;
  bool breached = false;
};

struct incident {
  std::int64_t id = 0;
  std::string dedup_key;
  std::shared_ptr<const config::organisation> org;  // the configuration it was triggered under
  const config::ai_system* system = nullptr;
  std::string system_id;  // as sent, even when unknown
  std::string type;
  std::string severity;
  std::string summary;
  incident_state state = incident_state::open;
  timestamp opened_at;
  timestamp updated_at;
  std::int64_t event_count = 0;
  std::vector<std::int64_t> escalations;  // every escalation, in order of triggering
  std::vector<const config::rule*> fired;  // rules fired, in order
  std::uint64_t reminder_timer = 0;
  std::int32_t reminders_sent = 0;
  std::string opened_by;  // actor of the event that opened it
};

struct submit_result {
  std::int64_t incident_id = 0;
  bool created = false;
  std::vector<std::string> fired_rules;  // rules fired by this event
  bool replayed = false;                 // the answer given before to this request key
};

struct ack_result {
  std::vector<std::string> engaged_roles;  // roles this acknowledgement engaged
  std::vector<std::string> already_engaged;  // roles of this person engaged before (a repeat)
  bool incident_acknowledged = false;      // every accountable role is now engaged
  bool replayed = false;
  std::int64_t incident_id = 0;
};

/// invalid: the request is wrong (400); not_found (404); conflict: not in a state that
/// allows it (409); forbidden: not allowed to (403); unavailable: nothing was done, the
/// store failed or the engine has stopped (503).
enum class error_kind : std::uint8_t { invalid, not_found, conflict, forbidden, unavailable };

struct engine_error {
  error_kind kind = error_kind::invalid;
  std::string message;
};

struct counters {
  std::int64_t events = 0;
  std::int64_t incidents_opened = 0;
  std::int64_t deduplicated = 0;
  std::int64_t rules_fired = 0;
  std::int64_t notifications_sent = 0;
  std::int64_t notifications_failed = 0;  // failed for good (then a dead letter)
  std::int64_t notifications_retried = 0;
  std::int64_t notifications_dead = 0;
  std::int64_t acknowledgements = 0;
  std::int64_t breaches = 0;
  std::int64_t unowned = 0;
  std::int64_t resolved = 0;
};

/// The operations the engine performs. Each reads `now` once from the clock and is one
/// unit of meaning in the log; several share one store commit when run as a batch.
/// `request_key`, when given, makes a request safe to repeat: the first outcome is kept
/// (for request_retention) and a repeat with the same key is answered with it, marked
/// `replayed`, changing nothing.
struct submit_op {
  event e;
  std::string actor = "api";
  std::string request_key;
};
/// `incident_id` names the incident, or (0) `dedup_key` names the open incident its
/// sender's key joins. An empty `person` is a sender's acknowledgement (PagerDuty's
/// "acknowledge" from an integration): logged as incident.sender_acknowledged and
/// nothing more, for no person engaged (docs/log.md).
struct acknowledge_op {
  std::int64_t incident_id = 0;
  std::string person;
  std::string actor;  // "" = person:<person>
  std::string request_key;
  std::string dedup_key{};
};
struct resolve_op {
  std::int64_t incident_id = 0;
  std::string actor;
  std::string note;
  std::string request_key;
  std::string dedup_key{};
};

/// How long the outcome of a keyed request is kept for its repeats.
inline constexpr duration request_retention = std::chrono::hours{24};
/// Fires the timers due at the clock's now, in (deadline, arming order); each firing
/// is an operation of its own within the batch. `at_most` (0: no bound) keeps one batch
/// short when many are due at once (a restart after a long stop): the rest stay due
/// and fire in the next batch, with the operations that queued meanwhile.
struct fire_due_op {
  std::size_t at_most = 0;
};
struct load_config_op {
  std::shared_ptr<const config::organisation> org;
  std::string actor = "config";
};
using operation = std::variant<submit_op, acknowledge_op, resolve_op, fire_due_op, load_config_op>;

struct resolve_result {
  std::int64_t incident_id = 0;
  bool replayed = false;
};
struct fire_result {
  std::size_t fired = 0;
};
struct load_result {
  std::string version;
};
using operation_result = std::variant<submit_result, ack_result, resolve_result, fire_result, load_result>;
using outcome = expected<operation_result, engine_error>;

namespace detail {
class core;
}

/// Makes the notifiers a configuration names (engine::engine calls it once per version
/// in use: the current one and each an open incident was opened under).
using notifier_factory =
    std::function<std::shared_ptr<notifiers::notifier_set>(const config::organisation& org)>;

/// The engine is confined to one thread: every call, and every use of what a query
/// returns, happens on the thread that owns it. Query results point into the engine's
/// state and are valid until the next operation.
class engine {
 public:
  /// `org` is the configuration new incidents use until a load_config operation replaces
  /// it. The store, notifiers and clock must outlive the engine.
  engine(clock& clk, store::store& st, notifiers::notifier_set& notifiers,
         std::shared_ptr<const config::organisation> org);
  /// Each configuration version delivers through its own notifiers, made by `make`: a
  /// reload swaps the notifier set with the organisation, while an open incident keeps
  /// delivering through its own version's.
  engine(clock& clk, store::store& st, notifier_factory make, std::shared_ptr<const config::organisation> org);
  /// Delivers through `pipeline` (which must outlive the engine): a threaded_pipeline for
  /// a service, so that no notifier holds up the engine's thread. The others deliver
  /// through an inline pipeline of their own, at once, as a simulation must.
  engine(clock& clk, store::store& st, notifier_factory make, std::shared_ptr<const config::organisation> org,
         notifiers::delivery_pipeline& pipeline);
  ~engine();
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  /// Runs `ops` in order as one batch: one store transaction, committed once at the end.
  /// The outcomes (one per operation, in order) exist only once the batch is committed.
  /// When the store fails (or anything else throws) the whole batch is rolled back,
  /// every outcome is an `unavailable` error, and the engine stops: every later call
  /// answers `unavailable` too, for its memory may be ahead of the database. See
  /// docs/engine.md, "When the store fails".
  std::vector<outcome> run(std::span<const operation> ops);

  // One operation as a batch of its own.
  /// Makes `org` the configuration for new incidents; open incidents keep theirs. Logged
  /// as config.loaded with the version.
  expected<load_result, engine_error> load_config(std::shared_ptr<const config::organisation> org,
                                                  std::string_view actor = "config");
  /// Takes in one event: finds or opens its incident, fires matching rules, moves
  /// accountability and pages the holders.
  expected<submit_result, engine_error> submit(const event& e, std::string_view actor = "api");
  /// `person` acknowledges incident `id`: engages every accountable role they hold.
  expected<ack_result, engine_error> acknowledge(std::int64_t id, std::string_view person,
                                                 std::string_view actor = "");
  /// Ends incident `id`: cancels its timers. `actor` says who (e.g. "person:ada").
  expected<resolve_result, engine_error> resolve(std::int64_t id, std::string_view actor,
                                                 std::string_view note = "");
  /// Fires every timer due at the clock's now; returns the number fired (0 when the
  /// engine has stopped). Timers fired more than a second late are logged timer.late.
  std::size_t run_due();

  /// The earliest pending timer, if any (for the serve loop and virtual-time drivers).
  std::optional<timestamp> next_due();

  /// Records the outcome of every delivery attempt the pipeline has finished, each as an
  /// operation of its own in one batch (notification.sent, .retried, .failed, .dead),
  /// and starts the deliveries those queue (dead-letter notices). run() does this after
  /// each batch; a service calls it too when its pipeline says an attempt finished.
  /// Returns the number of outcomes recorded.
  std::size_t record_deliveries();
  /// From now on run() and synced() only start the deliveries their batches allow: the
  /// outcomes of attempts that finish are recorded with the next batch (run() takes
  /// them before its commit), or by record_deliveries() when the owner sees none
  /// coming. A service does this under load to spare a commit (its pages, its sync) for
  /// every few outcomes.
  void record_outcomes_with_batches() noexcept;
  /// Attempts handed to the pipeline whose outcome is not yet recorded.
  std::size_t deliveries_in_flight() const noexcept;

  /// `f` sees every log record the engine appends, as it is appended (within its
  /// batch's transaction; the engine stops for good if that fails). Metrics use it.
  void observe_log(store::audit_log::observer f);
  /// `f` is told how late each timer fired (the moment it fired less its deadline,
  /// never negative), as it fires. Metrics use it.
  void observe_timers(std::function<void(duration late)> f);
  /// How long the last batch's store commit took (its fsync, unless deferred).
  std::chrono::nanoseconds last_commit_duration() const noexcept;

  /// Group commit across threads: from now on a batch's commit only writes, and its
  /// notifications wait until synced() says its batch is durable. The returned syncer
  /// (any thread) makes every batch committed before the call durable. A service calls
  /// this once, after the engine is made; see service/engine_service.hpp.
  std::shared_ptr<store::syncer> defer_sync();
  /// Batches committed so far (each run(), each recording of delivery outcomes).
  std::uint64_t committed_batches() const noexcept;
  /// The batches up to `through` are durable: their notifications go out now.
  void synced(std::uint64_t through);
  /// Batches could not be made durable: the engine stops as after a store error.
  void stop_unsynced(std::string_view why) noexcept;

  /// Why the engine stopped after a store error; empty while it runs.
  const std::string& stopped() const noexcept;

  // Queries.
  const incident* find_incident(std::int64_t id) const;
  /// The open incident a sender's dedup key joins, if any (PagerDuty acknowledge and
  /// resolve, Alertmanager's resolved alerts).
  const incident* find_open_by_key(std::string_view dedup_key) const;
  const escalation* find_escalation(std::int64_t id) const;
  std::vector<const escalation*> escalations_of(std::int64_t incident_id) const;
  /// Roles accountable now (escalations not ended), in triggering order.
  std::vector<const escalation*> accountable(std::int64_t incident_id) const;
  std::size_t open_incidents() const noexcept;
  std::size_t pending_timers() const noexcept;
  const counters& totals() const noexcept;
  std::map<std::string, latency_stats> latency_by_rule() const;
  std::map<std::string, latency_stats> latency_by_role() const;
  const std::shared_ptr<const config::organisation>& current_config() const noexcept;
  const store::log_head& log_head() const noexcept;

 private:
  engine(clock& clk, store::store& st, notifier_factory make, std::shared_ptr<const config::organisation> org,
         notifiers::delivery_pipeline* pipeline);
  template <class Result, class Op>
  expected<Result, engine_error> run_one(Op op);
  /// After a batch committed (or became durable): starts its deliveries, and records
  /// finished outcomes unless they ride with batches.
  void after_commit();

  std::unique_ptr<detail::core> core_;
  std::chrono::nanoseconds last_commit_{0};
  bool outcomes_with_batches_ = false;
};

/// Drives a manual clock to `until`, stopping at every timer deadline on the way so each
/// timer fires at exactly its own time. For tests and the simulator.
void run_until(manual_clock& clk, engine& eng, timestamp until);

}  // namespace baton::engine
