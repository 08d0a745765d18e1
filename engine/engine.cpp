#include "engine/engine.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "config/loader.hpp"
#include "engine/deadline.hpp"

namespace baton::engine {
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

std::string_view rule_id(const config::rule* r) { return r == nullptr ? std::string_view{} : std::string_view{r->id}; }

std::string_view timer_name(timer_kind k) {
  switch (k) {
    case timer_kind::ack_timeout:
      return "ack_timeout";
    case timer_kind::target:
      return "target";
    case timer_kind::reminder:
      return "reminder";
  }
  return "?";
}

latency_stats summarise(std::vector<const latency_sample*> samples) {
  latency_stats st;
  if (samples.empty()) {
    return st;
  }
  std::sort(samples.begin(), samples.end(),
            [](const latency_sample* a, const latency_sample* b) { return a->latency < b->latency; });
  st.count = static_cast<std::int64_t>(samples.size());
  auto at = [&](double q) {
    // Nearest-rank percentile: the smallest sample with at least q of all at or below it.
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples.size())));
    return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1]->latency;
  };
  st.median = at(0.5);
  st.p90 = at(0.9);
  st.max = samples.back()->latency;
  for (const auto* s : samples) {
    st.breaches += s->breached ? 1 : 0;
  }
  return st;
}

}  // namespace

std::string_view to_string(incident_state s) noexcept {
  switch (s) {
    case incident_state::open:
      return "open";
    case incident_state::acknowledged:
      return "acknowledged";
    case incident_state::resolved:
      return "resolved";
  }
  return "?";
}

std::string_view to_string(escalation_state s) noexcept {
  switch (s) {
    case escalation_state::paging:
      return "paging";
    case escalation_state::engaged:
      return "engaged";
    case escalation_state::unowned:
      return "unowned";
    case escalation_state::ended:
      return "ended";
  }
  return "?";
}

std::size_t engine::ladder_key_hash::operator()(const ladder_key& k) const noexcept {
  auto h = std::hash<const void*>{};
  return h(k.org) ^ (h(k.role) * 31) ^ (h(k.system) * 1000003);
}

/// One public operation: `now` is read once and passed down; changed rows are written
/// once, at the end, inside the operation's transaction.
struct engine::step {
  timestamp now;
  std::string actor;
  std::vector<std::int64_t> dirty_incidents;
  std::vector<std::int64_t> dirty_escalations;
  std::vector<store::timer_row> armed;
  std::vector<std::int64_t> cancelled;

  void touch(const incident& inc) { dirty_incidents.push_back(inc.id); }
  void touch(const escalation& esc) { dirty_escalations.push_back(esc.id); }
};

engine::engine(clock& clk, store::store& st, notifiers::notifier_set& notifiers,
               std::shared_ptr<const config::organisation> org)
    : clock_(clk), store_(st), notifiers_(notifiers), log_(st), org_(std::move(org)) {
  next_incident_id_ = store_.max_incident_id() + 1;
  next_escalation_id_ = store_.max_escalation_id() + 1;
  load_config(org_, "config");
}

engine::~engine() = default;

void engine::load_config(std::shared_ptr<const config::organisation> org, std::string_view actor) {
  const auto now = clock_.now();
  store::transaction tx(store_);
  org_ = std::move(org);
  // Cached ladders point into configurations; a new one may reuse a freed one's address.
  ladders_.clear();
  json::object d;
  d["version"] = org_->version;
  d["organisation"] = org_->name;
  d["files"] = string_array(org_->files);
  d["rules"] = static_cast<std::int64_t>(org_->rules.size());
  d["roles"] = static_cast<std::int64_t>(org_->roles.size());
  store_.put_config_version({org_->version, now, json::serialize(d)});
  log_.append(now, actor, "config.loaded", 0, d);
  tx.commit();
}

const ladder& engine::ladder_for(const incident& inc, const config::role& role) {
  ladder_key key{inc.org.get(), &role, inc.system};
  auto it = ladders_.find(key);
  if (it == ladders_.end()) {
    it = ladders_.emplace(key, build_ladder(*inc.org, role, inc.system)).first;
  }
  return it->second;
}

std::uint64_t engine::arm(step& s, timestamp due, timer_kind kind, std::int64_t incident_id,
                          std::int64_t escalation_id) {
  auto id = timers_.arm(due, kind, incident_id, escalation_id);
  s.armed.push_back({static_cast<std::int64_t>(id), due, std::string{timer_name(kind)}, incident_id, escalation_id});
  return id;
}

void engine::cancel(step& s, std::uint64_t& timer_id) {
  if (timer_id != 0) {
    timers_.cancel(timer_id);
    s.cancelled.push_back(static_cast<std::int64_t>(timer_id));
    timer_id = 0;
  }
}

expected<submit_result, engine_error> engine::submit(const event& e, std::string_view actor) {
  if (e.type.empty()) {
    return unexpected{engine_error{error_kind::invalid, "event has no type"}};
  }
  step s{clock_.now(), std::string{actor}, {}, {}, {}, {}};
  store::transaction tx(store_);
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
    inc->updated_at = s.now;
    d["deduplicated"] = true;
    log_.append(s.now, actor, "event.received", inc->id, d);
  } else {
    std::string key = e.dedup_key.empty() ? fmt::format("incident-{}", next_incident_id_) : e.dedup_key;
    log_.append(s.now, actor, "event.received", next_incident_id_, d);
    inc = &open_incident(s, e, key);
    result.created = true;
  }
  result.incident_id = inc->id;
  apply_rules(s, *inc, e, result.fired_rules);
  s.touch(*inc);
  flush(s);
  tx.commit();
  return result;
}

incident& engine::open_incident(step& s, const event& e, std::string_view key) {
  incident inc;
  inc.id = next_incident_id_++;
  inc.dedup_key = std::string{key};
  inc.org = org_;
  inc.system = org_->find_system(e.system);
  inc.system_id = e.system;
  inc.type = e.type;
  inc.severity = e.severity;
  inc.summary = e.summary;
  inc.opened_at = s.now;
  inc.updated_at = s.now;
  inc.event_count = 1;
  ++counters_.incidents_opened;
  auto& stored = incidents_.emplace(inc.id, std::move(inc)).first->second;
  by_dedup_key_.emplace(stored.dedup_key, stored.id);

  json::object d;
  d["dedup_key"] = stored.dedup_key;
  d["system"] = stored.system_id;
  d["config_version"] = stored.org->version;
  if (stored.system == nullptr && !e.system.empty()) {
    d["note"] = fmt::format("unknown system {}: business-unit roles cannot be scoped", e.system);
  }
  log_.append(s.now, s.actor, "incident.opened", stored.id, d);
  return stored;
}

void engine::apply_rules(step& s, incident& inc, const event& e, std::vector<std::string>& fired) {
  const config::organisation& org = *inc.org;
  rules::event_view ev{e.type, e.severity, e.source, e.summary, &e.attrs};
  rules::system_view sv;
  if (inc.system != nullptr) {
    const auto& sys = *inc.system;
    sv = {sys.id, sys.name, sys.business_unit, sys.risk_tier, sys.domain, sys.vendor, sys.data};
  }
  rules::incident_view iv{s.now - inc.opened_at, inc.event_count, to_string(inc.state)};
  rules::context ctx{&ev, inc.system != nullptr ? &sv : nullptr, &iv};

  const bool is_new = inc.escalations.empty();
  // The accountable set before this event; rules then move roles out of and into it.
  std::vector<std::pair<const config::role*, const config::rule*>> target;
  if (is_new) {
    const auto& route = org.route;
    auto it = route.by_event_type.find(e.type);
    const auto* role = org.find_role(it != route.by_event_type.end() ? it->second : route.default_role);
    if (role != nullptr) {
      target.emplace_back(role, nullptr);
    }
  } else {
    for (auto id : inc.escalations) {
      const auto& esc = escalations_.at(id);
      if (esc.state != escalation_state::ended) {
        target.emplace_back(esc.role, esc.rule);
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
    log_.append(s.now, s.actor, "rule.fired", inc.id, d);

    const auto* from = org.find_role(rule.from);
    std::vector<std::string> before;
    for (const auto& [r, _] : target) {
      before.push_back(r->id);
    }
    const bool from_stays = std::find(rule.to.begin(), rule.to.end(), rule.from) != rule.to.end();
    if (from != nullptr && !from_stays) {
      std::erase_if(target, [&](const auto& p) { return p.first == from; });
    }
    for (const auto& to_id : rule.to) {
      const auto* to = org.find_role(to_id);
      if (to == nullptr) {
        continue;
      }
      auto it = std::find_if(target.begin(), target.end(), [&](const auto& p) { return p.first == to; });
      if (it == target.end()) {
        target.emplace_back(to, &rule);
      }
    }
    std::vector<std::string> after;
    for (const auto& [r, _] : target) {
      after.push_back(r->id);
    }
    json::object m;
    m["rule"] = rule.id;
    m["from"] = rule.from;
    m["to"] = string_array(rule.to);
    m["before"] = string_array(before);
    m["after"] = string_array(after);
    m["joint"] = rule.to.size() > 1;
    log_.append(s.now, s.actor, "accountability.moved", inc.id, m);
  }

  // Roles no longer accountable end; roles newly accountable start paging.
  for (auto id : inc.escalations) {
    auto& esc = escalations_.at(id);
    if (esc.state == escalation_state::ended) {
      continue;
    }
    bool still = std::any_of(target.begin(), target.end(), [&](const auto& p) { return p.first == esc.role; });
    if (!still) {
      end_escalation(s, inc, esc, "accountability moved");
    }
  }
  for (const auto& [role, rule] : target) {
    // `&role = role`: clang 14 cannot capture a structured binding implicitly.
    bool active = std::any_of(inc.escalations.begin(), inc.escalations.end(), [&, &role = role](std::int64_t id) {
      const auto& esc = escalations_.at(id);
      return esc.role == role && esc.state != escalation_state::ended;
    });
    if (!active) {
      start_escalation(s, inc, *role, rule);
    }
  }
  for (const auto* rule : fired_now) {
    inform(s, inc, *rule);
  }
  update_incident_state(s, inc);
}

void engine::start_escalation(step& s, incident& inc, const config::role& role, const config::rule* rule) {
  escalation esc;
  esc.id = next_escalation_id_++;
  esc.incident_id = inc.id;
  esc.role = &role;
  esc.rule = rule;
  esc.triggered_at = s.now;
  auto& stored = escalations_.emplace(esc.id, esc).first->second;
  inc.escalations.push_back(stored.id);
  if (rule != nullptr && !rule->target.empty()) {
    stored.target_at = deadline_after(s.now, rule->target, inc.org->calendar, *inc.org->zone);
    stored.target_timer = arm(s, *stored.target_at, timer_kind::target, inc.id, stored.id);
  }
  json::object d;
  d["escalation"] = stored.id;
  d["role"] = role.id;
  d["rule"] = rule_id(rule);
  if (stored.target_at) {
    d["target"] = format_iso(*stored.target_at);
    d["target_spec"] = config::to_string(rule->target);
  }
  log_.append(s.now, s.actor, "escalation.started", inc.id, d);
  page_from(s, inc, stored, 0, rule != nullptr ? "accountability moved here" : "initial routing");
}

void engine::end_escalation(step& s, incident& inc, escalation& esc, std::string_view why) {
  cancel(s, esc.ack_timer);
  cancel(s, esc.target_timer);
  esc.state = escalation_state::ended;
  s.touch(esc);
  json::object d;
  d["escalation"] = esc.id;
  d["role"] = esc.role->id;
  d["reason"] = why;
  log_.append(s.now, s.actor, "escalation.ended", inc.id, d);
}

duration engine::ack_timeout_for(const incident& inc, const escalation& esc, const config::role& paged_role) const {
  if (esc.rule != nullptr && esc.rule->ack_timeout) {
    return *esc.rule->ack_timeout;
  }
  if (paged_role.ack_timeout) {
    return *paged_role.ack_timeout;
  }
  return inc.org->defaults.ack_timeout;
}

void engine::page_from(step& s, incident& inc, escalation& esc, std::size_t from_rung, std::string_view why) {
  const config::organisation& org = *inc.org;
  const ladder& l = ladder_for(inc, *esc.role);
  const bool working_hours_only = esc.rule != nullptr && esc.rule->working_hours_only;
  resolution res = resolve_from(org, l, from_rung, s.now, working_hours_only);
  if (res.holder == nullptr) {
    const int repeats = esc.role->repeat.value_or(org.defaults.repeat);
    // A pass from the top that reached nobody would reach nobody again at this instant.
    const bool anyone_this_pass = from_rung > 0;
    if (anyone_this_pass && esc.round < repeats) {
      ++esc.round;
      json::object d;
      d["escalation"] = esc.id;
      d["role"] = esc.role->id;
      d["round"] = esc.round;
      d["reason"] = res.reason();
      log_.append(s.now, s.actor, "escalation.repeated", inc.id, d);
      res = resolve_from(org, l, 0, s.now, working_hours_only);
    }
    if (res.holder == nullptr) {
      json::object d;
      d["escalation"] = esc.id;
      d["role"] = esc.role->id;
      d["reason"] = res.reason();
      log_.append(s.now, s.actor, "holder.resolved", inc.id, d);
      go_unowned(s, inc, esc);
      return;
    }
  }
  esc.step = static_cast<std::int32_t>(res.rung_index);
  esc.paged = res.holder;
  esc.state = escalation_state::paging;
  s.touch(esc);
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
  log_.append(s.now, s.actor, "holder.resolved", inc.id, d);

  send(s, inc, &esc, notification_kind::page, *res.holder, *res.as_role, esc.rule, reason, esc.target_at,
       fmt::format("r{}s{}", esc.round, esc.step));
  if (r.source == rung_source::chair) {
    for (const auto& member_id : r.role->members) {
      if (const auto* m = org.find_person(member_id); m != nullptr && m != res.holder) {
        send(s, inc, &esc, notification_kind::inform, *m, *r.role, esc.rule,
             fmt::format("member of {}; chair {} paged", r.role->id, res.holder->id), esc.target_at,
             fmt::format("r{}s{}m", esc.round, esc.step));
      }
    }
  }
  cancel(s, esc.ack_timer);
  esc.ack_timer = arm(s, s.now + ack_timeout_for(inc, esc, *res.as_role), timer_kind::ack_timeout, inc.id, esc.id);
}

void engine::go_unowned(step& s, incident& inc, escalation& esc) {
  cancel(s, esc.ack_timer);
  esc.state = escalation_state::unowned;
  esc.paged = nullptr;
  s.touch(esc);
  ++counters_.unowned;
  const config::organisation& org = *inc.org;
  json::object d;
  d["escalation"] = esc.id;
  d["role"] = esc.role->id;
  d["rule"] = rule_id(esc.rule);
  d["rounds"] = esc.round + 1;
  d["governance_owner"] = org.defaults.governance_owner;
  log_.append(s.now, s.actor, "incident.unowned", inc.id, d);

  // The ladder never ends in silence: the governance owner hears of it, through its
  // holder if one is reachable, else through its primary regardless of availability.
  const auto* owner_role = org.find_role(org.defaults.governance_owner);
  if (owner_role == nullptr) {
    return;
  }
  resolution res = resolve_from(org, ladder_for(inc, *owner_role), 0, s.now, false);
  const config::person* to = res.holder;
  std::string reason = res.reason();
  if (to == nullptr) {
    const auto& l = ladder_for(inc, *owner_role);
    for (const auto& r : l.rungs) {
      if (!r.person->contacts.empty()) {
        to = r.person;
        reason += fmt::format("; told {} although unavailable", to->id);
        break;
      }
    }
  }
  if (to != nullptr) {
    send(s, inc, &esc, notification_kind::unowned, *to, *owner_role, esc.rule,
         fmt::format("nobody holding {} acknowledged; {}", esc.role->id, reason), std::nullopt, "unowned");
  }
}

void engine::inform(step& s, incident& inc, const config::rule& rule) {
  const config::organisation& org = *inc.org;
  for (const auto& entry : rule.notify) {
    const auto* role = org.find_role(entry.role);
    if (role == nullptr) {
      continue;
    }
    std::optional<timestamp> deadline;
    if (!entry.within.empty()) {
      deadline = deadline_after(s.now, entry.within, org.calendar, *org.zone);
    }
    const ladder& l = ladder_for(inc, *role);
    resolution res = resolve_from(org, l, 0, s.now, false);
    if (res.holder == nullptr) {
      ++counters_.notifications_failed;
      json::object d;
      d["rule"] = rule.id;
      d["role"] = role->id;
      d["reason"] = res.reason();
      log_.append(s.now, s.actor, "notification.failed", inc.id, d);
      continue;
    }
    std::string reason = fmt::format("{} must be informed{} under rule {}; {}", role->id,
                                     deadline ? " by " + format_local(*deadline, org.zone) : std::string{}, rule.id,
                                     res.reason());
    send(s, inc, nullptr, notification_kind::inform, *res.holder, *res.as_role, &rule, reason, deadline,
         fmt::format("{}-{}", rule.id, role->id));
    const rung& r = l.rungs[res.rung_index];
    if (r.source == rung_source::chair) {
      for (const auto& member_id : r.role->members) {
        if (const auto* m = org.find_person(member_id); m != nullptr && m != res.holder) {
          send(s, inc, nullptr, notification_kind::inform, *m, *r.role, &rule, reason, deadline,
               fmt::format("{}-{}-m", rule.id, role->id));
        }
      }
    }
  }
}

void engine::send(step& s, incident& inc, const escalation* esc, notification_kind kind, const config::person& to,
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
  n.created_at = s.now;
  n.reason = std::move(reason);
  const std::string_view what = inc.summary.empty() ? std::string_view{inc.type} : std::string_view{inc.summary};
  switch (kind) {
    case notification_kind::page:
      n.subject = fmt::format("[baton] incident {} on {}: {} (you are accountable as {})", inc.id, n.system_name,
                              what, as_role.title);
      break;
    case notification_kind::inform:
      n.subject = fmt::format("[baton] for your information: incident {} on {}: {}", inc.id, n.system_name, what);
      break;
    case notification_kind::reminder:
      n.subject = fmt::format("[baton] reminder: incident {} on {} is acknowledged but not resolved", inc.id,
                              n.system_name);
      break;
    case notification_kind::unowned:
      n.subject = fmt::format("[baton] UNOWNED: incident {} on {}: nobody holding {} acknowledged", inc.id,
                              n.system_name, esc != nullptr ? esc->role->id : as_role.id);
      break;
    case notification_kind::breach:
      n.subject = fmt::format("[baton] deadline breached: incident {} on {}", inc.id, n.system_name);
      break;
  }
  n.body = fmt::format("What happened: {} ({}, severity {})\nAI system: {}\nWhy you: {}\n{}{}",
                       what, inc.type, inc.severity.empty() ? "unset" : inc.severity, n.system_name, n.reason,
                       rule != nullptr ? fmt::format("Rule: {} - {}{}\n", rule->id, rule->description,
                                                     rule->timing.empty() ? "" : " (" + rule->timing + ")")
                                       : "",
                       deadline ? fmt::format("Deadline: {}\n", format_local(*deadline, org.zone)) : "");
  if (kind == notification_kind::page || kind == notification_kind::unowned) {
    n.body += fmt::format("Acknowledge: POST /v1/incidents/{}/ack {{\"person\": \"{}\"}}\n", inc.id, to.id);
  }
  std::size_t index = 0;
  for (const auto& c : to.contacts) {
    n.idempotency_key = fmt::format("i{}-e{}-{}-{}-{}-{}", inc.id, n.escalation_id, notifiers::to_string(kind),
                                    key_suffix, to.id, index++);
    n.notifier = c.notifier;
    n.address = c.address;
    auto* target = notifiers_.find(c.notifier);
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
    log_.append(s.now, "engine", ok ? "notification.sent" : "notification.failed", inc.id, d);

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
    row.created_at = s.now;
    row.last_error = r.reason;
    store_.put_notification(row);
  }
}

bool engine::may_acknowledge(const incident& inc, const escalation& esc, const config::person& p, timestamp now) {
  if (esc.paged == &p) {
    return true;
  }
  // Any holder of the role may engage it: every rung of the role itself, and every
  // rung of the roles the ladder has already climbed to, including delegates standing in.
  const auto& rungs = ladder_for(inc, *esc.role).rungs;
  const int reached = esc.step < static_cast<std::int32_t>(rungs.size()) ? rungs[static_cast<std::size_t>(esc.step)].depth
                                                                         : rungs.empty() ? 0 : rungs.back().depth;
  for (const auto& r : rungs) {
    if (r.depth > reached) {
      break;
    }
    if (r.person == &p) {
      if (r.entry == nullptr || (r.entry->from <= now && now < r.entry->until)) {
        return true;
      }
    }
    for (const auto& a : r.person->out_of_office) {
      if (a.delegate == p.id && a.from <= now && now < a.until) {
        return true;
      }
    }
  }
  return false;
}

expected<ack_result, engine_error> engine::acknowledge(std::int64_t id, std::string_view person_id,
                                                      std::string_view actor) {
  auto it = incidents_.find(id);
  if (it == incidents_.end()) {
    return unexpected{engine_error{error_kind::not_found, fmt::format("no open incident {}", id)}};
  }
  incident& inc = it->second;
  const auto* p = inc.org->find_person(person_id);
  if (p == nullptr) {
    return unexpected{engine_error{error_kind::invalid, fmt::format("unknown person {}", person_id)}};
  }
  step s{clock_.now(), actor.empty() ? fmt::format("person:{}", person_id) : std::string{actor}, {}, {}, {}, {}};
  store::transaction tx(store_);
  ack_result result;
  bool was_accountable = false;
  for (auto esc_id : inc.escalations) {
    auto& esc = escalations_.at(esc_id);
    if (esc.state == escalation_state::ended) {
      continue;
    }
    if (!may_acknowledge(inc, esc, *p, s.now)) {
      continue;
    }
    was_accountable = true;
    if (esc.state == escalation_state::engaged) {
      continue;
    }
    engage(s, inc, esc, *p);
    result.engaged_roles.push_back(esc.role->id);
  }
  if (!was_accountable) {
    json::object d;
    d["person"] = p->id;
    d["reason"] = "not a holder of any role accountable for this incident";
    log_.append(s.now, s.actor, "acknowledgement.rejected", inc.id, d);
    tx.commit();
    return unexpected{engine_error{error_kind::forbidden,
                                   fmt::format("{} holds no role accountable for incident {}", p->id, id)}};
  }
  ++counters_.acknowledgements;
  json::object d;
  d["person"] = p->id;
  d["engaged"] = string_array(result.engaged_roles);
  log_.append(s.now, s.actor, "acknowledged", inc.id, d);
  update_incident_state(s, inc);
  result.incident_acknowledged = inc.state == incident_state::acknowledged;
  s.touch(inc);
  flush(s);
  tx.commit();
  return result;
}

void engine::engage(step& s, incident& inc, escalation& esc, const config::person& who) {
  cancel(s, esc.ack_timer);
  cancel(s, esc.target_timer);
  esc.state = escalation_state::engaged;
  esc.engaged_at = s.now;
  esc.engaged_by = &who;
  if (esc.target_at && s.now > *esc.target_at) {
    esc.breached = true;
  }
  s.touch(esc);
  const duration latency = s.now - esc.triggered_at;
  latency_.push_back({std::string{rule_id(esc.rule)}, esc.role->id, latency, esc.breached});
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
  log_.append(s.now, s.actor, "escalation.engaged", inc.id, d);
}

void engine::update_incident_state(step& s, incident& inc) {
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
  s.touch(inc);
  json::object d;
  d["state"] = to_string(next);
  log_.append(s.now, s.actor, next == incident_state::acknowledged ? "incident.acknowledged" : "incident.reopened",
              inc.id, d);
  if (next == incident_state::acknowledged) {
    const auto interval = inc.org->defaults.reminder_interval;
    if (interval.count() > 0) {
      inc.reminder_timer = arm(s, s.now + interval, timer_kind::reminder, inc.id, 0);
    }
  } else {
    cancel(s, inc.reminder_timer);
  }
}

expected<bool, engine_error> engine::resolve(std::int64_t id, std::string_view actor, std::string_view note) {
  auto it = incidents_.find(id);
  if (it == incidents_.end()) {
    return unexpected{engine_error{error_kind::not_found, fmt::format("no open incident {}", id)}};
  }
  incident& inc = it->second;
  step s{clock_.now(), std::string{actor}, {}, {}, {}, {}};
  store::transaction tx(store_);
  for (auto esc_id : inc.escalations) {
    auto& esc = escalations_.at(esc_id);
    if (esc.state != escalation_state::ended && esc.state != escalation_state::engaged) {
      end_escalation(s, inc, esc, "incident resolved");
    } else {
      cancel(s, esc.ack_timer);
      cancel(s, esc.target_timer);
    }
  }
  cancel(s, inc.reminder_timer);
  inc.state = incident_state::resolved;
  inc.updated_at = s.now;
  ++counters_.resolved;
  json::object d;
  d["note"] = note;
  d["open_for_ms"] = (s.now - inc.opened_at).count();
  log_.append(s.now, s.actor, "incident.resolved", inc.id, d);
  s.touch(inc);
  flush(s);
  tx.commit();
  finish(inc);
  return true;
}

void engine::finish(incident& inc) {
  // Resolved incidents live on in the store; memory holds open ones only.
  for (auto esc_id : inc.escalations) {
    escalations_.erase(esc_id);
  }
  by_dedup_key_.erase(inc.dedup_key);
  incidents_.erase(inc.id);
}

std::optional<timestamp> engine::next_due() { return timers_.next_due(); }

std::size_t engine::run_due() {
  const timestamp now = clock_.now();
  std::size_t fired = 0;
  while (auto t = timers_.pop_due(now)) {
    step s{now, "engine", {}, {}, {}, {}};
    store::transaction tx(store_);
    s.cancelled.push_back(static_cast<std::int64_t>(t->seq));
    on_timer(s, *t);
    flush(s);
    tx.commit();
    ++fired;
  }
  return fired;
}

void engine::on_timer(step& s, const timer& t) {
  auto inc_it = incidents_.find(t.incident_id);
  if (inc_it == incidents_.end()) {
    return;
  }
  incident& inc = inc_it->second;
  if (s.now - t.due > late_after) {
    json::object d;
    d["timer"] = timer_name(t.kind);
    d["due"] = format_iso(t.due);
    d["late_ms"] = (s.now - t.due).count();
    log_.append(s.now, s.actor, "timer.late", inc.id, d);
  }
  if (t.kind == timer_kind::reminder) {
    inc.reminder_timer = 0;
    on_reminder(s, inc);
    return;
  }
  auto esc_it = escalations_.find(t.escalation_id);
  if (esc_it == escalations_.end()) {
    return;
  }
  escalation& esc = esc_it->second;
  if (t.kind == timer_kind::ack_timeout) {
    esc.ack_timer = 0;
    on_ack_timeout(s, inc, esc);
  } else {
    esc.target_timer = 0;
    on_target(s, inc, esc);
  }
  update_incident_state(s, inc);
  s.touch(inc);
}

void engine::on_ack_timeout(step& s, incident& inc, escalation& esc) {
  if (esc.state != escalation_state::paging) {
    return;
  }
  json::object d;
  d["escalation"] = esc.id;
  d["role"] = esc.role->id;
  d["unacknowledged"] = esc.paged != nullptr ? esc.paged->id : "";
  log_.append(s.now, s.actor, "escalation.stepped", inc.id, d);
  page_from(s, inc, esc, static_cast<std::size_t>(esc.step) + 1, "previous holder did not acknowledge in time");
}

void engine::on_target(step& s, incident& inc, escalation& esc) {
  if (esc.state == escalation_state::engaged || esc.state == escalation_state::ended) {
    return;
  }
  esc.breached = true;
  ++counters_.breaches;
  s.touch(esc);
  json::object d;
  d["escalation"] = esc.id;
  d["role"] = esc.role->id;
  d["rule"] = rule_id(esc.rule);
  d["target"] = esc.target_at ? format_iso(*esc.target_at) : "";
  log_.append(s.now, s.actor, "deadline.breached", inc.id, d);
  if (esc.state != escalation_state::paging) {
    return;
  }
  // A passed deadline escalates: page the next level up the escalates_to chain now.
  const ladder& l = ladder_for(inc, *esc.role);
  const auto current = static_cast<std::size_t>(esc.step);
  const int depth = current < l.rungs.size() ? l.rungs[current].depth : 0;
  std::size_t next = current + 1;
  while (next < l.rungs.size() && l.rungs[next].depth <= depth) {
    ++next;
  }
  if (next >= l.rungs.size()) {
    // Already at the top of the ladder: keep paging there.
    return;
  }
  cancel(s, esc.ack_timer);
  page_from(s, inc, esc, next, "engagement deadline passed");
}

void engine::on_reminder(step& s, incident& inc) {
  if (inc.state != incident_state::acknowledged) {
    return;
  }
  ++inc.reminders_sent;
  for (auto id : inc.escalations) {
    const auto& esc = escalations_.at(id);
    if (esc.state == escalation_state::engaged && esc.engaged_by != nullptr) {
      send(s, inc, &esc, notification_kind::reminder, *esc.engaged_by, *esc.role, esc.rule,
           fmt::format("you acknowledged as {}; the incident is still open", esc.role->id), std::nullopt,
           fmt::format("n{}", inc.reminders_sent));
    }
  }
  json::object d;
  d["count"] = inc.reminders_sent;
  log_.append(s.now, s.actor, "reminder.sent", inc.id, d);
  inc.reminder_timer = arm(s, s.now + inc.org->defaults.reminder_interval, timer_kind::reminder, inc.id, 0);
}

store::incident_row engine::to_row(const incident& inc) const {
  store::incident_row row;
  row.id = inc.id;
  row.dedup_key = inc.dedup_key;
  row.system = inc.system_id;
  row.event_type = inc.type;
  row.severity = inc.severity;
  row.summary = inc.summary;
  row.state = std::string{to_string(inc.state)};
  row.config_version = inc.org->version;
  row.opened_at = inc.opened_at;
  row.updated_at = inc.updated_at;
  if (inc.state == incident_state::resolved) {
    row.resolved_at = inc.updated_at;
  }
  row.event_count = inc.event_count;
  json::array acc;
  for (auto id : inc.escalations) {
    const auto& esc = escalations_.at(id);
    if (esc.state == escalation_state::ended) {
      continue;
    }
    json::object o;
    o["role"] = esc.role->id;
    o["holder"] = esc.engaged_by != nullptr ? esc.engaged_by->id : esc.paged != nullptr ? esc.paged->id : "";
    o["state"] = to_string(esc.state);
    acc.emplace_back(std::move(o));
  }
  row.accountable = json::serialize(acc);
  json::array fired;
  for (const auto* r : inc.fired) {
    fired.emplace_back(r->id);
  }
  row.fired_rules = json::serialize(fired);
  return row;
}

store::escalation_row engine::to_row(const escalation& esc) const {
  store::escalation_row row;
  row.id = esc.id;
  row.incident_id = esc.incident_id;
  row.role = esc.role->id;
  row.rule = std::string{rule_id(esc.rule)};
  row.state = std::string{to_string(esc.state)};
  row.triggered_at = esc.triggered_at;
  row.target_at = esc.target_at;
  row.engaged_at = esc.engaged_at;
  row.engaged_by = esc.engaged_by != nullptr ? esc.engaged_by->id : "";
  row.step = esc.step;
  row.round = esc.round;
  row.paged = esc.paged != nullptr ? esc.paged->id : "";
  row.breached = esc.breached;
  return row;
}

void engine::flush(step& s) {
  std::sort(s.dirty_escalations.begin(), s.dirty_escalations.end());
  s.dirty_escalations.erase(std::unique(s.dirty_escalations.begin(), s.dirty_escalations.end()),
                            s.dirty_escalations.end());
  for (auto id : s.dirty_escalations) {
    if (auto it = escalations_.find(id); it != escalations_.end()) {
      store_.upsert_escalation(to_row(it->second));
    }
  }
  std::sort(s.dirty_incidents.begin(), s.dirty_incidents.end());
  s.dirty_incidents.erase(std::unique(s.dirty_incidents.begin(), s.dirty_incidents.end()), s.dirty_incidents.end());
  for (auto id : s.dirty_incidents) {
    if (auto it = incidents_.find(id); it != incidents_.end()) {
      store_.upsert_incident(to_row(it->second));
    }
  }
  for (const auto& row : s.armed) {
    store_.put_timer(row);
  }
  for (auto id : s.cancelled) {
    store_.delete_timer(id);
  }
}

const incident* engine::find_incident(std::int64_t id) const {
  auto it = incidents_.find(id);
  return it == incidents_.end() ? nullptr : &it->second;
}

const escalation* engine::find_escalation(std::int64_t id) const {
  auto it = escalations_.find(id);
  return it == escalations_.end() ? nullptr : &it->second;
}

std::vector<const escalation*> engine::escalations_of(std::int64_t incident_id) const {
  std::vector<const escalation*> out;
  if (const auto* inc = find_incident(incident_id)) {
    for (auto id : inc->escalations) {
      out.push_back(&escalations_.at(id));
    }
  }
  return out;
}

std::vector<const escalation*> engine::accountable(std::int64_t incident_id) const {
  auto all = escalations_of(incident_id);
  std::erase_if(all, [](const escalation* e) { return e->state == escalation_state::ended; });
  return all;
}

std::map<std::string, latency_stats> engine::latency_by(std::string latency_sample::*key) const {
  std::map<std::string, std::vector<const latency_sample*>> groups;
  for (const auto& l : latency_) {
    const std::string& k = l.*key;
    groups[k.empty() ? "(routing)" : k].push_back(&l);
  }
  std::map<std::string, latency_stats> out;
  for (auto& [k, v] : groups) {
    out[k] = summarise(std::move(v));
  }
  return out;
}

std::map<std::string, latency_stats> engine::latency_by_rule() const { return latency_by(&latency_sample::rule); }

std::map<std::string, latency_stats> engine::latency_by_role() const { return latency_by(&latency_sample::role); }

void run_until(manual_clock& clk, engine& eng, timestamp until) {
  while (auto due = eng.next_due()) {
    if (*due > until) {
      break;
    }
    clk.set(*due);
    eng.run_due();
  }
  clk.set(until);
  eng.run_due();
}

}  // namespace baton::engine
