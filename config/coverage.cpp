// The coverage figures `baton validate` prints.
#include <algorithm>
#include <cstdint>
#include <limits>

#include "config/load_state.hpp"

namespace baton::config::detail {
namespace {

// The figures are ints; a count past what one holds shows as the largest int rather
// than wrapping to a negative number.
int saturated(std::int64_t n) {
  return static_cast<int>(std::min<std::int64_t>(n, std::numeric_limits<int>::max()));
}

}  // namespace

coverage compute_coverage(const organisation& org, timestamp now) {
  coverage c;
  for (const auto& act : org.activities) {
    ++c.activities;
    if (act.accountable.size() == 1 && org.find_role(act.accountable.front()) != nullptr) {
      ++c.activities_with_one_accountable;
    }
  }
  auto filled = [](const holders& h) { return !h.primary.empty() && !h.backups.empty(); };
  // A scoped role counts once per unit, so the totals are products: counted from the
  // holders the units list (linear), not by asking every unit about every role, and in
  // 64 bits, since 10^5 roles times 10^5 units does not fit an int.
  std::int64_t roles = 0;
  std::int64_t filled_roles = 0;
  std::int64_t scoped = 0;
  for (const auto& ro : org.roles) {
    if (ro.scope == role_scope::business_unit) {
      ++scoped;
    } else {
      ++roles;
      if (filled(ro.held_by)) {
        ++filled_roles;
      }
    }
  }
  // A scoped role with no unit at all is one unfilled role.
  roles += scoped * std::max<std::int64_t>(static_cast<std::int64_t>(org.business_units.size()), 1);
  for (const auto& bu : org.business_units) {
    for (const auto& [role_id, h] : bu.holders_by_role) {
      const role* ro = org.find_role(role_id);
      if (ro != nullptr && ro->scope == role_scope::business_unit && filled(h)) {
        ++filled_roles;
      }
    }
  }
  c.roles = saturated(roles);
  c.roles_with_primary_and_backup = saturated(filled_roles);
  for (const auto& id : holder_ids(org)) {
    const person* p = org.find_person(id);
    if (p == nullptr) {
      continue;
    }
    ++c.holders;
    if (accepted_current(*p, org)) {
      ++c.holders_accepted;
    }
    if (training_current(*p, org, now)) {
      ++c.holders_trained;
    }
  }
  return c;
}

}  // namespace baton::config::detail
