// Paging up a role's ladder: who is paged at each rung, what an acknowledgement
// timeout or a passed engagement target does, repeats, and the "unowned" end.
#include <boost/json.hpp>
#include <fmt/format.h>

#include "config/loader.hpp"
#include "engine/core.hpp"
#include "engine/deadline.hpp"

namespace baton::engine::detail {
namespace json = boost::json;
using notifiers::notification_kind;

std::size_t core::ladder_key_hash::operator()(const ladder_key& k) const noexcept {
  auto h = std::hash<const void*>{};
  return h(k.org) ^ (h(k.role) * 31) ^ (h(k.system) * 1000003);
}


const ladder& core::ladder_for(const incident& inc, const config::role& role) {
  ladder_key key{inc.org.get(), &role, inc.system};
  auto it = ladders_.find(key);
  if (it == ladders_.end()) {
    it = ladders_.emplace(key, build_ladder(*inc.org, role, inc.system)).first;
  }
  return it->second;
}

void core::start_escalation(op_context& op, incident& inc, const config::role& role, const config::rule* rule) {
  escalation esc;
  esc.id = next_escalation_id_++;
  esc.incident_id = inc.id;
  esc.role = &role;
  esc.rule = rule;
  esc.triggered_at = op.now;
  auto& stored = escalations_.emplace(esc.id, esc).first->second;
  inc.escalations.push_back(stored.id);
  if (rule != nullptr && !rule->target.empty()) {
    stored.target_at = deadline_after(op.now, rule->target, inc.org->calendar, *inc.org->zone);
    stored.target_timer = arm(op, *stored.target_at, timer_kind::target, inc.id, stored.id);
  }
  json::object d;
  d["escalation"] = stored.id;
  d["role"] = role.id;
  d["rule"] = rule_id(rule);
  if (stored.target_at) {
    d["target"] = format_iso(*stored.target_at);
    d["target_spec"] = config::to_string(rule->target);
  }
  log_.append(op.now, op.actor, "escalation.started", inc.id, d);
  page_from(op, inc, stored, 0, rule != nullptr ? "accountability moved here" : "initial routing");
}

void core::end_escalation(op_context& op, incident& inc, escalation& esc, std::string_view why) {
  cancel(op, esc.ack_timer);
  cancel(op, esc.target_timer);
  esc.state = escalation_state::ended;
  op.touch(esc);
  json::object d;
  d["escalation"] = esc.id;
  d["role"] = esc.role->id;
  d["reason"] = why;
  log_.append(op.now, op.actor, "escalation.ended", inc.id, d);
}

duration core::ack_timeout_for(const incident& inc, const escalation& esc, const config::role& paged_role) const {
  if (esc.rule != nullptr && esc.rule->ack_timeout) {
    return *esc.rule->ack_timeout;
  }
  if (paged_role.ack_timeout) {
    return *paged_role.ack_timeout;
  }
  return inc.org->defaults.ack_timeout;
}

void core::page_from(op_context& op, incident& inc, escalation& esc, std::size_t from_rung, std::string_view why) {
  const config::organisation& org = *inc.org;
  const ladder& l = ladder_for(inc, *esc.role);
  const bool working_hours_only = esc.rule != nullptr && esc.rule->working_hours_only;
  resolution res = resolve_from(org, l, from_rung, op.now, working_hours_only);
  if (res.holder == nullptr) {
    const int repeats = esc.role->repeat.value_or(org.defaults.repeat);
    // A pass from the top that reached nobody would reach nobody again at this instant.
    const bool anyone_this_pass = from_rung > 0;
    bool from_top = from_rung == 0;
    if (anyone_this_pass && esc.round < repeats) {
      from_top = true;
      ++esc.round;
      json::object d;
      d["escalation"] = esc.id;
      d["role"] = esc.role->id;
      d["round"] = esc.round;
      d["reason"] = res.reason();
      log_.append(op.now, op.actor, "escalation.repeated", inc.id, d);
      res = resolve_from(org, l, 0, op.now, working_hours_only);
    }
    if (res.holder == nullptr) {
      // A pass from the top that found nobody only because of the hours: wait for the
      // first of them to begin rather than call the ladder unowned in the night.
      if (working_hours_only && from_top && wait_for_working_hours(op, inc, esc, l, res.reason())) {
        return;
      }
      json::object d;
      d["escalation"] = esc.id;
      d["role"] = esc.role->id;
      d["reason"] = res.reason();
      log_.append(op.now, op.actor, "holder.resolved", inc.id, d);
      go_unowned(op, inc, esc);
      return;
    }
  }
  esc.rung = static_cast<std::int32_t>(res.rung_index);
  esc.paged = res.holder;
  esc.state = escalation_state::paging;
  op.touch(esc);
  const rung& r = l.rungs[res.rung_index];
  std::string reason = res.reason();
  json::object d;
  d["escalation"] = esc.id;
  d["role"] = esc.role->id;
  d["as_role"] = res.as_role->id;
  d["holder"] = res.holder->id;
  d["rung"] = describe(r);
  d["round"] = esc.round;
  d["why"] = why;
  d["reason"] = reason;
  if (const auto fallback = fallback_of(r, res); !fallback.empty()) {
    d["fallback"] = fallback;
  }
  log_.append(op.now, op.actor, "holder.resolved", inc.id, d);

  send(op, inc, &esc, notification_kind::page, *res.holder, *res.as_role, esc.rule, reason, esc.target_at,
       fmt::format("r{}s{}", esc.round, esc.rung));
  if (r.source == rung_source::chair) {
    for (const auto& member_id : r.role->members) {
      if (const auto* m = org.find_person(member_id); m != nullptr && m != res.holder) {
        send(op, inc, &esc, notification_kind::inform, *m, *r.role, esc.rule,
             fmt::format("member of {}; chair {} paged", r.role->id, res.holder->id), esc.target_at,
             fmt::format("r{}s{}m", esc.round, esc.rung));
      }
    }
  }
  cancel(op, esc.ack_timer);
  esc.ack_timer = arm(op, op.now + ack_timeout_for(inc, esc, *res.as_role), timer_kind::ack_timeout, inc.id, esc.id);
}

bool core::wait_for_working_hours(op_context& op, incident& inc, escalation& esc, const ladder& l,
                                  const std::string& reason) {
  const config::organisation& org = *inc.org;
  std::optional<timestamp> earliest;
  const config::person* first = nullptr;
  for (const auto& r : l.rungs) {
    // Someone reachable but for the hours (themselves, or a delegate standing in).
    const availability a = check_rung(org, r, op.now, false);
    if (!a.available) {
      continue;
    }
    const config::person& p = a.stand_in != nullptr ? *a.stand_in : *r.person;
    const auto* zone = zone_of(org, p);
    const auto t = zone != nullptr ? next_working_time(p, *zone, op.now) : std::nullopt;
    if (t && *t > op.now && (!earliest || *t < *earliest)) {
      earliest = t;
      first = &p;
    }
  }
  if (!earliest || *earliest - op.now > std::chrono::days{14}) {
    return false;
  }
  cancel(op, esc.ack_timer);
  esc.paged = nullptr;
  esc.rung = 0;
  esc.state = escalation_state::paging;
  op.touch(esc);
  json::object d;
  d["escalation"] = esc.id;
  d["role"] = esc.role->id;
  d["until"] = format_iso(*earliest);
  d["first"] = first->id;
  d["reason"] = reason;
  log_.append(op.now, op.actor, "escalation.waiting", inc.id, d);
  esc.ack_timer = arm(op, *earliest, timer_kind::working_hours, inc.id, esc.id);
  return true;
}

void core::go_unowned(op_context& op, incident& inc, escalation& esc) {
  cancel(op, esc.ack_timer);
  esc.state = escalation_state::unowned;
  esc.paged = nullptr;
  op.touch(esc);
  ++counters_.unowned;
  const config::organisation& org = *inc.org;
  json::object d;
  d["escalation"] = esc.id;
  d["role"] = esc.role->id;
  d["rule"] = rule_id(esc.rule);
  d["rounds"] = esc.round + 1;
  d["governance_owner"] = org.defaults.governance_owner;
  log_.append(op.now, op.actor, "incident.unowned", inc.id, d);

  // The ladder never ends in silence: the governance owner hears of it, and may take
  // ownership by acknowledging (may_acknowledge).
  const auto owner = governance_contact(op, inc);
  if (owner.person != nullptr) {
    send(op, inc, &esc, notification_kind::unowned, *owner.person, *owner.role, esc.rule,
         fmt::format("nobody holding {} acknowledged; {}; acknowledge to take ownership as the governance owner ({})",
                     esc.role->id, owner.reason, owner.role->id),
         std::nullopt, "unowned");
  }
}

core::contact core::governance_contact(const op_context& op, const incident& inc) {
  const config::organisation& org = *inc.org;
  const auto* owner_role = org.find_role(org.defaults.governance_owner);
  if (owner_role == nullptr) {
    return {};
  }
  // Its holder if one is reachable, else its first person with a contact method,
  // whatever their availability: somebody must hear of it.
  const ladder& l = ladder_for(inc, *owner_role);
  resolution res = resolve_from(org, l, 0, op.now, false);
  contact c{res.holder, owner_role, res.reason()};
  if (c.person == nullptr) {
    for (const auto& r : l.rungs) {
      if (!r.person->contacts.empty()) {
        c.person = r.person;
        c.reason += fmt::format("; told {} although unavailable", c.person->id);
        break;
      }
    }
  }
  return c;
}

bool core::on_ladder(const incident& inc, const config::role& role, int up_to_depth, const config::person& p,
                     timestamp now) {
  for (const auto& r : ladder_for(inc, role).rungs) {
    if (r.depth > up_to_depth) {
      break;
    }
    if (r.person == &p && (r.entry == nullptr || (r.entry->from <= now && now < r.entry->until))) {
      return true;
    }
    for (const auto& a : r.person->out_of_office) {
      if (a.delegate == p.id && a.from <= now && now < a.until) {
        return true;
      }
    }
  }
  return false;
}

bool core::may_acknowledge(const incident& inc, const escalation& esc, const config::person& p, timestamp now) {
  if (esc.paged == &p) {
    return true;
  }
  // Any holder of the role may engage it: every rung of the role itself, and every
  // rung of the roles the ladder has already climbed to, including delegates standing in.
  const auto& rungs = ladder_for(inc, *esc.role).rungs;
  const int reached = esc.rung < static_cast<std::int32_t>(rungs.size()) ? rungs[static_cast<std::size_t>(esc.rung)].depth
                                                                         : rungs.empty() ? 0 : rungs.back().depth;
  if (on_ladder(inc, *esc.role, reached, p, now)) {
    return true;
  }
  // An unowned escalation is the governance owner's to take: its holders may engage it.
  if (esc.state == escalation_state::unowned) {
    const auto* owner = inc.org->find_role(inc.org->defaults.governance_owner);
    return owner != nullptr && on_ladder(inc, *owner, 0, p, now);
  }
  return false;
}

void core::engage(op_context& op, incident& inc, escalation& esc, const config::person& who) {
  cancel(op, esc.ack_timer);
  cancel(op, esc.target_timer);
  esc.state = escalation_state::engaged;
  esc.engaged_at = op.now;
  esc.engaged_by = &who;
  if (esc.target_at && op.now > *esc.target_at) {
    esc.breached = true;
  }
  op.touch(esc);
  const duration latency = op.now - esc.triggered_at;
  latency_.add({std::string{rule_id(esc.rule)}, esc.role->id, latency, esc.breached});
  json::object d;
  d["escalation"] = esc.id;
  d["role"] = esc.role->id;
  d["rule"] = rule_id(esc.rule);
  d["person"] = who.id;
  d["latency_ms"] = latency.count();
  d["latency"] = format_duration(latency);
  if (esc.target_at) {
    d["target"] = format_iso(*esc.target_at);
    d["target_met"] = !esc.breached;
  }
  log_.append(op.now, op.actor, "escalation.engaged", inc.id, d);
}

void core::on_ack_timeout(op_context& op, incident& inc, escalation& esc) {
  if (esc.state != escalation_state::paging) {
    return;
  }
  json::object d;
  d["escalation"] = esc.id;
  d["role"] = esc.role->id;
  d["unacknowledged"] = esc.paged != nullptr ? esc.paged->id : "";
  log_.append(op.now, op.actor, "escalation.unacknowledged", inc.id, d);
  page_from(op, inc, esc, static_cast<std::size_t>(esc.rung) + 1, "previous holder did not acknowledge in time");
}

void core::on_target(op_context& op, incident& inc, escalation& esc) {
  if (esc.state == escalation_state::engaged || esc.state == escalation_state::ended) {
    return;
  }
  esc.breached = true;
  ++counters_.breaches;
  op.touch(esc);
  json::object d;
  d["escalation"] = esc.id;
  d["role"] = esc.role->id;
  d["rule"] = rule_id(esc.rule);
  d["target"] = esc.target_at ? format_iso(*esc.target_at) : "";
  log_.append(op.now, op.actor, "deadline.breached", inc.id, d);
  if (esc.state == escalation_state::unowned) {
    send_breach_notices(op, inc, esc);
    return;
  }
  // A passed deadline escalates: page the next level up the escalates_to chain now.
  const ladder& l = ladder_for(inc, *esc.role);
  const auto current = static_cast<std::size_t>(esc.rung);
  const int depth = current < l.rungs.size() ? l.rungs[current].depth : 0;
  std::size_t next = current + 1;
  while (next < l.rungs.size() && l.rungs[next].depth <= depth) {
    ++next;
  }
  if (next < l.rungs.size()) {
    cancel(op, esc.ack_timer);
    page_from(op, inc, esc, next, "engagement deadline passed");
    return;
  }
  // Nowhere higher to go (the top of the ladder, or nobody owns it): the breach itself
  // is told, never passed over in silence.
  send_breach_notices(op, inc, esc);
}

void core::send_breach_notices(op_context& op, incident& inc, escalation& esc) {
  const std::string target = esc.target_at ? format_local(*esc.target_at, inc.org->zone) : std::string{"its target"};
  if (esc.paged != nullptr) {
    send(op, inc, &esc, notification_kind::breach, *esc.paged, *esc.role, esc.rule,
         fmt::format("the engagement target for {} passed at {} and nobody has acknowledged; there is no level above "
                     "to escalate to",
                     esc.role->id, target),
         esc.target_at, "breach");
  }
  const auto owner = governance_contact(op, inc);
  if (owner.person != nullptr && owner.person != esc.paged) {
    send(op, inc, &esc, notification_kind::breach, *owner.person, *owner.role, esc.rule,
         fmt::format("the engagement target for {} passed at {} unengaged{}; {}", esc.role->id, target,
                     esc.state == escalation_state::unowned ? " and nobody owns it" : ", with no level above",
                     owner.reason),
         esc.target_at, "breach");
  }
}

}  // namespace baton::engine::detail
