#include "simulate/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "engine/holder_resolver.hpp"
#include "simulate/report_format.hpp"

namespace baton::simulate {

std::string_view to_string(span_end e) noexcept {
  switch (e) {
    case span_end::engaged:
      return "engaged";
    case span_end::unowned:
      return "unowned";
    case span_end::ended:
      return "ended";
    case span_end::open:
      return "open";
  }
  return "open";
}

std::string_view to_string(step_in s) noexcept {
  switch (s) {
    case step_in::primary:
      return "primary";
    case step_in::backup:
      return "backup";
    case step_in::escalates_to:
      return "escalates_to";
    case step_in::none:
      return "none";
  }
  return "none";
}

namespace report_detail {
namespace {

// Local wall time; without a zone the report speaks UTC, like format_local does.
local_timestamp wall(const exercise_report& r, timestamp t) {
  if (r.zone != nullptr) {
    return to_local(t, *r.zone);
  }
  return local_timestamp{t.time_since_epoch()};
}

std::string cell(std::string_view s) { return s.empty() ? std::string{"–"} : std::string{s}; }

}  // namespace

std::string offset(const exercise_report& r, timestamp t) {
  const duration d = t - r.start;
  if (d < duration{0}) {
    return "-" + format_duration(-d);
  }
  return "+" + format_duration(d);
}

std::string local(const exercise_report& r, timestamp t) { return engine::format_local(t, r.zone); }

std::string clock(const exercise_report& r, timestamp t) {
  using namespace std::chrono;
  const auto lt = wall(r, t);
  const auto day = floor<days>(lt);
  const hh_mm_ss hms{floor<minutes>(lt - day)};
  if (day == floor<days>(wall(r, r.start))) {
    return fmt::format("{:02}:{:02}", hms.hours().count(), hms.minutes().count());
  }
  const year_month_day ymd{day};
  return fmt::format("{:02}-{:02} {:02}:{:02}", static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()), hms.hours().count(), hms.minutes().count());
}

std::string when(const exercise_report& r, timestamp t) { return fmt::format("{} ({})", offset(r, t), clock(r, t)); }

std::string human_duration(duration d) {
  // Milliseconds matter to the engine, not to a person reading "p90 12m34s".
  if (d >= std::chrono::seconds{1}) {
    d = std::chrono::round<std::chrono::seconds>(d);
  }
  return format_duration(d);
}

std::string percent(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) {
    return "–";
  }
  return percent(static_cast<double>(part) / static_cast<double>(whole));
}

std::string percent(double share) { return fmt::format("{:.1f}%", share * 100.0); }

std::string rule_label(std::string_view rule) { return rule.empty() ? std::string{"(routing)"} : std::string{rule}; }

std::string rule_phrase(std::string_view rule) {
  return rule.empty() ? std::string{"initial routing"} : fmt::format("rule {}", rule);
}

report_index::report_index(const exercise_report& r) : r_(&r) {
  incidents_.reserve(r.incidents.size());
  for (const auto& i : r.incidents) {
    if (incidents_.emplace(i.id, &i).second) {
      order_.push_back(i.id);
    }
  }
  // The first name seen wins, pages before notifications, as a scan would find it.
  for (const auto& s : r.spans) {
    for (const auto& p : s.pages) {
      if (!p.person_name.empty()) {
        names_.try_emplace(p.person, p.person_name);
      }
    }
    if (!s.role_title.empty()) {
      titles_.try_emplace(s.role, s.role_title);
    }
    auto& of_incident = spans_[s.incident_id];
    if (of_incident.empty() && !incidents_.contains(s.incident_id)) {
      order_.push_back(s.incident_id);
    }
    of_incident.push_back(&s);
  }
  for (const auto& n : r.notifications) {
    if (!n.person_name.empty()) {
      names_.try_emplace(n.person, n.person_name);
    }
  }
  for (auto& [id, spans] : spans_) {
    std::stable_sort(spans.begin(), spans.end(), [](const auto* a, const auto* b) { return a->from < b->from; });
  }
}

const incident_summary* report_index::incident(std::int64_t id) const {
  auto it = incidents_.find(id);
  return it == incidents_.end() ? nullptr : it->second;
}

std::string_view report_index::person_name(std::string_view person) const {
  auto it = names_.find(person);
  return it == names_.end() ? std::string_view{} : it->second;
}

std::string_view report_index::role_title(std::string_view role) const {
  auto it = titles_.find(role);
  return it == titles_.end() ? std::string_view{} : it->second;
}

const std::vector<const accountability_span*>& report_index::spans_of(std::int64_t incident_id) const {
  static const std::vector<const accountability_span*> none;
  auto it = spans_.find(incident_id);
  return it == spans_.end() ? none : it->second;
}

std::string incident_label(const report_index& x, std::int64_t id) {
  if (id == 0) {
    return "–";
  }
  const auto* i = x.incident(id);
  if (i == nullptr || i->name.empty()) {
    return fmt::format("#{}", id);
  }
  return fmt::format("#{} {}", id, i->name);
}

std::string person_label(const report_index& x, std::string_view person) {
  auto name = x.person_name(person);
  if (name.empty() || name == person) {
    return std::string{person};
  }
  return fmt::format("{} ({})", name, person);
}

std::string role_label(const report_index& x, std::string_view role) {
  auto title = x.role_title(role);
  if (title.empty() || title == role) {
    return std::string{role};
  }
  return fmt::format("{} ({})", title, role);
}

std::string span_interval(const exercise_report& r, const accountability_span& s) {
  if (s.until >= r.end) {
    return fmt::format("{} → end of exercise ({})", offset(r, s.from), offset(r, s.until));
  }
  return fmt::format("{} → {}", offset(r, s.from), offset(r, s.until));
}

std::string span_outcome(const report_index& x, const accountability_span& s) {
  const exercise_report& r = x.report();
  switch (s.end) {
    case span_end::engaged: {
      std::string out = "engaged";
      if (s.engaged_at) {
        out += " at " + offset(r, *s.engaged_at);
      }
      if (!s.engaged_by.empty()) {
        out += " by " + person_label(x, s.engaged_by);
      }
      if (s.stepped_in != step_in::none) {
        out += fmt::format(" (stepped in: {})", to_string(s.stepped_in));
      }
      return out;
    }
    case span_end::unowned:
      if (s.unowned_at) {
        return fmt::format("unowned at {}: every rung and repeat was spent, nobody engaged", offset(r, *s.unowned_at));
      }
      return "unowned: every rung and repeat was spent, nobody engaged";
    case span_end::ended:
      return fmt::format("ended at {} before anyone engaged", offset(r, s.until));
    case span_end::open:
      if (s.until < r.end) {
        return fmt::format("never engaged; paging stopped at {}", offset(r, s.until));
      }
      return "still paging when the exercise stopped";
  }
  return {};
}

std::string span_target(const exercise_report& r, const accountability_span& s) {
  if (!s.target_at) {
    return "no target";
  }
  const auto at = offset(r, *s.target_at);
  if (s.breached) {
    return fmt::format("target {}: breached", at);
  }
  if (s.engaged_at && *s.engaged_at <= *s.target_at) {
    return fmt::format("target {}: met", at);
  }
  return fmt::format("target {}: not due before the span ended", at);
}

std::string page_line(const exercise_report& r, const page_attempt& p) {
  std::string who = p.person_name.empty() || p.person_name == p.person
                        ? p.person
                        : fmt::format("{} ({})", p.person_name, p.person);
  std::string out = fmt::format("{} paged {}", offset(r, p.at), who);
  if (!p.as_role.empty()) {
    out += " as " + p.as_role;
  }
  if (!p.rung.empty()) {
    out += ", rung " + p.rung;
  }
  return out;
}

std::string expectation_runs(const expectation_result& e) {
  if (e.runs <= 1) {
    return {};
  }
  return fmt::format("held in {} of {} runs ({}), needs ≥ {}", e.held_runs, e.runs, percent(e.held_runs, e.runs),
                     percent(e.min_probability));
}

std::string expectations_tally(const exercise_report& r) {
  const auto held = std::count_if(r.expectations.begin(), r.expectations.end(), [](const auto& e) { return e.held; });
  return fmt::format("{} of {} expectation{} held", held, r.expectations.size(),
                     r.expectations.size() == 1 ? "" : "s");
}

std::size_t text_width(std::string_view utf8) {
  // Continuation bytes are 10xxxxxx; every other byte starts a code point.
  return static_cast<std::size_t>(
      std::count_if(utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

table notifications_table(const report_index& x) {
  const exercise_report& r = x.report();
  table t{{"at", "incident", "kind", "to", "role", "rule", "outcome", "response"},
          {false, false, false, false, false, false, false, false},
          {}};
  for (const auto& n : r.notifications) {
    t.rows.push_back({when(r, n.at), incident_label(x, n.incident_id), n.kind, cell(person_label(x, n.person)),
                      cell(n.role), rule_label(n.rule), cell(n.outcome), cell(n.response)});
  }
  return t;
}

table acknowledgements_table(const report_index& x) {
  const exercise_report& r = x.report();
  table t{{"at", "incident", "person", "accepted", "engaged roles", "detail"},
          {false, false, false, false, false, false},
          {}};
  for (const auto& a : r.acknowledgements) {
    std::string roles;
    for (const auto& role : a.engaged_roles) {
      roles += (roles.empty() ? "" : ", ") + role;
    }
    t.rows.push_back({when(r, a.at), incident_label(x, a.incident_id), cell(person_label(x, a.person)),
                      a.accepted ? "✔ yes" : "✘ no", cell(roles), cell(a.detail)});
  }
  return t;
}

table latency_table(const report_index& x) {
  const exercise_report& r = x.report();
  table t{{"incident", "rule", "role", "triggered", "target", "latency", "met"},
          {false, false, false, false, true, true, false},
          {}};
  for (const auto& l : r.latencies) {
    std::string target = l.target_spec;
    if (l.target && parse_duration(l.target_spec) != l.target) {
      // "1 business day (3d)": how long the target was this time, counted in elapsed time.
      const auto exact = human_duration(*l.target);
      target = target.empty() ? exact : fmt::format("{} ({})", target, exact);
    }
    std::string met;
    if (!l.target && l.target_spec.empty()) {
      met = l.latency ? "– no target" : "✘ never engaged";
    } else {
      met = l.met ? "✔ met" : "✘ missed";
    }
    t.rows.push_back({incident_label(x, l.incident_id), rule_label(l.rule), cell(l.role), when(r, l.triggered_at),
                      cell(target), l.latency ? human_duration(*l.latency) : "never engaged", met});
  }
  return t;
}

table gaps_table(const report_index& x) {
  const exercise_report& r = x.report();
  table t{{"at", "incident", "kind", "role", "rule", "what"}, {false, false, false, false, false, false}, {}};
  for (const auto& g : r.gaps) {
    t.rows.push_back({when(r, g.at), incident_label(x, g.incident_id), g.kind, cell(g.role),
                      g.rule.empty() && g.role.empty() ? "–" : rule_label(g.rule), g.text});
  }
  return t;
}

table timeline_table(const report_index& x) {
  const exercise_report& r = x.report();
  table t{{"offset", "local time", "incident", "actor", "kind", "what"}, {true, false, false, false, false, false}, {}};
  for (const auto& e : r.timeline) {
    t.rows.push_back({offset(r, e.at), local(r, e.at), incident_label(x, e.incident_id), cell(e.actor), cell(e.kind),
                      e.text});
  }
  return t;
}

table rule_table(const monte_carlo_summary& mc) {
  table t{{"rule", "escalations", "engaged", "p50", "p90", "p99", "max", "target", "P(met)"},
          {false, true, true, true, true, true, true, false, true},
          {}};
  for (const auto& d : mc.rules) {
    const bool any = d.engaged > 0;
    t.rows.push_back({rule_label(d.rule), std::to_string(d.escalations),
                      fmt::format("{} ({})", d.engaged, percent(d.engaged, d.escalations)),
                      any ? human_duration(d.p50) : "–", any ? human_duration(d.p90) : "–",
                      any ? human_duration(d.p99) : "–", any ? human_duration(d.max) : "–", cell(d.target_spec),
                      d.escalations > 0 ? percent(d.p_met) : "–"});
  }
  return t;
}

table role_table(const monte_carlo_summary& mc) {
  table t{{"role", "title", "escalations", "primary", "backup", "escalates_to", "never engaged", "unowned"},
          {false, false, true, true, true, true, true, true},
          {}};
  for (const auto& d : mc.roles) {
    t.rows.push_back({d.role, cell(d.title), std::to_string(d.escalations), percent(d.primary, d.escalations),
                      percent(d.backup, d.escalations), percent(d.escalates_to, d.escalations),
                      percent(d.never_engaged, d.escalations), percent(d.unowned, d.escalations)});
  }
  return t;
}

}  // namespace report_detail
}  // namespace baton::simulate
