#include "simulate/expectations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace baton::simulate {
namespace {

std::string join(const std::set<std::string>& s) {
  if (s.empty()) {
    return "none";
  }
  std::string out;
  for (const auto& x : s) {
    out += out.empty() ? "" : ", ";
    out += x;
  }
  return out;
}

std::string offset(const scenario& sc, timestamp t) {
  return (t < sc.start ? "-" : "+") + format_duration(t < sc.start ? sc.start - t : t - sc.start);
}

// The incidents an expectation is about: the named one(s) or every incident.
std::vector<const incident_summary*> incidents_of(const expectation& e, const exercise_report& run) {
  std::vector<const incident_summary*> out;
  for (const auto& inc : run.incidents) {
    if (e.incident.empty() || inc.name == e.incident) {
      out.push_back(&inc);
    }
  }
  return out;
}

std::set<std::string> accountable_at(const exercise_report& run, std::int64_t incident, timestamp t) {
  std::set<std::string> roles;
  for (const auto& s : run.spans) {
    // Spans still going when the exercise stopped end at its last instant, and count
    // there too: "accountable at the end" must see them.
    const bool within = t < s.until || (t == s.until && s.until == run.end);
    if (s.incident_id == incident && s.from <= t && within) {
      roles.insert(s.role);
    }
  }
  return roles;
}

bool matches(const expectation& e, const std::set<std::string>& seen) {
  const std::set<std::string> wanted(e.roles.begin(), e.roles.end());
  if (e.exactly) {
    return seen == wanted;
  }
  return std::includes(seen.begin(), seen.end(), wanted.begin(), wanted.end());
}

std::string name_of(const incident_summary& inc) { return fmt::format("{} (#{})", inc.name, inc.id); }

expectation_check check_accountable(const expectation& e, const scenario& sc, const exercise_report& run) {
  const timestamp t = e.time->at;
  std::vector<std::string> seen_text;
  for (const auto* inc : incidents_of(e, run)) {
    // The set only changes where a span starts or ends, so those instants (up to t) and
    // t itself are the only ones worth looking at.
    std::vector<timestamp> instants{t};
    if (e.when == expectation::timing::by) {
      for (const auto& s : run.spans) {
        if (s.incident_id != inc->id) {
          continue;
        }
        for (auto x : {s.from, s.until}) {
          if (x <= t) {
            instants.push_back(x);
          }
        }
      }
      std::sort(instants.begin(), instants.end());
    }
    for (auto x : instants) {
      auto roles = accountable_at(run, inc->id, x);
      if (matches(e, roles)) {
        return {true, fmt::format("{}: accountable at {} were {}", name_of(*inc), offset(sc, x), join(roles))};
      }
    }
    seen_text.push_back(fmt::format("{}: at {} accountable were {}", name_of(*inc), offset(sc, t),
                                    join(accountable_at(run, inc->id, t))));
  }
  if (seen_text.empty()) {
    return {false, "no incident was open"};
  }
  std::string detail;
  for (const auto& s : seen_text) {
    detail += detail.empty() ? "" : "; ";
    detail += s;
  }
  return {false, detail};
}

expectation_check check_engaged(const expectation& e, const scenario& sc, const exercise_report& run) {
  const timestamp t = e.time->at;
  std::string detail = "no incident was open";
  for (const auto* inc : incidents_of(e, run)) {
    std::set<std::string> engaged;
    for (const auto& s : run.spans) {
      if (s.incident_id == inc->id && s.engaged_at && *s.engaged_at <= t) {
        engaged.insert(s.role);
      }
    }
    const bool all = std::all_of(e.roles.begin(), e.roles.end(), [&](const auto& r) { return engaged.contains(r); });
    detail = fmt::format("{}: engaged by {}: {}", name_of(*inc), offset(sc, t), join(engaged));
    if (all) {
      return {true, detail};
    }
  }
  return {false, detail};
}

expectation_check check_notified(const expectation& e, const scenario& sc, const exercise_report& run) {
  std::string detail = "no incident was open";
  for (const auto* inc : incidents_of(e, run)) {
    const timestamp t = e.within ? inc->opened_at + *e.within : e.time->at;
    std::map<std::string, timestamp> first;  // role -> first notification delivered
    for (const auto& n : run.notifications) {
      if (n.incident_id == inc->id && n.outcome == "delivered" && !first.contains(n.role)) {
        first.emplace(n.role, n.at);
      }
    }
    std::vector<std::string> parts;
    bool all = true;
    for (const auto& role : e.roles) {
      auto it = first.find(role);
      if (it == first.end()) {
        parts.push_back(fmt::format("{} never notified", role));
        all = false;
      } else {
        parts.push_back(fmt::format("{} first notified at {}", role, offset(sc, it->second)));
        all = all && it->second <= t;
      }
    }
    detail = fmt::format("{}: {} (deadline {})", name_of(*inc), fmt::join(parts, ", "), offset(sc, t));
    if (all) {
      return {true, detail};
    }
  }
  return {false, detail};
}

expectation_check check_latency(const expectation& e, const exercise_report& run) {
  std::set<std::int64_t> ids;
  for (const auto* inc : incidents_of(e, run)) {
    ids.insert(inc->id);
  }
  int checked = 0;
  std::vector<std::string> misses;
  for (const auto& l : run.latencies) {
    if (!ids.contains(l.incident_id) || (!e.rule.empty() && l.rule != e.rule)) {
      continue;
    }
    const auto bound = e.within ? e.within : l.target;
    if (!bound) {
      continue;  // no target to meet: routing, or a rule without one
    }
    ++checked;
    const std::string who = fmt::format("{} under {} (#{})", l.role, l.rule.empty() ? "routing" : l.rule, l.incident_id);
    if (!l.latency) {
      misses.push_back(fmt::format("{} never engaged (bound {})", who, format_duration(*bound)));
    } else if (*l.latency > *bound || (!e.within && !l.met)) {
      misses.push_back(fmt::format("{} engaged after {} (bound {})", who, format_duration(*l.latency),
                                   format_duration(*bound)));
    }
  }
  if (checked == 0) {
    return {false, e.rule.empty() ? "no escalation with a target happened" : fmt::format("rule {} never fired", e.rule)};
  }
  if (!misses.empty()) {
    return {false, fmt::format("{}", fmt::join(misses, "; "))};
  }
  return {true, fmt::format("{} escalation(s) engaged within bound", checked)};
}

expectation_check check_reachable(const expectation& e, const exercise_report& run) {
  std::set<std::int64_t> ids;
  for (const auto* inc : incidents_of(e, run)) {
    ids.insert(inc->id);
  }
  std::vector<std::string> problems;
  for (const auto& g : run.gaps) {
    if (g.kind != "unreachable" || !ids.contains(g.incident_id)) {
      continue;
    }
    if (!e.roles.empty() && std::find(e.roles.begin(), e.roles.end(), g.role) == e.roles.end()) {
      continue;
    }
    problems.push_back(fmt::format("#{}: {}", g.incident_id, g.text));
  }
  if (!problems.empty()) {
    return {false, fmt::format("{}", fmt::join(problems, "; "))};
  }
  return {true, "every role had a holder who engaged or was told"};
}

}  // namespace

expectation_check check(const expectation& e, const scenario& sc, const exercise_report& run) {
  expectation_check c;
  switch (e.type) {
    case expectation::kind::accountable:
      c = check_accountable(e, sc, run);
      break;
    case expectation::kind::engaged:
      c = check_engaged(e, sc, run);
      break;
    case expectation::kind::notified:
      c = check_notified(e, sc, run);
      break;
    case expectation::kind::latency:
      c = check_latency(e, run);
      break;
    case expectation::kind::reachable:
      c = check_reachable(e, run);
      break;
  }
  if (e.negated) {
    c.held = !c.held;
  }
  return c;
}

}  // namespace baton::simulate
