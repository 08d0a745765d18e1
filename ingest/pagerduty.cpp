#include "ingest/pagerduty.hpp"

#include <fmt/format.h>

#include "base/encoding.hpp"
#include "base/text.hpp"
#include "base/time.hpp"
#include "ingest/native_event.hpp"

namespace baton::ingest {
namespace {
namespace json = boost::json;

const json::object empty_object;

const json::string* string_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? &v->as_string() : nullptr;
}

// A string field's problems, PagerDuty's way: absent (when required), not a string,
// too long, not UTF-8.
void check_text(const json::object& o, std::string_view path, std::string_view key, bool required,
                std::size_t limit, std::vector<std::string>& errors) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) {
      errors.push_back(fmt::format("'{}' is missing or blank", path));
    }
    return;
  }
  if (!v->is_string()) {
    errors.push_back(fmt::format("'{}' must be a string", path));
    return;
  }
  const auto& s = v->as_string();
  if (required && s.empty()) {
    errors.push_back(fmt::format("'{}' is missing or blank", path));
  } else if (s.size() > limit) {
    errors.push_back(fmt::format("'{}' is {} bytes long; the most is {}", path, s.size(), limit));
  } else if (!is_valid_utf8(s)) {
    errors.push_back(fmt::format("'{}' is not UTF-8", path));
  }
}

std::string severity_of(std::string_view pd) {
  if (pd == "critical") return "critical";
  if (pd == "error") return "high";
  if (pd == "warning") return "medium";
  return "info";
}

void add_attr(rules::attributes& attrs, std::string name, const json::value& v) {
  if (attrs.size() >= max_attributes || name.empty() || name.size() > max_text_bytes || !is_valid_utf8(name)) {
    return;
  }
  if (v.is_string()) {
    const auto& s = v.as_string();
    if (is_valid_utf8(s)) {
      attrs.push_back({std::move(name), shortened(s, max_attribute_bytes)});
    }
  } else if (v.is_bool()) {
    attrs.push_back({std::move(name), v.as_bool()});
  } else if (v.is_number()) {
    attrs.push_back({std::move(name), v.to_number<double>()});
  }
  // Nested objects and lists have no place among an event's attributes; they stay in
  // the sender's own record.
}

std::string random_key() {
  return to_hex(random_bytes(16));
}

}  // namespace

pagerduty_event read_pagerduty(const json::object& body) {
  pagerduty_event e;
  auto& errors = e.errors;
  check_text(body, "routing_key", "routing_key", true, 64, errors);
  check_text(body, "event_action", "event_action", true, 32, errors);
  check_text(body, "dedup_key", "dedup_key", false, max_dedup_key_bytes, errors);
  if (const auto* k = string_field(body, "routing_key")) {
    e.routing_key = std::string(*k);
  }
  if (const auto* a = string_field(body, "event_action")) {
    e.action = std::string(*a);
    if (e.action != "trigger" && e.action != "acknowledge" && e.action != "resolve") {
      errors.push_back("'event_action' must be one of trigger, acknowledge, resolve");
    }
  }
  if (const auto* d = string_field(body, "dedup_key")) {
    e.dedup_key = std::string(*d);
  }
  for (std::string_view key : {"links", "images"}) {
    if (const auto* v = body.if_contains(key); v != nullptr && !v->is_array() && !v->is_null()) {
      errors.push_back(fmt::format("'{}' must be a list", key));
    }
  }
  check_text(body, "client", "client", false, max_text_bytes, errors);
  check_text(body, "client_url", "client_url", false, max_attribute_bytes, errors);
  if (e.action == "trigger") {
    const auto* p = body.if_contains("payload");
    if (p == nullptr || !p->is_object()) {
      errors.push_back("'payload' is missing or is not an object");
    } else {
      const auto& payload = p->as_object();
      check_text(payload, "payload.summary", "summary", true, max_pagerduty_summary_bytes, errors);
      check_text(payload, "payload.source", "source", true, max_text_bytes, errors);
      check_text(payload, "payload.severity", "severity", true, 16, errors);
      if (const auto* s = string_field(payload, "severity");
          s != nullptr && *s != "critical" && *s != "error" && *s != "warning" && *s != "info") {
        errors.push_back("'payload.severity' must be one of critical, error, warning, info");
      }
      check_text(payload, "payload.timestamp", "timestamp", false, 64, errors);
      if (const auto* t = string_field(payload, "timestamp"); t != nullptr && !t->empty() &&
                                                                !parse_iso(*t, find_zone("UTC"))) {
        errors.push_back("'payload.timestamp' is not an ISO 8601 time");
      }
      for (std::string_view key : {"component", "group", "class"}) {
        check_text(payload, fmt::format("payload.{}", key), key, false, max_text_bytes, errors);
      }
      if (const auto* d = payload.if_contains("custom_details"); d != nullptr && !d->is_object() &&
                                                                  !d->is_null() && !d->is_string()) {
        errors.push_back("'payload.custom_details' must be an object");
      }
    }
    if (errors.empty() && e.dedup_key.empty()) {
      e.dedup_key = random_key();
    }
  } else if (!e.action.empty() && e.dedup_key.empty()) {
    errors.push_back(fmt::format("'dedup_key' is required to {}", e.action));
  }
  return e;
}

engine::operation pagerduty_operation(const json::object& body, const pagerduty_event& e,
                                      const config::integration& in, const std::string& actor) {
  if (e.action == "acknowledge") {
    engine::acknowledge_op op;
    op.actor = actor;
    op.dedup_key = e.dedup_key;
    return op;
  }
  if (e.action == "resolve") {
    engine::resolve_op op;
    op.actor = actor;
    op.dedup_key = e.dedup_key;
    op.note = "resolved by the sender";
    return op;
  }
  const auto* p = body.if_contains("payload");
  const auto& payload = p != nullptr && p->is_object() ? p->as_object() : empty_object;
  auto text = [&](std::string_view key) {
    const auto* s = string_field(payload, key);
    return s != nullptr ? std::string(*s) : std::string{};
  };
  engine::submit_op op;
  op.actor = actor;
  op.e.type = in.event_type;
  op.e.system = text(in.system_field);
  op.e.severity = severity_of(text("severity"));
  op.e.summary = text("summary");
  op.e.source = text("source");
  op.e.dedup_key = e.dedup_key;
  if (const auto t = text("timestamp"); !t.empty()) {
    op.e.occurred_at = parse_iso(t, find_zone("UTC"));
  }
  for (std::string_view key : {"source", "component", "group", "class"}) {
    if (const auto* v = payload.if_contains(key); v != nullptr && v->is_string() && !v->as_string().empty()) {
      add_attr(op.e.attrs, std::string(key), *v);
    }
  }
  if (const auto* d = payload.if_contains("custom_details"); d != nullptr && d->is_object()) {
    for (const auto& kv : d->as_object()) {
      add_attr(op.e.attrs, std::string(kv.key()), kv.value());
    }
  }
  return op;
}

}  // namespace baton::ingest
