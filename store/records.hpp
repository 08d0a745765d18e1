#pragma once
// The rows baton keeps: incidents, escalations, pending timers, the notification
// outbox, configuration versions and the append-only audit log. Plain data; the engine
// owns their meaning, the store only keeps them.
#include <cstdint>
#include <optional>
#include <string>

#include "base/time.hpp"

namespace baton::store {

struct incident_row {
  std::int64_t id = 0;
  std::string dedup_key;
  std::string system;          // AI system id ("" when unknown)
  std::string event_type;      // of the first event
  std::string severity;
  std::string summary;
  std::string state;           // open | acknowledged | resolved
  std::string config_version;  // configuration the incident's rules come from
  timestamp opened_at;
  timestamp updated_at;
  std::optional<timestamp> resolved_at;
  std::int64_t event_count = 0;
  std::int32_t reminders_sent = 0;  // reminders sent since it was last acknowledged
  std::string opened_by;            // actor of the event that opened it
  std::string accountable;  // JSON array: [{"role":..,"holder":..,"engaged":bool}]
  std::string fired_rules;  // JSON array of rule ids, in firing order
};

struct escalation_row {
  std::int64_t id = 0;
  std::int64_t incident_id = 0;
  std::string role;
  std::string rule;  // rule id, or "" for the incident's initial routing
  std::string state;  // paging | engaged | unowned | ended
  timestamp triggered_at;
  std::optional<timestamp> target_at;   // engagement target deadline
  std::optional<timestamp> engaged_at;
  std::string engaged_by;  // person id
  std::int32_t rung = 0;   // position in the ladder being paged
  std::int32_t round = 0;  // completed passes over the ladder
  std::string paged;       // person currently paged
  bool breached = false;
};

struct timer_row {
  std::int64_t id = 0;
  timestamp due;
  std::string kind;  // ack_timeout | target | reminder
  std::int64_t incident_id = 0;
  std::int64_t escalation_id = 0;  // 0 when not about one escalation
};

struct notification_row {
  std::string idempotency_key;  // unique; receivers drop duplicates by it
  std::int64_t incident_id = 0;
  std::int64_t escalation_id = 0;
  std::string kind;       // page | inform | reminder | unowned | breach
  std::string person;
  std::string role;
  std::string notifier;   // notifier id
  std::string address;
  std::string payload;    // JSON sent to the notifier
  std::string state;      // pending | delivered | failed | dead
  std::int32_t attempts = 0;
  timestamp created_at;
  std::optional<timestamp> next_attempt_at;
  std::string last_error;
};

/// What an attempt changes in a queued notification's row. The message (the payload and
/// the rest) is written once, when the notification is queued; each attempt after that
/// writes only this.
struct notification_progress {
  std::string idempotency_key;
  std::string state;
  std::int32_t attempts = 0;
  std::optional<timestamp> next_attempt_at;
  std::string last_error;
};

inline notification_progress progress_of(const notification_row& row) {
  return {row.idempotency_key, row.state, row.attempts, row.next_attempt_at, row.last_error};
}

struct config_version_row {
  std::string version;
  timestamp loaded_at;
  std::string sources;  // JSON: every file's name and content (config/snapshot.hpp)
  std::int64_t loaded_seq = 0;  // the config.loaded record of its latest load
};

/// A caller's request, by the key it gave, and the outcome it was answered with: a
/// retried request with the same key gets the same answer and changes nothing.
struct request_row {
  std::string key;
  timestamp at;
  std::string outcome;  // JSON, as engine/requests.cpp writes it
};

/// One audit record. `details` is canonical JSON (see store/audit_log.hpp); the hash
/// covers every other field and the previous record's hash.
struct log_record {
  std::int64_t seq = 0;  // 1, 2, 3, ... without gaps
  timestamp at;
  std::string actor;      // "engine", "person:ada", "api", "config", "cli"
  std::string kind;       // e.g. event.received, rule.fired, accountability.moved
  std::int64_t incident_id = 0;  // 0 when not about one incident
  std::string details;    // canonical JSON object
  std::string prev_hash;  // hex; 64 zeros for the first record
  std::string hash;       // hex sha256
};

}  // namespace baton::store
