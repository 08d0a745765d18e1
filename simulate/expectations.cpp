#include "simulate/expectations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace baton::simulate {
namespace {

// A failure's detail names this many incidents (or escalations, or gaps) and counts
// the rest: a detail naming every one of thousands of incidents would be kept for every
// failing run and be unreadable anyway.
constexpr std::size_t named_in_detail = 5;

template <typename Set>
std::string join(const Set& s) {
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

// "a; b; c; ... and 12 more <what>" from the first parts and the number there were.
std::string joined_parts(const std::vector<std::string>& parts, std::size_t total, std::string_view what) {
  std::string out = fmt::format("{}", fmt::join(parts, "; "));
  if (total > parts.size()) {
    out += fmt::format("; ... and {} more {}", total - parts.size(), what);
  }
  return out;
}

std::string offset(const scenario& sc, timestamp t) {
  return (t < sc.start ? "-" : "+") + format_duration(t < sc.start ? sc.start - t : t - sc.start);
}

std::string name_of(const incident_summary& inc) { return fmt::format("{} (#{})", inc.name, inc.id); }

// `t + d` for a deadline; past the last instant baton handles means never reached.
timestamp deadline(timestamp t, duration d) { return checked_add(t, d).value_or(max_time); }

}  // namespace

struct expectation_checker::index {
  explicit index(const exercise_report& run) {
    for (const auto& inc : run.incidents) {
      by_name[inc.name].push_back(&inc);
      ids.insert(inc.id);
    }
    for (const auto& s : run.spans) {
      spans[s.incident_id].push_back(&s);
    }
    // Notifications are in time order: the first delivered per role is the earliest.
    for (const auto& n : run.notifications) {
      if (n.outcome == "delivered") {
        first_notified.try_emplace(std::pair<std::int64_t, std::string_view>{n.incident_id, n.role}, n.at);
      }
    }
    for (std::size_t i = 0; i < run.latencies.size(); ++i) {
      latencies[run.latencies[i].incident_id].push_back(i);
    }
    for (std::size_t i = 0; i < run.gaps.size(); ++i) {
      gaps[run.gaps[i].incident_id].push_back(i);
    }
  }

  // The incidents an expectation is about: the named one(s) or every incident.
  std::vector<const incident_summary*> incidents_of(const expectation& e, const exercise_report& run) const {
    if (e.incident.empty()) {
      std::vector<const incident_summary*> all;
      all.reserve(run.incidents.size());
      for (const auto& inc : run.incidents) {
        all.push_back(&inc);
      }
      return all;
    }
    auto it = by_name.find(e.incident);
    return it == by_name.end() ? std::vector<const incident_summary*>{} : it->second;
  }

  const std::vector<const accountability_span*>& spans_of(std::int64_t incident) const {
    static const std::vector<const accountability_span*> none;
    auto it = spans.find(incident);
    return it == spans.end() ? none : it->second;
  }

  // Indexes into `entries` of the incidents `e` is about, in the run's order.
  std::vector<std::size_t> entries_of(const expectation& e, const exercise_report& run, std::size_t count,
                                      const std::unordered_map<std::int64_t, std::vector<std::size_t>>& by_incident,
                                      auto incident_of) const {
    std::vector<std::size_t> out;
    if (e.incident.empty()) {
      for (std::size_t i = 0; i < count; ++i) {
        if (ids.contains(incident_of(i))) {
          out.push_back(i);
        }
      }
      return out;
    }
    for (const auto* inc : incidents_of(e, run)) {
      if (auto it = by_incident.find(inc->id); it != by_incident.end()) {
        out.insert(out.end(), it->second.begin(), it->second.end());
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::unordered_map<std::string_view, std::vector<const incident_summary*>> by_name;
  std::unordered_set<std::int64_t> ids;
  std::unordered_map<std::int64_t, std::vector<const accountability_span*>> spans;
  std::map<std::pair<std::int64_t, std::string_view>, timestamp> first_notified;
  std::unordered_map<std::int64_t, std::vector<std::size_t>> latencies;  // indexes into run.latencies
  std::unordered_map<std::int64_t, std::vector<std::size_t>> gaps;       // indexes into run.gaps
};

namespace {

using index = expectation_checker::index;

// Walks the instants where the roles accountable for one incident change, up to `t`,
// and `t` itself, in time order; stops at the first where they match `e`. A role is
// accountable at x from its span's start until its end, and at the exercise's last
// instant when the span was still going then ("accountable at the end" must see it).
class accountable_sweep {
 public:
  accountable_sweep(const expectation& e, const std::vector<const accountability_span*>& spans, timestamp end)
      : wanted_(e.roles.begin(), e.roles.end()), exactly_(e.exactly) {
    for (const auto* s : spans) {
      changes_.push_back(change{s->from, +1, s->role});
      if (s->until != end) {
        changes_.push_back(change{s->until, -1, s->role});
      }
    }
    // Every change at an instant is applied before the set is looked at; additions go
    // first so that a count never drops below zero on the way.
    std::sort(changes_.begin(), changes_.end(),
              [](const change& a, const change& b) { return a.at != b.at ? a.at < b.at : a.delta > b.delta; });
  }

  /// The first instant up to `t` (or `t` alone with !by) where the set matches.
  std::optional<timestamp> first_match(timestamp t, bool by) {
    std::vector<timestamp> instants{t};
    if (by) {
      for (const auto& c : changes_) {
        if (c.at <= t) {
          instants.push_back(c.at);
        }
      }
      std::sort(instants.begin(), instants.end());
      instants.erase(std::unique(instants.begin(), instants.end()), instants.end());
    }
    for (auto x : instants) {
      advance(x);
      if (matches()) {
        return x;
      }
    }
    return std::nullopt;
  }

  /// The roles accountable at the last instant passed to first_match.
  const std::map<std::string_view, int>& roles() const noexcept { return active_; }

 private:
  struct change {
    timestamp at;
    int delta;
    std::string_view role;
  };

  void advance(timestamp x) {
    while (next_ < changes_.size() && changes_[next_].at <= x) {
      const auto& c = changes_[next_++];
      int& n = active_[c.role];
      const int before = n;
      n += c.delta;
      if ((before == 0) != (n == 0) && wanted_.contains(c.role)) {
        wanted_active_ += n == 0 ? -1 : 1;
      }
      if (n == 0) {
        active_.erase(c.role);
      }
    }
  }

  bool matches() const {
    const bool all_wanted = wanted_active_ == static_cast<std::ptrdiff_t>(wanted_.size());
    return exactly_ ? all_wanted && active_.size() == wanted_.size() : all_wanted;
  }

  std::set<std::string_view> wanted_;
  bool exactly_;
  std::vector<change> changes_;
  std::size_t next_ = 0;
  std::map<std::string_view, int> active_;  // role -> spans accountable now (never 0)
  std::ptrdiff_t wanted_active_ = 0;
};

std::string role_list(const std::map<std::string_view, int>& roles) {
  std::vector<std::string_view> names;
  names.reserve(roles.size());
  for (const auto& [role, n] : roles) {
    names.push_back(role);
  }
  return join(names);
}

expectation_check check_accountable(const expectation& e, const scenario& sc, const exercise_report& run,
                                    const index& x) {
  const timestamp t = e.time->at;
  std::vector<std::string> seen_text;
  std::size_t seen = 0;
  for (const auto* inc : x.incidents_of(e, run)) {
    accountable_sweep sweep(e, x.spans_of(inc->id), run.end);
    if (auto at = sweep.first_match(t, e.when == expectation::timing::by)) {
      return {true,
              fmt::format("{}: accountable at {} were {}", name_of(*inc), offset(sc, *at), role_list(sweep.roles()))};
    }
    if (++seen <= named_in_detail) {
      seen_text.push_back(
          fmt::format("{}: at {} accountable were {}", name_of(*inc), offset(sc, t), role_list(sweep.roles())));
    }
  }
  if (seen == 0) {
    return {false, "no incident was open"};
  }
  return {false, joined_parts(seen_text, seen, "incidents")};
}

expectation_check check_engaged(const expectation& e, const scenario& sc, const exercise_report& run,
                                const index& x) {
  const timestamp t = e.time->at;
  std::string detail = "no incident was open";
  for (const auto* inc : x.incidents_of(e, run)) {
    std::set<std::string> engaged;
    for (const auto* s : x.spans_of(inc->id)) {
      if (s->engaged_at && *s->engaged_at <= t) {
        engaged.insert(s->role);
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

expectation_check check_notified(const expectation& e, const scenario& sc, const exercise_report& run,
                                 const index& x) {
  std::string detail = "no incident was open";
  for (const auto* inc : x.incidents_of(e, run)) {
    const timestamp t = e.within ? deadline(inc->opened_at, *e.within) : e.time->at;
    std::vector<std::string> parts;
    bool all = true;
    for (const auto& role : e.roles) {
      auto it = x.first_notified.find(std::pair<std::int64_t, std::string_view>{inc->id, role});
      if (it == x.first_notified.end()) {
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

expectation_check check_latency(const expectation& e, const exercise_report& run, const index& x) {
  std::size_t checked = 0;
  std::size_t missed = 0;
  std::vector<std::string> misses;
  const auto entries = x.entries_of(e, run, run.latencies.size(), x.latencies,
                                    [&](std::size_t i) { return run.latencies[i].incident_id; });
  for (auto i : entries) {
    const auto& l = run.latencies[i];
    if (!e.rule.empty() && l.rule != e.rule) {
      continue;
    }
    const auto bound = e.within ? e.within : l.target;
    if (!bound) {
      continue;  // no target to meet: routing, or a rule without one
    }
    ++checked;
    const bool miss = !l.latency || *l.latency > *bound || (!e.within && !l.met);
    if (!miss || ++missed > named_in_detail) {
      continue;
    }
    const std::string who = fmt::format("{} under {} (#{})", l.role, l.rule.empty() ? "routing" : l.rule, l.incident_id);
    if (!l.latency) {
      misses.push_back(fmt::format("{} never engaged (bound {})", who, format_duration(*bound)));
    } else {
      misses.push_back(fmt::format("{} engaged after {} (bound {})", who, format_duration(*l.latency),
                                   format_duration(*bound)));
    }
  }
  if (checked == 0) {
    return {false, e.rule.empty() ? "no escalation with a target happened" : fmt::format("rule {} never fired", e.rule)};
  }
  if (missed > 0) {
    return {false, joined_parts(misses, missed, "escalations")};
  }
  return {true, fmt::format("{} escalation(s) engaged within bound", checked)};
}

expectation_check check_reachable(const expectation& e, const exercise_report& run, const index& x) {
  std::vector<std::string> problems;
  std::size_t found = 0;
  const auto entries =
      x.entries_of(e, run, run.gaps.size(), x.gaps, [&](std::size_t i) { return run.gaps[i].incident_id; });
  for (auto i : entries) {
    const auto& g = run.gaps[i];
    if (g.kind != "unreachable") {
      continue;
    }
    if (!e.roles.empty() && std::find(e.roles.begin(), e.roles.end(), g.role) == e.roles.end()) {
      continue;
    }
    if (++found <= named_in_detail) {
      problems.push_back(fmt::format("#{}: {}", g.incident_id, g.text));
    }
  }
  if (found > 0) {
    return {false, joined_parts(problems, found, "gaps")};
  }
  return {true, "every role had a holder who engaged or was told"};
}

}  // namespace

expectation_checker::expectation_checker(const scenario& sc, const exercise_report& run)
    : sc_(&sc), run_(&run), index_(std::make_unique<const index>(run)) {}

expectation_checker::~expectation_checker() = default;

expectation_check expectation_checker::check(const expectation& e) const {
  expectation_check c;
  switch (e.type) {
    case expectation::kind::accountable:
      c = check_accountable(e, *sc_, *run_, *index_);
      break;
    case expectation::kind::engaged:
      c = check_engaged(e, *sc_, *run_, *index_);
      break;
    case expectation::kind::notified:
      c = check_notified(e, *sc_, *run_, *index_);
      break;
    case expectation::kind::latency:
      c = check_latency(e, *run_, *index_);
      break;
    case expectation::kind::reachable:
      c = check_reachable(e, *run_, *index_);
      break;
  }
  if (e.negated) {
    c.held = !c.held;
  }
  return c;
}

expectation_check check(const expectation& e, const scenario& sc, const exercise_report& run) {
  return expectation_checker(sc, run).check(e);
}

}  // namespace baton::simulate
