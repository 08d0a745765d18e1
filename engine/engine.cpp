#include "engine/engine.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <exception>

#include "base/text.hpp"
#include "engine/core.hpp"

namespace baton::engine {

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

namespace detail {

core::core(clock& clk, store::store& st, notifier_factory make, std::shared_ptr<const config::organisation> org,
           notifiers::delivery_pipeline* pipeline)
    : clock_(clk),
      store_(st),
      make_notifiers_(std::move(make)),
      log_(st),
      org_(std::move(org)),
      pipeline_(pipeline != nullptr ? *pipeline : own_pipeline_) {
  next_incident_id_ = store_.max_incident_id() + 1;
  next_escalation_id_ = store_.max_escalation_id() + 1;
}

}  // namespace detail

namespace {

engine_error unavailable(std::string message) { return {error_kind::unavailable, std::move(message)}; }

// One operation of a batch, on the engine's core.
struct runner {
  detail::core& c;

  outcome operator()(const submit_op& o) const {
    return keyed(o.request_key, [&]() -> outcome {
      if (o.e.type.empty()) {
        return unexpected{engine_error{error_kind::invalid, "event has no type"}};
      }
      ++c.counters_.events;
      auto op = c.context(o.actor);
      return wrap(c.submit(op, o.e));
    });
  }
  outcome operator()(const acknowledge_op& o) const {
    return keyed(o.request_key, [&]() -> outcome {
      auto id = incident_of(o.incident_id, o.dedup_key);
      if (!id) {
        return unexpected{std::move(id.error())};
      }
      if (o.person.empty()) {
        auto op = c.context(o.actor);
        return wrap(c.note_sender_acknowledgement(op, *id));
      }
      auto op = c.context(o.actor.empty() ? fmt::format("person:{}", o.person) : o.actor);
      return wrap(c.acknowledge(op, *id, o.person));
    });
  }
  outcome operator()(const resolve_op& o) const {
    return keyed(o.request_key, [&]() -> outcome {
      auto id = incident_of(o.incident_id, o.dedup_key);
      if (!id) {
        return unexpected{std::move(id.error())};
      }
      auto op = c.context(o.actor);
      return wrap(c.resolve(op, *id, o.note));
    });
  }

  // The incident an operation names: by id, or the open one its sender's key joins.
  expected<std::int64_t, engine_error> incident_of(std::int64_t id, const std::string& dedup_key) const {
    if (id != 0 || dedup_key.empty()) {
      return id;
    }
    auto it = c.by_dedup_key_.find(dedup_key);
    if (it == c.by_dedup_key_.end()) {
      return unexpected{engine_error{error_kind::not_found,
                                     fmt::format("no open incident has the key \"{}\"",
                                                 printable(shortened(dedup_key, 80)))}};
    }
    return it->second;
  }
  outcome operator()(const fire_due_op& o) const { return operation_result{fire_result{c.fire_due(o.at_most)}}; }
  outcome operator()(const load_config_op& o) const {
    if (o.org == nullptr) {
      return unexpected{engine_error{error_kind::invalid, "no configuration to load"}};
    }
    auto op = c.context(o.actor);
    return operation_result{c.load_config(op, o.org)};
  }

  // A request with a key already answered gets that answer again and changes nothing.
  template <class F>
  outcome keyed(const std::string& key, F&& run) const {
    if (key.empty()) {
      return run();
    }
    if (auto prior = c.answered(key)) {
      return std::move(*prior);
    }
    outcome o = run();
    c.remember(key, o);
    return o;
  }

  template <class T>
  static outcome wrap(expected<T, engine_error> r) {
    if (!r) {
      return unexpected{std::move(r.error())};
    }
    return operation_result{std::move(r.value())};
  }
};

}  // namespace

engine::engine(clock& clk, store::store& st, notifiers::notifier_set& notifiers,
               std::shared_ptr<const config::organisation> org)
    : engine(clk, st,
             // One set for every version, owned by the caller.
             [&notifiers](const config::organisation&) {
               return std::shared_ptr<notifiers::notifier_set>(&notifiers, [](notifiers::notifier_set*) {});
             },
             std::move(org)) {}

engine::engine(clock& clk, store::store& st, notifier_factory make, std::shared_ptr<const config::organisation> org)
    : engine(clk, st, std::move(make), std::move(org), nullptr) {}

engine::engine(clock& clk, store::store& st, notifier_factory make, std::shared_ptr<const config::organisation> org,
               notifiers::delivery_pipeline& pipeline)
    : engine(clk, st, std::move(make), std::move(org), &pipeline) {}

engine::engine(clock& clk, store::store& st, notifier_factory make, std::shared_ptr<const config::organisation> org,
               notifiers::delivery_pipeline* pipeline)
    : core_(std::make_unique<detail::core>(clk, st, std::move(make), org, pipeline)) {
  detail::core& c = *core_;
  c.recover();
  const bool restarted = c.log_.head().seq > 0;
  const auto current = st.current_config_version();
  c.begin();
  try {
    auto op = c.context("engine");
    if (restarted) {
      const auto& r = c.recovered_;
      boost::json::array versions;
      for (const auto& v : r.versions) {
        versions.emplace_back(v);
      }
      c.log_.append(op.now, op.actor, "engine.recovered", 0,
                    {{"incidents", r.incidents},
                     {"escalations", r.escalations},
                     {"timers", r.timers},
                     {"overdue_timers", r.overdue},
                     {"undelivered_notifications", r.undelivered},
                     {"older_config_versions", std::move(versions)},
                     {"next_incident", c.next_incident_id_}});
    }
    // A restart with the configuration already current is not a configuration load.
    if (!current || current->version != org->version) {
      auto load = c.context("config");
      c.load_config(load, std::move(org));
    }
    c.commit();
    c.deliver();
  } catch (const std::exception& e) {
    c.fail(e.what());
    throw;
  }
}

engine::~engine() = default;

std::vector<outcome> engine::run(std::span<const operation> ops) {
  std::vector<outcome> out;
  out.reserve(ops.size());
  if (!core_->stopped_.empty()) {
    for (std::size_t i = 0; i < ops.size(); ++i) {
      out.emplace_back(unexpected{unavailable(core_->stopped_)});
    }
    return out;
  }
  try {
    core_->begin();
    runner run{*core_};
    for (const auto& op : ops) {
      out.push_back(std::visit(run, op));
    }
    // Deliveries that finished meanwhile (the threaded pipeline's) are recorded in the
    // same commit; what finishes later is recorded after it (record_deliveries).
    core_->record_finished();
    const auto commit_started = std::chrono::steady_clock::now();
    core_->commit();
    last_commit_ = std::chrono::steady_clock::now() - commit_started;
  } catch (const std::exception& e) {
    core_->fail(e.what());
    out.clear();
    for (std::size_t i = 0; i < ops.size(); ++i) {
      out.emplace_back(unexpected{unavailable(core_->stopped_)});
    }
    return out;
  }
  // The batch is committed: its outcomes stand whatever happens to the deliveries. A
  // store error recording their outcomes stops the engine; the rows stay pending and go
  // out again after the restart (at least once).
  after_commit();
  return out;
}

void engine::after_commit() {
  if (!outcomes_with_batches_) {
    record_deliveries();
    return;
  }
  if (core_->stopped_.empty()) {
    try {
      core_->dispatch_ready();
    } catch (const std::exception& e) {
      core_->fail(e.what());
    }
  }
}

std::size_t engine::record_deliveries() {
  if (!core_->stopped_.empty()) {
    return 0;
  }
  try {
    return core_->deliver();
  } catch (const std::exception& e) {
    core_->fail(e.what());
    return 0;
  }
}

void engine::record_outcomes_with_batches() noexcept { outcomes_with_batches_ = true; }

std::size_t engine::deliveries_in_flight() const noexcept { return core_->in_flight(); }

template <class Result, class Op>
expected<Result, engine_error> engine::run_one(Op op) {
  const operation ops[] = {std::move(op)};
  auto out = run(ops);
  if (!out.front()) {
    return unexpected{std::move(out.front().error())};
  }
  return std::get<Result>(std::move(out.front().value()));
}

expected<load_result, engine_error> engine::load_config(std::shared_ptr<const config::organisation> org,
                                                        std::string_view actor) {
  return run_one<load_result>(load_config_op{std::move(org), std::string{actor}});
}

expected<submit_result, engine_error> engine::submit(const event& e, std::string_view actor) {
  return run_one<submit_result>(submit_op{e, std::string{actor}, {}});
}

expected<ack_result, engine_error> engine::acknowledge(std::int64_t id, std::string_view person,
                                                       std::string_view actor) {
  return run_one<ack_result>(acknowledge_op{id, std::string{person}, std::string{actor}, {}});
}

expected<resolve_result, engine_error> engine::resolve(std::int64_t id, std::string_view actor, std::string_view note) {
  return run_one<resolve_result>(resolve_op{id, std::string{actor}, std::string{note}, {}});
}

std::size_t engine::run_due() {
  auto r = run_one<fire_result>(fire_due_op{});
  return r ? r.value().fired : 0;
}

std::optional<timestamp> engine::next_due() {
  // A stopped engine fires nothing, so a driver waiting for the next timer stops too.
  return core_->stopped_.empty() ? core_->next_due() : std::nullopt;
}

const std::string& engine::stopped() const noexcept { return core_->stopped_; }

void engine::observe_log(store::audit_log::observer f) { core_->log_.observe(std::move(f)); }

void engine::observe_timers(std::function<void(duration late)> f) { core_->timer_observer_ = std::move(f); }

std::chrono::nanoseconds engine::last_commit_duration() const noexcept { return last_commit_; }

std::shared_ptr<store::syncer> engine::defer_sync() {
  auto s = core_->store_.defer_sync();
  core_->sync_deferred_ = true;
  return s;
}

std::uint64_t engine::committed_batches() const noexcept { return core_->committed_batches_; }

void engine::synced(std::uint64_t through) {
  core_->synced(through);
  after_commit();
}

void engine::stop_unsynced(std::string_view why) noexcept { core_->fail_sync(why); }

const incident* engine::find_incident(std::int64_t id) const {
  auto it = core_->incidents_.find(id);
  return it == core_->incidents_.end() ? nullptr : &it->second;
}

const incident* engine::find_open_by_key(std::string_view dedup_key) const {
  if (dedup_key.empty()) {
    return nullptr;
  }
  auto it = core_->by_dedup_key_.find(std::string{dedup_key});
  if (it == core_->by_dedup_key_.end()) {
    return nullptr;
  }
  const auto* inc = find_incident(it->second);
  return inc != nullptr && inc->state != incident_state::resolved ? inc : nullptr;
}

const escalation* engine::find_escalation(std::int64_t id) const {
  auto it = core_->escalations_.find(id);
  return it == core_->escalations_.end() ? nullptr : &it->second;
}

std::vector<const escalation*> engine::escalations_of(std::int64_t incident_id) const {
  std::vector<const escalation*> out;
  if (const auto* inc = find_incident(incident_id)) {
    for (auto id : inc->escalations) {
      out.push_back(&core_->escalations_.at(id));
    }
  }
  return out;
}

std::vector<const escalation*> engine::accountable(std::int64_t incident_id) const {
  auto all = escalations_of(incident_id);
  std::erase_if(all, [](const escalation* e) { return e->state == escalation_state::ended; });
  return all;
}

std::size_t engine::open_incidents() const noexcept { return core_->incidents_.size(); }
std::size_t engine::pending_timers() const noexcept { return core_->timers_.size(); }
const counters& engine::totals() const noexcept { return core_->counters_; }
std::map<std::string, latency_stats> engine::latency_by_rule() const { return core_->latency_.by_rule(); }
std::map<std::string, latency_stats> engine::latency_by_role() const { return core_->latency_.by_role(); }
const std::shared_ptr<const config::organisation>& engine::current_config() const noexcept { return core_->org_; }
const store::log_head& engine::log_head() const noexcept { return core_->log_.head(); }

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
