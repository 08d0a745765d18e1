#pragma once
// One run of a tabletop exercise: the real engine on a manual clock, fed the scenario's
// timeline, with every configured notifier replaced by the simulated responders' inbox.
// Responders acknowledge through engine::acknowledge(), exactly as a person would.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "notifiers/notification.hpp"
#include "simulate/report.hpp"
#include "simulate/scenario.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

namespace baton::simulate {

/// What one run leaves behind, before any interpretation: the audit log is the record of
/// what the engine did; the rest is what the simulator saw and decided.
struct run_record {
  /// The store the run wrote its audit log to, read back by describe_run(): the log is
  /// the largest part of a run and is not copied. The store must outlive the record.
  store::store* log = nullptr;
  std::uint64_t log_records = 0;  // how many records the run wrote
  std::vector<notifiers::notification> notifications;  // as delivered, in order
  std::map<std::string, std::string> responses;         // idempotency key -> what the responder did
  std::vector<timeline_entry> decisions;  // responder and scenario entries; seq = log seq they follow
  std::vector<acknowledgement_entry> acknowledgements;
  std::map<std::int64_t, std::string> incident_names;  // incident id -> scenario name
  timestamp end;
};

/// Runs `sc` once, drawing responder behaviour from rng(seed, stream), writing the engine's
/// state and log into `st` (which should be empty). Deterministic: the same arguments
/// give the same record. Throws limit_exceeded (simulate/limits.hpp) when the run
/// delivers more than max_run_notifications, writes more than max_run_log_records or
/// stops the clock more than max_run_steps times; `stream` names the run in the message.
run_record run_exercise(const scenario& sc, std::uint64_t seed, std::uint64_t stream, store::store& st);

}  // namespace baton::simulate
