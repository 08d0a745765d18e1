// Notifications: one per contact method of the person told, composed, recorded in the
// log and the outbox, and handed to its notifier: the one the incident's own
// configuration version names.
#include <boost/json.hpp>
#include <fmt/format.h>

#include <unordered_set>

#include "engine/core.hpp"
#include "engine/messages.hpp"

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
    auto* target = notifiers_for(org).find(c.notifier);
    notifiers::delivery_result r =
        target != nullptr ? target->deliver(n)
                          : notifiers::delivery_result::fail(fmt::format("notifier {} not configured", c.notifier));
    const bool ok = r.status == notifiers::delivery_status::delivered;
    if (ok) {
      ++counters_.notifications_sent;
    } else {
      ++counters_.notifications_failed;
    }
    json::object d;
    d["key"] = n.idempotency_key;
    d["kind"] = notifiers::to_string(kind);
    d["person"] = to.id;
    d["role"] = as_role.id;
    d["notifier"] = c.notifier;
    d["address"] = c.address;
    if (n.escalation_id != 0) {
      d["escalation"] = n.escalation_id;
    }
    if (deadline) {
      d["deadline"] = format_iso(*deadline);
    }
    if (!ok) {
      d["error"] = r.reason;
      d["retryable"] = r.status == notifiers::delivery_status::retry;
    }
    log_.append(op.now, "engine", ok ? "notification.sent" : "notification.failed", inc.id, d);

    store::notification_row row;
    row.idempotency_key = n.idempotency_key;
    row.incident_id = inc.id;
    row.escalation_id = n.escalation_id;
    row.kind = std::string{notifiers::to_string(kind)};
    row.person = to.id;
    row.role = as_role.id;
    row.notifier = c.notifier;
    row.address = c.address;
    row.payload = n.subject;
    // One attempt per notification for now; whether another would help is in the log
    // record ("retryable") for the delivery pipeline that network notifiers bring.
    row.state = ok ? "delivered" : "failed";
    row.attempts = 1;
    row.created_at = op.now;
    row.last_error = r.reason;
    store_.put_notification(row);
  }
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
