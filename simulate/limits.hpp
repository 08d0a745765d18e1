#pragma once
// How big an exercise may be. A scenario file is input from anyone who can commit one,
// and `baton simulate` runs in CI: whatever a file says, a run must end, in memory a
// CI machine has, with a message that names the bound rather than a killed process.
// Each limit is far above what a tabletop exercise needs (hours to weeks, tens of
// incidents) and at or above what a year of a busy organisation's incidents needs
// (bench/simulate_bench.cpp: 20,000 incidents, 120,000 events and resolutions, 366 days).
// docs/scenario.md lists them with the messages a user sees.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "base/time.hpp"

namespace baton::simulate {

/// The longest exercise: a year, leap day included. Business-day targets, quarterly
/// reviews and a year of reminders all fit; the engine's work grows with the length
/// (reminders repeat until an incident ends), and a longer period is better rehearsed
/// as several exercises.
inline constexpr duration max_length{std::chrono::hours{24 * 366}};

/// Timeline entries, counted as the file is read with aliases expanded: an anchored
/// entry repeated with `*a` is as many entries as it is written.
inline constexpr std::size_t max_timeline_entries = 200'000;

/// Incidents the timeline opens (each unnamed event opens one; named events of one
/// name share one).
inline constexpr std::size_t max_incidents = 20'000;

/// `reassign` and `out_of_office` entries: each one is a configuration reload, which
/// copies the organisation, and the engine keeps every version an open incident was
/// opened under. So the bound is also on what the copies hold together: at most
/// max_change_copies entries of the organisation (people, roles, business units and
/// their holders, systems, activities, rules, overrides) over all changes. On the
/// reference organisation that is the full 1,000 changes; on one of 100,000 entries, 100.
inline constexpr std::size_t max_changes = 1'000;
inline constexpr std::size_t max_change_copies = 10'000'000;

/// Entries of `expect`: each is judged against every incident of every run.
inline constexpr std::size_t max_expectations = 1'000;

/// The scenario document with aliases expanded: YAML nodes, and bytes of scalar text.
/// A 16 MiB file holds far fewer of either; only aliases repeating a large part of the
/// document many times reach these, and the loader stops counting there rather than
/// reading what they would expand to.
inline constexpr std::size_t max_scenario_nodes = 5'000'000;
inline constexpr std::size_t max_scenario_text_bytes = std::size_t{64} << 20;

/// What one run may do: notifications delivered, audit-log records written, and engine
/// steps (instants the virtual clock stops at). A run past any of them stops with an
/// error naming it. A configuration can make the engine do unbounded work within a
/// bounded length (a very short reminder interval, many holders with many contacts),
/// and each notification and record is kept for the report.
inline constexpr std::size_t max_run_notifications = 250'000;
inline constexpr std::size_t max_run_log_records = 1'000'000;
inline constexpr std::size_t max_run_steps = 1'000'000;

/// Audit-log records over all runs of a Monte Carlo sweep (`--runs N`): the sweep's
/// work. Checked before the sweep from the detailed run (N times its records) and while
/// it runs. At the engine's speed (a few hundred thousand records a second per core)
/// this is minutes on a laptop, not hours.
inline constexpr std::uint64_t max_sweep_log_records = 100'000'000;

/// --runs and --threads on the command line.
inline constexpr std::int64_t max_runs = 1'000'000;
inline constexpr unsigned max_threads = 256;

/// A run or sweep that reached one of the limits above. The message names the limit,
/// the value reached and what to change.
class limit_exceeded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// "1,000,000": counts in messages.
std::string grouped(std::uint64_t n);

}  // namespace baton::simulate
