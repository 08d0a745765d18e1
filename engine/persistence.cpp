// The engine's rows: what a batch changed, written to the store once when it commits
// (incident and escalation rows once each, however often the batch touched them, and
// the timers still pending at its end), and the state rebuilt from them at a restart.
// Memory is never ahead of the store: a batch that fails stops the engine
// (docs/engine.md, "When the store fails").
#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <thread>

#include "config/snapshot.hpp"
#include "engine/core.hpp"
#include "engine/requests.hpp"
#include "notifiers/notification_json.hpp"

namespace baton::engine::detail {
namespace json = boost::json;

namespace {

void sort_unique(std::vector<std::int64_t>& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

[[noreturn]] void cannot_recover(const std::string& why) {
  throw std::runtime_error("cannot rebuild the engine's state from the database: " + why);
}

const config::rule* find_rule(const config::organisation& org, std::string_view id) {
  for (const auto& r : org.rules) {
    if (r.id == id) {
      return &r;
    }
  }
  return nullptr;
}

incident_state incident_state_of(const store::incident_row& row) {
  if (row.state == "open") {
    return incident_state::open;
  }
  if (row.state == "acknowledged") {
    return incident_state::acknowledged;
  }
  cannot_recover(fmt::format("incident {} has the unknown state \"{}\"", row.id, row.state));
}

escalation_state escalation_state_of(const store::escalation_row& row) {
  for (auto s : {escalation_state::paging, escalation_state::engaged, escalation_state::unowned,
                 escalation_state::ended}) {
    if (row.state == to_string(s)) {
      return s;
    }
  }
  cannot_recover(fmt::format("escalation {} has the unknown state \"{}\"", row.id, row.state));
}

std::optional<timer_kind> timer_kind_of(std::string_view name) {
  for (auto k : {timer_kind::ack_timeout, timer_kind::target, timer_kind::reminder, timer_kind::working_hours}) {
    if (name == timer_name(k)) {
      return k;
    }
  }
  return std::nullopt;
}

const config::person* person_or_null(const config::organisation& org, const std::string& id, std::int64_t esc,
                                     std::string_view what) {
  if (id.empty()) {
    return nullptr;
  }
  const auto* p = org.find_person(id);
  if (p == nullptr) {
    cannot_recover(fmt::format("escalation {} names {} {}, whom its configuration does not know", esc, what, id));
  }
  return p;
}

}  // namespace

void core::recover() {
  recovered_ = {};
  // Every configuration an open incident was opened under, each rebuilt once from the
  // files stored when it was loaded.
  std::unordered_map<std::string, std::shared_ptr<const config::organisation>> versions;
  versions.emplace(org_->version, org_);
  auto version_for = [&](const store::incident_row& row) {
    if (auto it = versions.find(row.config_version); it != versions.end()) {
      return it->second;
    }
    auto stored = store_.find_config_version(row.config_version);
    if (!stored) {
      cannot_recover(fmt::format("incident {} was opened under configuration version {}, which it does not hold",
                                 row.id, row.config_version));
    }
    auto loaded = config::load_snapshot(stored->sources, clock_.now());
    if (loaded.org == nullptr || loaded.org->version != row.config_version) {
      cannot_recover(fmt::format("configuration version {} (of incident {}) cannot be rebuilt from its stored files",
                                 row.config_version, row.id));
    }
    recovered_.versions.push_back(row.config_version);
    return versions.emplace(row.config_version, loaded.org).first->second;
  };

  // Rows are taken one at a time, straight into the engine's own structures, sized
  // first so that a million do not rehash them twenty times.
  const std::size_t open = store_.count_open_incidents();
  incidents_.reserve(open);
  by_dedup_key_.reserve(open);
  escalations_.reserve(open);
  timers_.reserve(open);  // most open incidents wait on one timer
  std::vector<const incident*> in_order;  // as read: by id
  in_order.reserve(open);
  store_.each_incident(true, [&](store::incident_row& row) {
    incident inc;
    inc.id = row.id;
    inc.org = version_for(row);
    inc.dedup_key = std::move(row.dedup_key);
    inc.system = inc.org->find_system(row.system);
    inc.system_id = std::move(row.system);
    inc.type = std::move(row.event_type);
    inc.severity = std::move(row.severity);
    inc.summary = std::move(row.summary);
    inc.state = incident_state_of(row);
    inc.opened_at = row.opened_at;
    inc.updated_at = row.updated_at;
    inc.event_count = row.event_count;
    inc.reminders_sent = row.reminders_sent;
    inc.opened_by = std::move(row.opened_by);
    boost::system::error_code ec;
    // Most incidents fired no rule: "[]" needs no parser.
    const json::value fired = row.fired_rules == "[]" ? json::value(json::array()) : json::parse(row.fired_rules, ec);
    if (ec || !fired.is_array()) {
      cannot_recover(fmt::format("incident {} has an unreadable list of fired rules", inc.id));
    }
    for (const auto& id : fired.as_array()) {
      const auto* rule = id.is_string() ? find_rule(*inc.org, id.as_string()) : nullptr;
      if (rule == nullptr) {
        cannot_recover(fmt::format("incident {} fired a rule its configuration does not have", inc.id));
      }
      inc.fired.push_back(rule);
    }
    in_order.push_back(&incidents_.emplace(inc.id, std::move(inc)).first->second);
  });

  // The index of open incidents by key is built on a helper thread while this one reads
  // escalations and timers: at a million open incidents each side is a second or more
  // of cache misses, and neither touches what the other writes (the helper reads each
  // incident's id and key, and writes only the index; this thread writes only their
  // escalations and timer ids, and never reads the index). Joined before recover()
  // returns, so the engine's state is again its own thread's alone.
  std::string duplicate_key;  // set by the helper: two open incidents share it
  std::exception_ptr index_failure;
  std::jthread index_keys([&] {
    try {
      for (const incident* inc : in_order) {
        if (inc->dedup_key.empty()) {
          continue;
        }
        if (auto [it, added] = by_dedup_key_.emplace(inc->dedup_key, inc->id); !added) {
          duplicate_key = fmt::format("incidents {} and {} are both open with the key {}", it->second, inc->id,
                                      inc->dedup_key);
          return;
        }
      }
    } catch (...) {
      index_failure = std::current_exception();
    }
  });

  store_.each_open_escalation([&](store::escalation_row& row) {
    auto it = incidents_.find(row.incident_id);
    if (it == incidents_.end()) {
      return;  // of an incident resolved meanwhile (not listed open): nothing to run
    }
    incident& inc = it->second;
    const config::organisation& org = *inc.org;
    escalation esc;
    esc.id = row.id;
    esc.incident_id = row.incident_id;
    esc.role = org.find_role(row.role);
    if (esc.role == nullptr) {
      cannot_recover(fmt::format("escalation {} is for the role {}, which its configuration does not have", row.id,
                                 row.role));
    }
    if (!row.rule.empty()) {
      esc.rule = find_rule(org, row.rule);
      if (esc.rule == nullptr) {
        cannot_recover(fmt::format("escalation {} came from the rule {}, which its configuration does not have",
                                   row.id, row.rule));
      }
    }
    esc.state = escalation_state_of(row);
    esc.triggered_at = row.triggered_at;
    esc.target_at = row.target_at;
    esc.engaged_at = row.engaged_at;
    esc.engaged_by = person_or_null(org, row.engaged_by, row.id, "the person who engaged it,");
    esc.paged = person_or_null(org, row.paged, row.id, "the person paged,");
    esc.rung = row.rung;
    esc.round = row.round;
    esc.breached = row.breached;
    inc.escalations.push_back(esc.id);
    escalations_.emplace(esc.id, std::move(esc));
  });

  const timestamp now = clock_.now();
  store_.each_timer([&](const store::timer_row& row) {
    const auto kind = timer_kind_of(row.kind);
    auto inc = incidents_.find(row.incident_id);
    if (!kind || row.id <= 0 || inc == incidents_.end()) {
      return;  // nothing it could act on: on_timer would ignore it too
    }
    const auto id = static_cast<std::uint64_t>(row.id);
    if (*kind == timer_kind::reminder) {
      inc->second.reminder_timer = id;
    } else {
      auto esc = escalations_.find(row.escalation_id);
      if (esc == escalations_.end()) {
        return;
      }
      (*kind == timer_kind::target ? esc->second.target_timer : esc->second.ack_timer) = id;
    }
    timers_.arm(row.due, *kind, row.incident_id, row.escalation_id, id);
    ++recovered_.timers;
    recovered_.overdue += row.due <= now ? 1 : 0;
  });
  index_keys.join();
  if (index_failure) {
    std::rethrow_exception(index_failure);
  }
  if (!duplicate_key.empty()) {
    cannot_recover(duplicate_key);
  }
  timers_.reserve_ids(static_cast<std::uint64_t>(std::max<std::int64_t>(0, store_.max_timer_id())));
  kept_timer_ids_ = timers_.highest_id();

  // Notifications queued before the stop but not delivered go out now, through the
  // notifiers of the version their incident runs under (else the current one's).
  for (auto& row : store_.pending_notifications()) {
    boost::system::error_code ec;
    const json::value payload = json::parse(row.payload, ec);
    row.payload = {};  // read back; later attempts change only the row's progress
    auto message = !ec && payload.is_object() ? notifiers::notification_from_json(payload.as_object()) : std::nullopt;
    if (!message) {
      cannot_recover(fmt::format("the queued notification {} cannot be read back", row.idempotency_key));
    }
    auto inc = incidents_.find(row.incident_id);
    std::string version = inc != incidents_.end() ? inc->second.org->version : org_->version;
    ++recovered_.undelivered;
    if (row.next_attempt_at && *row.next_attempt_at > now) {
      const auto at = *row.next_attempt_at;
      retries_.emplace(std::make_pair(at, retry_order_++),
                       queued_notification{std::move(version), std::move(row),
                                           std::make_shared<const notifiers::notification>(std::move(*message))});
    } else {
      ready_.push_back({std::move(version), std::move(row),
                        std::make_shared<const notifiers::notification>(std::move(*message))});
    }
  }
  next_incident_id_ = store_.max_incident_id() + 1;
  next_escalation_id_ = store_.max_escalation_id() + 1;
  recovered_.incidents = incidents_.size();
  recovered_.escalations = escalations_.size();
  index_versions();
}

void core::begin() {
  store_.begin();
  in_batch_ = true;
}

void core::commit() {
  flush();
  store_.commit();
  in_batch_ = false;
  kept_timer_ids_ = timers_.highest_id();
  ++committed_batches_;
  // Only now may they go out: nothing is delivered before the change that caused it is
  // on disk (with durability deferred, once the syncer says so).
  for (auto& q : changes_.outbox) {
    if (sync_deferred_) {
      unsynced_.emplace_back(committed_batches_, std::move(q));
    } else {
      ready_.push_back(std::move(q));
    }
  }
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
  stop_after(what, "the batch was rolled back, and");
}

void core::stop_after(std::string_view what, std::string_view consequence) noexcept {
  try {
    stopped_ = fmt::format(
        "the engine stopped after a store error ({}): {} the engine refuses further work, for its memory may be "
        "ahead of the database",
        what, consequence);
  } catch (...) {
    stopped_ = "the engine stopped after a store error";
  }
}

void core::synced(std::uint64_t through) {
  while (!unsynced_.empty() && unsynced_.front().first <= through) {
    ready_.push_back(std::move(unsynced_.front().second));
    unsynced_.pop_front();
  }
}

void core::fail_sync(std::string_view what) noexcept {
  if (stopped_.empty()) {
    stop_after(what, "committed batches may not be on disk, so");
  }
}

std::optional<outcome> core::answered(std::string_view key) {
  if (auto it = changes_.requests.find(key); it != changes_.requests.end()) {
    return decode_outcome(it->second.outcome);
  }
  if (auto row = store_.find_request(key)) {
    if (auto o = decode_outcome(row->outcome)) {
      return o;
    }
  }
  return std::nullopt;
}

void core::remember(const std::string& key, const outcome& o) {
  changes_.requests.insert_or_assign(key, store::request_row{key, clock_.now(), encode_outcome(o)});
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
  for (const auto& [key, row] : changes_.requests) {
    store_.put_request(row);
  }
  // Outcomes are kept for request_retention; the old ones go once an hour.
  const timestamp now = clock_.now();
  if (!requests_purged_at_ || now - *requests_purged_at_ >= std::chrono::hours{1}) {
    store_.forget_requests_before(now - request_retention);
    requests_purged_at_ = now;
  }
  // Ids of timers armed and cancelled within a batch were handed out too.
  if (timers_.highest_id() > kept_timer_ids_) {
    store_.keep_timer_ids(static_cast<std::int64_t>(timers_.highest_id()));
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
  row.reminders_sent = inc.reminders_sent;
  row.opened_by = inc.opened_by;
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
  row.rung = esc.rung;
  row.round = esc.round;
  row.paged = esc.paged != nullptr ? esc.paged->id : "";
  row.breached = esc.breached;
  return row;
}

}  // namespace baton::engine::detail
