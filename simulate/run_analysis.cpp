#include "simulate/run_analysis.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace baton::simulate {
namespace json = boost::json;
namespace {

std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) {
    return {};
  }
  if (v->is_string()) {
    return std::string{v->as_string()};
  }
  if (v->is_array()) {
    std::string out;
    for (const auto& e : v->as_array()) {
      out += out.empty() ? "" : ", ";
      out += e.is_string() ? std::string{e.as_string()} : json::serialize(e);
    }
    return out;
  }
  return json::serialize(*v);
}

std::int64_t integer(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? v->as_int64() : 0;
}

bool flag(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_bool() && v->as_bool();
}

std::optional<timestamp> instant(const json::object& o, std::string_view key) {
  auto text = str(o, key);
  if (text.empty()) {
    return std::nullopt;
  }
  return parse_iso(text, nullptr);
}

// The record kinds describe_run needs to read; the rest only feed the timeline text.
bool structural(std::string_view kind) {
  static constexpr std::string_view kinds[] = {
      "event.received",  "incident.opened",  "rule.fired",          "escalation.started", "holder.resolved",
      "escalation.engaged", "incident.unowned", "deadline.breached", "escalation.ended",   "incident.resolved",
      "notification.failed"};
  return std::find(std::begin(kinds), std::end(kinds), kind) != std::end(kinds);
}

std::string describe_details(std::string_view kind, const json::object& d) {
  auto s = [&](std::string_view k) { return str(d, k); };
  if (kind == "config.loaded") {
    return fmt::format("configuration {} loaded ({} rules, {} roles)", s("version"), s("rules"), s("roles"));
  }
  if (kind == "event.received") {
    return fmt::format("{} event on {} ({}): {}{}", s("type"), s("system"), s("severity"), s("summary"),
                       flag(d, "deduplicated") ? " [same incident]" : "");
  }
  if (kind == "incident.opened") {
    return fmt::format("incident \"{}\" opened on {} (configuration {})", s("dedup_key"), s("system"),
                       s("config_version"));
  }
  if (kind == "rule.fired") {
    return fmt::format("rule {}{} fired: {}", s("rule"), s("threshold").empty() ? "" : " (threshold " + s("threshold") + ")",
                       s("description"));
  }
  if (kind == "accountability.moved") {
    return fmt::format("accountability moved from {} to {} under rule {}", s("before").empty() ? "nobody" : s("before"),
                       s("after"), s("rule"));
  }
  if (kind == "escalation.started") {
    return fmt::format("{} accountable{}{}", s("role"), s("rule").empty() ? " (routing)" : " under rule " + s("rule"),
                       s("target_spec").empty() ? "" : ", to engage within " + s("target_spec"));
  }
  if (kind == "holder.resolved") {
    if (s("holder").empty()) {
      return fmt::format("nobody reachable for {}: {}", s("role"), s("reason"));
    }
    // The reason chain ends with the rung that answered; show it only when candidates
    // were skipped on the way.
    const bool skipped = !s("reason").empty() && s("reason") != s("rung");
    return fmt::format("{} holds {} ({}){}", s("holder"), s("role"), s("rung"), skipped ? "; " + s("reason") : "");
  }
  if (kind == "notification.sent") {
    return fmt::format("{} to {} as {} via {}", s("kind"), s("person"), s("role"), s("notifier"));
  }
  if (kind == "notification.failed") {
    if (!s("error").empty()) {
      return fmt::format("{} to {} as {} failed: {}", s("kind"), s("person"), s("role"), s("error"));
    }
    return fmt::format("{} could not be informed under rule {}: {}", s("role"), s("rule"), s("reason"));
  }
  if (kind == "escalation.unacknowledged") {
    return fmt::format("{} did not acknowledge {} in time: paging the next rung", s("unacknowledged"), s("role"));
  }
  if (kind == "escalation.repeated") {
    return fmt::format("{}: every rung tried, round {} starts: {}", s("role"), s("round"), s("reason"));
  }
  if (kind == "incident.unowned") {
    return fmt::format("UNOWNED: nobody holding {} engaged after {} round(s); governance owner {} told", s("role"),
                       s("rounds"), s("governance_owner"));
  }
  if (kind == "deadline.breached") {
    return fmt::format("{} missed its engagement target under rule {}", s("role"), s("rule"));
  }
  if (kind == "acknowledged") {
    return fmt::format("{} acknowledged{}", s("person"), s("engaged").empty() ? "" : "; engaged " + s("engaged"));
  }
  if (kind == "acknowledgement.rejected") {
    return fmt::format("acknowledgement by {} refused: {}", s("person"), s("reason"));
  }
  if (kind == "escalation.engaged") {
    return fmt::format("{} engaged by {} after {}{}", s("role"), s("person"), s("latency"),
                       d.contains("target_met") ? (flag(d, "target_met") ? " (target met)" : " (target MISSED)") : "");
  }
  if (kind == "escalation.ended") {
    return fmt::format("{} no longer accountable: {}", s("role"), s("reason"));
  }
  if (kind == "incident.acknowledged") {
    return "every accountable role engaged";
  }
  if (kind == "incident.reopened") {
    return "a new role became accountable: the incident is open again";
  }
  if (kind == "reminder.sent") {
    return fmt::format("{} reminder(s) sent to the engaged holders", s("count"));
  }
  if (kind == "incident.resolved") {
    return fmt::format("incident resolved{}", s("note").empty() ? "" : ": " + s("note"));
  }
  if (kind == "timer.late") {
    return fmt::format("timer {} fired {} ms late", s("timer"), s("late_ms"));
  }
  return json::serialize(d);
}

step_in classify(const accountability_span& span) {
  if (span.end != span_end::engaged) {
    return step_in::none;
  }
  for (auto it = span.pages.rbegin(); it != span.pages.rend(); ++it) {
    if (it->person != span.engaged_by) {
      continue;
    }
    if (it->as_role != span.role) {
      return step_in::escalates_to;
    }
    // The primary (or a committee's chair) answering in person; a delegate standing in
    // for them is someone else stepping in.
    const bool first_rung = it->rung.starts_with("primary ") || it->rung.starts_with("chair ");
    return first_rung && it->rung.ends_with(" " + it->person) ? step_in::primary : step_in::backup;
  }
  return step_in::backup;  // a holder further down who was not paged acknowledged
}

std::string role_title(const scenario& sc, const std::string& id) {
  const auto* r = sc.org->find_role(id);
  return r != nullptr ? r->title : id;
}

std::string person_name(const scenario& sc, const std::string& id) {
  const auto* p = sc.org->find_person(id);
  return p != nullptr ? p->name : id;
}

}  // namespace

std::string describe_record(std::string_view kind, std::string_view details) {
  boost::system::error_code ec;
  auto v = json::parse(details, ec);
  if (ec || !v.is_object()) {
    return std::string{details};
  }
  return describe_details(kind, v.as_object());
}

void describe_run(const scenario& sc, const run_record& rec, exercise_report& out, bool with_timeline) {
  std::unordered_map<std::int64_t, std::size_t> incident_at;  // id -> index in out.incidents
  std::unordered_map<std::int64_t, std::size_t> span_at;      // escalation id -> index in out.spans
  std::unordered_map<std::int64_t, std::string> target_specs;
  std::unordered_map<std::int64_t, json::object> first_event;
  // Spans by incident, for the resolution that ends them all: a scan of every span per
  // resolution would make an exercise of many incidents quadratic.
  std::unordered_map<std::int64_t, std::vector<std::size_t>> spans_of_incident;
  auto incident = [&](std::int64_t id) -> incident_summary* {
    auto it = incident_at.find(id);
    return it == incident_at.end() ? nullptr : &out.incidents[it->second];
  };
  auto span = [&](const json::object& d) -> accountability_span* {
    auto it = span_at.find(integer(d, "escalation"));
    return it == span_at.end() ? nullptr : &out.spans[it->second];
  };

  auto read = [&](const store::log_record& r) {
    const bool needed = structural(r.kind);
    if (!needed && !with_timeline) {
      return;
    }
    boost::system::error_code ec;
    auto parsed = json::parse(r.details, ec);
    if (ec || !parsed.is_object()) {
      return;  // the engine writes objects; a record that is not one says nothing here
    }
    const auto& d = parsed.as_object();
    if (with_timeline) {
      out.timeline.push_back(timeline_entry{r.at, r.seq, r.incident_id, r.actor, r.kind, describe_details(r.kind, d)});
    }
    if (r.kind == "event.received") {
      if (!first_event.contains(r.incident_id)) {
        first_event.emplace(r.incident_id, d);
      }
    } else if (r.kind == "incident.opened") {
      incident_summary inc;
      inc.id = r.incident_id;
      auto name = rec.incident_names.find(r.incident_id);
      inc.name = name != rec.incident_names.end() ? name->second : str(d, "dedup_key");
      inc.system = str(d, "system");
      const auto* sys = sc.org->find_system(inc.system);
      inc.system_name = sys != nullptr ? sys->name : inc.system;
      if (auto e = first_event.find(r.incident_id); e != first_event.end()) {
        inc.type = str(e->second, "type");
        inc.severity = str(e->second, "severity");
        inc.summary = str(e->second, "summary");
      }
      inc.opened_at = r.at;
      incident_at.emplace(inc.id, out.incidents.size());
      out.incidents.push_back(std::move(inc));
    } else if (r.kind == "rule.fired") {
      if (auto* inc = incident(r.incident_id)) {
        inc->fired_rules.push_back(str(d, "rule"));
      }
    } else if (r.kind == "escalation.started") {
      accountability_span s;
      s.escalation_id = integer(d, "escalation");
      s.incident_id = r.incident_id;
      s.role = str(d, "role");
      s.role_title = role_title(sc, s.role);
      s.rule = str(d, "rule");
      s.from = r.at;
      s.until = rec.end;
      s.target_at = instant(d, "target");
      target_specs[s.escalation_id] = str(d, "target_spec");
      span_at.emplace(s.escalation_id, out.spans.size());
      spans_of_incident[s.incident_id].push_back(out.spans.size());
      out.spans.push_back(std::move(s));
    } else if (r.kind == "holder.resolved") {
      if (auto* s = span(d); s != nullptr && !str(d, "holder").empty()) {
        const auto holder = str(d, "holder");
        s->pages.push_back(page_attempt{r.at, holder, person_name(sc, holder), str(d, "as_role"), str(d, "rung"),
                                        str(d, "reason")});
      }
    } else if (r.kind == "escalation.engaged") {
      if (auto* s = span(d)) {
        s->engaged_at = r.at;
        s->engaged_by = str(d, "person");
        s->end = span_end::engaged;
        s->breached = s->breached || (d.contains("target_met") && !flag(d, "target_met"));
      }
    } else if (r.kind == "incident.unowned") {
      if (auto* s = span(d)) {
        s->end = span_end::unowned;
        s->unowned_at = r.at;
        out.gaps.push_back(gap{"unreachable", r.incident_id, s->role, s->rule, r.at,
                               fmt::format("nobody holding {} engaged: every rung{} was tried without an answer",
                                           s->role, s->pages.empty() ? " was unavailable and none" : "")});
      }
    } else if (r.kind == "deadline.breached") {
      if (auto* s = span(d)) {
        s->breached = true;
        out.gaps.push_back(gap{"breached", r.incident_id, s->role, s->rule, r.at,
                               fmt::format("{} was not engaged by its target under rule {}", s->role,
                                           s->rule.empty() ? "routing" : s->rule)});
      }
    } else if (r.kind == "escalation.ended") {
      if (auto* s = span(d)) {
        s->until = r.at;
        if (s->end == span_end::open) {
          s->end = span_end::ended;
          // Moving on under a rule is the normal flow; being resolved while still
          // paging means the role was accountable and nobody holding it ever engaged.
          if (str(d, "reason") == "incident resolved") {
            out.gaps.push_back(gap{"never_engaged", r.incident_id, s->role, s->rule, r.at,
                                   fmt::format("{} was accountable and never engaged before the incident was resolved",
                                               s->role)});
          }
        }
      }
    } else if (r.kind == "incident.resolved") {
      if (auto* inc = incident(r.incident_id)) {
        inc->resolved_at = r.at;
      }
      if (auto spans = spans_of_incident.find(r.incident_id); spans != spans_of_incident.end()) {
        for (auto i : spans->second) {
          auto& s = out.spans[i];
          s.until = std::min(s.until, r.at);
        }
      }
    } else if (r.kind == "notification.failed") {
      notification_entry n;
      n.at = r.at;
      n.incident_id = r.incident_id;
      n.kind = str(d, "kind").empty() ? "inform" : str(d, "kind");
      n.person = str(d, "person");
      n.person_name = n.person.empty() ? "" : person_name(sc, n.person);
      n.role = str(d, "role");
      n.rule = str(d, "rule");
      n.notifier = str(d, "notifier");
      n.outcome = fmt::format("failed: {}", str(d, "error").empty() ? str(d, "reason") : str(d, "error"));
      out.notifications.push_back(std::move(n));
      if (str(d, "error").empty()) {
        out.gaps.push_back(gap{"unreachable", r.incident_id, str(d, "role"), str(d, "rule"), r.at,
                               fmt::format("{} could not be informed under rule {}: nobody reachable", str(d, "role"),
                                           str(d, "rule"))});
      }
    }
  };
  if (rec.log != nullptr) {
    rec.log->read_log({}, read);
  }

  out.notifications.reserve(out.notifications.size() + rec.notifications.size());
  for (const auto& n : rec.notifications) {
    notification_entry e;
    e.at = n.created_at;
    e.incident_id = n.incident_id;
    e.kind = std::string{notifiers::to_string(n.kind)};
    e.person = n.person;
    e.person_name = n.person_name;
    e.role = n.role;
    e.rule = n.rule;
    e.notifier = n.notifier;
    e.outcome = "delivered";
    if (auto it = rec.responses.find(n.idempotency_key); it != rec.responses.end()) {
      e.response = it->second;
      if (it->second.starts_with("no answer: unavailable") || it->second.starts_with("no answer: became")) {
        out.gaps.push_back(gap{"unanswered", n.incident_id, n.role, n.rule, n.created_at,
                               fmt::format("{} was paged as {} and did not answer: {}", n.person, n.role,
                                           it->second.substr(it->second.find(':') + 2))});
      }
    }
    e.deadline = n.deadline;
    out.notifications.push_back(std::move(e));
  }
  std::stable_sort(out.notifications.begin(), out.notifications.end(),
                   [](const auto& a, const auto& b) { return a.at < b.at; });
  out.acknowledgements = rec.acknowledgements;

  for (auto& s : out.spans) {
    s.stepped_in = classify(s);
    latency_entry l;
    l.incident_id = s.incident_id;
    l.rule = s.rule;
    l.role = s.role;
    l.triggered_at = s.from;
    if (s.target_at) {
      l.target = *s.target_at - s.from;
    }
    l.target_spec = target_specs[s.escalation_id];
    if (s.engaged_at) {
      l.latency = *s.engaged_at - s.from;
    }
    l.met = s.engaged_at.has_value() && !s.breached;
    out.latencies.push_back(std::move(l));
    // A role that was accountable and never engaged: still paging when the exercise
    // stopped, or when the incident was resolved. Moving on under a rule is the normal flow.
    if (s.end == span_end::open) {
      out.gaps.push_back(gap{"never_engaged", s.incident_id, s.role, s.rule, s.until,
                             fmt::format("{} was accountable and never engaged before the exercise ended", s.role)});
    }
  }
  std::unordered_set<std::string> lanes(out.roles.begin(), out.roles.end());
  for (const auto& s : out.spans) {
    if (lanes.insert(s.role).second) {
      out.roles.push_back(s.role);
    }
  }
  for (const auto& n : out.notifications) {
    if (!n.role.empty() && lanes.insert(n.role).second) {
      out.roles.push_back(n.role);
    }
  }
  std::stable_sort(out.gaps.begin(), out.gaps.end(), [](const gap& a, const gap& b) { return a.at < b.at; });

  if (with_timeline) {
    // Responder and scenario entries sit after the log record they followed.
    for (const auto& e : rec.decisions) {
      out.timeline.push_back(e);
    }
    std::stable_sort(out.timeline.begin(), out.timeline.end(), [](const timeline_entry& a, const timeline_entry& b) {
      if (a.at != b.at) {
        return a.at < b.at;
      }
      return a.seq < b.seq;
    });
  }
}

}  // namespace baton::simulate
