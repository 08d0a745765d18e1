#pragma once
// The engine's state and the code that changes it; internal to engine/ (the public face
// is engine/engine.hpp). Its parts live in one file per concept:
//   operations.cpp         events, acknowledgements, resolutions, timers, config loads
//   escalation_ladder.cpp  paging up a role's ladder: rungs, timeouts, targets, unowned
//   outbox.cpp             notifications: composed, recorded, handed to notifiers
//   persistence.cpp        the rows a batch changed, written once when it commits
// with the pure parts beside them: accountability.hpp (who is accountable after a rule
// fires), messages.hpp (what a notification says), latency.hpp (latency summaries).
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/accountability.hpp"
#include "engine/engine.hpp"
#include "engine/holder_resolver.hpp"
#include "engine/timer_queue.hpp"
#include "notifiers/delivery_pipeline.hpp"
#include "store/audit_log.hpp"

namespace baton::engine::detail {

/// A notification queued in the outbox: its row (state pending until delivered) and the
/// message itself, with the configuration version whose notifiers deliver it.
struct queued_notification {
  std::string version;
  store::notification_row row;
  std::shared_ptr<const notifiers::notification> message;  // shared with its attempts
};

/// What the operations of one batch changed; written to the store once, when the batch
/// commits. A timer armed and cancelled (or fired) within the batch never reaches it.
struct batch_changes {
  std::vector<queued_notification> outbox;             // queued by this batch
  std::vector<std::int64_t> incidents;                 // touched (duplicates allowed)
  std::vector<std::int64_t> escalations;               // likewise
  std::map<std::uint64_t, store::timer_row> armed;     // armed in this batch, still pending
  std::vector<std::int64_t> removed_timers;            // armed before it, now fired or cancelled
  std::vector<std::int64_t> resolved;                  // leave memory once the batch commits
  std::map<std::string, store::request_row, std::less<>> requests;  // keyed requests answered
};

/// One operation in progress: the instant it runs at (read once) and who asked for it.
struct op_context {
  timestamp now;
  std::string actor;
  batch_changes& changes;

  void touch(const incident& inc) { changes.incidents.push_back(inc.id); }
  void touch(const escalation& esc) { changes.escalations.push_back(esc.id); }
};

class core {
 public:
  core(clock& clk, store::store& st, notifier_factory make, std::shared_ptr<const config::organisation> org,
       notifiers::delivery_pipeline* pipeline);

  /// Rebuilds the state of a restarted engine from the store: open incidents with the
  /// configuration version each was opened under, their escalations, pending timers with
  /// their ids, the dedup index. Throws std::runtime_error when the store cannot be read
  /// or does not describe a state this engine can run.
  void recover();
  /// What recover() found, for the engine.recovered record.
  struct recovered {
    std::size_t incidents = 0;
    std::size_t escalations = 0;
    std::size_t timers = 0;
    std::size_t overdue = 0;  // due at the moment of recovery: they fire at once, late
    std::size_t undelivered = 0;  // notifications queued but not delivered: they go out now
    std::vector<std::string> versions;
  } recovered_;

  // Batches: begin(), operations, commit(); fail() instead when anything threw.
  void begin();
  void commit();
  /// Rolls the store back and stops the engine: its memory may be ahead of the store.
  void fail(std::string_view what) noexcept;
  /// Stops the engine after committed batches could not be made durable.
  void fail_sync(std::string_view what) noexcept;
  /// Sets stopped_: the store's error `what`, and what became of the work.
  void stop_after(std::string_view what, std::string_view consequence) noexcept;
  /// Hands the committed, undelivered notifications to the delivery pipeline, and
  /// records the outcome of each attempt it has finished (notification.sent,
  /// notification.retried, ...) as an operation of its own, in one batch; again while
  /// those queue more (dead-letter notices). Call after commit(); throws like a batch.
  /// Returns the number of outcomes recorded.
  std::size_t deliver();
  /// Hands the committed, undelivered notifications to the delivery pipeline, recording
  /// nothing (engine::record_outcomes_with_batches).
  void dispatch_ready();
  /// Records the outcome of every attempt the pipeline has finished, each as an
  /// operation of its own, in the batch that is open (engine::run folds them into the
  /// batch of the operations waiting, which saves a commit a cycle under load).
  std::size_t record_finished();
  std::size_t in_flight() const noexcept { return in_flight_.size(); }
  /// Moves the notifications of batches up to `through` to ready_ (with durability
  /// deferred, engine::defer_sync).
  void synced(std::uint64_t through);
  bool sync_deferred_ = false;
  std::uint64_t committed_batches_ = 0;
  std::function<void(duration late)> timer_observer_;  // engine::observe_timers
  op_context context(std::string actor) { return {clock_.now(), std::move(actor), changes_}; }

  // Operations (operations.cpp).
  load_result load_config(op_context& op, std::shared_ptr<const config::organisation> org);
  expected<submit_result, engine_error> submit(op_context& op, const event& e);
  expected<ack_result, engine_error> acknowledge(op_context& op, std::int64_t id, std::string_view person);
  expected<ack_result, engine_error> note_sender_acknowledgement(op_context& op, std::int64_t id);
  expected<resolve_result, engine_error> resolve(op_context& op, std::int64_t id, std::string_view note);
  /// Fires the timers due at the clock's now, each as an operation of its own, and
  /// queues the deliveries due to be tried again.
  std::size_t fire_due(std::size_t at_most = 0);
  /// The earliest timer or retry.
  std::optional<timestamp> next_due();

  // Keyed requests (persistence.cpp): the outcome given before to `key`, if any; and
  // the outcome to give its repeats.
  std::optional<outcome> answered(std::string_view key);
  void remember(const std::string& key, const outcome& o);

  // State, read by the engine's queries.
  clock& clock_;
  store::store& store_;
  notifier_factory make_notifiers_;
  /// The notifiers of each configuration version in use, made on first use.
  std::unordered_map<std::string, std::shared_ptr<notifiers::notifier_set>> notifiers_;
  const std::shared_ptr<notifiers::notifier_set>& notifiers_for(const config::organisation& org);
  /// The notifiers of `version`, when only its name is known (a notification recovered
  /// after a restart): its set if made, else the current configuration's.
  const std::shared_ptr<notifiers::notifier_set>& notifiers_of_version(const std::string& version);
  /// The configuration `version` names: the current one, one an open incident runs under
  /// (or did when versions_ was last indexed), else the current one.
  const config::organisation& org_of_version(const std::string& version) const;
  /// Rebuilds versions_ from the open incidents.
  void index_versions();
  std::unordered_map<std::string, std::shared_ptr<const config::organisation>> versions_;
  void record_delivery(op_context& op, queued_notification& q, const notifiers::delivery_result& r);
  /// A dead letter: the governance owner hears of it, through another contact method
  /// than the one that failed where there is one.
  void escalate_undeliverable(op_context& op, const queued_notification& q, const std::string& why);
  const config::notifier_config* notifier_config_of(const queued_notification& q);
  /// Drops the notifier sets of versions neither current nor of an open incident.
  void release_notifiers();
  store::audit_log log_;
  std::shared_ptr<const config::organisation> org_;
  timer_queue timers_;
  std::unordered_map<std::int64_t, incident> incidents_;        // open and acknowledged
  std::unordered_map<std::string, std::int64_t> by_dedup_key_;  // key -> open incident
  std::unordered_map<std::int64_t, escalation> escalations_;    // of open incidents
  std::int64_t next_incident_id_ = 1;
  std::int64_t next_escalation_id_ = 1;
  counters counters_;
  latency_book latency_;
  std::string stopped_;  // why the engine stopped; empty while it runs
  bool in_batch_ = false;

 private:
  // operations.cpp
  incident* find_open(std::int64_t id);
  /// Why `id` is not open: unknown (not_found) or resolved already (conflict).
  engine_error not_open(std::int64_t id);
  incident& open_incident(op_context& op, const event& e);
  void apply_rules(op_context& op, incident& inc, const event& e, std::vector<std::string>& fired);
  void inform(op_context& op, incident& inc, const config::rule& rule);
  void update_incident_state(op_context& op, incident& inc);
  /// Why `op.actor` may not resolve `inc` by hand; nullopt when it may.
  std::optional<std::string> may_not_resolve(const op_context& op, const incident& inc);
  void on_timer(op_context& op, const timer& t);
  void on_reminder(op_context& op, incident& inc);

  // escalation_ladder.cpp
  const ladder& ladder_for(const incident& inc, const config::role& role);
  void start_escalation(op_context& op, incident& inc, const config::role& role, const config::rule* rule);
  void end_escalation(op_context& op, incident& inc, escalation& esc, std::string_view why);
  void page_from(op_context& op, incident& inc, escalation& esc, std::size_t from_rung, std::string_view why);
  void go_unowned(op_context& op, incident& inc, escalation& esc);
  /// For a working-hours-only rule: when someone on the ladder is reachable but for the
  /// hours, waits (a working_hours timer) for the first of them to begin; false when
  /// nobody's hours begin within 14 days.
  bool wait_for_working_hours(op_context& op, incident& inc, escalation& esc, const ladder& l,
                              const std::string& reason);
  void engage(op_context& op, incident& inc, escalation& esc, const config::person& who);
  bool may_acknowledge(const incident& inc, const escalation& esc, const config::person& p, timestamp now);
  void on_ack_timeout(op_context& op, incident& inc, escalation& esc);
  void on_target(op_context& op, incident& inc, escalation& esc);
  void send_breach_notices(op_context& op, incident& inc, escalation& esc);
  /// Whether `p` holds `role` (a rung up to `up_to_depth` of its ladder, or a delegate
  /// standing in for one) at `now`.
  bool on_ladder(const incident& inc, const config::role& role, int up_to_depth, const config::person& p,
                 timestamp now);
  /// Who hears for the governance owner: its reachable holder, else its first person
  /// with a contact method.
  struct contact {
    const config::person* person = nullptr;
    const config::role* role = nullptr;
    std::string reason;
  };
  contact governance_contact(const op_context& op, const incident& inc);
  duration ack_timeout_for(const incident& inc, const escalation& esc, const config::role& paged_role) const;

  // outbox.cpp
  void send(op_context& op, incident& inc, const escalation* esc, notifiers::notification_kind kind,
            const config::person& to, const config::role& as_role, const config::rule* rule, std::string reason,
            std::optional<timestamp> deadline, std::string_view key_suffix, std::string_view avoid_notifier = {});

  // persistence.cpp
  std::uint64_t arm(op_context& op, timestamp due, timer_kind kind, std::int64_t incident, std::int64_t escalation);
  void cancel(op_context& op, std::uint64_t& timer_id);
  void forget_timer(op_context& op, std::uint64_t id);
  void flush();
  store::incident_row to_row(const incident& inc) const;
  store::escalation_row to_row(const escalation& esc) const;

  struct ladder_key {
    const config::organisation* org;
    const config::role* role;
    const config::ai_system* system;
    bool operator==(const ladder_key&) const = default;
  };
  struct ladder_key_hash {
    std::size_t operator()(const ladder_key& k) const noexcept;
  };
  std::unordered_map<ladder_key, ladder, ladder_key_hash> ladders_;
  batch_changes changes_;
  std::uint64_t kept_timer_ids_ = 0;  // the store's timer id high water, as last committed
  std::vector<queued_notification> ready_;  // committed, not yet handed to the pipeline
  /// With durability deferred: committed but perhaps not yet on disk, each with the
  /// number of its batch; synced() releases them.
  std::deque<std::pair<std::uint64_t, queued_notification>> unsynced_;
  notifiers::inline_pipeline own_pipeline_;  // when the engine is given none
  notifiers::delivery_pipeline& pipeline_;
  /// Attempts handed to the pipeline, by ticket, until their outcome is recorded.
  std::unordered_map<std::uint64_t, queued_notification> in_flight_;
  std::uint64_t next_ticket_ = 1;
  std::size_t record_outcomes(const std::vector<notifiers::delivery_done>& done);
  /// record_finished() in a batch of its own; none when nothing has finished.
  std::size_t record_done();
  /// Deliveries to try again, by when (their rows stay pending, with next_attempt_at).
  std::map<std::pair<timestamp, std::uint64_t>, queued_notification> retries_;
  std::uint64_t retry_order_ = 0;
  std::optional<timestamp> requests_purged_at_;
};

std::string_view timer_name(timer_kind k) noexcept;

inline std::string_view rule_id(const config::rule* r) noexcept {
  return r == nullptr ? std::string_view{} : std::string_view{r->id};
}

}  // namespace baton::engine::detail
