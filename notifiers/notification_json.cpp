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

}  // namespace baton::notifiers
