// `baton apply` as a real process: a stream of operations killed with SIGKILL at random
// moments and restarted until it finishes ends with the log and state of a run that
// was never interrupted; a second process on the same database refuses to start.
#include <catch2/catch.hpp>

#include <signal.h>

#include <fstream>
#include <random>

#include <fmt/format.h>

#include "store/sqlite_store.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/same_state.hpp"
#include "tests/support/test_support.hpp"

using namespace baton;
using namespace std::chrono_literals;

namespace {

// A seeded stream over several virtual days: events (a third with customer harm, on a
// few dedup keys), acknowledgements and resolutions by people of the organisation,
// and quiet hours in which timeouts, targets and reminders fire.
std::string seeded_ops(std::uint64_t seed, int lines) {
  static const char* const systems[] = {"credit-scoring", "chat-assist", "fraud-detect", "wealth-advisor",
                                        "cv-screening",   "health-triage"};
  static const char* const types[] = {"incident", "incident_update", "anomaly", "drift", "vendor_incident"};
  static const char* const people[] = {"amara", "lukas", "mei", "yuki", "rafael", "anja", "sofia", "jonas",
                                       "daniel", "priya", "helena", "olu", "grace"};
  std::mt19937_64 rng(seed);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  auto t = from_epoch_ms(1'795'424'400'000);  // 2026-11-23T09:00:00Z
  std::string out;
  int incidents = 0;
  for (int i = 0; i < lines; ++i) {
    const auto roll = pick(100);
    if (roll < 15) {
      t += std::chrono::minutes{5 + pick(6 * 60)};
      out += fmt::format(R"({{"at": "{}", "op": "advance"}})", format_iso(t)) + "\n";
      continue;
    }
    if (pick(3) != 0) {
      t += std::chrono::seconds{pick(120)};  // several lines share an instant: one batch
    }
    if (roll < 60 || incidents == 0) {
      ++incidents;
      out += fmt::format(
                 R"({{"at": "{}", "op": "event", "event": {{"type": "{}", "system": "{}", "severity": "high", )"
                 R"("summary": "seeded", "dedup_key": "k{}", "attrs": {{"customer_harm": {}}}}}}})",
                 format_iso(t), types[pick(std::size(types))], systems[pick(std::size(systems))], pick(10),
                 pick(3) == 0 ? "true" : "false") +
             "\n";
    } else if (roll < 88) {
      out += fmt::format(R"({{"at": "{}", "op": "ack", "incident": {}, "person": "{}"}})", format_iso(t),
                         1 + pick(static_cast<std::size_t>(incidents)), people[pick(std::size(people))]) +
             "\n";
    } else {
      out += fmt::format(R"({{"at": "{}", "op": "resolve", "incident": {}, "actor": "person:amara"}})",
                         format_iso(t), 1 + pick(static_cast<std::size_t>(incidents))) +
             "\n";
    }
  }
  return out;
}

std::vector<std::string> apply_argv(const std::filesystem::path& config, const std::filesystem::path& db,
                                    const std::string& ops) {
  return {BATON_BINARY, "apply", "--config", config.string(), "--db", db.string(), "--ops", ops};
}

}  // namespace

TEST_CASE("baton apply killed with SIGKILL at random and restarted ends as an uninterrupted run",
          "[app][restart]") {
  for (std::uint64_t seed : {11u, 12u, 13u}) {
    test::temp_dir dir;
    // One folder for both runs: config.loaded names the files it read.
    const auto config = test::copy_compel(dir, "org");
    const auto ops = dir.write("ops.jsonl", seeded_ops(seed, 400));
    const auto straight_db = dir.path() / "straight.db";
    const auto interrupted_db = dir.path() / "interrupted.db";

    {
      test::child_process once(apply_argv(config, straight_db, ops.string()), dir.path() / "straight.out");
      const auto status = once.wait_for(120s);
      INFO(test::read_file(dir.path() / "straight.out"));
      REQUIRE(status == 0);
    }

    std::mt19937_64 rng(seed * 31);
    int kills = 0;
    std::optional<int> finished;
    for (int attempt = 0; attempt < 100 && !finished; ++attempt) {
      test::child_process run(apply_argv(config, interrupted_db, ops.string()),
                              dir.path() / "interrupted.out");
      // Later attempts wait longer, so each gets further than the start-up costs.
      const auto delay = std::chrono::milliseconds(10 + 5 * attempt + static_cast<int>(rng() % 40));
      if (auto status = run.wait_for(attempt < 99 ? delay : 120s)) {
        finished = status;
        break;
      }
      run.kill(SIGKILL);
      const auto status = run.wait_for(10s);
      REQUIRE(status.has_value());
      if (*status != -SIGKILL) {
        finished = status;  // it finished just before the signal
        break;
      }
      ++kills;
    }
    INFO("seed " << seed << ", " << kills << " kills\n" << test::read_file(dir.path() / "interrupted.out"));
    REQUIRE(finished == 0);
    CHECK(kills >= 3);
    store::sqlite_store a(straight_db);
    store::sqlite_store b(interrupted_db);
    test::check_same_state(a, b);
    const auto verified = test::run_baton("log verify --db '" + interrupted_db.string() + "'");
    CHECK(verified.exit_code == 0);
  }
}

TEST_CASE("a second process on a database another baton is writing refuses to start", "[app]") {
  test::temp_dir dir;
  const auto config = test::copy_compel(dir, "org");
  const auto db = dir.path() / "baton.db";
  // The first reads its operations from a pipe the test keeps open: it holds the
  // database and waits.
  test::child_process first(apply_argv(config, db, "-"), dir.path() / "first.out", true);
  // It has the lock once the database exists beside its lock file.
  for (int i = 0; i < 500 && !std::filesystem::exists(db); ++i) {
    REQUIRE_FALSE(first.wait_for(10ms).has_value());
  }
  REQUIRE(std::filesystem::exists(db));
  const auto second = test::run_baton("apply --config '" + config.string() + "' --db '" + db.string() +
                                      "' --ops /dev/null");
  CHECK(second.exit_code == 2);
  CHECK_THAT(second.out, Catch::Contains(db.string()) && Catch::Contains("in use by another baton process") &&
                             Catch::Contains("pid " + std::to_string(first.pid())));
  // A demo on the same file refuses too, and leaves it alone.
  const auto demo = test::run_baton("demo --config '" + config.string() + "' --db '" + db.string() + "'");
  CHECK(demo.exit_code == 2);
  CHECK_THAT(demo.out, Catch::Contains("in use by another baton process"));
  CHECK(std::filesystem::exists(db));

  // Once the first has gone, the database is free.
  first.close_stdin();
  REQUIRE(first.wait_for(10s).has_value());
  const auto ops = dir.write("ops.jsonl", seeded_ops(5, 5));
  const auto third = test::run_baton("apply --config '" + config.string() + "' --db '" + db.string() + "' --ops '" +
                                     ops.string() + "'");
  CHECK(third.exit_code == 0);
}

TEST_CASE("baton apply refuses a malformed stream before running anything", "[app]") {
  test::temp_dir dir;
  const auto config = test::copy_compel(dir, "org");
  const auto db = dir.path() / "baton.db";
  const std::pair<std::string, std::string> cases[] = {
      {"{\"at\": \"2026-11-23T09:00:00Z\", \"op\": \"event\", \"event\": {\"type\": \"incident\"}}\nnot json\n",
       "ops.jsonl:2: not a JSON object"},
      {"{\"op\": \"ack\"}\n", "ops.jsonl:1: needs \"at\""},
      {"{\"at\": \"yesterday\", \"op\": \"advance\"}\n", "is not an ISO 8601 time"},
      {"{\"at\": \"2026-11-23T09:00:00Z\", \"op\": \"advance\"}\n{\"at\": \"2026-11-23T08:00:00Z\", \"op\": "
       "\"advance\"}\n",
       "goes back in time"},
      {"{\"at\": \"2026-11-23T09:00:00Z\", \"op\": \"ack\", \"incident\": \"one\", \"person\": \"amara\"}\n",
       "ack needs \"incident\": ID"},
      {"{\"at\": \"2026-11-23T09:00:00Z\", \"op\": \"launch\"}\n", "unknown op \"launch\""},
  };
  for (const auto& [text, message] : cases) {
    const auto ops = dir.write("ops.jsonl", text);
    const auto r = test::run_baton("apply --config '" + config.string() + "' --db '" + db.string() + "' --ops '" +
                                   ops.string() + "'");
    INFO(text);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.out, Catch::Contains(message));
  }
  // Nothing ran: the database holds no log record.
  store::sqlite_store st(db);
  CHECK(st.head().seq == 0);
}
