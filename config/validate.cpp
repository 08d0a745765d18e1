// Checks across fields and sections, once everything is parsed: every reference names
// something defined, escalation chains end, scoped holders fit their roles; and the gaps
// a governance lead wants to see (missing backups, stale training or acceptance, systems
// nobody owns), reported as warnings.
#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "config/load_state.hpp"

namespace baton::config::detail {
namespace {

constexpr std::string_view role_keywords[] = {"all_roles", "external_stakeholders"};

// Aggregated warnings name this many of a list and count the rest.
constexpr std::size_t names_shown = 3;
// An escalates_to loop message names this many of its roles.
constexpr std::size_t loop_roles_shown = 12;
// "Did you mean" compares an unknown id with every known id of its kind. It is looked up
// for the first max_suggested_ids different unknown ids of a kind, or for as many as
// suggestion_budget comparisons allow when there are very many known ids (never fewer
// than min_suggested_ids); later ones say there is no suggestion and why. A file of
// nothing but typos stays linear.
constexpr std::size_t max_suggested_ids = 100;
constexpr std::size_t min_suggested_ids = 10;
constexpr std::size_t suggestion_budget = 5'000'000;

template <class T>
std::vector<std::string> ids_of(const std::vector<T>& items) {
  std::vector<std::string> out;
  out.reserve(items.size());
  for (const auto& x : items) {
    out.push_back(x.id);
  }
  return out;
}

// 3000 as "3,000": counts in aggregated messages can be large.
std::string count_text(std::size_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) {
      out += ',';
    }
    out += digits[i];
  }
  return out;
}

// "b0, b1, b2, ... (2,997 more)": the first few of `total` names.
std::string first_names(const std::vector<std::string_view>& first, std::size_t total) {
  std::string out;
  for (std::string_view name : first) {
    if (!out.empty()) {
      out += ", ";
    }
    out += name;
  }
  if (total > first.size()) {
    out += ", ... (" + count_text(total - first.size()) + " more)";
  }
  return out;
}

// The ids of one kind a reference can name, and the suggestions made for unknown ones.
struct known_ids {
  const std::vector<std::string>* ids = nullptr;
  std::string noun;
  std::string plural;
  std::size_t max_suggested = 0;
  // Unknown id -> its suggestion, so a typo repeated across the file is looked up once.
  std::unordered_map<std::string, std::string> suggested;

  known_ids(const std::vector<std::string>& known, std::string noun_text, std::string plural_text)
      : ids(&known), noun(std::move(noun_text)), plural(std::move(plural_text)) {
    max_suggested = std::clamp(suggestion_budget / std::max<std::size_t>(known.size(), 1), min_suggested_ids,
                               max_suggested_ids);
  }

  std::string hint_for(const std::string& wrong) {
    if (auto it = suggested.find(wrong); it != suggested.end()) {
      return it->second;
    }
    if (suggested.size() >= max_suggested) {
      return "no suggestion: more than " + count_text(max_suggested) + " unknown " + plural;
    }
    return suggested.emplace(wrong, suggest(wrong, *ids, plural)).first->second;
  }
};

void check_references(load_state& s) {
  const organisation& org = s.org;
  std::vector<std::string> roles = ids_of(org.roles);
  std::vector<std::string> people = ids_of(org.people);
  std::vector<std::string> units = ids_of(org.business_units);
  std::vector<std::string> notifiers = ids_of(org.notifiers);
  std::unordered_set<std::string_view> event_types(org.event_types.begin(), org.event_types.end());
  known_ids known_roles(roles, "role", "roles");
  known_ids known_people(people, "person", "people");
  known_ids known_units(units, "business unit", "business units");
  known_ids known_notifiers(notifiers, "notifier", "notifiers");
  known_ids known_event_types(org.event_types, "event type", "event types");
  for (const auto& ref : s.references) {
    bool found = false;
    known_ids* known = nullptr;
    switch (ref.kind) {
      case ref_kind::role:
        found = org.find_role(ref.id) != nullptr ||
                (ref.allow_role_keywords && std::find(std::begin(role_keywords), std::end(role_keywords), ref.id) !=
                                                std::end(role_keywords));
        known = &known_roles;
        break;
      case ref_kind::person:
        found = org.find_person(ref.id) != nullptr;
        known = &known_people;
        break;
      case ref_kind::business_unit:
        found = org.find_business_unit(ref.id) != nullptr;
        known = &known_units;
        break;
      case ref_kind::notifier:
        found = org.find_notifier(ref.id) != nullptr;
        known = &known_notifiers;
        break;
      case ref_kind::event_type:
        // An organisation that lists no event types accepts any.
        found = org.event_types.empty() || event_types.contains(ref.id);
        known = &known_event_types;
        break;
    }
    if (!found) {
      s.diags->error(ref.at, "unknown " + known->noun + " \"" + ref.id + "\" in " + ref.where + " (" +
                                 known->hint_for(ref.id) + ")");
    }
  }
}

// Follows escalates_to from every role; a chain that comes back to a role already on it
// is a loop. Each loop is reported once, at the escalates_to of its first role in file
// order, as "caio -> board -> caio". Every role is walked once: a walk stops at a role
// an earlier walk finished, so the check is linear however long the chains are.
void check_escalation_loops(load_state& s) {
  const organisation& org = s.org;
  const std::size_t n = org.roles.size();
  enum class mark_state : std::uint8_t { unvisited, on_path, done };
  std::vector<mark_state> state(n, mark_state::unvisited);
  std::vector<std::size_t> position(n, 0);  // index in `path` while on_path
  std::vector<std::size_t> path;
  auto next_of = [&](std::size_t i) -> std::optional<std::size_t> {
    const role& ro = org.roles[i];
    if (ro.escalates_to.empty()) {
      return std::nullopt;
    }
    const role* target = org.find_role(ro.escalates_to);
    if (target == nullptr) {
      return std::nullopt;  // an unknown role: already an error
    }
    return static_cast<std::size_t>(target - org.roles.data());
  };
  for (std::size_t start = 0; start < n; ++start) {
    if (state[start] != mark_state::unvisited) {
      continue;
    }
    path.clear();
    std::optional<std::size_t> current = start;
    while (current && state[*current] == mark_state::unvisited) {
      state[*current] = mark_state::on_path;
      position[*current] = path.size();
      path.push_back(*current);
      current = next_of(*current);
    }
    if (current && state[*current] == mark_state::on_path) {
      // The walk came back to itself: path[position[*current]..] is a loop, new since
      // every role on it was unvisited. Its text starts at its first role in file order.
      std::size_t begin = position[*current];
      std::size_t size = path.size() - begin;
      std::size_t first = *std::min_element(path.begin() + static_cast<std::ptrdiff_t>(begin), path.end());
      std::size_t offset = position[first] - begin;
      std::string text;
      for (std::size_t k = 0; k < std::min(size, loop_roles_shown); ++k) {
        text += org.roles[path[begin + (offset + k) % size]].id + " -> ";
      }
      if (size > loop_roles_shown) {
        text += "... -> ";
      }
      text += org.roles[first].id;
      std::string note = "a chain must end at a role with no escalates_to";
      if (size > loop_roles_shown) {
        note = count_text(size) + " roles; " + note;
      }
      const role& ro = org.roles[first];
      auto at = s.escalates_at.find(ro.id);
      s.diags->error(at != s.escalates_at.end() ? at->second : ro.at, "escalates_to loop: " + text + " (" + note + ")");
    }
    for (std::size_t i : path) {
      state[i] = mark_state::done;
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

// Which business units hold each scoped role, found from the units' holders (one pass
// over what the file gives) rather than by asking every unit about every role: the
// warnings below are then linear however many roles and units there are.
struct scoped_holding {
  std::vector<std::size_t> scoped;                   // indices of the scoped roles, in file order
  std::vector<std::vector<std::size_t>> units_of;    // per role index: units holding it, in order
  std::vector<std::size_t> held_in_unit;             // per unit index: scoped roles held there

  explicit scoped_holding(const organisation& org)
      : units_of(org.roles.size()), held_in_unit(org.business_units.size(), 0) {
    for (std::size_t i = 0; i < org.roles.size(); ++i) {
      if (org.roles[i].scope == role_scope::business_unit) {
        scoped.push_back(i);
      }
    }
    for (std::size_t u = 0; u < org.business_units.size(); ++u) {
      for (const auto& [role_id, h] : org.business_units[u].holders_by_role) {
        const role* ro = org.find_role(role_id);
        if (ro != nullptr && ro->scope == role_scope::business_unit) {
          units_of[static_cast<std::size_t>(ro - org.roles.data())].push_back(u);
          ++held_in_unit[u];
        }
      }
    }
  }
};

void warn_missing_backups(load_state& s, const scoped_holding& holding) {
  const organisation& org = s.org;
  for (std::size_t i = 0; i < org.roles.size(); ++i) {
    const role& ro = org.roles[i];
    if (ro.scope != role_scope::business_unit) {
      if (ro.held_by.backups.empty() && !ro.held_by.primary.empty()) {
        s.diags->warning(ro.at, "role " + ro.id + " has no backup");
      }
      continue;
    }
    // The units without a holder are the ones between those with one: the first few
    // are found by walking both lists together, the rest only counted.
    const std::vector<std::size_t>& held = holding.units_of[i];
    const std::size_t missing = org.business_units.size() - held.size();
    std::vector<std::size_t> first_missing;
    for (std::size_t u = 0, next = 0; u < org.business_units.size() && first_missing.size() < names_shown; ++u) {
      if (next < held.size() && held[next] == u) {
        ++next;
      } else {
        first_missing.push_back(u);
      }
    }
    if (missing == 1) {
      const business_unit& bu = org.business_units[first_missing.front()];
      s.diags->warning(bu.at, "business unit " + bu.id + " has no holder for scoped role " + ro.id);
    } else if (missing > 1) {
      std::vector<std::string_view> names;
      for (std::size_t u : first_missing) {
        names.push_back(org.business_units[u].id);
      }
      s.diags->warning(ro.at, "role " + ro.id + " has no holder in " + count_text(missing) + " business units: " +
                                  first_names(names, missing));
    }
    for (std::size_t u : held) {
      const business_unit& bu = org.business_units[u];
      auto it = bu.holders_by_role.find(ro.id);
      if (it != bu.holders_by_role.end() && it->second.backups.empty()) {
        auto at = s.holders_at.find({bu.id, ro.id});
        s.diags->warning(at != s.holders_at.end() ? at->second : bu.at,
                         "role " + ro.id + " has no backup in business unit " + bu.id);
      }
    }
  }
}

void warn_unowned_systems(load_state& s, const scoped_holding& holding) {
  const organisation& org = s.org;
  // What each unit lacks is the same for all its systems: worked out once per unit.
  std::unordered_map<std::size_t, std::string> lacking_by_unit;
  auto lacking = [&](std::size_t u) -> const std::string& {
    auto [it, inserted] = lacking_by_unit.try_emplace(u);
    if (!inserted) {
      return it->second;
    }
    const business_unit& bu = org.business_units[u];
    const std::size_t missing = holding.scoped.size() - holding.held_in_unit[u];
    std::vector<std::string_view> names;
    // Stops after the first few missing; the held ones it passes are at most those the
    // unit lists.
    for (std::size_t i : holding.scoped) {
      if (names.size() >= names_shown) {
        break;
      }
      if (!bu.holders_by_role.contains(org.roles[i].id)) {
        names.push_back(org.roles[i].id);
      }
    }
    if (missing == 1) {
      it->second = "business unit " + bu.id + " has no holder for " + std::string(names.front());
    } else if (missing > 1) {
      it->second = "business unit " + bu.id + " has no holder for " + count_text(missing) +
                   " scoped roles: " + first_names(names, missing);
    }
    return it->second;
  };
  for (const auto& sys : org.systems) {
    const business_unit* bu = org.find_business_unit(sys.business_unit);
    if (bu == nullptr) {
      continue;  // already an error
    }
    const std::string& gap = lacking(static_cast<std::size_t>(bu - org.business_units.data()));
    if (!gap.empty()) {
      s.diags->warning(sys.at, "system " + sys.id + " has no business-unit owner: " + gap);
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
  scoped_holding holding(s.org);
  warn_missing_backups(s, holding);
  warn_unowned_systems(s, holding);
  warn_holder_gaps(s, now);
}

}  // namespace baton::config::detail
