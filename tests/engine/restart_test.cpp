// Restart is a non-event: an engine stopped at random points (destroyed without any
// shutdown, or stopped by a commit that failed) and rebuilt from its SQLite file ends
// with the same log and the same state as one that ran straight through the same
// seeded operations over the reference organisation (engine/persistence.cpp).
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "config/loader.hpp"
#include "notifiers/recording_notifier.hpp"
#include "tests/engine/counting_store.hpp"
#include "tests/engine/harness.hpp"
#include "tests/support/same_state.hpp"

using namespace baton;
using namespace std::chrono_literals;

namespace {

// The reference organisation, and a second version of it (a reload changes the default
// acknowledgement timeout), both from files in a folder of their own.
struct organisations {
  test::temp_dir dir;
  std::shared_ptr<const config::organisation> a;
  std::shared_ptr<const config::organisation> b;

  organisations() {
    const auto from = test::compel_config().parent_path();
    for (const auto& f : std::filesystem::directory_iterator(from)) {
      if (f.path().extension() == ".yaml") {
        dir.write(f.path().filename().string(), test::read_file(f.path()));
      }
    }
    a = load("baton.yaml");
    std::string root = test::read_file(dir.path() / "baton.yaml");
    const auto at = root.find("ack_timeout: 15m");
    REQUIRE(at != std::string::npos);
    root.replace(at, 16, "ack_timeout: 20m");
    dir.write("baton-b.yaml", root);
    b = load("baton-b.yaml");
    REQUIRE(a->version != b->version);
  }

  std::shared_ptr<const config::organisation> load(const std::string& name) {
    auto r = config::load(dir.path() / name, test::at("2026-11-23T09:00:00"));
    REQUIRE(r.org != nullptr);
    return r.org;
  }
};

const organisations& orgs() {
  static const organisations o;
  return o;
}

// One engine on one SQLite file, which can be destroyed and rebuilt at any moment.
class world {
 public:
  explicit world(const std::filesystem::path& db) : db_(db), clock(test::at("2026-11-23T09:00:00")) {
    current = orgs().a;
    start();
  }

  void start() {
    store = std::make_unique<test::counting_store>(db_);
    notifiers = std::make_unique<notifiers::notifier_set>();
    for (const auto& n : current->notifiers) {
      notifiers->add(std::make_unique<notifiers::recording_notifier>(n.id));
    }
    eng = std::make_unique<engine::engine>(clock, *store, *notifiers, current);
  }

  // No shutdown of any kind: what was committed is all that survives. The process
  // comes back with the configuration the database says is current.
  void crash_and_restart() {
    eng.reset();
    store.reset();
    ++restarts;
    store = std::make_unique<test::counting_store>(db_);
    if (auto v = store->current_config_version()) {
      current = v->version == orgs().b->version ? orgs().b : orgs().a;
    }
    store.reset();
    start();
  }

  std::filesystem::path db_;
  engine::manual_clock clock;
  std::shared_ptr<const config::organisation> current;
  std::unique_ptr<test::counting_store> store;
  std::unique_ptr<notifiers::notifier_set> notifiers;
  std::unique_ptr<engine::engine> eng;
  int restarts = 0;
};

std::string describe(const engine::outcome& o) {
  if (!o) {
    return "error " + std::to_string(static_cast<int>(o.error().kind)) + ": " + o.error().message;
  }
  return std::visit(
      [](const auto& r) -> std::string {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, engine::submit_result>) {
          std::string s = "incident " + std::to_string(r.incident_id) + (r.created ? " opened" : " joined");
          for (const auto& f : r.fired_rules) {
            s += " " + f;
          }
          return s;
        } else if constexpr (std::is_same_v<T, engine::ack_result>) {
          std::string s = "engaged";
          for (const auto& role : r.engaged_roles) {
            s += " " + role;
          }
          return s;
        } else if constexpr (std::is_same_v<T, engine::resolve_result>) {
          return "resolved " + std::to_string(r.incident_id);
        } else if constexpr (std::is_same_v<T, engine::fire_result>) {
          return "fired " + std::to_string(r.fired);
        } else {
          return "loaded " + r.version;
        }
      },
      o.value());
}

// The operations of one seed, chosen from the committed state as a caller would see it.
class script {
 public:
  explicit script(std::uint64_t seed) : rng_(seed) {}

  bool advance_next() { return pick(100) < 30; }
  duration advance_by() { return std::chrono::minutes{1 + pick(8 * 60)}; }

  std::vector<engine::operation> batch(world& w) {
    std::vector<engine::operation> ops;
    const auto n = 1 + pick(3);
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto roll = pick(100);
      if (roll < 50) {
        ops.push_back(event(*w.current));
      } else if (roll < 78) {
        ops.push_back(acknowledge(w));
      } else if (roll < 93) {
        ops.push_back(resolve(w));
      } else {
        w.current = w.current == orgs().a ? orgs().b : orgs().a;
        ops.push_back(engine::load_config_op{w.current, "config"});
      }
    }
    return ops;
  }

 private:
  std::uint64_t pick(std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_); }

  engine::operation event(const config::organisation& org) {
    static const char* const types[] = {"incident",      "incident_update",  "anomaly",     "drift",
                                        "intake",        "vendor_incident",  "risk_appetite_breach",
                                        "budget_request", "performance_threshold"};
    engine::submit_op op;
    op.actor = "api";
    op.e.type = types[pick(std::size(types))];
    op.e.system = org.systems[pick(org.systems.size())].id;
    op.e.severity = pick(2) == 0 ? "high" : "medium";
    op.e.summary = "seeded " + op.e.type;
    op.e.source = "restart-test";
    op.e.dedup_key = pick(5) == 0 ? "" : "k" + std::to_string(pick(8));
    if (pick(3) == 0) {
      op.e.attrs.push_back({"customer_harm", true});
    }
    if (pick(3) == 0) {
      op.e.attrs.push_back({"amount", 2.5e6});
    }
    return op;
  }

  std::vector<std::int64_t> open_ids(world& w) {
    std::vector<std::int64_t> ids;
    for (const auto& row : w.store->incidents(true)) {
      ids.push_back(row.id);
    }
    return ids;
  }

  engine::operation acknowledge(world& w) {
    const auto ids = open_ids(w);
    if (ids.empty()) {
      return engine::acknowledge_op{1, "amara", "", ""};
    }
    const auto id = ids[pick(ids.size())];
    std::vector<std::string> paged;
    for (const auto* e : w.eng->accountable(id)) {
      if (e->paged != nullptr) {
        paged.push_back(e->paged->id);
      }
    }
    const auto& people = w.current->people;
    const std::string person =
        !paged.empty() && pick(5) != 0 ? paged[pick(paged.size())] : people[pick(people.size())].id;
    return engine::acknowledge_op{id, person, "", ""};
  }

  engine::operation resolve(world& w) {
    const auto ids = open_ids(w);
    const auto id = ids.empty() ? std::int64_t{1} : ids[pick(ids.size())];
    return engine::resolve_op{id, "person:amara", "seeded resolution", ""};
  }

  std::mt19937_64 rng_;
};

struct run_result {
  std::vector<std::string> outcomes;  // of each step, once committed
  int restarts = 0;
};

// How the interrupted run stops: never (the reference run), or at random points.
struct interruptions {
  bool enabled = false;
  std::uint64_t seed = 0;
};

// Moves the clock to `until`, stopping at every timer deadline; with `fail_once` the
// first timer batch fails, the engine stops, and it is rebuilt at that same instant.
void advance(world& w, timestamp until, bool fail_once) {
  w.store->fail_commit = fail_once;
  for (;;) {
    auto due = w.eng->next_due();
    const bool last = !due || *due > until;
    w.clock.set(last ? until : *due);
    w.eng->run_due();
    if (!w.eng->stopped().empty()) {
      w.crash_and_restart();  // a fresh store: no failure armed
      continue;
    }
    w.store->fail_commit = false;
    if (last) {
      return;
    }
  }
}

run_result drive(world& w, std::uint64_t seed, int steps, interruptions stops) {
  script s(seed);
  std::mt19937_64 chaos(stops.seed);
  auto roll = [&](int percent) { return stops.enabled && static_cast<int>(chaos() % 100) < percent; };
  run_result r;
  for (int i = 0; i < steps; ++i) {
    if (roll(12)) {
      w.crash_and_restart();
    }
    if (s.advance_next()) {
      advance(w, w.clock.now() + s.advance_by(), roll(10));
      r.outcomes.push_back("advanced");
      continue;
    }
    const auto ops = s.batch(w);
    const bool fail = roll(8);
    if (fail) {
      // A batch that fails part-way or at its commit: nothing of it may survive.
      w.store->fail_after_appends = static_cast<int>(chaos() % 6);
    }
    auto out = w.eng->run(ops);
    if (fail) {
      w.store->fail_after_appends = -1;
    }
    if (!w.eng->stopped().empty()) {
      // Either the batch failed (every outcome `unavailable`: nothing was kept, and the
      // sender retries the very same operations after the restart), or it committed and
      // recording its deliveries failed (its outcomes stand; the deliveries go out again
      // after the restart).
      const bool committed = std::any_of(out.begin(), out.end(), [](const engine::outcome& o) {
        return o.has_value() || o.error().kind != engine::error_kind::unavailable;
      });
      w.crash_and_restart();
      if (!committed) {
        out = w.eng->run(ops);
      }
    }
    REQUIRE(w.eng->stopped().empty());
    for (const auto& op : ops) {
      if (const auto* load = std::get_if<engine::load_config_op>(&op)) {
        w.current = load->org;
      }
    }
    std::string line;
    for (const auto& o : out) {
      line += describe(o) + "; ";
    }
    r.outcomes.push_back(line);
  }
  r.restarts = w.restarts;
  return r;
}

int seeds_to_run() {
  if (const char* n = std::getenv("BATON_RESTART_SEEDS")) {
    return std::max(1, std::atoi(n));
  }
  return 200;
}

}  // namespace

TEST_CASE("an engine destroyed at random points and rebuilt ends as one that ran straight through",
          "[engine][restart]") {
  const int seeds = seeds_to_run();
  int restarts = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    // Real SQLite files; in memory-backed /dev/shm where there is one, so that hundreds
    // of seeds do not wait on the disk's fsync.
    test::temp_dir dir(std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "");
    world straight(dir.path() / "straight.db");
    world interrupted(dir.path() / "interrupted.db");
    const auto a = drive(straight, static_cast<std::uint64_t>(seed), 40, {});
    const auto b = drive(interrupted, static_cast<std::uint64_t>(seed), 40, {true, static_cast<std::uint64_t>(seed) * 7919});
    INFO("seed " << seed << ", " << b.restarts << " restarts");
    REQUIRE(a.outcomes == b.outcomes);
    test::check_same_state(*straight.store, *interrupted.store);
    restarts += b.restarts;
  }
  // The interruptions happened: about one step in five stops the engine.
  CHECK(restarts > seeds * 3);
}

TEST_CASE("a restarted engine keeps each incident's configuration version, timers and ids",
          "[engine][restart]") {
  test::temp_dir dir;
  world w(dir.path() / "baton.db");
  engine::submit_op harm;
  harm.e.type = "incident";
  harm.e.system = "credit-scoring";
  harm.e.dedup_key = "harm-1";
  harm.e.attrs.push_back({"customer_harm", true});
  auto first = w.eng->run(std::vector<engine::operation>{harm});
  REQUIRE(first[0].has_value());
  const auto timers_before = w.store->timers();
  REQUIRE_FALSE(timers_before.empty());

  // A reload, then a crash: the open incident keeps version a after the restart.
  REQUIRE(w.eng->load_config(orgs().b).has_value());
  w.clock.advance(2h);  // down for two hours: its acknowledgement timer is overdue
  w.crash_and_restart();
  CHECK(w.current == orgs().b);
  const auto* inc = w.eng->find_incident(1);
  REQUIRE(inc != nullptr);
  CHECK(inc->org->version == orgs().a->version);
  CHECK(inc->dedup_key == "harm-1");
  CHECK(w.eng->pending_timers() == timers_before.size());
  std::vector<std::string> accountable;
  for (const auto* e : w.eng->accountable(1)) {
    accountable.push_back(e->role->id);
  }
  std::sort(accountable.begin(), accountable.end());
  CHECK(accountable == std::vector<std::string>{"caio", "gc"});

  // The same key joins the incident; the restart was logged; no config.loaded for
  // the version already current.
  auto again = w.eng->submit(harm.e);
  REQUIRE(again.has_value());
  CHECK(again->incident_id == 1);
  CHECK_FALSE(again->created);
  int recovered = 0;
  int loads = 0;
  w.store->read_log({}, [&](const store::log_record& r) {
    recovered += r.kind == "engine.recovered" ? 1 : 0;
    loads += r.kind == "config.loaded" ? 1 : 0;
  });
  CHECK(recovered == 1);
  CHECK(loads == 2);

  // Overdue timers fire at once and say they are late; new ids continue after the old.
  const auto highest_before = w.store->max_timer_id();
  CHECK(w.eng->run_due() >= 1);
  int late = 0;
  w.store->read_log({}, [&](const store::log_record& r) { late += r.kind == "timer.late" ? 1 : 0; });
  CHECK(late >= 1);
  for (const auto& t : w.store->timers()) {
    if (std::none_of(timers_before.begin(), timers_before.end(), [&](const auto& b) { return b.id == t.id; })) {
      CHECK(t.id > highest_before);
    }
  }
  auto other = w.eng->submit(engine::event{"anomaly", "chat-assist", "high", "", "", "", {}, {}});
  REQUIRE(other.has_value());
  CHECK(other->incident_id == 2);
}

TEST_CASE("a restart refuses two open incidents with one key, names both, and writes nothing",
          "[engine][restart]") {
  test::temp_dir dir;
  world w(dir.path() / "baton.db");
  for (const char* key : {"k-1", "k-2", "k-3", "k-4"}) {
    auto r = w.eng->submit(engine::event{"anomaly", "chat-assist", "high", "", "", key, {}, {}});
    REQUIRE(r.has_value());
  }
  w.eng.reset();
  w.store.reset();
  {
    // As a damaged or hand-edited file could have it: incident 3 takes incident 2's key.
    SQLite::Database db(w.db_.string(), SQLite::OPEN_READWRITE);
    REQUIRE(db.exec("UPDATE incidents SET dedup_key = 'k-2' WHERE id = 3") == 1);
  }
  const auto head_before = store::sqlite_store(w.db_).head();
  REQUIRE_THROWS_WITH(w.start(), Catch::Contains("cannot rebuild the engine's state from the database") &&
                                     Catch::Contains("incidents 2 and 3 are both open with the key k-2"));
  w.eng.reset();
  w.store.reset();
  const auto head_after = store::sqlite_store(w.db_).head();
  CHECK(head_after.seq == head_before.seq);
  CHECK(head_after.hash == head_before.hash);
}
