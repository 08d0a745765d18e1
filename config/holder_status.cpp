// Who holds roles, and whether each holder is trained and signed the current RACI:
// shared by the warnings and the coverage figures so both count the same people.
#include <set>

#include "config/load_state.hpp"

namespace baton::config::detail {

timestamp day_start(const person& p, const organisation& org, civil_day day) {
  const date::time_zone* zone = p.zone != nullptr ? p.zone : org.zone;
  local_timestamp local{std::chrono::duration_cast<duration>(std::chrono::days{day})};
  return zone != nullptr ? to_utc(local, *zone) : timestamp{local.time_since_epoch()};
}

std::vector<std::string> holder_ids(const organisation& org) {
  std::set<std::string, std::less<>> seen;
  std::vector<std::string> out;
  auto add = [&](const std::string& id) {
    if (!id.empty() && seen.insert(id).second) {
      out.push_back(id);
    }
  };
  for (const auto& ro : org.roles) {
    add(ro.held_by.primary);
    for (const auto& b : ro.held_by.backups) {
      add(b);
    }
  }
  for (const auto& bu : org.business_units) {
    for (const auto& [role_id, h] : bu.holders_by_role) {
      add(h.primary);
      for (const auto& b : h.backups) {
        add(b);
      }
    }
  }
  return out;
}

bool training_current(const person& p, const organisation& org, timestamp now) {
  if (!p.training) {
    return false;
  }
  // Completed on a day: counts from that day's start. Expires on a day: void from that
  // day's start, in the person's own zone.
  if (now < day_start(p, org, p.training->completed)) {
    return false;
  }
  return !p.training->expires || now < day_start(p, org, *p.training->expires);
}

bool accepted_current(const person& p, const organisation& org) {
  return p.accepted && (org.raci_version.empty() || p.accepted->version == org.raci_version);
}

}  // namespace baton::config::detail
