// The whole engine in process: the reference organisation (examples/compel), a virtual
// clock, the in-memory store and a counting notifier. Prints events/s (median of 5
// runs) and heap bytes per open incident. Figures only; nothing is asserted.
#include <fmt/format.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "config/loader.hpp"
#include "engine/engine.hpp"
#include "notifiers/recording_notifier.hpp"
#include "store/memory_store.hpp"

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
  void put_config_version(const bs::config_version_row&) override {}
  void put_request(const bs::request_row&) override {}
  std::optional<bs::request_row> find_request(std::string_view) override { return std::nullopt; }
  void forget_requests_before(timestamp) override {}
  std::optional<bs::request_row> last_request(std::string_view) override { return std::nullopt; }
  std::optional<bs::incident_row> find_incident(std::int64_t) override { return std::nullopt; }
  std::vector<bs::incident_row> incidents(bool) override { return {}; }
  std::vector<bs::escalation_row> escalations(std::int64_t) override { return {}; }
  std::vector<bs::escalation_row> open_escalations() override { return {}; }
  std::vector<bs::timer_row> timers() override { return {}; }
  std::vector<bs::notification_row> notifications(std::int64_t) override { return {}; }
  std::optional<bs::config_version_row> find_config_version(std::string_view) override { return std::nullopt; }
  std::optional<bs::config_version_row> current_config_version() override { return std::nullopt; }
  std::int64_t max_incident_id() override { return 0; }
  std::int64_t max_escalation_id() override { return 0; }
  std::int64_t max_timer_id() override { return 0; }

 private:
  bs::log_head head_{0, std::string(64, '0')};
};

std::vector<engine::event> make_events(const config::organisation& org, std::size_t n, std::size_t distinct) {
  std::vector<engine::event> out;
  out.reserve(n);
  static const char* types[] = {"anomaly", "drift", "performance_threshold", "incident", "incident_update"};
  for (std::size_t i = 0; i < n; ++i) {
    engine::event e;
    std::size_t key = i % distinct;
    e.type = types[key % 5];
    e.system = org.systems[key % org.systems.size()].id;
    e.severity = "high";
    e.summary = "metric out of bounds";
    e.source = "bench";
    e.dedup_key = fmt::format("bench-{}", key);
    // One incident in twenty reports customer harm: threshold 6 moves it to CAIO + GC.
    if (key % 20 == 3) {
      e.attrs.push_back({"customer_harm", true});
    }
    e.attrs.push_back({"score", static_cast<double>(i % 100) / 100.0});
    out.push_back(std::move(e));
  }
  return out;
}

struct rig {
  explicit rig(std::shared_ptr<const config::organisation> org, store::store& st)
      : clock(*parse_iso("2026-11-23T09:00:00Z", nullptr)) {
    for (const auto& n : org->notifiers) {
      auto r = std::make_unique<notifiers::recording_notifier>(n.id, false);
      recorders.push_back(r.get());
      set.add(std::move(r));
    }
    eng = std::make_unique<engine::engine>(clock, st, set, std::move(org));
  }
  engine::manual_clock clock;
  notifiers::notifier_set set;
  std::vector<notifiers::recording_notifier*> recorders;
  std::unique_ptr<engine::engine> eng;
};

std::size_t heap_in_use() { return mallinfo2().uordblks; }

}  // namespace

int main() {
  auto path = std::string(BATON_SOURCE_DIR) + "/examples/compel/baton.yaml";
  auto loaded = config::load(path, *parse_iso("2026-11-23T09:00:00Z", nullptr));
  if (!loaded.org) {
    fmt::print(stderr, "engine_bench: cannot load {}\n", path);
    return 2;
  }
  auto org = loaded.org;

  // Throughput: 200,000 events over 20,000 dedup keys (one new incident per ten events,
  // the rest deduplicated into open ones, as a noisy monitor produces them).
  const std::size_t n = 200'000;
  const std::size_t distinct = 20'000;
  auto events = make_events(*org, n, distinct);
  std::vector<double> rates;
  std::int64_t notifications = 0;
  std::int64_t records = 0;
  for (int rep = 0; rep < 5; ++rep) {
    store::memory_store st(store::memory_store::log_retention::head_only);
    rig r(org, st);
    auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < n; ++i) {
      (void)r.eng->submit(events[i], "bench");
      if (i % 1000 == 999) {
        r.clock.advance(std::chrono::seconds{1});
        r.eng->run_due();
      }
    }
    auto dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rates.push_back(static_cast<double>(n) / dt);
    notifications = r.eng->totals().notifications_sent;
    records = r.eng->log_head().seq;
  }
  std::sort(rates.begin(), rates.end());
  fmt::print("engine: {} events ({} incidents, 1 in 20 crossing threshold 6), in-memory store, virtual clock\n", n,
             distinct);
  fmt::print("engine: {:.0f} events/s median of 5 (min {:.0f}, max {:.0f}); {} log records and {} notifications "
             "per run\n",
             rates[2], rates.front(), rates.back(), records, notifications);

  // Memory: heap growth per open incident, 100,000 incidents each paging its holder
  // with a pending acknowledgement timer.
  const std::size_t open = 100'000;
  auto opening = make_events(*org, open, open);
  for (int variant = 0; variant < 2; ++variant) {
    std::unique_ptr<store::store> st;
    if (variant == 0) {
      st = std::make_unique<discarding_store>();
    } else {
      st = std::make_unique<store::memory_store>(store::memory_store::log_retention::head_only);
    }
    rig r(org, *st);
    malloc_trim(0);
    auto before = heap_in_use();
    for (const auto& e : opening) {
      (void)r.eng->submit(e, "bench");
    }
    auto after = heap_in_use();
    fmt::print("engine: {:.0f} bytes of heap per open incident ({} open, {} pending timers, {})\n",
               static_cast<double>(after - before) / static_cast<double>(open), r.eng->open_incidents(),
               r.eng->pending_timers(),
               variant == 0 ? "engine state only" : "engine + in-memory store rows");
  }
  return 0;
}
