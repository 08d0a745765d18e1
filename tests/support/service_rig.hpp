#pragma once
// The engine service on the reference organisation (examples/compel) and a real SQLite
// file in a temporary folder, with a clock the test moves and recording notifiers: what
// the service and HTTP tests run against.
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "config/loader.hpp"
#include "notifiers/recording_notifier.hpp"
#include "service/engine_service.hpp"
#include "store/sqlite_store.hpp"
#include "tests/support/test_support.hpp"

namespace baton::test {

// A wall clock the test moves, readable from the engine thread.
class test_clock final : public engine::clock {
 public:
  explicit test_clock(timestamp t) : ms_(to_epoch_ms(t)) {}
  timestamp now() const override { return from_epoch_ms(ms_.load()); }
  void advance(duration d) { ms_ += d.count(); }

 private:
  std::atomic<std::int64_t> ms_;
};

struct service_rig {
  test::temp_dir dir;
  test_clock clock{*parse_iso("2026-11-23T09:00:00Z", nullptr)};
  std::shared_ptr<const config::organisation> org;
  std::filesystem::path db_path = dir.path() / "baton.db";
  std::unique_ptr<store::sqlite_store> db;
  std::shared_ptr<notifiers::notifier_set> set = std::make_shared<notifiers::notifier_set>();
  std::vector<notifiers::recording_notifier*> recorders;
  std::unique_ptr<service::engine_service> svc;

  explicit service_rig(service::engine_service::options o = {}) {
    config::load_options secrets_required;
    secrets_required.require_secrets = true;
    auto loaded = config::load(copy_compel(dir, "org"), clock.now(), secrets_required);
    REQUIRE(loaded.org != nullptr);
    org = loaded.org;
    for (const auto& n : org->notifiers) {
      auto r = std::make_unique<notifiers::recording_notifier>(n.id);
      recorders.push_back(r.get());
      set->add(std::move(r));
    }
    db = std::make_unique<store::sqlite_store>(db_path);
    svc = std::make_unique<service::engine_service>(
        clock,
        [this](notifiers::delivery_pipeline& pipeline) {
          return std::make_unique<engine::engine>(
              clock, *db, [this](const config::organisation&) { return set; }, org, pipeline);
        },
        o);
  }

  engine::submit_op event(int i) const {
    engine::submit_op op;
    op.e.type = "anomaly";
    op.e.system = org->systems[static_cast<std::size_t>(i) % org->systems.size()].id;
    op.e.severity = "high";
    op.e.summary = "metric out of bounds";
    op.e.dedup_key = "svc-" + std::to_string(i);
    op.actor = "integration:test";
    return op;
  }

  std::size_t delivered() const {
    std::size_t n = 0;
    for (const auto* r : recorders) {
      n += r->count();
    }
    return n;
  }
};


}  // namespace baton::test
