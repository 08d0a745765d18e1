// The report as JSON for machines. Deterministic: keys are written in a fixed order
// (boost::json::object keeps insertion order), instants are ISO UTC strings with their
// offset from the start in milliseconds, durations are milliseconds, and nothing that
// varies between runs of the same inputs (wall-clock time, threads) is included.
#include <boost/json.hpp>

#include <ostream>

#include "simulate/report.hpp"

namespace baton::simulate {
namespace {
namespace json = boost::json;

class writer {
 public:
  explicit writer(const exercise_report& r) : r_(r) {}

  json::object report() const {
    json::object o;
    o["name"] = r_.name;
    o["description"] = r_.description;
    o["scenario_file"] = r_.scenario_file;
    o["organisation"] = r_.organisation;
    o["config_version"] = r_.config_version;
    o["zone"] = r_.zone_name;
    o["start"] = format_iso(r_.start);
    o["end"] = format_iso(r_.end);
    o["length_ms"] = ms(r_.end - r_.start);
    o["seed"] = r_.seed;
    o["passed"] = r_.passed;
    o["expectations"] = each(r_.expectations, [&](const auto& e) { return expectation(e); });
    o["incidents"] = each(r_.incidents, [&](const auto& i) { return incident(i); });
    o["roles"] = each(r_.roles, [](const auto& role) { return json::value(role); });
    o["spans"] = each(r_.spans, [&](const auto& s) { return span(s); });
    o["notifications"] = each(r_.notifications, [&](const auto& n) { return notification(n); });
    o["acknowledgements"] = each(r_.acknowledgements, [&](const auto& a) { return acknowledgement(a); });
    o["latencies"] = each(r_.latencies, [&](const auto& l) { return latency(l); });
    o["gaps"] = each(r_.gaps, [&](const auto& g) { return gap_entry(g); });
    o["timeline"] = each(r_.timeline, [&](const auto& e) { return timeline(e); });
    if (r_.monte_carlo) {
      o["monte_carlo"] = monte_carlo(*r_.monte_carlo);
    } else {
      o["monte_carlo"] = nullptr;
    }
    return o;
  }

 private:
  static std::int64_t ms(duration d) { return d.count(); }

  template <typename Range, typename F>
  static json::array each(const Range& range, F&& f) {
    json::array a;
    a.reserve(range.size());
    for (const auto& item : range) {
      a.emplace_back(f(item));
    }
    return a;
  }

  static json::array strings(const std::vector<std::string>& v) {
    return each(v, [](const auto& s) { return json::value(s); });
  }

  // An instant as two keys: `<key>` (ISO UTC) and `<key>_offset_ms` (from the start).
  void instant(json::object& o, std::string_view key, timestamp t) const {
    o[key] = format_iso(t);
    o[std::string{key} + "_offset_ms"] = ms(t - r_.start);
  }

  void instant(json::object& o, std::string_view key, const std::optional<timestamp>& t) const {
    if (t) {
      instant(o, key, *t);
    } else {
      o[key] = nullptr;
      o[std::string{key} + "_offset_ms"] = nullptr;
    }
  }

  static json::value maybe_ms(const std::optional<duration>& d) {
    return d ? json::value(ms(*d)) : json::value(nullptr);
  }

  json::object expectation(const expectation_result& e) const {
    json::object o;
    o["text"] = e.text;
    o["where"] = e.where;
    o["held"] = e.held;
    o["detail"] = e.detail;
    o["runs"] = e.runs;
    o["held_runs"] = e.held_runs;
    o["min_probability"] = e.min_probability;
    return o;
  }

  json::object incident(const incident_summary& i) const {
    json::object o;
    o["id"] = i.id;
    o["name"] = i.name;
    o["system"] = i.system;
    o["system_name"] = i.system_name;
    o["type"] = i.type;
    o["severity"] = i.severity;
    o["summary"] = i.summary;
    instant(o, "opened_at", i.opened_at);
    instant(o, "resolved_at", i.resolved_at);
    o["fired_rules"] = strings(i.fired_rules);
    return o;
  }

  json::object span(const accountability_span& s) const {
    json::object o;
    o["escalation_id"] = s.escalation_id;
    o["incident_id"] = s.incident_id;
    o["role"] = s.role;
    o["role_title"] = s.role_title;
    o["rule"] = s.rule;
    instant(o, "from", s.from);
    instant(o, "until", s.until);
    instant(o, "target_at", s.target_at);
    instant(o, "engaged_at", s.engaged_at);
    instant(o, "unowned_at", s.unowned_at);
    o["engaged_by"] = s.engaged_by;
    o["end"] = to_string(s.end);
    o["stepped_in"] = to_string(s.stepped_in);
    o["breached"] = s.breached;
    o["pages"] = each(s.pages, [&](const page_attempt& p) {
      json::object po;
      instant(po, "at", p.at);
      po["person"] = p.person;
      po["person_name"] = p.person_name;
      po["as_role"] = p.as_role;
      po["rung"] = p.rung;
      po["reason"] = p.reason;
      return po;
    });
    return o;
  }

  json::object notification(const notification_entry& n) const {
    json::object o;
    instant(o, "at", n.at);
    o["incident_id"] = n.incident_id;
    o["kind"] = n.kind;
    o["person"] = n.person;
    o["person_name"] = n.person_name;
    o["role"] = n.role;
    o["rule"] = n.rule;
    o["notifier"] = n.notifier;
    o["outcome"] = n.outcome;
    o["response"] = n.response;
    instant(o, "deadline", n.deadline);
    return o;
  }

  json::object acknowledgement(const acknowledgement_entry& a) const {
    json::object o;
    instant(o, "at", a.at);
    o["incident_id"] = a.incident_id;
    o["person"] = a.person;
    o["accepted"] = a.accepted;
    o["engaged_roles"] = strings(a.engaged_roles);
    o["detail"] = a.detail;
    return o;
  }

  json::object latency(const latency_entry& l) const {
    json::object o;
    o["incident_id"] = l.incident_id;
    o["rule"] = l.rule;
    o["role"] = l.role;
    instant(o, "triggered_at", l.triggered_at);
    o["target_ms"] = maybe_ms(l.target);
    o["target_spec"] = l.target_spec;
    o["latency_ms"] = maybe_ms(l.latency);
    o["met"] = l.met;
    return o;
  }

  json::object gap_entry(const gap& g) const {
    json::object o;
    o["kind"] = g.kind;
    o["incident_id"] = g.incident_id;
    o["role"] = g.role;
    o["rule"] = g.rule;
    instant(o, "at", g.at);
    o["text"] = g.text;
    return o;
  }

  json::object timeline(const timeline_entry& e) const {
    json::object o;
    instant(o, "at", e.at);
    o["seq"] = e.seq;
    o["incident_id"] = e.incident_id;
    o["actor"] = e.actor;
    o["kind"] = e.kind;
    o["text"] = e.text;
    return o;
  }

  static json::object monte_carlo(const monte_carlo_summary& mc) {
    json::object o;
    o["runs"] = mc.runs;
    o["rules"] = each(mc.rules, [](const rule_distribution& d) {
      json::object ro;
      ro["rule"] = d.rule;
      ro["description"] = d.description;
      ro["target_spec"] = d.target_spec;
      ro["target_ms"] = maybe_ms(d.target);
      ro["escalations"] = d.escalations;
      ro["engaged"] = d.engaged;
      ro["met"] = d.met;
      ro["p_met"] = d.p_met;
      ro["p50_ms"] = ms(d.p50);
      ro["p90_ms"] = ms(d.p90);
      ro["p99_ms"] = ms(d.p99);
      ro["max_ms"] = ms(d.max);
      ro["cdf_ms"] = each(d.cdf, [](duration v) { return json::value(ms(v)); });
      return ro;
    });
    o["roles"] = each(mc.roles, [](const role_distribution& d) {
      json::object ro;
      ro["role"] = d.role;
      ro["title"] = d.title;
      ro["escalations"] = d.escalations;
      ro["primary"] = d.primary;
      ro["backup"] = d.backup;
      ro["escalates_to"] = d.escalates_to;
      ro["never_engaged"] = d.never_engaged;
      ro["unowned"] = d.unowned;
      return ro;
    });
    return o;
  }

  const exercise_report& r_;
};

}  // namespace

void write_json(const exercise_report& r, std::ostream& out) {
  out << json::serialize(writer{r}.report()) << '\n';
}

}  // namespace baton::simulate
