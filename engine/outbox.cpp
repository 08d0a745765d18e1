// The outbox: a notification is one row per contact method of the person told, queued
// (state pending, the whole message in it) in the transaction of the change that caused
// it, and handed to its notifier -- the one the incident's configuration version names --
// only after that transaction has committed. Each outcome is then recorded as an
// operation of its own (notification.sent / notification.failed).
#include <boost/json.hpp>
#include <fmt/format.h>

#include <unordered_set>

#include "engine/core.hpp"
#include "engine/messages.hpp"
#include "notifiers/notification_json.hpp"

namespace baton::engine::detail {
namespace json = boost::json;
using notifiers::notification_kind;

void core::send(op_context& op, incident& inc, const escalation* esc, notification_kind kind, const config::person& to,
                  const config::role& as_role, const config::rule* rule, std::string reason,
                  std::optional<timestamp> deadline, std::string_view key_suffix) {
  const config::organisation& org = *inc.org;
  notifiers::notification n;
  n.kind = kind;
  n.incident_id = inc.id;
  n.escalation_id = esc != nullptr ? esc->id : 0;
  n.person = to.id;
  n.person_name = to.name;
  n.role = as_role.id;
  n.role_title = as_role.title;
  n.system = inc.system_id;
  n.system_name = inc.system != nullptr ? inc.system->name : inc.system_id;
  n.rule = std::string{rule_id(rule)};
  n.deadline = deadline;
  n.created_at = op.now;
  n.reason = std::move(reason);
  compose_message(n, inc, esc != nullptr ? std::string_view{esc->role->id} : std::string_view{as_role.id}, rule, org);
  std::size_t index = 0;
  for (const auto& c : to.contacts) {
    n.idempotency_key = fmt::format("i{}-e{}-{}-{}-{}-{}", inc.id, n.escalation_id, notifiers::to_string(kind),
                                    key_suffix, to.id, index++);
    n.notifier = c.notifier;
    n.address = c.address;
    // Queued: a row with the whole message, written with the state change that caused
    // it. It is handed to its notifier only once this batch has committed.
    queued_notification q;
    q.version = org.version;
    q.row.idempotency_key = n.idempotency_key;
    q.row.incident_id = inc.id;
    q.row.escalation_id = n.escalation_id;
    q.row.kind = std::string{notifiers::to_string(kind)};
    q.row.person = to.id;
    q.row.role = as_role.id;
    q.row.notifier = c.notifier;
    q.row.address = c.address;
    q.row.payload = json::serialize(notifiers::to_json(n));
    q.row.state = "pending";
    q.row.attempts = 0;
    q.row.created_at = op.now;
    store_.put_notification(q.row);
    q.message = n;
    op.changes.outbox.push_back(std::move(q));
  }
}

void core::deliver_committed() {
  std::vector<queued_notification> items;
  items.swap(ready_);
  std::vector<notifiers::delivery_result> results;
  results.reserve(items.size());
  for (const auto& q : items) {
    auto* target = notifiers_of_version(q.version).find(q.row.notifier);
    results.push_back(target != nullptr ? target->deliver(q.message)
                                        : notifiers::delivery_result::fail(
                                              fmt::format("notifier {} not configured", q.row.notifier)));
  }
  // Each outcome is an operation of its own; together they are one batch.
  begin();
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto op = context("engine");
    record_delivery(op, items[i], results[i]);
  }
  commit();
}

void core::record_delivery(op_context& op, queued_notification& q, const notifiers::delivery_result& r) {
  const bool ok = r.status == notifiers::delivery_status::delivered;
  if (ok) {
    ++counters_.notifications_sent;
  } else {
    ++counters_.notifications_failed;
  }
  const auto& n = q.message;
  json::object d;
  d["key"] = n.idempotency_key;
  d["kind"] = notifiers::to_string(n.kind);
  d["person"] = n.person;
  d["role"] = n.role;
  d["notifier"] = n.notifier;
  d["address"] = n.address;
  if (n.escalation_id != 0) {
    d["escalation"] = n.escalation_id;
  }
  if (n.deadline) {
    d["deadline"] = format_iso(*n.deadline);
  }
  if (!ok) {
    d["error"] = r.reason;
    d["retryable"] = r.status == notifiers::delivery_status::retry;
  }
  log_.append(op.now, op.actor, ok ? "notification.sent" : "notification.failed", n.incident_id, d);
  // One attempt per notification for now; whether another would help is in the log
  // record ("retryable") for the retries the delivery pipeline brings.
  q.row.state = ok ? "delivered" : "failed";
  q.row.attempts += 1;
  q.row.last_error = r.reason;
  store_.put_notification(q.row);
}

notifiers::notifier_set& core::notifiers_of_version(const std::string& version) {
  if (auto it = notifiers_.find(version); it != notifiers_.end()) {
    return *it->second;
  }
  for (const auto& [id, inc] : incidents_) {
    if (inc.org->version == version) {
      return notifiers_for(*inc.org);
    }
  }
  return notifiers_for(*org_);
}

notifiers::notifier_set& core::notifiers_for(const config::organisation& org) {
  auto it = notifiers_.find(org.version);
  if (it == notifiers_.end()) {
    auto made = make_notifiers_(org);
    if (made == nullptr) {
      made = std::make_shared<notifiers::notifier_set>();  // nothing can be delivered; each send says why
    }
    it = notifiers_.emplace(org.version, std::move(made)).first;
  }
  return *it->second;
}

void core::release_notifiers() {
  std::unordered_set<std::string> in_use{org_->version};
  for (const auto& [id, inc] : incidents_) {
    in_use.insert(inc.org->version);
  }
  std::erase_if(notifiers_, [&](const auto& entry) { return !in_use.contains(entry.first); });
}

}  // namespace baton::engine::detail
