// The whole engine in process on the reference organisation (examples/compel) and a
// virtual clock. Figures only; nothing is asserted.
//
//   1. A realistic mix over twelve virtual hours: new incidents, dedup hits,
//      acknowledgements (most pages, after minutes), resolutions (hours later), and a
//      clock that moves far enough for acknowledgement timeouts, ladder climbs,
//      breaches and reminders to fire. In-memory store; one operation per batch and
//      all of one virtual instant per batch, interleaved (A B A B ...), median of 5.
//      Printed beside events/s: the timers that fired and what the run did.
//   2. The same stream on a real SQLite file (synchronous=FULL) with 1, 10, 100 and
//      1,000 operations per commit: operations/s, and rows and bytes written per event.
//   3. Memory per open incident: resident set (/proc/self/statm) and all of the heap
//      (mallinfo2: arenas and mmapped blocks), for 100,000 open incidents.
//
// `engine_bench quick` runs smaller sizes (a smoke run); `mix`, `durable` or `memory`
// after it runs that part only (for a profiler).
#include <fmt/format.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bench/measure.hpp"
#include "config/loader.hpp"
#include "engine/engine.hpp"
#include "notifiers/recording_notifier.hpp"
#include "store/memory_store.hpp"
#include "store/sqlite_store.hpp"

using namespace baton;
namespace bs = baton::store;

namespace {

// Keeps nothing but the log head: the engine's own memory, without a store's copies.
class discarding_store final : public bs::store {
 public:
  void begin() override {}
  void commit() override {}
  void rollback() noexcept override {}
  void append_log(const bs::log_record& r) override { head_ = {r.seq, r.hash}; }
  bs::log_head head() override { return head_; }
  std::optional<bs::log_head> find_head() override { return head_; }
  std::optional<timestamp> last_log_time() override { return std::nullopt; }
  void read_log(const bs::log_range&, const std::function<void(const bs::log_record&)>&) override {}
  void upsert_incident(const bs::incident_row&) override {}
  void upsert_escalation(const bs::escalation_row&) override {}
  void put_timer(const bs::timer_row&) override {}
  void delete_timer(std::int64_t) override {}
  void keep_timer_ids(std::int64_t) override {}
  void put_notification(const bs::notification_row&) override {}
  void update_notification(const bs::notification_progress&) override {}
  void put_config_version(const bs::config_version_row&) override {}
  void put_request(const bs::request_row&) override {}
  std::optional<bs::request_row> find_request(std::string_view) override { return std::nullopt; }
  void forget_requests_before(timestamp) override {}
  std::optional<bs::request_row> last_request(std::string_view) override { return std::nullopt; }
  std::optional<bs::incident_row> find_incident(std::int64_t) override { return std::nullopt; }
  void each_incident(bool, const std::function<void(bs::incident_row&)>&) override {}
  std::vector<bs::incident_row> incident_page_of(const bs::incident_page&) override { return {}; }
  std::vector<bs::escalation_row> escalations(std::int64_t) override { return {}; }
  void each_open_escalation(const std::function<void(bs::escalation_row&)>&) override {}
  void each_timer(const std::function<void(bs::timer_row&)>&) override {}
  std::vector<bs::notification_row> notifications(std::int64_t) override { return {}; }
  std::vector<bs::notification_row> pending_notifications() override { return {}; }
  std::optional<bs::config_version_row> find_config_version(std::string_view) override { return std::nullopt; }
  std::optional<bs::config_version_row> current_config_version() override { return std::nullopt; }
  std::size_t count_open_incidents() override { return 0; }
  std::int64_t max_incident_id() override { return 0; }
  std::int64_t max_escalation_id() override { return 0; }
  std::int64_t max_timer_id() override { return 0; }

 private:
  bs::log_head head_{0, std::string(64, '0')};
};

// Counts the rows (and their bytes) written to a real store.
class counting_store final : public bs::store {
 public:
  explicit counting_store(bs::store& inner) : inner_(inner) {}
  std::int64_t rows = 0;
  std::int64_t bytes = 0;
  std::int64_t commits = 0;

  void begin() override { inner_.begin(); }
  void commit() override {
    inner_.commit();
    ++commits;
  }
  void rollback() noexcept override { inner_.rollback(); }
  void append_log(const bs::log_record& r) override {
    count(r.actor.size() + r.kind.size() + r.details.size() + r.prev_hash.size() + r.hash.size() + 24);
    inner_.append_log(r);
  }
  bs::log_head head() override { return inner_.head(); }
  std::optional<bs::log_head> find_head() override { return inner_.find_head(); }
  std::optional<timestamp> last_log_time() override { return inner_.last_log_time(); }
  void read_log(const bs::log_range& r, const std::function<void(const bs::log_record&)>& v) override {
    inner_.read_log(r, v);
  }
  void upsert_incident(const bs::incident_row& r) override {
    count(r.dedup_key.size() + r.system.size() + r.event_type.size() + r.severity.size() + r.summary.size() +
          r.state.size() + r.config_version.size() + r.accountable.size() + r.fired_rules.size() +
          r.opened_by.size() + 40);
    inner_.upsert_incident(r);
  }
  void upsert_escalation(const bs::escalation_row& r) override {
    count(r.role.size() + r.rule.size() + r.state.size() + r.engaged_by.size() + r.paged.size() + 56);
    inner_.upsert_escalation(r);
  }
  void put_timer(const bs::timer_row& r) override {
    count(r.kind.size() + 32);
    inner_.put_timer(r);
  }
  void delete_timer(std::int64_t id) override {
    count(8);
    inner_.delete_timer(id);
  }
  void keep_timer_ids(std::int64_t h) override {
    count(8);
    inner_.keep_timer_ids(h);
  }
  void put_notification(const bs::notification_row& r) override {
    count(r.idempotency_key.size() + r.kind.size() + r.person.size() + r.role.size() + r.notifier.size() +
          r.address.size() + r.payload.size() + r.state.size() + r.last_error.size() + 40);
    inner_.put_notification(r);
  }
  void update_notification(const bs::notification_progress& p) override {
    count(p.idempotency_key.size() + p.state.size() + p.last_error.size() + 16);
    inner_.update_notification(p);
  }
  void put_config_version(const bs::config_version_row& r) override {
    count(r.version.size() + r.sources.size() + 16);
    inner_.put_config_version(r);
  }
  void put_request(const bs::request_row& r) override {
    count(r.key.size() + r.outcome.size() + 8);
    inner_.put_request(r);
  }
  std::optional<bs::request_row> find_request(std::string_view k) override { return inner_.find_request(k); }
  void forget_requests_before(timestamp t) override { inner_.forget_requests_before(t); }
  std::optional<bs::request_row> last_request(std::string_view p) override { return inner_.last_request(p); }
  std::optional<bs::incident_row> find_incident(std::int64_t id) override { return inner_.find_incident(id); }
  void each_incident(bool o, const std::function<void(bs::incident_row&)>& f) override {
    inner_.each_incident(o, f);
  }
  std::vector<bs::incident_row> incident_page_of(const bs::incident_page& p) override {
    return inner_.incident_page_of(p);
  }
  std::vector<bs::escalation_row> escalations(std::int64_t id) override { return inner_.escalations(id); }
  void each_open_escalation(const std::function<void(bs::escalation_row&)>& f) override {
    inner_.each_open_escalation(f);
  }
  void each_timer(const std::function<void(bs::timer_row&)>& f) override { inner_.each_timer(f); }
  std::vector<bs::notification_row> notifications(std::int64_t id) override { return inner_.notifications(id); }
  std::vector<bs::notification_row> pending_notifications() override { return inner_.pending_notifications(); }
  std::optional<bs::config_version_row> find_config_version(std::string_view v) override {
    return inner_.find_config_version(v);
  }
  std::optional<bs::config_version_row> current_config_version() override { return inner_.current_config_version(); }
  std::size_t count_open_incidents() override { return inner_.count_open_incidents(); }
  std::int64_t max_incident_id() override { return inner_.max_incident_id(); }
  std::int64_t max_escalation_id() override { return inner_.max_escalation_id(); }
  std::int64_t max_timer_id() override { return inner_.max_timer_id(); }

 private:
  void count(std::size_t b) {
    ++rows;
    bytes += static_cast<std::int64_t>(b);
  }
  bs::store& inner_;
};

const timestamp start = *parse_iso("2026-11-23T09:00:00Z", nullptr);

// What a caller does at one virtual instant (one second): the operations it sends.
struct instant {
  timestamp at;
  std::vector<engine::operation> ops;
  std::size_t events = 0;
};

// A monitor's stream over `hours`: one event in four opens an incident, the rest repeat
// a recent one (dedup); 70% of new incidents are acknowledged by their first paged
// holder after 1-30 minutes, and 80% of those resolved 30 minutes to 8 hours later by
// the sender that opened them. Acks name the holder the engine pages first (the business
// unit owner's primary), which the stream predicts from the configuration.
std::vector<instant> make_stream(const config::organisation& org, std::size_t events, int hours, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  const std::int64_t seconds = std::int64_t{hours} * 3600;
  std::map<std::int64_t, instant> by_second;
  auto at = [&](std::int64_t s) -> instant& {
    auto& i = by_second[s];
    i.at = start + std::chrono::seconds{s};
    return i;
  };
  static const char* const types[] = {"anomaly", "drift", "performance_threshold", "incident", "incident_update"};
  std::int64_t incidents = 0;
  for (std::size_t n = 0; n < events; ++n) {
    const std::int64_t s = static_cast<std::int64_t>(n) * seconds / static_cast<std::int64_t>(events);
    engine::submit_op op;
    op.actor = "integration:bench";
    const bool fresh = incidents == 0 || uniform(0, 3) == 0;
    const std::int64_t key = fresh ? incidents++ : std::max<std::int64_t>(0, incidents - 1 - uniform(0, 50));
    const auto& sys = org.systems[static_cast<std::size_t>(key) % org.systems.size()];
    op.e.type = types[key % 5];
    op.e.system = sys.id;
    op.e.severity = "high";
    op.e.summary = "metric out of bounds";
    op.e.source = "bench";
    op.e.dedup_key = fmt::format("bench-{}", key);
    if (key % 20 == 3) {
      op.e.attrs.push_back({"customer_harm", true});  // threshold 6: CAIO + GC
    }
    at(s).ops.push_back(std::move(op));
    ++at(s).events;
    if (fresh && uniform(0, 9) < 7) {
      // Incident ids follow the order of first events: the key's number + 1.
      const std::int64_t id = key + 1;
      const auto* bu = org.find_business_unit(sys.business_unit);
      std::string holder = "amara";
      if (bu != nullptr) {
        if (auto h = bu->holders_by_role.find("bu_owner"); h != bu->holders_by_role.end() && !h->second.primary.empty()) {
          holder = h->second.primary;
        }
      }
      const std::int64_t ack = s + uniform(60, 1800);
      at(ack).ops.push_back(engine::acknowledge_op{id, holder, "", ""});
      if (uniform(0, 9) < 8) {
        at(ack + uniform(1800, 8 * 3600)).ops.push_back(engine::resolve_op{id, "integration:bench", "", ""});
      }
    }
  }
  std::vector<instant> out;
  for (auto& [s, i] : by_second) {
    out.push_back(std::move(i));
  }
  return out;
}

struct rig {
  rig(std::shared_ptr<const config::organisation> org, bs::store& st) : clock(start) {
    for (const auto& n : org->notifiers) {
      set.add(std::make_unique<notifiers::recording_notifier>(n.id, false));
    }
    eng = std::make_unique<engine::engine>(clock, st, set, std::move(org));
  }
  engine::manual_clock clock;
  notifiers::notifier_set set;
  std::unique_ptr<engine::engine> eng;
};

struct run_figures {
  double seconds = 0;
  std::size_t ops = 0;
  std::size_t events = 0;
  std::size_t timers = 0;
  std::int64_t acks = 0;
  std::int64_t resolved = 0;
  std::int64_t notifications = 0;
  std::int64_t breaches = 0;
  std::int64_t unowned = 0;
  std::int64_t records = 0;
};

// Drives `stream` through an engine: timers up to each instant fire first (one batch per
// instant that has any), then the instant's operations in batches of at most `batch`.
run_figures drive(rig& r, const std::vector<instant>& stream, std::size_t batch) {
  run_figures f;
  const auto t0 = std::chrono::steady_clock::now();
  for (const auto& i : stream) {
    while (auto due = r.eng->next_due()) {
      if (*due > i.at) {
        break;
      }
      r.clock.set(*due);
      f.timers += r.eng->run_due();
    }
    r.clock.set(i.at);
    for (std::size_t k = 0; k < i.ops.size(); k += batch) {
      const auto n = std::min(batch, i.ops.size() - k);
      (void)r.eng->run(std::span<const engine::operation>(i.ops.data() + k, n));
    }
    f.ops += i.ops.size();
    f.events += i.events;
  }
  f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto& t = r.eng->totals();
  f.acks = t.acknowledgements;
  f.resolved = t.resolved;
  f.notifications = t.notifications_sent;
  f.breaches = t.breaches;
  f.unowned = t.unowned;
  f.records = r.eng->log_head().seq;
  return f;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::size_t heap_bytes() {
  const auto m = mallinfo2();
  return m.uordblks + m.hblkhd;  // in use in the arenas, and in blocks mmapped apart
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::string_view only;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "quick") {
      quick = true;
    } else if (a == "mix" || a == "durable" || a == "memory") {
      only = a;
    } else {
      fmt::print(stderr, "usage: engine_bench [quick] [mix|durable|memory]\n");
      return 2;
    }
  }
  const auto part = [&](std::string_view name) { return only.empty() || only == name; };
  auto path = std::string(BATON_SOURCE_DIR) + "/examples/compel/baton.yaml";
  auto loaded = config::load(path, start);
  if (!loaded.org) {
    fmt::print(stderr, "engine_bench: cannot load {}\n", path);
    return 2;
  }
  auto org = loaded.org;

  // 1. The mix, in memory.
  if (part("mix")) {
  const std::size_t events = quick ? 20'000 : 200'000;
  const auto stream = make_stream(*org, events, 12, 42);
  std::vector<double> one_rates;
  std::vector<double> instant_rates;
  run_figures last;
  for (int rep = 0; rep < 5; ++rep) {
    for (std::size_t batch : {std::size_t{1}, std::size_t{1'000'000}}) {
      bs::memory_store st(bs::memory_store::log_retention::head_only);
      rig r(org, st);
      last = drive(r, stream, batch);
      (batch == 1 ? one_rates : instant_rates).push_back(static_cast<double>(last.events) / last.seconds);
    }
  }
  fmt::print("engine mix: {} events over 12 virtual hours ({} operations; {} acknowledgements and {} resolutions "
             "accepted), reference organisation, in-memory store\n",
             last.events, last.ops, last.acks, last.resolved);
  fmt::print("engine mix: {:.0f} events/s one operation per batch, {:.0f} events/s one batch per instant (median "
             "of 5, interleaved); per run {} timers fired, {} notifications, {} breaches, {} unowned, {} log "
             "records\n",
             median(one_rates), median(instant_rates), last.timers, last.notifications, last.breaches, last.unowned,
             last.records);
  }

  // 2. Durable: a real SQLite file, synchronous=FULL.
  if (part("durable")) {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("baton-engine-bench-{}", ::getpid());
  std::filesystem::create_directories(dir);
  const std::size_t durable_events[] = {quick ? 500u : 2'000u, quick ? 2'000u : 20'000u, quick ? 5'000u : 100'000u,
                                        quick ? 5'000u : 100'000u};
  const std::size_t batches[] = {1, 10, 100, 1000};
  for (std::size_t k = 0; k < 4; ++k) {
    // The stream squeezed into one virtual minute, so that each instant holds enough
    // operations to fill a batch of this size.
    auto burst = make_stream(*org, durable_events[k], 1, 7);
    std::vector<instant> merged(1);
    merged[0].at = start;
    for (auto& i : burst) {
      for (auto& op : i.ops) {
        merged[0].ops.push_back(std::move(op));
      }
      merged[0].events += i.events;
    }
    const auto db = dir / fmt::format("b{}.db", batches[k]);
    std::filesystem::remove(db);
    bs::sqlite_store sqlite(db);
    counting_store st(sqlite);
    rig r(org, st);
    const auto rows_before = st.rows;
    const auto bytes_before = st.bytes;
    const auto f = drive(r, merged, batches[k]);
    fmt::print("engine durable: {:>4} operations per commit: {:.0f} operations/s ({} operations, {} events), {:.1f} "
               "rows and {:.0f} bytes written per event, {} commits\n",
               batches[k], static_cast<double>(f.ops) / f.seconds, f.ops, f.events,
               static_cast<double>(st.rows - rows_before) / static_cast<double>(f.events),
               static_cast<double>(st.bytes - bytes_before) / static_cast<double>(f.events), st.commits);
  }
  std::filesystem::remove_all(dir);
  }

  // 3. Memory per open incident.
  if (!part("memory")) {
    return 0;
  }
  const std::size_t open = quick ? 10'000 : 100'000;
  std::vector<engine::event> opening;
  for (std::size_t i = 0; i < open; ++i) {
    engine::event e;
    e.type = "anomaly";
    e.system = org->systems[i % org->systems.size()].id;
    e.severity = "high";
    e.summary = "metric out of bounds";
    e.dedup_key = fmt::format("open-{}", i);
    opening.push_back(std::move(e));
  }
  for (int variant = 0; variant < 2; ++variant) {
    std::unique_ptr<bs::store> st;
    if (variant == 0) {
      st = std::make_unique<discarding_store>();
    } else {
      st = std::make_unique<bs::memory_store>(bs::memory_store::log_retention::head_only);
    }
    rig r(org, *st);
    malloc_trim(0);
    const auto rss_before = bench::resident_bytes();
    const auto heap_before = heap_bytes();
    for (const auto& e : opening) {
      (void)r.eng->submit(e, "bench");
    }
    const auto rss_after = bench::resident_bytes();
    const auto heap_after = heap_bytes();
    fmt::print("engine memory: {:.0f} bytes resident and {:.0f} bytes of heap per open incident ({} open, {} "
               "pending timers, {})\n",
               static_cast<double>(rss_after - rss_before) / static_cast<double>(open),
               static_cast<double>(heap_after - heap_before) / static_cast<double>(open), r.eng->open_incidents(),
               r.eng->pending_timers(), variant == 0 ? "engine state only" : "engine + in-memory store rows");
  }
  return 0;
}
