// Checks across fields and sections, once everything is parsed: every reference names
// something defined, escalation chains end, scoped holders fit their roles; and the gaps
// a governance lead wants to see (missing backups, stale training or acceptance, systems
// nobody owns), reported as warnings.
#include <algorithm>
#include <set>

#include "config/load_state.hpp"

namespace baton::config::detail {
namespace {

constexpr std::string_view role_keywords[] = {"all_roles", "external_stakeholders"};

template <class T>
std::vector<std::string> ids_of(const std::vector<T>& items) {
  std::vector<std::string> out;
  out.reserve(items.size());
  for (const auto& x : items) {
    out.push_back(x.id);
  }
  return out;
}

void check_references(load_state& s) {
  const organisation& org = s.org;
  std::vector<std::string> roles = ids_of(org.roles);
  std::vector<std::string> people = ids_of(org.people);
  std::vector<std::string> units = ids_of(org.business_units);
  std::vector<std::string> notifiers = ids_of(org.notifiers);
  for (const auto& ref : s.references) {
    bool found = false;
    const std::vector<std::string>* known = nullptr;
    std::string noun;
    std::string plural;
    switch (ref.kind) {
      case ref_kind::role:
        found = org.find_role(ref.id) != nullptr ||
                (ref.allow_role_keywords && std::find(std::begin(role_keywords), std::end(role_keywords), ref.id) !=
                                                std::end(role_keywords));
        known = &roles;
        noun = "role";
        plural = "roles";
        break;
      case ref_kind::person:
        found = org.find_person(ref.id) != nullptr;
        known = &people;
        noun = "person";
        plural = "people";
        break;
      case ref_kind::business_unit:
        found = org.find_business_unit(ref.id) != nullptr;
        known = &units;
        noun = "business unit";
        plural = "business units";
        break;
      case ref_kind::notifier:
        found = org.find_notifier(ref.id) != nullptr;
        known = &notifiers;
        noun = "notifier";
        plural = "notifiers";
        break;
      case ref_kind::event_type:
        // An organisation that lists no event types accepts any.
        found = org.event_types.empty() ||
                std::find(org.event_types.begin(), org.event_types.end(), ref.id) != org.event_types.end();
        known = &org.event_types;
        noun = "event type";
        plural = "event types";
        break;
    }
    if (!found) {
      s.diags->error(ref.at, "unknown " + noun + " \"" + ref.id + "\" in " + ref.where + " (" +
                                 suggest(ref.id, *known, plural) + ")");
    }
  }
}

// Follows escalates_to from every role; a chain that comes back to a role already on it
// is a loop. Each loop is reported once, at the escalates_to of its first role in file
// order, as "caio -> board -> caio".
void check_escalation_loops(load_state& s) {
  const organisation& org = s.org;
  std::set<std::string, std::less<>> reported;  // roles on a loop already reported
  for (const auto& start : org.roles) {
    std::vector<const role*> path;
    const role* current = &start;
    while (current != nullptr) {
      auto seen = std::find(path.begin(), path.end(), current);
      if (seen != path.end()) {
        std::vector<const role*> loop(seen, path.end());
        if (!reported.contains(loop.front()->id) && current == &start) {
          std::string text;
          for (const role* ro : loop) {
            text += ro->id + " -> ";
            reported.insert(ro->id);
          }
          text += loop.front()->id;
          auto at = s.escalates_at.find(start.id);
          s.diags->error(at != s.escalates_at.end() ? at->second : start.at,
                         "escalates_to loop: " + text + " (a chain must end at a role with no escalates_to)");
        }
        break;
      }
      path.push_back(current);
      current = current->escalates_to.empty() ? nullptr : org.find_role(current->escalates_to);
    }
  }
}

void check_scoped_holders(load_state& s) {
  for (const auto& [key, at] : s.holders_at) {
    const role* ro = s.org.find_role(key.second);
    if (ro != nullptr && ro->scope != role_scope::business_unit) {
      s.diags->error(at, "holders: role " + ro->id + " is not scoped to business units (scope: business_unit); " +
                             "give its holders in the role itself");
    }
  }
  for (const auto& o : s.org.overrides) {
    const role* ro = s.org.find_role(o.role);
    if (ro == nullptr) {
      continue;
    }
    if (ro->scope == role_scope::business_unit && o.business_unit.empty()) {
      s.diags->error(o.at, "override of " + ro->id + ": role " + ro->id +
                               " is scoped to business units, so business_unit is required");
    } else if (ro->scope != role_scope::business_unit && !o.business_unit.empty()) {
      s.diags->error(o.at, "override of " + ro->id + ": role " + ro->id +
                               " is not scoped to business units; remove business_unit");
    }
  }
}

// Implicit defaults name roles too: without `governance_owner`, unowned incidents go to
// caio; without `routing.default_role`, new incidents to bu_owner.
void check_implicit_defaults(load_state& s, const config::mark& root) {
  if (s.org.roles.empty()) {
    // Nothing could be routed; the defaults' roles are the least of it.
    s.diags->error(root, "no roles are defined (roles: a list with at least one role)");
    return;
  }
  if (!s.governance_owner_given && s.org.find_role(s.org.defaults.governance_owner) == nullptr) {
    s.diags->error(root, "defaults.governance_owner is not given and the default role \"" +
                             s.org.defaults.governance_owner + "\" is not defined");
  }
  if (!s.default_role_given && s.org.find_role(s.org.route.default_role) == nullptr) {
    s.diags->error(root, "routing.default_role is not given and the default role \"" + s.org.route.default_role +
                             "\" is not defined");
  }
}

void warn_missing_backups(load_state& s) {
  const organisation& org = s.org;
  for (const auto& ro : org.roles) {
    if (ro.scope == role_scope::business_unit) {
      for (const auto& bu : org.business_units) {
        auto it = bu.holders_by_role.find(ro.id);
        if (it == bu.holders_by_role.end()) {
          s.diags->warning(bu.at, "business unit " + bu.id + " has no holder for scoped role " + ro.id);
        } else if (it->second.backups.empty()) {
          auto at = s.holders_at.find({bu.id, ro.id});
          s.diags->warning(at != s.holders_at.end() ? at->second : bu.at,
                           "role " + ro.id + " has no backup in business unit " + bu.id);
        }
      }
    } else if (ro.held_by.backups.empty() && !ro.held_by.primary.empty()) {
      s.diags->warning(ro.at, "role " + ro.id + " has no backup");
    }
  }
}

void warn_unowned_systems(load_state& s) {
  const organisation& org = s.org;
  for (const auto& sys : org.systems) {
    const business_unit* bu = org.find_business_unit(sys.business_unit);
    if (bu == nullptr) {
      continue;  // already an error
    }
    for (const auto& ro : org.roles) {
      if (ro.scope == role_scope::business_unit && !bu->holders_by_role.contains(ro.id)) {
        s.diags->warning(sys.at, "system " + sys.id + " has no business-unit owner: business unit " + bu->id +
                                     " has no holder for " + ro.id);
      }
    }
  }
}

void warn_holder_gaps(load_state& s, timestamp now) {
  const organisation& org = s.org;
  for (const auto& id : holder_ids(org)) {
    const person* p = org.find_person(id);
    if (p == nullptr) {
      continue;  // already an error
    }
    const person_marks& marks = s.person_at[p->id];
    if (!p->training) {
      if (!marks.training_given) {
        s.diags->warning(p->at, "holder " + p->id + " has no training record");
      }
    } else if (!training_current(*p, org, now)) {
      if (now >= day_start(*p, org, p->training->completed)) {
        s.diags->warning(marks.training, "holder " + p->id + ": training expired on " +
                                             format_day(*p->training->expires));
      } else {
        s.diags->warning(marks.training, "holder " + p->id + " is not trained yet (training completed " +
                                             format_day(p->training->completed) + " is in the future)");
      }
    }
    if (!p->accepted) {
      if (marks.accepted_given) {
        continue;
      }
      s.diags->warning(p->at, "holder " + p->id + " has not accepted the RACI" +
                                  (org.raci_version.empty() ? "" : " (version " + org.raci_version + ")"));
    } else if (!accepted_current(*p, org)) {
      s.diags->warning(marks.accepted, "holder " + p->id + " has not accepted RACI version " + org.raci_version +
                                           " (accepted " + p->accepted->version + ")");
    }
  }
}

}  // namespace

void validate(load_state& s, timestamp now) {
  config::mark root{s.org.files.empty() ? std::string() : s.org.files.front(), 0, 0};
  check_references(s);
  check_escalation_loops(s);
  check_scoped_holders(s);
  check_implicit_defaults(s, root);
  warn_missing_backups(s);
  warn_unowned_systems(s);
  warn_holder_gaps(s, now);
}

}  // namespace baton::config::detail
