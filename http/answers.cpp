#include "http/answers.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "base/text.hpp"

namespace baton::http {
namespace {
namespace json = boost::json;

unsigned status_of(engine::error_kind k) {
  switch (k) {
    case engine::error_kind::invalid:
      return 422;
    case engine::error_kind::not_found:
      return 404;
    case engine::error_kind::conflict:
      return 409;
    case engine::error_kind::forbidden:
      return 403;
    case engine::error_kind::unavailable:
      return 503;
  }
  return 500;
}

std::string_view code_of(engine::error_kind k) {
  switch (k) {
    case engine::error_kind::invalid:
      return "invalid";
    case engine::error_kind::not_found:
      return "not_found";
    case engine::error_kind::conflict:
      return "conflict";
    case engine::error_kind::forbidden:
      return "forbidden";
    case engine::error_kind::unavailable:
      return "unavailable";
  }
  return "internal";
}

json::array strings(const std::vector<std::string>& items) {
  json::array a;
  for (const auto& s : items) {
    a.emplace_back(s);
  }
  return a;
}

json::value time_or_null(const std::optional<timestamp>& t) {
  return t ? json::value(format_iso(*t)) : json::value(nullptr);
}

// A column the engine wrote as JSON, parsed back; kept as text if it somehow is not.
json::value stored_json(const std::string& text) {
  if (text.empty()) {
    return nullptr;
  }
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  return ec ? json::value(text) : v;
}

json::object incident_json(const store::incident_row& row) {
  json::object o;
  o["id"] = row.id;
  o["dedup_key"] = row.dedup_key;
  o["system"] = row.system;
  o["type"] = row.event_type;
  o["severity"] = row.severity;
  o["summary"] = row.summary;
  o["state"] = row.state;
  o["config_version"] = row.config_version;
  o["opened_at"] = format_iso(row.opened_at);
  o["updated_at"] = format_iso(row.updated_at);
  o["resolved_at"] = time_or_null(row.resolved_at);
  o["events"] = row.event_count;
  o["reminders_sent"] = row.reminders_sent;
  o["opened_by"] = row.opened_by;
  o["accountable"] = stored_json(row.accountable);
  o["rules_fired"] = stored_json(row.fired_rules);
  return o;
}

json::object escalation_json(const store::escalation_row& e) {
  json::object o;
  o["id"] = e.id;
  o["role"] = e.role;
  o["rule"] = e.rule;
  o["state"] = e.state;
  o["triggered_at"] = format_iso(e.triggered_at);
  o["target_at"] = time_or_null(e.target_at);
  o["engaged_at"] = time_or_null(e.engaged_at);
  o["engaged_by"] = e.engaged_by;
  o["rung"] = e.rung;
  o["round"] = e.round;
  o["paged"] = e.paged;
  o["breached"] = e.breached;
  return o;
}

json::object notification_json(const store::notification_row& n) {
  json::object o;
  o["idempotency_key"] = n.idempotency_key;
  o["escalation"] = n.escalation_id;
  o["kind"] = n.kind;
  o["person"] = n.person;
  o["role"] = n.role;
  o["notifier"] = n.notifier;
  o["state"] = n.state;
  o["attempts"] = n.attempts;
  o["created_at"] = format_iso(n.created_at);
  o["next_attempt_at"] = time_or_null(n.next_attempt_at);
  o["last_error"] = n.last_error;
  return o;
}

json::object record_json(const store::log_record& r) {
  json::object o;
  o["seq"] = r.seq;
  o["at"] = format_iso(r.at);
  o["actor"] = r.actor;
  o["kind"] = r.kind;
  o["details"] = stored_json(r.details);
  o["hash"] = r.hash;
  return o;
}

response pagerduty_shaped(unsigned status, std::string_view state, std::string_view message) {
  json::object o;
  o["status"] = state;
  o["message"] = message;
  return json_answer(status, o);
}

}  // namespace

response json_answer(unsigned status, const json::object& body) {
  // Text from outside (summaries, keys) was checked as UTF-8 on the way in; valid_utf8
  // keeps the answer valid JSON even for a row written by an older version.
  return {status, valid_utf8(json::serialize(body)), "application/json", {}};
}

response unavailable(std::string_view message) {
  auto r = error_response(503, "unavailable", message);
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

response outcome_error(const engine::engine_error& e) {
  return e.kind == engine::error_kind::unavailable ? unavailable(e.message)
                                                   : error_response(status_of(e.kind), code_of(e.kind), e.message);
}

response event_answer(const engine::outcome& o) {
  if (!o) {
    return outcome_error(o.error());
  }
  const auto& s = std::get<engine::submit_result>(o.value());
  json::object out;
  out["incident"] = s.incident_id;
  out["created"] = s.created;
  out["replayed"] = s.replayed;
  out["rules_fired"] = strings(s.fired_rules);
  return json_answer(202, out);
}

response action_answer(const engine::outcome& o) {
  if (!o) {
    return outcome_error(o.error());
  }
  json::object out;
  if (const auto* a = std::get_if<engine::ack_result>(&o.value())) {
    out["incident"] = a->incident_id;
    out["engaged_roles"] = strings(a->engaged_roles);
    out["already_engaged"] = strings(a->already_engaged);
    out["acknowledged"] = a->incident_acknowledged;
    out["replayed"] = a->replayed;
  } else {
    const auto& r = std::get<engine::resolve_result>(o.value());
    out["incident"] = r.incident_id;
    out["resolved"] = true;
    out["replayed"] = r.replayed;
  }
  return json_answer(200, out);
}

response alertmanager_answer(const std::vector<engine::outcome>& outcomes, const std::string& integration,
                             const log_sink& log) {
  std::int64_t opened = 0;
  std::int64_t updated = 0;
  std::int64_t resolved = 0;
  std::int64_t replayed = 0;
  std::int64_t ignored = 0;
  json::array rejected;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const auto& o = outcomes[i];
    if (!o) {
      const auto& e = o.error();
      if (e.kind == engine::error_kind::unavailable) {
        return unavailable(e.message);
      }
      if (e.kind == engine::error_kind::not_found) {
        ++ignored;  // resolved in Alertmanager, with no open incident here: nothing to do
        continue;
      }
      rejected.push_back(json::object{{"alert", i}, {"error", e.message}});
      if (log) {
        log({{"level", "warn"},
             {"msg", "alert refused"},
             {"integration", integration},
             {"alert", i},
             {"error", e.message}});
      }
      continue;
    }
    if (const auto* s = std::get_if<engine::submit_result>(&o.value())) {
      ++(s->replayed ? replayed : s->created ? opened : updated);
    } else if (const auto* r = std::get_if<engine::resolve_result>(&o.value())) {
      ++(r->replayed ? replayed : resolved);
    }
  }
  json::object out;
  out["alerts"] = outcomes.size();
  out["opened"] = opened;
  out["updated"] = updated;
  out["resolved"] = resolved;
  out["replayed"] = replayed;
  out["ignored"] = ignored;
  out["rejected"] = std::move(rejected);
  return json_answer(200, out);
}

response pagerduty_invalid(const std::vector<std::string>& errors) {
  json::object o;
  o["status"] = "invalid event";
  o["message"] = "Event object is invalid";
  o["errors"] = strings(errors);
  return json_answer(400, o);
}

response pagerduty_unknown_key() {
  return pagerduty_shaped(401, "unauthorized", "no integration has this routing_key");
}

response pagerduty_answer(const engine::outcome& o, const std::string& dedup_key, const std::string& action,
                          const std::string& integration, const log_sink& log) {
  if (!o) {
    const auto& e = o.error();
    if (e.kind == engine::error_kind::unavailable) {
      return unavailable(e.message);
    }
    if (e.kind != engine::error_kind::not_found) {
      return pagerduty_shaped(status_of(e.kind), code_of(e.kind), e.message);
    }
    // As PagerDuty does: an acknowledge or resolve for no open incident is accepted.
    if (log) {
      log({{"level", "info"},
           {"msg", "pagerduty event dropped: no open incident has its dedup_key"},
           {"integration", integration},
           {"action", action},
           {"dedup_key", dedup_key}});
    }
  }
  json::object out;
  out["status"] = "success";
  out["message"] = "Event processed";
  out["dedup_key"] = dedup_key;
  return json_answer(202, out);
}

response incident_list_answer(const std::vector<store::incident_row>& rows, std::size_t limit) {
  json::array items;
  for (const auto& row : rows) {
    items.emplace_back(incident_json(row));
  }
  json::object out;
  out["incidents"] = std::move(items);
  // A full page may have more behind it: ask again with before=<the last id>.
  out["next_before"] = rows.size() == limit && !rows.empty() ? json::value(rows.back().id) : json::value(nullptr);
  return json_answer(200, out);
}

response incident_answer(store::store& db, std::int64_t id) {
  const auto row = db.find_incident(id);
  if (!row) {
    return error_response(404, "not_found", fmt::format("no incident {}", id));
  }
  json::object out = incident_json(*row);
  json::array escalations;
  for (const auto& e : db.escalations(id)) {
    escalations.emplace_back(escalation_json(e));
  }
  out["escalations"] = std::move(escalations);
  json::array notifications;
  for (const auto& n : db.notifications(id)) {
    notifications.emplace_back(notification_json(n));
  }
  out["notifications"] = std::move(notifications);
  json::array timeline;
  store::log_range range;
  range.incident_id = id;
  db.read_log(range, [&](const store::log_record& r) { timeline.emplace_back(record_json(r)); });
  out["timeline"] = std::move(timeline);
  return json_answer(200, out);
}

namespace {

response html(unsigned status, std::string_view title, std::string_view inner) {
  std::string page;
  page += "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
          "<meta name=\"robots\" content=\"noindex\"><title>baton: ";
  page += escape_markup(title);
  page += "</title><style>body{font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em;"
          "line-height:1.5}button{font-size:1.1em;padding:.6em 1.2em}</style></head><body><h1>";
  page += escape_markup(title);
  page += "</h1>\n";
  page += inner;
  page += "\n</body></html>\n";
  response r{status, std::move(page), "text/html; charset=utf-8", {}};
  // The page holds a credential in its address: no caching, no referrer leaving it.
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  return r;
}

std::string paragraph(std::string_view text) { return "<p>" + escape_markup(text) + "</p>"; }

}  // namespace

response link_page(unsigned status, std::string_view title, std::string_view text) {
  return html(status, title, paragraph(text));
}

response link_confirm_page(const store::incident_row& row, std::string_view person, std::string_view expires) {
  std::string inner;
  inner += paragraph(fmt::format("Incident {} on {}: {}", row.id, row.system.empty() ? "an unknown system" : row.system,
                                 row.summary.empty() ? row.event_type : row.summary));
  inner += paragraph(fmt::format("Severity {}, opened {}, {}.", row.severity.empty() ? "unset" : row.severity,
                                 format_iso(row.opened_at), row.state));
  inner += "<form method=\"post\"><button type=\"submit\">";
  inner += escape_markup(fmt::format("Acknowledge as {}", person));
  inner += "</button></form>";
  inner += paragraph(fmt::format("This link acknowledges for {} only, until {}.", person, expires));
  return html(200, fmt::format("Acknowledge incident {}?", row.id), inner);
}

response link_outcome_page(const engine::outcome& o, std::int64_t incident_id, std::string_view person) {
  if (!o) {
    const auto& e = o.error();
    switch (e.kind) {
      case engine::error_kind::unavailable: {
        auto r = link_page(503, "Not acknowledged yet", "baton cannot write just now. Try the button again shortly.");
        r.headers.emplace_back("Retry-After", "1");
        return r;
      }
      case engine::error_kind::conflict:
        return link_page(409, "Already resolved", fmt::format("Incident {} is resolved: {}", incident_id, e.message));
      case engine::error_kind::not_found:
        return link_page(404, "No such incident", e.message);
      default:
        return link_page(403, "Not acknowledged", fmt::format("{} cannot acknowledge incident {}: {}", person,
                                                              incident_id, e.message));
    }
  }
  const auto& a = std::get<engine::ack_result>(o.value());
  if (a.engaged_roles.empty()) {
    return link_page(200, "Already acknowledged",
                     fmt::format("{} had already acknowledged incident {} ({}).", person, incident_id,
                                 fmt::join(a.already_engaged, ", ")));
  }
  return link_page(200, "Acknowledged",
                   fmt::format("{} is now engaged on incident {} as {}.{}", person, incident_id,
                               fmt::join(a.engaged_roles, ", "),
                               a.incident_acknowledged ? " Every accountable role is engaged." : ""));
}

}  // namespace baton::http
