#include "engine/holder_resolver.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>

#include <boost/json.hpp>

#include <unordered_set>

namespace baton::engine {
namespace {

constexpr duration recent_override = std::chrono::days{7};

const config::holders* scoped_holders(const config::organisation& org, const config::role& role,
                                      const config::ai_system* system, std::vector<std::string>& notes) {
  if (system == nullptr) {
    notes.push_back(fmt::format("{} is held per business unit and the event names no known system", role.id));
    return nullptr;
  }
  const auto* bu = org.find_business_unit(system->business_unit);
  if (bu == nullptr) {
    notes.push_back(fmt::format("{}: system {} has no known business unit", role.id, system->id));
    return nullptr;
  }
  auto it = bu->holders_by_role.find(role.id);
  if (it == bu->holders_by_role.end()) {
    notes.push_back(fmt::format("{} has no holder in business unit {}", role.id, bu->id));
    return nullptr;
  }
  return &it->second;
}

void add_role_rungs(const config::organisation& org, const config::role& role, int depth,
                    const config::ai_system* system, ladder& out) {
  const std::string_view bu = (role.scope == config::role_scope::business_unit && system != nullptr)
                                  ? std::string_view{system->business_unit}
                                  : std::string_view{};
  for (const auto& o : org.overrides) {
    if (o.role == role.id && (role.scope == config::role_scope::organisation || o.business_unit == bu)) {
      if (const auto* p = org.find_person(o.person)) {
        out.rungs.push_back({&role, depth, rung_source::override_entry, 0, p, &o});
      }
    }
  }
  const config::holders* h = &role.held_by;
  if (role.scope == config::role_scope::business_unit) {
    h = scoped_holders(org, role, system, out.notes);
  }
  if (h == nullptr) {
    return;
  }
  if (const auto* p = org.find_person(h->primary)) {
    out.rungs.push_back({&role, depth, role.committee ? rung_source::chair : rung_source::primary, 0, p, nullptr});
  }
  int index = 0;
  for (const auto& b : h->backups) {
    ++index;
    if (const auto* p = org.find_person(b)) {
      out.rungs.push_back({&role, depth, rung_source::backup, index, p, nullptr});
    }
  }
}

std::string hhmm(std::chrono::minutes m) {
  return fmt::format("{:02}:{:02}", m.count() / 60, m.count() % 60);
}


// Why `p` cannot be paged at `t`, or "" when they can (ignoring delegation).
std::string unavailable_reason(const config::organisation& org, const config::person& p, timestamp t,
                               bool working_hours_only, const config::absence** away) {
  *away = nullptr;
  if (p.contacts.empty()) {
    return fmt::format("{} has no contact method", p.id);
  }
  for (const auto& a : p.out_of_office) {
    if (a.from <= t && t < a.until) {
      *away = &a;
      return fmt::format("{} out of office until {}", p.id, format_local(a.until, zone_of(org, p)));
    }
  }
  if (working_hours_only) {
    const auto* zone = zone_of(org, p);
    if (zone != nullptr && !within_working_hours(p, *zone, t)) {
      return fmt::format("{} outside working hours ({}-{} {})", p.id, hhmm(p.hours->start),
                         hhmm(p.hours->end), zone->name());
    }
  }
  return {};
}

}  // namespace

const date::time_zone* zone_of(const config::organisation& org, const config::person& p) {
  return p.zone != nullptr ? p.zone : org.zone;
}

bool within_working_hours(const config::person& p, const date::time_zone& zone, timestamp t) {
  if (!p.hours) {
    return true;
  }
  auto local = to_local(t, zone);
  auto day = std::chrono::floor<std::chrono::days>(local);
  auto wd = date::weekday{date::sys_days{day.time_since_epoch()}}.c_encoding();
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(local - day);
  return p.hours->days[wd] && minutes >= p.hours->start && minutes < p.hours->end;
}

std::optional<timestamp> next_working_time(const config::person& p, const date::time_zone& zone, timestamp t) {
  if (!p.hours || within_working_hours(p, zone, t)) {
    return t;
  }
  // Walk local days from today: the first working day whose start is still ahead. Going
  // through local midnights keeps daylight-saving days right (23 or 25 hours long).
  const auto local = to_local(t, zone);
  auto day = std::chrono::floor<std::chrono::days>(local);
  for (int i = 0; i < 8; ++i, day += std::chrono::days{1}) {
    const auto wd = date::weekday{date::sys_days{day.time_since_epoch()}}.c_encoding();
    if (!p.hours->days[wd] || p.hours->start >= p.hours->end) {
      continue;
    }
    const auto begins = day + p.hours->start;
    if (begins > local) {
      return to_utc(begins, zone);
    }
  }
  return std::nullopt;
}

std::string format_local(timestamp t, const date::time_zone* zone) {
  if (zone == nullptr) {
    return format_iso(t);
  }
  auto zt = date::make_zoned(zone, std::chrono::floor<std::chrono::minutes>(t));
  return date::format("%Y-%m-%d %H:%M %Z", zt);
}

std::string describe(const rung& r) {
  std::string who;
  switch (r.source) {
    case rung_source::override_entry:
      who = fmt::format("override {}", r.person->id);
      break;
    case rung_source::primary:
      who = fmt::format("primary {}", r.person->id);
      break;
    case rung_source::chair:
      who = fmt::format("chair {}", r.person->id);
      break;
    case rung_source::backup:
      who = fmt::format("backup {} {}", r.backup_index, r.person->id);
      break;
  }
  if (r.depth > 0) {
    return fmt::format("escalated to {}: {}", r.role->id, who);
  }
  return who;
}

ladder build_ladder(const config::organisation& org, const config::role& role, const config::ai_system* system) {
  ladder out;
  std::unordered_set<const config::role*> seen;
  const config::role* current = &role;
  int depth = 0;
  // Validation rejects escalates_to loops; the seen-set keeps a bad config from looping.
  while (current != nullptr && seen.insert(current).second) {
    add_role_rungs(org, *current, depth, system, out);
    if (current->escalates_to.empty()) {
      break;
    }
    current = org.find_role(current->escalates_to);
    ++depth;
  }
  return out;
}

availability check_rung(const config::organisation& org, const rung& r, timestamp t, bool working_hours_only) {
  availability a;
  if (r.entry != nullptr) {
    if (t < r.entry->from) {
      a.reason = fmt::format("override {} not yet in force (from {})", r.person->id,
                             format_local(r.entry->from, org.zone));
      a.noteworthy = false;
      return a;
    }
    if (t >= r.entry->until) {
      a.reason = fmt::format("override {} expired {}", r.person->id, format_local(r.entry->until, org.zone));
      // A delegation that ended lately explains why the usual holder is back; one that
      // ended long ago is history, and naming it in every answer would bury the reason.
      a.noteworthy = t - r.entry->until < recent_override;
      return a;
    }
  }
  const config::absence* away = nullptr;
  std::string why = unavailable_reason(org, *r.person, t, working_hours_only, &away);
  if (why.empty()) {
    a.available = true;
    return a;
  }
  if (away != nullptr && !away->delegate.empty()) {
    const auto* delegate = org.find_person(away->delegate);
    const config::absence* delegate_away = nullptr;
    std::string delegate_why =
        delegate == nullptr ? fmt::format("delegate {} unknown", away->delegate)
                            : unavailable_reason(org, *delegate, t, working_hours_only, &delegate_away);
    if (delegate_why.empty()) {
      a.available = true;
      a.stand_in = delegate;
      a.reason = fmt::format("{}, delegated to {}", why, delegate->id);
      return a;
    }
    a.reason = fmt::format("{}; delegate {}", why, delegate_why);
    return a;
  }
  a.reason = std::move(why);
  return a;
}

std::string resolution::reason() const {
  std::string out;
  for (const auto& s : steps) {
    if (!out.empty()) {
      out += "; ";
    }
    out += s;
  }
  return out;
}

resolution resolve_from(const config::organisation& org, const ladder& l, std::size_t from, timestamp t,
                        bool working_hours_only) {
  resolution res;
  res.steps = l.notes;
  for (std::size_t i = from; i < l.rungs.size(); ++i) {
    const rung& r = l.rungs[i];
    availability a = check_rung(org, r, t, working_hours_only);
    if (!a.available) {
      if (a.noteworthy) {
        res.steps.push_back(fmt::format("{}: {}", describe(r), a.reason));
      }
      continue;
    }
    res.holder = a.stand_in != nullptr ? a.stand_in : r.person;
    res.as_role = r.role;
    res.rung_index = i;
    if (a.stand_in != nullptr) {
      res.steps.push_back(fmt::format("{}: {}", describe(r), a.reason));
    } else {
      res.steps.push_back(describe(r));
    }
    return res;
  }
  res.rung_index = l.rungs.size();
  res.steps.push_back("no reachable holder");
  return res;
}

resolution resolve_holder(const config::organisation& org, const config::role& role, const config::ai_system* system,
                          timestamp t, bool working_hours_only) {
  return resolve_from(org, build_ladder(org, role, system), 0, t, working_hours_only);
}

std::string_view fallback_of(const rung& r, const resolution& res) {
  if (r.depth > 0) {
    return "escalates_to";
  }
  if (res.holder != r.person) {
    return "delegate";
  }
  switch (r.source) {
    case rung_source::override_entry:
      return "override";
    case rung_source::backup:
      return "backup";
    case rung_source::primary:
    case rung_source::chair:
      return "";
  }
  return "";
}

boost::json::object holder_json(const config::organisation& org, const config::role& role,
                                const config::ai_system* system, timestamp t, bool working_hours_only) {
  namespace json = boost::json;
  const ladder l = build_ladder(org, role, system);
  const resolution res = resolve_from(org, l, 0, t, working_hours_only);
  json::object j;
  j["role"] = role.id;
  j["title"] = role.title;
  j["at"] = format_iso(t);
  j["system"] = system != nullptr ? system->id : "";
  j["config_version"] = org.version;
  if (res.holder != nullptr) {
    j["holder"] = {{"id", res.holder->id}, {"name", res.holder->name}};
    j["as_role"] = res.as_role->id;
  } else {
    j["holder"] = nullptr;
  }
  j["reason"] = res.reason();
  json::array rungs;
  for (const auto& r : l.rungs) {
    const auto a = check_rung(org, r, t, working_hours_only);
    json::object rj;
    rj["rung"] = describe(r);
    rj["role"] = r.role->id;
    rj["person"] = r.person->id;
    rj["available"] = a.available;
    if (a.stand_in != nullptr) {
      rj["stand_in"] = a.stand_in->id;
    }
    if (!a.reason.empty()) {
      rj["reason"] = a.reason;
    }
    rungs.emplace_back(std::move(rj));
  }
  j["ladder"] = std::move(rungs);
  return j;
}

}  // namespace baton::engine
