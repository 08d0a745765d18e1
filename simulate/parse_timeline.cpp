// The `timeline` section: what happens when. Everything the engine would refuse during
// the run (an unknown person, an incident that is not open) is an error here, so an
// exercise never stops half-way over a typo.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <set>
#include <unordered_map>

#include "simulate/limits.hpp"
#include "simulate/scenario_state.hpp"

namespace baton::simulate::detail {
namespace {

constexpr std::array<std::string_view, 5> severities{"info", "low", "medium", "high", "critical"};

struct action_key {
  std::string_view key;
  injection::kind kind;
};

constexpr std::array<action_key, 5> actions{{
    {"event", injection::kind::event},
    {"acknowledge", injection::kind::acknowledge},
    {"resolve", injection::kind::resolve},
    {"reassign", injection::kind::reassign},
    {"out_of_office", injection::kind::out_of_office},
}};

std::string_view action_name(injection::kind k) {
  for (const auto& a : actions) {
    if (a.kind == k) {
      return a.key;
    }
  }
  return "?";
}

// An entry read, with the positions the checks made once the timeline is in time order
// report at.
struct pending {
  injection inj;
  std::size_t index = 0;     // 1-based, in file order
  config::mark incident_at;  // where the incident is named (the entry for unnamed events)
  bool named = false;        // the event named its incident
  // False when something in the entry is wrong (already reported): it still opens or
  // names its incident for the checks of other entries, so one typo in an event is not
  // followed by an "unknown incident" at every entry that names it.
  bool ok = true;
  bool timed = false;  // inj.time is set
};

std::optional<std::string> optional_text(reader& r, const mapping& m, std::string_view key) {
  if (item v = m.get(key); v.present()) {
    return config::detail::read_string(r, v);
  }
  return std::nullopt;
}

// YAML leaves the type of a plain scalar to the reader: `true` is a flag and `120` a
// number as the rule conditions compare them, while anything quoted stays text.
std::optional<rules::attribute_value> attribute(reader& r, const item& value) {
  const YAML::Node& n = value.node;
  if (n.IsNull()) {
    return rules::attribute_value{};
  }
  if (!n.IsScalar()) {
    r.error(value.at, value.key + ": expected a string, a number or true/false, found " +
                          config::detail::describe(n));
    return std::nullopt;
  }
  const std::string& text = n.Scalar();
  if (n.Tag() == "!") {
    return rules::attribute_value{text};
  }
  if (text == "true" || text == "True" || text == "TRUE") {
    return rules::attribute_value{true};
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    return rules::attribute_value{false};
  }
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc{} && ptr == text.data() + text.size() && !text.empty() && std::isfinite(v)) {
    return rules::attribute_value{v};
  }
  return rules::attribute_value{text};
}

bool parse_attributes(reader& r, const item& value, rules::attributes& out) {
  if (!value.node.IsMap()) {
    r.error(value.at, "attrs: expected a mapping of attribute names to values, found " +
                          config::detail::describe(value.node));
    return false;
  }
  bool ok = true;
  std::set<std::string, std::less<>> seen;
  for (auto it = value.node.begin(); it != value.node.end(); ++it) {
    const YAML::Node key_node = it->first;
    const YAML::Node value_node = it->second;
    if (!key_node.IsScalar() || key_node.Scalar().empty()) {
      r.error(r.at(key_node), "attrs: expected an attribute name, found " + config::detail::describe(key_node));
      ok = false;
      continue;
    }
    const std::string& key = key_node.Scalar();
    if (!seen.insert(key).second) {
      r.error(r.at(key_node), "attrs: duplicate attribute " + in_quotes(key));
      ok = false;
      continue;
    }
    auto v = attribute(r, r.make_item(key_node, value_node, "attrs." + key));
    if (!v) {
      ok = false;
      continue;
    }
    out.push_back(rules::attribute{key, std::move(*v)});
  }
  return ok;
}

bool parse_event(scenario_state& s, const item& value, pending& p) {
  reader& r = *s.r;
  mapping m(r, value, "event", {"incident", "type", "system", "severity", "summary", "source", "attrs"});
  if (!m.valid()) {
    return false;
  }
  bool ok = true;
  engine::event& e = p.inj.event;
  if (item v = m.get("incident"); v.present()) {
    if (auto id = config::detail::read_id(r, v, "incident name")) {
      p.inj.incident = id->id;
      p.incident_at = id->at;
      p.named = true;
    } else {
      ok = false;
    }
  } else {
    // Each unnamed event opens an incident of its own.
    p.inj.incident = "event-" + std::to_string(p.index);
  }
  e.dedup_key = p.inj.incident;

  if (auto type = config::detail::read_id(r, m.require("type"), "event type")) {
    e.type = type->id;
    if (!s.known_event_type(type->id)) {
      r.error(type->at, "unknown event type " + in_quotes(type->id) + " in event (" +
                            config::detail::suggest(type->id, s.org->event_types, "event types") + ")");
      ok = false;
    }
  } else {
    ok = false;
  }
  if (item v = m.get("system"); v.present()) {
    if (auto system = config::detail::read_id(r, v, "system id")) {
      e.system = system->id;
      ok = s.known_system(*system, "event") && ok;
    } else {
      ok = false;
    }
  }
  if (item v = m.get("severity"); v.present()) {
    if (auto sev = config::detail::read_string(r, v)) {
      if (std::find(severities.begin(), severities.end(), *sev) == severities.end()) {
        std::vector<std::string> known(severities.begin(), severities.end());
        std::string hint = config::detail::suggest(*sev, known, "severities");
        r.error(v.at, "severity: unknown severity " + in_quotes(*sev) +
                          " (expected info, low, medium, high or critical" +
                          (hint.starts_with("did you mean") ? "; " + hint : "") + ")");
        ok = false;
      } else {
        e.severity = *sev;
      }
    } else {
      ok = false;
    }
  }
  if (auto summary = optional_text(r, m, "summary")) {
    e.summary = *summary;
  }
  e.source = "scenario";
  if (auto source = optional_text(r, m, "source")) {
    e.source = *source;
  }
  if (item v = m.get("attrs"); v.present()) {
    ok = parse_attributes(r, v, e.attrs) && ok;
  }
  return ok;
}

// An incident named by an acknowledge or resolve; checked against the events once the
// timeline is in time order.
bool incident_reference(scenario_state& s, const mapping& m, pending& p) {
  auto id = config::detail::read_id(*s.r, m.require("incident"), "incident name");
  if (!id) {
    return false;
  }
  p.inj.incident = id->id;
  p.incident_at = id->at;
  return true;
}

bool parse_acknowledge(scenario_state& s, const item& value, pending& p) {
  reader& r = *s.r;
  mapping m(r, value, "acknowledge", {"incident", "person"});
  if (!m.valid()) {
    return false;
  }
  bool ok = incident_reference(s, m, p);
  auto who = config::detail::read_id(r, m.require("person"), "person id");
  if (!who || !s.known_person(*who, "acknowledge")) {
    return false;
  }
  p.inj.person = who->id;
  return ok;
}

bool parse_resolve(scenario_state& s, const item& value, pending& p) {
  reader& r = *s.r;
  mapping m(r, value, "resolve", {"incident", "by", "note"});
  if (!m.valid()) {
    return false;
  }
  bool ok = incident_reference(s, m, p);
  if (item v = m.get("by"); v.present()) {
    auto who = config::detail::read_id(r, v, "person id");
    if (!who || !s.known_person(*who, "resolve.by")) {
      ok = false;
    } else {
      p.inj.person = who->id;
    }
  }
  if (auto note = optional_text(r, m, "note")) {
    p.inj.note = *note;
  }
  return ok;
}

bool parse_reassign(scenario_state& s, const item& value, pending& p) {
  reader& r = *s.r;
  mapping m(r, value, "reassign", {"role", "to", "business_unit"});
  if (!m.valid()) {
    return false;
  }
  bool ok = true;
  auto role = config::detail::read_id(r, m.require("role"), "role id");
  ok = role && s.known_role(*role, "reassign") && ok;
  auto to = config::detail::read_id(r, m.require("to"), "person id");
  ok = to && s.known_person(*to, "reassign.to") && ok;
  item unit_item = m.get("business_unit");
  std::optional<located_id> unit;
  if (unit_item.present()) {
    unit = config::detail::read_id(r, unit_item, "business unit id");
    ok = unit && s.known_business_unit(*unit, "reassign") && ok;
  }
  if (!ok) {
    return false;
  }
  if (s.org != nullptr) {
    const config::role* ro = s.org->find_role(role->id);
    if (ro->scope == config::role_scope::business_unit && !unit) {
      // The first dozen, as suggestions show them: the message is repeated per entry.
      constexpr std::size_t shown = 12;
      std::string units;
      const auto& all = s.org->business_units;
      for (std::size_t i = 0; i < all.size() && i < shown; ++i) {
        units += (units.empty() ? "" : ", ") + all[i].id;
      }
      if (all.size() > shown) {
        units += ", ... (" + std::to_string(all.size()) + " in all)";
      }
      r.error(m.at(), "reassign: role " + ro->id + " is scoped to business units, so business_unit is required" +
                          (units.empty() ? std::string{} : " (one of " + units + ")"));
      return false;
    }
    if (ro->scope != config::role_scope::business_unit && unit) {
      r.error(unit_item.at, "business_unit: role " + ro->id + " is not scoped to business units; remove business_unit");
      return false;
    }
  }
  p.inj.role = role->id;
  p.inj.person = to->id;
  p.inj.business_unit = unit ? unit->id : std::string{};
  return true;
}

bool parse_out_of_office(scenario_state& s, const item& value, const std::optional<scenario_time>& when,
                         pending& p) {
  reader& r = *s.r;
  mapping m(r, value, "out_of_office", {"person", "until", "delegate", "reason"});
  if (!m.valid()) {
    return false;
  }
  bool ok = true;
  auto who = config::detail::read_id(r, m.require("person"), "person id");
  ok = who && s.known_person(*who, "out_of_office") && ok;
  if (item v = m.get("until"); v.present()) {
    // Away beyond the end of the exercise is fine: nothing happens then.
    p.inj.until = s.read_time(v, false);
    if (!p.inj.until) {
      ok = false;
    } else if (when && p.inj.until->at <= when->at) {
      r.error(v.at, "until (" + p.inj.until->text + ") must be after the entry's at (" + when->text + ")");
      ok = false;
    }
  }
  if (item v = m.get("delegate"); v.present()) {
    auto delegate = config::detail::read_id(r, v, "person id");
    if (!delegate || !s.known_person(*delegate, "out_of_office.delegate")) {
      ok = false;
    } else if (who && delegate->id == who->id) {
      r.error(delegate->at, "delegate: " + who->id + " cannot delegate to themselves");
      ok = false;
    } else {
      p.inj.delegate = delegate->id;
    }
  }
  if (auto reason = optional_text(r, m, "reason")) {
    p.inj.note = *reason;
  }
  if (!ok) {
    return false;
  }
  p.inj.person = who->id;
  return true;
}

// Walks the timeline in time order: acknowledge and resolve need their incident open,
// and an event for a resolved incident would open a second one under the same name.
void check_incidents(scenario_state& s, const std::vector<pending>& entries) {
  reader& r = *s.r;
  // Events without a time cannot be placed (already an error); their names still count.
  std::set<std::string, std::less<>> untimed;
  std::map<std::string, const pending*, std::less<>> first_event;
  for (const auto& p : entries) {
    if (p.inj.type == injection::kind::event && !p.inj.incident.empty()) {
      if (p.timed) {
        first_event.emplace(p.inj.incident, &p);
      } else {
        untimed.insert(p.inj.incident);
      }
    }
  }
  std::vector<std::string> names;
  for (const auto& [name, p] : first_event) {
    names.push_back(name);
  }
  // Incidents past max_incidents are reported once; entries naming them say no more.
  std::set<std::string_view> over_limit;
  for (const auto& p : entries) {
    const injection& inj = p.inj;
    if (!p.timed || inj.incident.empty() || untimed.contains(inj.incident)) {
      continue;
    }
    if (inj.type == injection::kind::event) {
      if (!s.incidents.contains(inj.incident) && s.incidents.size() == max_incidents) {
        if (over_limit.empty()) {
          r.error(p.incident_at, "event: incident " + inj.incident + " at " + inj.time.text + " would be incident " +
                                     grouped(max_incidents + 1) + " of the exercise; an exercise may open at most " +
                                     grouped(max_incidents) + " incidents");
        }
        over_limit.insert(inj.incident);
        continue;
      }
      auto [it, opened] = s.incidents.try_emplace(inj.incident);
      incident_info& info = it->second;
      if (opened) {
        info.opened = inj.time.at;
        info.opened_text = inj.time.text;
        info.opened_at = inj.at;
      } else if (info.resolved) {
        r.error(p.incident_at, "event for incident " + inj.incident + " at " + inj.time.text +
                                   " comes after it was resolved at " + info.resolved_text + " (line " +
                                   std::to_string(info.resolved_at.line) +
                                   "); it would open a second incident: give it a new name");
      }
      continue;
    }
    if ((inj.type != injection::kind::acknowledge && inj.type != injection::kind::resolve) ||
        over_limit.contains(inj.incident)) {
      continue;
    }
    std::string what(action_name(inj.type));
    auto first = first_event.find(inj.incident);
    if (first == first_event.end()) {
      r.error(p.incident_at, "unknown incident " + in_quotes(inj.incident) + " in " + what +
                                 ": no event of the timeline opens it (" +
                                 config::detail::suggest(inj.incident, names, "incidents") + ")");
      continue;
    }
    auto info = s.incidents.find(inj.incident);
    if (info == s.incidents.end()) {
      const pending& e = *first->second;
      r.error(p.incident_at, what + " of " + inj.incident + " at " + inj.time.text +
                                 " comes before its first event at " + e.inj.time.text + " (line " +
                                 std::to_string(e.inj.at.line) + ")");
      continue;
    }
    if (info->second.resolved) {
      r.error(p.incident_at, what + " of " + inj.incident + " at " + inj.time.text +
                                 " comes after it was resolved at " + info->second.resolved_text + " (line " +
                                 std::to_string(info->second.resolved_at.line) + ")");
      continue;
    }
    if (inj.type == injection::kind::resolve) {
      info->second.resolved = inj.time.at;
      info->second.resolved_text = inj.time.text;
      info->second.resolved_at = inj.at;
    }
  }
  for (const auto& name : untimed) {
    s.incidents.try_emplace(name);
  }
}

// What one change to the organisation copies, counted in entries.
std::size_t organisation_entries(const config::organisation& org) {
  std::size_t n = org.people.size() + org.roles.size() + org.business_units.size() + org.systems.size() +
                  org.activities.size() + org.rules.size() + org.overrides.size();
  for (const auto& bu : org.business_units) {
    n += bu.holders_by_role.size();
  }
  return std::max<std::size_t>(n, 1);
}

}  // namespace

void parse_timeline(scenario_state& s, const item& value) {
  reader& r = *s.r;
  // Counted before anything is read: an entry repeated by an alias is as many entries
  // as it appears, and each becomes an injection of its own.
  if (value.present() && value.node.IsSequence() && value.node.size() > max_timeline_entries) {
    r.error(value.at, "timeline: " + grouped(value.node.size()) + " entries (aliases counted); an exercise may have "
                                                                  "at most " + grouped(max_timeline_entries));
    return;
  }
  std::vector<pending> entries;
  std::vector<item> elements =
      config::detail::read_list(r, value, "a list of timeline entries ({at, and one of event, acknowledge, ...})");
  if (value.present() && value.node.IsSequence() && elements.empty()) {
    r.error(value.at, "timeline: the exercise needs at least one entry");
  }
  std::vector<std::string_view> keys{"at"};
  for (const auto& a : actions) {
    keys.push_back(a.key);
  }
  std::size_t index = 0;
  std::size_t changes = 0;  // reassign and out_of_office entries, in file order
  const std::size_t entries_per_change = s.org != nullptr ? organisation_entries(*s.org) : 1;
  const std::size_t change_limit = std::min(max_changes, max_change_copies / entries_per_change);
  for (const auto& element : elements) {
    ++index;
    mapping m(r, element, "timeline entry", keys);
    if (!m.valid()) {
      continue;
    }
    pending p;
    p.index = index;
    p.inj.at = m.at();
    p.incident_at = m.at();
    item at_item = m.require("at");
    std::optional<scenario_time> when = at_item.empty() ? std::nullopt : s.read_time(at_item);

    std::vector<std::pair<injection::kind, item>> given;
    for (const auto& a : actions) {
      if (item v = m.get(a.key); v.present()) {
        given.emplace_back(a.kind, v);
      }
    }
    if (given.empty()) {
      r.error(m.at(), "timeline entry has no action (one of event, acknowledge, resolve, reassign or out_of_office)");
      continue;
    }
    if (given.size() > 1) {
      r.error(given[1].second.at, "timeline entry has two actions (" + given[0].second.key + " and " +
                                      given[1].second.key + "); give each its own entry with its own at");
      continue;
    }
    const auto& [kind, action] = given.front();
    p.inj.type = kind;
    if (kind == injection::kind::reassign || kind == injection::kind::out_of_office) {
      if (++changes == change_limit + 1) {
        std::string message = action.key + ": change " + grouped(changes) +
                              " to the organisation (reassign and out_of_office entries, each a configuration "
                              "reload); an exercise may make at most " + grouped(change_limit);
        if (change_limit < max_changes) {
          message += " on this organisation: each change copies its " + grouped(entries_per_change) +
                     " people, roles, business-unit holders, systems, activities, rules and overrides, and at most " +
                     grouped(max_change_copies) + " may be copied in all";
        }
        r.error(action.at, std::move(message));
      }
    }
    switch (kind) {
      case injection::kind::event: p.ok = parse_event(s, action, p); break;
      case injection::kind::acknowledge: p.ok = parse_acknowledge(s, action, p); break;
      case injection::kind::resolve: p.ok = parse_resolve(s, action, p); break;
      case injection::kind::reassign: p.ok = parse_reassign(s, action, p); break;
      case injection::kind::out_of_office: p.ok = parse_out_of_office(s, action, when, p); break;
    }
    if (when) {
      p.inj.time = *when;
      p.timed = true;
    }
    entries.push_back(std::move(p));
  }

  // A name given to an event that is the automatic name of another, unnamed one would
  // merge two incidents nobody meant to merge. Automatic names are unique (they carry
  // the entry's index), so one lookup per named event finds the clash.
  std::unordered_map<std::string_view, const pending*> unnamed;
  for (const auto& p : entries) {
    if (p.inj.type == injection::kind::event && !p.named) {
      unnamed.emplace(p.inj.incident, &p);
    }
  }
  for (const auto& p : entries) {
    if (p.inj.type != injection::kind::event || !p.named || !p.inj.incident.starts_with("event-")) {
      continue;
    }
    if (auto q = unnamed.find(p.inj.incident); q != unnamed.end()) {
      r.error(p.incident_at, "incident name " + p.inj.incident + " is the name of the unnamed event at line " +
                                 std::to_string(q->second->inj.at.line) + "; choose another name");
    }
  }

  std::stable_sort(entries.begin(), entries.end(),
                   [](const pending& a, const pending& b) { return a.inj.time.at < b.inj.time.at; });
  check_incidents(s, entries);
  s.sc->timeline.reserve(entries.size());
  for (auto& p : entries) {
    if (p.ok && p.timed) {
      s.sc->timeline.push_back(std::move(p.inj));
    }
  }
}

}  // namespace baton::simulate::detail
