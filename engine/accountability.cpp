#include "engine/accountability.hpp"

#include <algorithm>

namespace baton::engine {
namespace {

std::vector<std::string> ids_of(const accountable_set& set) {
  std::vector<std::string> ids;
  ids.reserve(set.size());
  for (const auto& a : set) {
    ids.push_back(a.role->id);
  }
  return ids;
}

}  // namespace

accountable_set initial_accountability(const config::organisation& org, std::string_view event_type) {
  const auto& route = org.route;
  const auto it = route.by_event_type.find(event_type);
  const auto* role = org.find_role(it != route.by_event_type.end() ? it->second : route.default_role);
  if (role == nullptr) {
    return {};
  }
  return {{role, nullptr}};
}

bool holds(const accountable_set& set, const config::role* role) noexcept {
  return std::any_of(set.begin(), set.end(), [&](const accountable_role& a) { return a.role == role; });
}

accountability_move move_accountability(accountable_set& set, const config::organisation& org,
                                        const config::rule& rule) {
  accountability_move m;
  m.before = ids_of(set);
  const auto* from = org.find_role(rule.from);
  const bool from_stays = std::find(rule.to.begin(), rule.to.end(), rule.from) != rule.to.end();
  if (from != nullptr && !from_stays) {
    std::erase_if(set, [&](const accountable_role& a) { return a.role == from; });
  }
  for (const auto& to_id : rule.to) {
    const auto* to = org.find_role(to_id);
    if (to != nullptr && !holds(set, to)) {
      set.push_back({to, &rule});
    }
  }
  m.after = ids_of(set);
  return m;
}

}  // namespace baton::engine
