#pragma once
// The engine: events -> incidents (by dedup key) -> escalation rules -> accountable
// roles -> holders -> notifications, with acknowledgement timeouts, engagement targets,
// reminders and the "unowned" end of the ladder, all on an injected clock. Every state
// change is one record in the hash-chained audit log, written in the same store
// transaction as the state it describes. `baton serve`, `baton simulate` and the tests
// all run this one engine; only the clock differs.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/expected.hpp"
#include "config/organisation.hpp"
#include "engine/clock.hpp"
#include "engine/event.hpp"
#include "engine/holder_resolver.hpp"
#include "engine/timer_queue.hpp"
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
  std::int32_t step = 0;   // rung of the ladder paged last
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
};

struct submit_result {
  std::int64_t incident_id = 0;
  bool created = false;
  std::vector<std::string> fired_rules;  // rules fired by this event
};

struct ack_result {
  std::vector<std::string> engaged_roles;  // roles this acknowledgement engaged
  bool incident_acknowledged = false;      // every accountable role is now engaged
};

enum class error_kind : std::uint8_t { invalid, not_found, conflict, forbidden };

struct engine_error {
  error_kind kind = error_kind::invalid;
  std::string message;
};

/// Latency figures for one rule or role (engaged time - trigger time).
struct latency_stats {
  std::int64_t count = 0;
  duration median{0};
  duration p90{0};
  duration max{0};
  std::int64_t breaches = 0;  // engaged after the target, or target passed unengaged
};

struct latency_sample {
  std::string rule;  // "" for the initial routing
  std::string role;
  duration latency{0};
  bool breached = false;
};

struct counters {
  std::int64_t events = 0;
  std::int64_t incidents_opened = 0;
  std::int64_t deduplicated = 0;
  std::int64_t rules_fired = 0;
  std::int64_t notifications_sent = 0;
  std::int64_t notifications_failed = 0;
  std::int64_t acknowledgements = 0;
  std::int64_t breaches = 0;
  std::int64_t unowned = 0;
  std::int64_t resolved = 0;
};

class engine {
 public:
  /// `org` is the configuration new incidents use until load_config() replaces it. The
  /// store, notifiers and clock must outlive the engine.
  engine(clock& clk, store::store& st, notifiers::notifier_set& notifiers,
         std::shared_ptr<const config::organisation> org);
  ~engine();
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  /// Makes `org` the configuration for new incidents; open incidents keep theirs. Logged
  /// as config.loaded with the version.
  void load_config(std::shared_ptr<const config::organisation> org, std::string_view actor = "config");

  /// Takes in one event: finds or opens its incident, fires matching rules, moves
  /// accountability and pages the holders.
  expected<submit_result, engine_error> submit(const event& e, std::string_view actor = "api");

  /// `person` acknowledges incident `id`: engages every accountable role they hold.
  expected<ack_result, engine_error> acknowledge(std::int64_t id, std::string_view person,
                                                 std::string_view actor = "");

  /// Ends incident `id`: cancels its timers. `actor` says who (e.g. "person:ada").
  expected<bool, engine_error> resolve(std::int64_t id, std::string_view actor, std::string_view note = "");

  /// Fires every timer due at the clock's now, in (deadline, arming order). Returns the
  /// number fired. Timers fired more than a second after their deadline are marked late.
  std::size_t run_due();

  /// The earliest pending timer, if any (for the serve loop and virtual-time drivers).
  std::optional<timestamp> next_due();

  // Queries.
  const incident* find_incident(std::int64_t id) const;
  const escalation* find_escalation(std::int64_t id) const;
  std::vector<const escalation*> escalations_of(std::int64_t incident_id) const;
  /// Roles accountable now (escalations not ended), in triggering order.
  std::vector<const escalation*> accountable(std::int64_t incident_id) const;
  std::size_t open_incidents() const noexcept { return incidents_.size(); }
  std::size_t pending_timers() const noexcept { return timers_.size(); }
  const counters& totals() const noexcept { return counters_; }
  const std::vector<latency_sample>& latency_samples() const noexcept { return latency_; }
  std::map<std::string, latency_stats> latency_by_rule() const;
  std::map<std::string, latency_stats> latency_by_role() const;
  const std::shared_ptr<const config::organisation>& current_config() const noexcept { return org_; }
  const store::log_head& log_head() const noexcept { return log_.head(); }

 private:
  struct step;  // the state of one public operation: now, actor, dirty rows

  incident& open_incident(step& s, const event& e, std::string_view key);
  void apply_rules(step& s, incident& inc, const event& e, std::vector<std::string>& fired);
  void start_escalation(step& s, incident& inc, const config::role& role, const config::rule* rule);
  void end_escalation(step& s, incident& inc, escalation& esc, std::string_view why);
  void page_from(step& s, incident& inc, escalation& esc, std::size_t from_rung, std::string_view why);
  void go_unowned(step& s, incident& inc, escalation& esc);
  void inform(step& s, incident& inc, const config::rule& rule);
  void engage(step& s, incident& inc, escalation& esc, const config::person& who);
  void update_incident_state(step& s, incident& inc);
  void on_timer(step& s, const timer& t);
  void on_ack_timeout(step& s, incident& inc, escalation& esc);
  void on_target(step& s, incident& inc, escalation& esc);
  void on_reminder(step& s, incident& inc);
  bool may_acknowledge(const incident& inc, const escalation& esc, const config::person& p, timestamp now);
  void send(step& s, incident& inc, const escalation* esc, notifiers::notification_kind kind,
            const config::person& to, const config::role& as_role, const config::rule* rule,
            std::string reason, std::optional<timestamp> deadline, std::string_view key_suffix);
  const ladder& ladder_for(const incident& inc, const config::role& role);
  duration ack_timeout_for(const incident& inc, const escalation& esc, const config::role& paged_role) const;
  std::uint64_t arm(step& s, timestamp due, timer_kind kind, std::int64_t incident, std::int64_t escalation);
  void cancel(step& s, std::uint64_t& timer_id);
  void flush(step& s);
  std::map<std::string, latency_stats> latency_by(std::string latency_sample::*key) const;
  void finish(incident& inc);
  store::incident_row to_row(const incident& inc) const;
  store::escalation_row to_row(const escalation& esc) const;

  clock& clock_;
  store::store& store_;
  notifiers::notifier_set& notifiers_;
  store::audit_log log_;
  std::shared_ptr<const config::organisation> org_;
  timer_queue timers_;
  std::unordered_map<std::int64_t, incident> incidents_;        // open and acknowledged
  std::unordered_map<std::string, std::int64_t> by_dedup_key_;  // key -> open incident
  std::unordered_map<std::int64_t, escalation> escalations_;    // of open incidents
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
  std::int64_t next_incident_id_ = 1;
  std::int64_t next_escalation_id_ = 1;
  counters counters_;
  std::vector<latency_sample> latency_;
};

/// Drives a manual clock to `until`, stopping at every timer deadline on the way so each
/// timer fires at exactly its own time. For tests and the simulator.
void run_until(manual_clock& clk, engine& eng, timestamp until);

}  // namespace baton::engine
