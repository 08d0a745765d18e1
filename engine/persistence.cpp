// What a batch changed, written to the store once when it commits: incident and
// escalation rows (each once, however often the batch touched it) and the timers still
// pending at its end. Memory is never ahead of the store: a batch that fails stops the
// engine (docs/engine.md, "When the store fails").
#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "engine/core.hpp"

namespace baton::engine::detail {
namespace json = boost::json;

namespace {

void sort_unique(std::vector<std::int64_t>& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

}  // namespace

void core::begin() {
  store_.begin();
  in_batch_ = true;
}

void core::commit() {
  flush();
  store_.commit();
  in_batch_ = false;
  // Resolved incidents live on in the store; memory holds open ones only.
  for (auto id : changes_.resolved) {
    if (auto it = incidents_.find(id); it != incidents_.end()) {
      for (auto esc_id : it->second.escalations) {
        escalations_.erase(esc_id);
      }
      incidents_.erase(it);
    }
  }
  changes_ = {};
}

void core::fail(std::string_view what) noexcept {
  if (in_batch_) {
    store_.rollback();
    in_batch_ = false;
  }
  changes_ = {};
  try {
    stopped_ = fmt::format(
        "the engine stopped after a store error ({}): the batch was rolled back, and the engine refuses further "
        "work, for its memory may be ahead of the database",
        what);
  } catch (...) {
    stopped_ = "the engine stopped after a store error";
  }
}

std::uint64_t core::arm(op_context& op, timestamp due, timer_kind kind, std::int64_t incident_id,
                        std::int64_t escalation_id) {
  auto id = timers_.arm(due, kind, incident_id, escalation_id);
  op.changes.armed.emplace(id, store::timer_row{static_cast<std::int64_t>(id), due, std::string{timer_name(kind)},
                                                incident_id, escalation_id});
  return id;
}

void core::cancel(op_context& op, std::uint64_t& timer_id) {
  if (timer_id != 0) {
    timers_.cancel(timer_id);
    forget_timer(op, timer_id);
    timer_id = 0;
  }
}

void core::forget_timer(op_context& op, std::uint64_t id) {
  // Armed in this batch: it never reaches the store.
  if (op.changes.armed.erase(id) == 0) {
    op.changes.removed_timers.push_back(static_cast<std::int64_t>(id));
  }
}

void core::flush() {
  sort_unique(changes_.escalations);
  for (auto id : changes_.escalations) {
    if (auto it = escalations_.find(id); it != escalations_.end()) {
      store_.upsert_escalation(to_row(it->second));
    }
  }
  sort_unique(changes_.incidents);
  for (auto id : changes_.incidents) {
    if (auto it = incidents_.find(id); it != incidents_.end()) {
      store_.upsert_incident(to_row(it->second));
    }
  }
  for (const auto& [id, row] : changes_.armed) {
    store_.put_timer(row);
  }
  for (auto id : changes_.removed_timers) {
    store_.delete_timer(id);
  }
}


store::incident_row core::to_row(const incident& inc) const {
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

store::escalation_row core::to_row(const escalation& esc) const {
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
  row.step = esc.rung;
  row.round = esc.round;
  row.paged = esc.paged != nullptr ? esc.paged->id : "";
  row.breached = esc.breached;
  return row;
}

}  // namespace baton::engine::detail
