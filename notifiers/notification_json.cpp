#include "notifiers/notification_json.hpp"

#include <cstdint>
#include <string_view>

#include "base/text.hpp"

namespace baton::notifiers {

namespace {

// Appends `"key":` -- keys are plain ASCII, written as they are.
void key(std::string& out, std::string_view k) {
  out += '"';
  out += k;
  out += "\":";
}

void field(std::string& out, std::string_view k, std::string_view value) {
  key(out, k);
  append_json_string(out, value);
  out += ',';
}

void field(std::string& out, std::string_view k, std::int64_t value) {
  key(out, k);
  out += std::to_string(value);
  out += ',';
}

void time_field(std::string& out, std::string_view k, timestamp t) {
  key(out, k);
  out += '"';
  append_iso(out, t);  // ISO text needs no escaping
  out += "\",";
}

}  // namespace

std::string to_json_text(const notification& n) {
  std::string out;
  out.reserve(256 + n.subject.size() + n.body.size() + n.reason.size());
  out += '{';
  field(out, "idempotency_key", n.idempotency_key);
  field(out, "kind", to_string(n.kind));
  field(out, "incident", n.incident_id);
  if (n.escalation_id != 0) {
    field(out, "escalation", n.escalation_id);
  }
  field(out, "person", n.person);
  field(out, "person_name", n.person_name);
  field(out, "role", n.role);
  field(out, "role_title", n.role_title);
  field(out, "notifier", n.notifier);
  field(out, "address", n.address);
  field(out, "system", n.system);
  field(out, "system_name", n.system_name);
  field(out, "subject", n.subject);
  field(out, "body", n.body);
  field(out, "reason", n.reason);
  if (!n.rule.empty()) {
    field(out, "rule", n.rule);
  }
  if (n.deadline) {
    time_field(out, "deadline", *n.deadline);
  }
  time_field(out, "created_at", n.created_at);
  if (!n.ack_url.empty()) {
    field(out, "ack_url", n.ack_url);
  }
  out.back() = '}';
  return out;
}

std::optional<notification> notification_from_json(const boost::json::object& o) {
  auto text = [&](std::string_view key, std::string& into, bool required) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) {
      return !required;
    }
    if (!v->is_string()) {
      return false;
    }
    into = std::string(v->as_string());
    return true;
  };
  auto integer = [&](std::string_view key, std::int64_t& into) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) {
      return true;
    }
    if (!v->is_int64()) {
      return false;
    }
    into = v->as_int64();
    return true;
  };
  notification n;
  std::string kind;
  std::string deadline;
  std::string created;
  if (!text("idempotency_key", n.idempotency_key, true) || !text("kind", kind, true) ||
      !integer("incident", n.incident_id) || !integer("escalation", n.escalation_id) ||
      !text("person", n.person, true) || !text("person_name", n.person_name, false) || !text("role", n.role, true) ||
      !text("role_title", n.role_title, false) || !text("notifier", n.notifier, true) ||
      !text("address", n.address, true) || !text("system", n.system, false) ||
      !text("system_name", n.system_name, false) || !text("subject", n.subject, true) ||
      !text("body", n.body, true) || !text("reason", n.reason, false) || !text("rule", n.rule, false) ||
      !text("deadline", deadline, false) || !text("created_at", created, true)) {
    return std::nullopt;
  }
  bool known = false;
  for (auto k : {notification_kind::page, notification_kind::inform, notification_kind::reminder,
                 notification_kind::unowned, notification_kind::breach, notification_kind::undeliverable}) {
    if (kind == to_string(k)) {
      n.kind = k;
      known = true;
    }
  }
  const auto* utc = find_zone("UTC");
  auto at = parse_iso(created, utc);
  if (!known || !at) {
    return std::nullopt;
  }
  n.created_at = *at;
  if (!deadline.empty()) {
    n.deadline = parse_iso(deadline, utc);
    if (!n.deadline) {
      return std::nullopt;
    }
  }
  return n;
}

}  // namespace baton::notifiers
