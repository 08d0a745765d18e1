// The outbox: a notification is one row per contact method of the person told, queued
// (state pending, the whole message in it) in the transaction of the change that caused
// it, and handed to the delivery pipeline (notifiers/delivery_pipeline.hpp) for its
// notifier -- the one the incident's configuration version names -- only after that
// transaction has committed. Each attempt's outcome comes back from the pipeline and is
// recorded as an operation of its own (notification.sent / .retried / .failed / .dead).
#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "engine/ack_link.hpp"
#include "engine/core.hpp"
#include "engine/messages.hpp"
#include "notifiers/notification_json.hpp"

namespace baton::engine::detail {
namespace json = boost::json;
using notifiers::notification_kind;

void core::send(op_context& op, incident& inc, const escalation* esc, notification_kind kind, const config::person& to,
                  const config::role& as_role, const config::rule* rule, std::string reason,
                  std::optional<timestamp> deadline, std::string_view key_suffix, std::string_view avoid_notifier) {
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
  // Signed with the keys in force now: a link from before a rotation still verifies
  // while its old key is listed.
  if (kind == notification_kind::page && esc != nullptr && org_->ack_links.enabled()) {
    n.ack_url = ack_link_url(org_->ack_links, {inc.id, esc->id, to.id, op.now + org_->ack_links.valid_for});
  }
  compose_message(n, inc, esc != nullptr ? std::string_view{esc->role->id} : std::string_view{as_role.id}, rule, org);
  // Another contact method than `avoid_notifier`, where the person has one.
  const bool avoid = !avoid_notifier.empty() &&
                     std::any_of(to.contacts.begin(), to.contacts.end(),
                                 [&](const config::contact& c) { return c.notifier != avoid_notifier; });
  std::size_t index = 0;
  for (const auto& c : to.contacts) {
    if (avoid && c.notifier == avoid_notifier) {
      ++index;
      continue;
    }
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
    q.row.payload = notifiers::to_json_text(n);
    q.row.state = "pending";
    q.row.attempts = 0;
    q.row.created_at = op.now;
    store_.put_notification(q.row);
    q.row.payload = {};  // written; later attempts change only the row's progress
    q.message = std::make_shared<const notifiers::notification>(n);
    op.changes.outbox.push_back(std::move(q));
  }
}

void core::dispatch_ready() {
  std::vector<queued_notification> items;
  items.swap(ready_);
  for (auto& q : items) {
    notifiers::delivery d;
    d.ticket = next_ticket_++;
    d.owner = notifiers_of_version(q.version);
    d.target = d.owner->find(q.row.notifier);
    d.message = q.message;
    if (const auto* bounds = notifier_config_of(q)) {
      d.attempt_timeout = bounds->attempt_timeout;
    }
    in_flight_.emplace(d.ticket, std::move(q));
    pipeline_.start(std::move(d));
  }
}

std::size_t core::record_finished() { return record_outcomes(pipeline_.take_done()); }

std::size_t core::record_outcomes(const std::vector<notifiers::delivery_done>& done) {
  for (const auto& r : done) {
    auto it = in_flight_.find(r.ticket);
    if (it == in_flight_.end()) {
      continue;
    }
    auto op = context("engine");
    record_delivery(op, it->second, r.result);
    in_flight_.erase(it);
  }
  return done.size();
}

std::size_t core::record_done() {
  // Each outcome is an operation of its own; together they are one batch.
  const auto done = pipeline_.take_done();
  if (done.empty()) {
    return 0;
  }
  begin();
  record_outcomes(done);
  commit();
  return done.size();
}

std::size_t core::deliver() {
  std::size_t recorded = 0;
  for (;;) {
    dispatch_ready();
    const auto n = record_done();
    recorded += n;
    if (n == 0 && ready_.empty()) {
      return recorded;
    }
  }
}

namespace {

// Exponential backoff with equal jitter: half of 10 s x 2^(attempt-1) (at most 10 min),
// plus a share of the other half fixed by the key and attempt, so that a retry is at
// the same instant in every run and after a restart, yet many retries do not align.
duration backoff(std::string_view key, int attempt) {
  const std::int64_t base = std::min<std::int64_t>(10'000LL << std::min(attempt - 1, 20), 600'000);
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (char c : key) {
    h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  h = (h ^ static_cast<std::uint64_t>(attempt)) * 1099511628211ULL;
  const std::int64_t half = base / 2;
  return duration{half + static_cast<std::int64_t>(h % static_cast<std::uint64_t>(half + 1))};
}

json::object delivery_details(const notifiers::notification& n) {
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
  return d;
}

}  // namespace

void core::record_delivery(op_context& op, queued_notification& q, const notifiers::delivery_result& r) {
  const auto& n = *q.message;
  q.row.attempts += 1;
  q.row.last_error = r.reason;
  q.row.next_attempt_at.reset();
  if (r.status == notifiers::delivery_status::delivered) {
    ++counters_.notifications_sent;
    log_.append(op.now, op.actor, "notification.sent", n.incident_id, delivery_details(n));
    q.row.state = "delivered";
    store_.update_notification(store::progress_of(q.row));
    return;
  }
  const auto* bounds = notifier_config_of(q);
  const int max_attempts = bounds != nullptr ? bounds->max_attempts : 5;
  const duration give_up_after = bounds != nullptr ? bounds->give_up_after : std::chrono::hours{1};
  std::string why;
  if (r.status == notifiers::delivery_status::retry) {
    const timestamp next = op.now + backoff(n.idempotency_key, q.row.attempts);
    if (q.row.attempts >= max_attempts) {
      why = fmt::format("{} attempts, the most {} allows", q.row.attempts, n.notifier);
    } else if (next - q.row.created_at > give_up_after) {
      why = fmt::format("no attempt left within {} of the first", format_duration(give_up_after));
    } else {
      // The same key on every attempt: a receiver that got an earlier one drops this.
      ++counters_.notifications_retried;
      auto d = delivery_details(n);
      d["attempt"] = q.row.attempts;
      d["error"] = r.reason;
      d["next_attempt"] = format_iso(next);
      log_.append(op.now, op.actor, "notification.retried", n.incident_id, d);
      q.row.state = "pending";
      q.row.next_attempt_at = next;
      store_.update_notification(store::progress_of(q.row));
      retries_.emplace(std::make_pair(next, retry_order_++), std::move(q));
      return;
    }
  } else {
    why = "the notifier says another attempt cannot help";
  }
  ++counters_.notifications_failed;
  ++counters_.notifications_dead;
  auto d = delivery_details(n);
  d["error"] = r.reason;
  d["retryable"] = r.status == notifiers::delivery_status::retry;
  d["attempts"] = q.row.attempts;
  log_.append(op.now, op.actor, "notification.failed", n.incident_id, d);
  auto dead = delivery_details(n);
  dead["attempts"] = q.row.attempts;
  dead["error"] = r.reason;
  dead["reason"] = why;
  log_.append(op.now, op.actor, "notification.dead", n.incident_id, dead);
  q.row.state = "dead";
  store_.update_notification(store::progress_of(q.row));
  escalate_undeliverable(op, q, fmt::format("{} ({})", r.reason, why));
}

void core::escalate_undeliverable(op_context& op, const queued_notification& q, const std::string& why) {
  const auto& n = *q.message;
  if (n.kind == notifiers::notification_kind::undeliverable) {
    return;  // a notice about a notice that failed would never end
  }
  incident* inc = find_open(n.incident_id);
  if (inc == nullptr) {
    return;  // resolved meanwhile: logged and counted, nothing left to act on
  }
  const auto owner = governance_contact(op, *inc);
  if (owner.person == nullptr) {
    return;
  }
  const escalation* esc = nullptr;
  if (auto it = escalations_.find(n.escalation_id); it != escalations_.end()) {
    esc = &it->second;
  }
  send(op, *inc, esc, notifiers::notification_kind::undeliverable, *owner.person, *owner.role, nullptr,
       fmt::format("the {} to {} as {} through {} ({}) could not be delivered: {}; {}", notifiers::to_string(n.kind),
                   n.person, n.role, n.notifier, n.address, why, owner.reason),
       std::nullopt, "for-" + n.idempotency_key, n.notifier);
}

const config::notifier_config* core::notifier_config_of(const queued_notification& q) {
  return org_of_version(q.version).find_notifier(q.row.notifier);
}

const config::organisation& core::org_of_version(const std::string& version) const {
  if (version == org_->version) {
    return *org_;
  }
  auto it = versions_.find(version);
  return it != versions_.end() ? *it->second : *org_;
}

void core::index_versions() {
  versions_.clear();
  versions_.emplace(org_->version, org_);
  for (const auto& [id, inc] : incidents_) {
    versions_.emplace(inc.org->version, inc.org);
  }
}

const std::shared_ptr<notifiers::notifier_set>& core::notifiers_of_version(const std::string& version) {
  if (auto it = notifiers_.find(version); it != notifiers_.end()) {
    return it->second;
  }
  return notifiers_for(org_of_version(version));
}

const std::shared_ptr<notifiers::notifier_set>& core::notifiers_for(const config::organisation& org) {
  auto it = notifiers_.find(org.version);
  if (it == notifiers_.end()) {
    auto made = make_notifiers_(org);
    if (made == nullptr) {
      made = std::make_shared<notifiers::notifier_set>();  // nothing can be delivered; each send says why
    }
    it = notifiers_.emplace(org.version, std::move(made)).first;
  }
  return it->second;
}

void core::release_notifiers() {
  std::unordered_set<std::string> in_use{org_->version};
  for (const auto& [id, inc] : incidents_) {
    in_use.insert(inc.org->version);
  }
  std::erase_if(notifiers_, [&](const auto& entry) { return !in_use.contains(entry.first); });
  index_versions();
}

}  // namespace baton::engine::detail
