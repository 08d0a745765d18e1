#include "notifiers/notification_json.hpp"

namespace baton::notifiers {

boost::json::object to_json(const notification& n) {
  boost::json::object o;
  o["idempotency_key"] = n.idempotency_key;
  o["kind"] = to_string(n.kind);
  o["incident"] = n.incident_id;
  if (n.escalation_id != 0) {
    o["escalation"] = n.escalation_id;
  }
  o["person"] = n.person;
  o["person_name"] = n.person_name;
  o["role"] = n.role;
  o["role_title"] = n.role_title;
  o["notifier"] = n.notifier;
  o["address"] = n.address;
  o["system"] = n.system;
  o["system_name"] = n.system_name;
  o["subject"] = n.subject;
  o["body"] = n.body;
  o["reason"] = n.reason;
  if (!n.rule.empty()) {
    o["rule"] = n.rule;
  }
  if (n.deadline) {
    o["deadline"] = format_iso(*n.deadline);
  }
  o["created_at"] = format_iso(n.created_at);
  return o;
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
