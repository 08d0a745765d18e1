// The engine's operations: an event in, an acknowledgement, a resolution, a timer
// firing, a configuration load. Each runs inside a batch (core::begin .. commit) and
// reads its instant once, from the op_context it is given.
#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "config/snapshot.hpp"
#include "engine/core.hpp"
#include "engine/deadline.hpp"
#include "engine/holder_resolver.hpp"

namespace baton::engine::detail {
namespace json = boost::json;
using notifiers::notification_kind;

namespace {

constexpr duration late_after{std::chrono::seconds{1}};

json::array string_array(const std::vector<std::string>& v) {
  json::array a;
  a.reserve(v.size());
  for (const auto& s : v) {
    a.emplace_back(s);
  }
  return a;
}

}  // namespace

std::string_view timer_name(timer_kind k) noexcept {
  switch (k) {
    case timer_kind::ack_timeout:
      return "ack_timeout";
    case timer_kind::target:
      return "target";
    case timer_kind::reminder:
      return "reminder";
    case timer_kind::working_hours:
      return "working_hours";
  }
  return "?";
}

load_result core::load_config(op_context& op, std::shared_ptr<const config::organisation> org) {
  org_ = std::move(org);
  release_notifiers();
  // Cached ladders point into configurations; a new one may reuse a freed one's address.
  ladders_.clear();
  json::object d;
  d["version"] = org_->version;
  d["organisation"] = org_->name;
  d["files"] = string_array(org_->files);
  d["rules"] = static_cast<std::int64_t>(org_->rules.size());
  d["roles"] = static_cast<std::int64_t>(org_->roles.size());
  const auto seq = log_.append(op.now, op.actor, "config.loaded", 0, d);
  // The files themselves, so that a restart rebuilds this version for the incidents
  // opened under it.
  store_.put_config_version({org_->version, op.now, config::snapshot_json(*org_), seq});
  return {org_->version};
}

engine_error core::not_open(std::int64_t id) {
  if (incidents_.contains(id)) {
    return {error_kind::conflict, fmt::format("incident {} is already resolved", id)};
  }
  if (auto row = id > 0 && id < next_incident_id_ ? store_.find_incident(id) : std::nullopt;
      row && row->state == "resolved") {
    return {error_kind::conflict,
            fmt::format("incident {} is already resolved (at {})", id,
                        row->resolved_at ? format_iso(*row->resolved_at) : format_iso(row->updated_at))};
  }
  return {error_kind::not_found, fmt::format("no open incident {}", id)};
}

incident* core::find_open(std::int64_t id) {
  auto it = incidents_.find(id);
  // A resolved incident stays in memory until its batch commits, but is no longer open.
  return it == incidents_.end() || it->second.state == incident_state::resolved ? nullptr : &it->second;
}

expected<submit_result, engine_error> core::submit(op_context& op, const event& e) {
  if (e.type.empty()) {
    return unexpected{engine_error{error_kind::invalid, "event has no type"}};
  }
  ++counters_.events;

  submit_result result;
  incident* inc = nullptr;
  if (!e.dedup_key.empty()) {
    if (auto it = by_dedup_key_.find(e.dedup_key); it != by_dedup_key_.end()) {
      inc = &incidents_.at(it->second);
    }
  }
  json::object d;
  d["type"] = e.type;
  d["system"] = e.system;
  d["severity"] = e.severity;
  d["summary"] = e.summary;
  d["source"] = e.source;
  d["dedup_key"] = e.dedup_key;
  if (!e.attrs.empty()) {
    json::object attrs;
    for (const auto& a : e.attrs) {
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
              attrs[a.key] = nullptr;
            } else {
              attrs[a.key] = v;
            }
          },
          a.value);
    }
    d["attrs"] = std::move(attrs);
  }
  if (e.occurred_at) {
    d["occurred_at"] = format_iso(*e.occurred_at);
  }
  if (inc != nullptr) {
    ++counters_.deduplicated;
    ++inc->event_count;
    inc->updated_at = op.now;
    d["deduplicated"] = true;
    log_.append(op.now, op.actor, "event.received", inc->id, d);
  } else {
    log_.append(op.now, op.actor, "event.received", next_incident_id_, d);
    inc = &open_incident(op, e);
    result.created = true;
  }
  result.incident_id = inc->id;
  apply_rules(op, *inc, e, result.fired_rules);
  op.touch(*inc);
  return result;
}

incident& core::open_incident(op_context& op, const event& e) {
  incident inc;
  inc.id = next_incident_id_++;
  inc.dedup_key = e.dedup_key;
  inc.org = org_;
  inc.system = org_->find_system(e.system);
  inc.system_id = e.system;
  inc.type = e.type;
  inc.severity = e.severity;
  inc.summary = e.summary;
  inc.opened_at = op.now;
  inc.updated_at = op.now;
  inc.event_count = 1;
  inc.opened_by = op.actor;
  ++counters_.incidents_opened;
  auto& stored = incidents_.emplace(inc.id, std::move(inc)).first->second;
  // Only a sender's own key joins later events: an incident opened without one can be
  // reached by its id alone, so no key a sender chooses can ever join or shadow it.
  if (!stored.dedup_key.empty()) {
    by_dedup_key_.emplace(stored.dedup_key, stored.id);
  }

  json::object d;
  d["dedup_key"] = stored.dedup_key;
  d["system"] = stored.system_id;
  d["config_version"] = stored.org->version;
  if (stored.system == nullptr && !e.system.empty()) {
    d["note"] = fmt::format("unknown system {}: business-unit roles cannot be scoped", e.system);
  }
  log_.append(op.now, op.actor, "incident.opened", stored.id, d);
  return stored;
}

void core::apply_rules(op_context& op, incident& inc, const event& e, std::vector<std::string>& fired) {
  const config::organisation& org = *inc.org;
  rules::event_view ev{e.type, e.severity, e.source, e.summary, &e.attrs};
  rules::system_view sv;
  if (inc.system != nullptr) {
    const auto& sys = *inc.system;
    sv = {sys.id, sys.name, sys.business_unit, sys.risk_tier, sys.domain, sys.vendor, sys.data};
  }
  rules::incident_view iv{op.now - inc.opened_at, inc.event_count, to_string(inc.state)};
  rules::context ctx{&ev, inc.system != nullptr ? &sv : nullptr, &iv};

  // The accountable set before this event; rules then move roles out of and into it.
  accountable_set target;
  if (inc.escalations.empty()) {
    target = initial_accountability(org, e.type);
  } else {
    for (auto id : inc.escalations) {
      const auto& esc = escalations_.at(id);
      if (esc.state != escalation_state::ended) {
        target.push_back({esc.role, esc.rule});
      }
    }
  }
  std::vector<const config::rule*> fired_now;
  for (const auto& rule : org.rules) {
    if (std::find(inc.fired.begin(), inc.fired.end(), &rule) != inc.fired.end()) {
      continue;  // each rule fires at most once per incident
    }
    if (!rule.when.evaluate(ctx)) {
      continue;
    }
    inc.fired.push_back(&rule);
    fired_now.push_back(&rule);
    fired.push_back(rule.id);
    ++counters_.rules_fired;
    json::object d;
    d["rule"] = rule.id;
    d["threshold"] = rule.threshold;
    d["description"] = rule.description;
    if (!rule.timing.empty()) {
      d["timing"] = rule.timing;
    }
    d["when"] = rule.when_source;
    d["config_version"] = org.version;
    log_.append(op.now, op.actor, "rule.fired", inc.id, d);

    auto moved = move_accountability(target, org, rule);
    json::object m;
    m["rule"] = rule.id;
    m["from"] = rule.from;
    m["to"] = string_array(rule.to);
    m["before"] = string_array(moved.before);
    m["after"] = string_array(moved.after);
    m["joint"] = rule.to.size() > 1;
    log_.append(op.now, op.actor, "accountability.moved", inc.id, m);
  }

  // Roles no longer accountable end; roles newly accountable start paging.
  for (auto id : inc.escalations) {
    auto& esc = escalations_.at(id);
    if (esc.state == escalation_state::ended) {
      continue;
    }
    if (!holds(target, esc.role)) {
      end_escalation(op, inc, esc, "accountability moved");
    }
  }
  for (const auto& a : target) {
    const bool active = std::any_of(inc.escalations.begin(), inc.escalations.end(), [&](std::int64_t id) {
      const auto& esc = escalations_.at(id);
      return esc.role == a.role && esc.state != escalation_state::ended;
    });
    if (!active) {
      start_escalation(op, inc, *a.role, a.rule);
    }
  }
  for (const auto* rule : fired_now) {
    inform(op, inc, *rule);
  }
  update_incident_state(op, inc);
}

void core::inform(op_context& op, incident& inc, const config::rule& rule) {
  const config::organisation& org = *inc.org;
  for (const auto& entry : rule.notify) {
    const auto* role = org.find_role(entry.role);
    if (role == nullptr) {
      continue;
    }
    std::optional<timestamp> deadline;
    if (!entry.within.empty()) {
      deadline = deadline_after(op.now, entry.within, org.calendar, *org.zone);
    }
    const ladder& l = ladder_for(inc, *role);
    resolution res = resolve_from(org, l, 0, op.now, false);
    if (res.holder == nullptr) {
      ++counters_.notifications_failed;
      json::object d;
      d["rule"] = rule.id;
      d["role"] = role->id;
      d["reason"] = res.reason();
      log_.append(op.now, op.actor, "notification.failed", inc.id, d);
      continue;
    }
    std::string reason = fmt::format("{} must be informed{} under rule {}; {}", role->id,
                                     deadline ? " by " + format_local(*deadline, org.zone) : std::string{}, rule.id,
                                     res.reason());
    send(op, inc, nullptr, notification_kind::inform, *res.holder, *res.as_role, &rule, reason, deadline,
         fmt::format("{}-{}", rule.id, role->id));
    const rung& r = l.rungs[res.rung_index];
    if (r.source == rung_source::chair) {
      for (const auto& member_id : r.role->members) {
        if (const auto* m = org.find_person(member_id); m != nullptr && m != res.holder) {
          send(op, inc, nullptr, notification_kind::inform, *m, *r.role, &rule, reason, deadline,
               fmt::format("{}-{}-m", rule.id, role->id));
        }
      }
    }
  }
}

expected<ack_result, engine_error> core::acknowledge(op_context& op, std::int64_t id, std::string_view person_id) {
  incident* open = find_open(id);
  if (open == nullptr) {
    return unexpected{not_open(id)};
  }
  incident& inc = *open;
  const auto* p = inc.org->find_person(person_id);
  if (p == nullptr) {
    return unexpected{engine_error{error_kind::invalid, fmt::format("unknown person {}", person_id)}};
  }
  ack_result result;
  result.incident_id = inc.id;
  bool was_accountable = false;
  for (auto esc_id : inc.escalations) {
    auto& esc = escalations_.at(esc_id);
    if (esc.state == escalation_state::ended) {
      continue;
    }
    if (!may_acknowledge(inc, esc, *p, op.now)) {
      continue;
    }
    was_accountable = true;
    if (esc.state == escalation_state::engaged) {
      result.already_engaged.push_back(esc.role->id);
      continue;
    }
    engage(op, inc, esc, *p);
    result.engaged_roles.push_back(esc.role->id);
  }
  if (!was_accountable) {
    json::object d;
    d["person"] = p->id;
    d["reason"] = "not a holder of any role accountable for this incident";
    log_.append(op.now, op.actor, "acknowledgement.rejected", inc.id, d);
    return unexpected{engine_error{error_kind::forbidden,
                                   fmt::format("{} holds no role accountable for incident {}", p->id, id)}};
  }
  if (result.engaged_roles.empty()) {
    // A repeat (a second click, a retrying client): nothing new is engaged, so nothing
    // is logged or counted; the answer says what was engaged already.
    result.incident_acknowledged = inc.state == incident_state::acknowledged;
    return result;
  }
  ++counters_.acknowledgements;
  json::object d;
  d["person"] = p->id;
  d["engaged"] = string_array(result.engaged_roles);
  d["latency_ms"] = (op.now - inc.opened_at).count();  // since the incident opened
  log_.append(op.now, op.actor, "acknowledged", inc.id, d);
  update_incident_state(op, inc);
  result.incident_acknowledged = inc.state == incident_state::acknowledged;
  op.touch(inc);
  return result;
}

// A sender (PagerDuty's "acknowledge") says someone on its side is on it. That is no
// person of the organisation engaging a role: accountability, paging and timers stay as
// they are, and the log keeps what the sender said.
expected<ack_result, engine_error> core::note_sender_acknowledgement(op_context& op, std::int64_t id) {
  incident* open = find_open(id);
  if (open == nullptr) {
    return unexpected{not_open(id)};
  }
  json::object d;
  d["note"] = "acknowledged by the sender; no role engaged, paging goes on";
  log_.append(op.now, op.actor, "incident.sender_acknowledged", open->id, d);
  ack_result result;
  result.incident_id = open->id;
  result.incident_acknowledged = open->state == incident_state::acknowledged;
  return result;
}

void core::update_incident_state(op_context& op, incident& inc) {
  bool any = false;
  bool all_engaged = true;
  for (auto id : inc.escalations) {
    const auto& esc = escalations_.at(id);
    if (esc.state == escalation_state::ended) {
      continue;
    }
    any = true;
    all_engaged = all_engaged && esc.state == escalation_state::engaged;
  }
  const auto next = any && all_engaged ? incident_state::acknowledged : incident_state::open;
  if (next == inc.state) {
    return;
  }
  inc.state = next;
  op.touch(inc);
  json::object d;
  d["state"] = to_string(next);
  log_.append(op.now, op.actor, next == incident_state::acknowledged ? "incident.acknowledged" : "incident.reopened",
              inc.id, d);
  if (next == incident_state::acknowledged) {
    const auto interval = inc.org->defaults.reminder_interval;
    if (interval.count() > 0) {
      inc.reminder_timer = arm(op, op.now + interval, timer_kind::reminder, inc.id, 0);
    }
  } else {
    cancel(op, inc.reminder_timer);
  }
}

expected<resolve_result, engine_error> core::resolve(op_context& op, std::int64_t id, std::string_view note) {
  incident* open = find_open(id);
  if (open == nullptr) {
    return unexpected{not_open(id)};
  }
  incident& inc = *open;
  if (auto why = may_not_resolve(op, inc)) {
    json::object d;
    d["reason"] = *why;
    log_.append(op.now, op.actor, "resolution.rejected", inc.id, d);
    return unexpected{engine_error{error_kind::forbidden, fmt::format("{} may not resolve incident {}: {}",
                                                                      op.actor, inc.id, *why)}};
  }
  for (auto esc_id : inc.escalations) {
    auto& esc = escalations_.at(esc_id);
    if (esc.state != escalation_state::ended && esc.state != escalation_state::engaged) {
      end_escalation(op, inc, esc, "incident resolved");
    } else {
      cancel(op, esc.ack_timer);
      cancel(op, esc.target_timer);
    }
  }
  cancel(op, inc.reminder_timer);
  inc.state = incident_state::resolved;
  inc.updated_at = op.now;
  ++counters_.resolved;
  json::object d;
  d["note"] = note;
  d["open_for_ms"] = (op.now - inc.opened_at).count();
  log_.append(op.now, op.actor, "incident.resolved", inc.id, d);
  op.touch(inc);
  // Its key may open a new incident at once, even within this batch.
  if (!inc.dedup_key.empty()) {
    by_dedup_key_.erase(inc.dedup_key);
  }
  op.changes.resolved.push_back(inc.id);
  return resolve_result{inc.id};
}

std::optional<std::string> core::may_not_resolve(const op_context& op, const incident& inc) {
  constexpr std::string_view person_prefix = "person:";
  if (!std::string_view(op.actor).starts_with(person_prefix)) {
    // An integration (or any other caller that is not a person) resolves what it opened:
    // Alertmanager's "resolved", PagerDuty's resolve.
    if (op.actor == inc.opened_by) {
      return std::nullopt;
    }
    return fmt::format("it was opened by {}, and only a person holding an accountable role, the governance owner, "
                       "or the sender that opened it may resolve it",
                       inc.opened_by.empty() ? std::string{"nobody known"} : inc.opened_by);
  }
  const std::string_view id = std::string_view(op.actor).substr(person_prefix.size());
  const auto* p = inc.org->find_person(id);
  if (p == nullptr) {
    return fmt::format("{} is not a person of the incident's configuration", id);
  }
  for (auto esc_id : inc.escalations) {
    const auto& esc = escalations_.at(esc_id);
    if (esc.state != escalation_state::ended && may_acknowledge(inc, esc, *p, op.now)) {
      return std::nullopt;
    }
  }
  const auto* owner = inc.org->find_role(inc.org->defaults.governance_owner);
  if (owner != nullptr && on_ladder(inc, *owner, 0, *p, op.now)) {
    return std::nullopt;
  }
  return fmt::format("{} holds no role accountable for it and is not the governance owner ({})", p->id,
                     inc.org->defaults.governance_owner);
}

std::size_t core::fire_due(std::size_t at_most) {
  const timestamp now = clock_.now();
  std::size_t fired = 0;
  while (at_most == 0 || fired < at_most) {
    auto t = timers_.pop_due(now);
    if (!t) {
      break;
    }
    op_context op = context("engine");
    if (timer_observer_) {
      timer_observer_(std::max(duration{0}, op.now - t->due));
    }
    forget_timer(op, t->seq);
    on_timer(op, *t);
    ++fired;
  }
  // Deliveries due again go out once this batch has committed.
  while (!retries_.empty() && retries_.begin()->first.first <= now) {
    changes_.outbox.push_back(std::move(retries_.begin()->second));
    retries_.erase(retries_.begin());
  }
  return fired;
}

std::optional<timestamp> core::next_due() {
  auto t = timers_.next_due();
  if (!retries_.empty() && (!t || retries_.begin()->first.first < *t)) {
    t = retries_.begin()->first.first;
  }
  return t;
}

void core::on_timer(op_context& op, const timer& t) {
  incident* open = find_open(t.incident_id);
  if (open == nullptr) {
    return;
  }
  incident& inc = *open;
  if (op.now - t.due > late_after) {
    json::object d;
    d["timer"] = timer_name(t.kind);
    d["due"] = format_iso(t.due);
    d["late_ms"] = (op.now - t.due).count();
    log_.append(op.now, op.actor, "timer.late", inc.id, d);
  }
  if (t.kind == timer_kind::reminder) {
    inc.reminder_timer = 0;
    on_reminder(op, inc);
    return;
  }
  auto esc_it = escalations_.find(t.escalation_id);
  if (esc_it == escalations_.end()) {
    return;
  }
  escalation& esc = esc_it->second;
  if (t.kind == timer_kind::ack_timeout) {
    esc.ack_timer = 0;
    on_ack_timeout(op, inc, esc);
  } else if (t.kind == timer_kind::working_hours) {
    esc.ack_timer = 0;
    if (esc.state == escalation_state::paging) {
      page_from(op, inc, esc, 0, "working hours began");
    }
  } else {
    esc.target_timer = 0;
    on_target(op, inc, esc);
  }
  update_incident_state(op, inc);
  op.touch(inc);
}

void core::on_reminder(op_context& op, incident& inc) {
  if (inc.state != incident_state::acknowledged) {
    return;
  }
  const config::organisation& org = *inc.org;
  // A reminder about a non-urgent incident (a working-hours-only rule) waits for its
  // holder's working hours.
  std::vector<const escalation*> now;
  std::optional<timestamp> deferred_until;
  json::array deferred;
  for (auto id : inc.escalations) {
    const auto& esc = escalations_.at(id);
    if (esc.state != escalation_state::engaged || esc.engaged_by == nullptr) {
      continue;
    }
    const config::person& holder = *esc.engaged_by;
    if (esc.rule != nullptr && esc.rule->working_hours_only) {
      const auto* zone = zone_of(org, holder);
      if (zone != nullptr && !within_working_hours(holder, *zone, op.now)) {
        if (auto t = next_working_time(holder, *zone, op.now)) {
          deferred_until = deferred_until ? std::min(*deferred_until, *t) : *t;
          deferred.emplace_back(json::object{{"person", holder.id}, {"until", format_iso(*t)}});
        }
        continue;
      }
    }
    now.push_back(&esc);
  }
  timestamp next = op.now + org.defaults.reminder_interval;
  if (now.empty() && deferred_until) {
    // Nobody to remind at this hour: the reminder comes when the first hours begin.
    json::object d;
    d["deferred"] = std::move(deferred);
    log_.append(op.now, op.actor, "reminder.deferred", inc.id, d);
    inc.reminder_timer = arm(op, *deferred_until, timer_kind::reminder, inc.id, 0);
    return;
  }
  ++inc.reminders_sent;
  op.touch(inc);
  for (const auto* esc : now) {
    send(op, inc, esc, notification_kind::reminder, *esc->engaged_by, *esc->role, esc->rule,
         fmt::format("you acknowledged as {}; the incident is still open", esc->role->id), std::nullopt,
         fmt::format("n{}", inc.reminders_sent));
  }
  json::object d;
  d["count"] = inc.reminders_sent;
  if (!deferred.empty()) {
    d["deferred"] = std::move(deferred);
    // Those waiting for their hours get theirs when the first hours begin.
    next = std::min(next, *deferred_until);
  }
  log_.append(op.now, op.actor, "reminder.sent", inc.id, d);
  inc.reminder_timer = arm(op, next, timer_kind::reminder, inc.id, 0);
}

}  // namespace baton::engine::detail
