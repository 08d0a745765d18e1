#pragma once
// Holder resolution: who holds a role at time t for a given AI system, and why.
// A pure function of (configuration, time): the simulator and an auditor replaying a past
// moment get the same answer as the live service did.
//
// Order: an override (explicit delegation) in force; the primary (a committee's chair);
// the backups in order; then the role's escalates_to, resolved the same way. A person out
// of office with a delegate is stood in for by that delegate. Working hours count only
// when asked (rules with working_hours_only); urgent pages go to whoever is available.
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

#include "config/organisation.hpp"

namespace baton::engine {

enum class rung_source : std::uint8_t { override_entry, primary, chair, backup };

/// One rung of a role's ladder: a person who may hold `role`, in configuration order.
struct rung {
  const config::role* role = nullptr;    // the role itself, or one it escalates to
  int depth = 0;                         // 0 = the role itself, 1 = its escalates_to, ...
  rung_source source = rung_source::primary;
  int backup_index = 0;                  // 1-based, for backups
  const config::person* person = nullptr;
  const config::override_entry* entry = nullptr;  // for override rungs
};

/// The whole ladder for a role and scope: every rung down the escalates_to chain.
struct ladder {
  std::vector<rung> rungs;
  std::vector<std::string> notes;  // e.g. "bu_owner has no holder in business unit x"
};

/// Builds the ladder of `role` for an event about `system` (null: no scope, so a
/// business-unit-scoped role has no holders and the ladder starts at its escalates_to).
ladder build_ladder(const config::organisation& org, const config::role& role,
                    const config::ai_system* system);

/// Can rung `r`'s person be paged at `t`? When they are out of office with a delegate
/// who is available, `stand_in` is the delegate.
struct availability {
  bool available = false;
  const config::person* stand_in = nullptr;
  std::string reason;  // why not available, or how the stand-in came in
  bool noteworthy = true;  // false for overrides long over or not yet begun
};
availability check_rung(const config::organisation& org, const rung& r, timestamp t,
                        bool working_hours_only);

/// The result of walking a ladder from a rung.
struct resolution {
  const config::person* holder = nullptr;  // null: nobody reachable
  const config::role* as_role = nullptr;   // the role the holder holds
  std::size_t rung_index = 0;              // the rung that answered
  std::vector<std::string> steps;          // each candidate skipped with why, then the answer
  std::string reason() const;              // steps joined with "; "
};

/// Walks `l` from rung `from` and returns the first available person.
resolution resolve_from(const config::organisation& org, const ladder& l, std::size_t from,
                        timestamp t, bool working_hours_only);

/// build_ladder + resolve_from(0).
resolution resolve_holder(const config::organisation& org, const config::role& role,
                          const config::ai_system* system, timestamp t,
                          bool working_hours_only = false);

/// How far from its named holder a role's answer fell, for metrics and the log: "" (its
/// primary or chair), "override", "backup", "delegate" (a holder's stand-in while
/// away) or "escalates_to" (a rung of a role it escalates to).
std::string_view fallback_of(const rung& r, const resolution& res);

/// "primary amara", "backup 2 mei", "chair helena", "override lukas", prefixed by the
/// role for rungs reached through escalates_to ("board: chair helena").
std::string describe(const rung& r);

/// The zone a person's local times are in: their own, else the organisation's.
const date::time_zone* zone_of(const config::organisation& org, const config::person& p);

/// Is `t` within `p`'s working hours (always, for people without configured hours)?
bool within_working_hours(const config::person& p, const date::time_zone& zone, timestamp t);

/// The first instant at or after `t` within `p`'s working hours: `t` itself when it is
/// within them; none when no weekday is a working day.
std::optional<timestamp> next_working_time(const config::person& p, const date::time_zone& zone, timestamp t);

/// Who holds `role` for `system` (null: none named) at `t`, as `baton who --format json`
/// and GET /v1/roles/{role}/holder answer it: the holder (null when nobody is
/// reachable), the role they hold it as, why, and every rung of the ladder with its
/// availability.
boost::json::object holder_json(const config::organisation& org, const config::role& role,
                                const config::ai_system* system, timestamp t, bool working_hours_only);

/// Local time in `zone` for people: "2027-01-04 00:00 CET".
std::string format_local(timestamp t, const date::time_zone* zone);

}  // namespace baton::engine
