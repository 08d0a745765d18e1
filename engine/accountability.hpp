#pragma once
// Who is accountable for an incident, and how a fired rule changes that. Pure functions
// of the configuration: the engine applies their answer, the tests check it directly.
#include <string>
#include <string_view>
#include <vector>

#include "config/organisation.hpp"

namespace baton::engine {

/// One role accountable for an incident, with the rule that made it so (null: the
/// incident's initial routing).
struct accountable_role {
  const config::role* role = nullptr;
  const config::rule* rule = nullptr;
};

/// The accountable roles in the order they became accountable.
using accountable_set = std::vector<accountable_role>;

/// Where a new incident of `event_type` starts: routing.by_event_type, else the default
/// role; empty when the routing names no role of `org`.
accountable_set initial_accountability(const config::organisation& org, std::string_view event_type);

/// The set before and after one rule moved accountability, as role ids.
struct accountability_move {
  std::vector<std::string> before;
  std::vector<std::string> after;
};

/// Applies `rule` to `set`: its `from` role leaves (unless `to` names it too, as in
/// "DPO + BU owner, joint A"), each `to` role joins unless it is already there. Roles
/// `org` does not know are skipped.
accountability_move move_accountability(accountable_set& set, const config::organisation& org,
                                        const config::rule& rule);

/// Whether `set` holds `role`.
bool holds(const accountable_set& set, const config::role* role) noexcept;

}  // namespace baton::engine
