// The coverage figures `baton validate` prints.
#include "config/load_state.hpp"

namespace baton::config::detail {

coverage compute_coverage(const organisation& org, timestamp now) {
  coverage c;
  for (const auto& act : org.activities) {
    ++c.activities;
    if (act.accountable.size() == 1 && org.find_role(act.accountable.front()) != nullptr) {
      ++c.activities_with_one_accountable;
    }
  }
  auto filled = [](const holders& h) { return !h.primary.empty() && !h.backups.empty(); };
  for (const auto& ro : org.roles) {
    if (ro.scope == role_scope::business_unit) {
      // Counted once per unit; a scoped role with no unit at all is one unfilled role.
      if (org.business_units.empty()) {
        ++c.roles;
      }
      for (const auto& bu : org.business_units) {
        ++c.roles;
        auto it = bu.holders_by_role.find(ro.id);
        if (it != bu.holders_by_role.end() && filled(it->second)) {
          ++c.roles_with_primary_and_backup;
        }
      }
    } else {
      ++c.roles;
      if (filled(ro.held_by)) {
        ++c.roles_with_primary_and_backup;
      }
    }
  }
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
