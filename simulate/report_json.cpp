// The report as JSON for machines. Deterministic: keys are written in a fixed order
// (boost::json::object keeps insertion order), instants are ISO UTC strings with their
// offset from the start in milliseconds, durations are milliseconds, and nothing that
// varies between runs of the same inputs (wall-clock time, threads) is included.
#include <boost/json.hpp>

#include <ostream>
#include <vector>

#include "base/text.hpp"
#include "simulate/report.hpp"

namespace baton::simulate {
namespace {
namespace json = boost::json;

void emit(std::ostream& out, json::value v);

class writer {
 public:
  explicit writer(const exercise_report& r) : r_(r) {}

  /// Writes the report as one JSON object, section by section and list element by list
  /// element: the report of a big exercise is hundreds of megabytes as a JSON tree, and
  /// only one element of it needs to exist at a time. The bytes are those
  /// json::serialize would write for the whole tree.
  void write(std::ostream& out) const {
    out << '{';
    bool first = true;
    auto key = [&](std::string_view k) {
      out << (first ? "" : ",") << json::serialize(json::string(k)) << ':';
      first = false;
    };
    auto value = [&](std::string_view k, json::value v) {
      key(k);
      emit(out, std::move(v));
    };
    auto list = [&](std::string_view k, const auto& range, auto&& f) {
      key(k);
      out << '[';
      bool first_element = true;
      for (const auto& item : range) {
        out << (first_element ? "" : ",");
        first_element = false;
        emit(out, json::value(f(item)));
      }
      out << ']';
    };
    value("name", json::string(r_.name));
    value("description", json::string(r_.description));
    value("scenario_file", json::string(r_.scenario_file));
    value("organisation", json::string(r_.organisation));
    value("config_version", json::string(r_.config_version));
    value("zone", json::string(r_.zone_name));
    value("start", json::string(format_iso(r_.start)));
    value("end", json::string(format_iso(r_.end)));
    value("length_ms", ms(r_.end - r_.start));
    value("seed", r_.seed);
    value("passed", r_.passed);
    list("expectations", r_.expectations, [&](const auto& e) { return expectation(e); });
    list("incidents", r_.incidents, [&](const auto& i) { return incident(i); });
    list("roles", r_.roles, [](const auto& role) { return json::string(role); });
    list("spans", r_.spans, [&](const auto& s) { return span(s); });
    list("notifications", r_.notifications, [&](const auto& n) { return notification(n); });
    list("acknowledgements", r_.acknowledgements, [&](const auto& a) { return acknowledgement(a); });
    list("latencies", r_.latencies, [&](const auto& l) { return latency(l); });
    list("gaps", r_.gaps, [&](const auto& g) { return gap_entry(g); });
    list("timeline", r_.timeline, [&](const auto& e) { return timeline(e); });
    if (r_.monte_carlo) {
      value("monte_carlo", monte_carlo(*r_.monte_carlo));
    } else {
      value("monte_carlo", nullptr);
    }
    out << '}';
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

// Strings from the scenario, the configuration or the run may hold bytes that are not
// UTF-8; Boost.JSON escapes control characters but copies such bytes as they are, and a
// document with them is not JSON. One pass over every string (iterative: the nesting
// is shallow, but no recursion is needed) replaces them with U+FFFD.
void make_valid_utf8(json::value& root);

// One value, made valid UTF-8, serialised in pieces rather than into one string.
void emit(std::ostream& out, json::value v) {
  make_valid_utf8(v);
  json::serializer sr;
  sr.reset(&v);
  char buf[4096];
  while (!sr.done()) {
    out << sr.read(buf);
  }
}

void make_valid_utf8(json::value& root) {
  std::vector<json::value*> todo{&root};
  while (!todo.empty()) {
    json::value* v = todo.back();
    todo.pop_back();
    if (auto* s = v->if_string()) {
      if (!is_valid_utf8(*s)) {
        *s = valid_utf8(*s);
      }
    } else if (auto* a = v->if_array()) {
      for (auto& e : *a) {
        todo.push_back(&e);
      }
    } else if (auto* o = v->if_object()) {
      for (auto& kv : *o) {
        todo.push_back(&kv.value());
      }
    }
  }
}

}  // namespace

void write_json(const exercise_report& r, std::ostream& out) {
  // Keys are the writer's own ASCII names; only values carry text from outside.
  writer{r}.write(out);
  out << '\n';
}

}  // namespace baton::simulate
