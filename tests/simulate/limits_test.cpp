// The simulator's limits (simulate/limits.hpp): whatever a scenario or configuration
// says, loading and running it ends, within bounds, with an error that names the bound
// at the place in the file that passed it. Scenarios are written to temporary files and
// read by the real loader; runs go through the real engine.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <string>

#include "simulate/exercise.hpp"
#include "simulate/limits.hpp"
#include "simulate/scenario.hpp"
#include "simulate/simulation.hpp"
#include "store/memory_store.hpp"
#include "tests/support/test_support.hpp"

using namespace baton;
using namespace std::chrono_literals;

namespace {

// One role held by two people, one rule: the smallest organisation an exercise runs on.
constexpr std::string_view tiny_config = R"(organisation:
  name: Tiny
  time_zone: Europe/Berlin
defaults:
  governance_owner: caio
routing:
  default_role: caio
event_types: [incident]
notifiers:
  - {id: memory, type: recorder}
people:
  - id: amara
    contacts: [{notifier: memory, address: a@x}]
    accepted: {date: 2026-01-01, version: "1"}
    training: {completed: 2025-10-01}
  - id: lukas
    contacts: [{notifier: memory, address: l@x}]
    accepted: {date: 2026-01-01, version: "1"}
    training: {completed: 2025-10-01}
roles:
  - id: caio
    primary: amara
    backups: [lukas]
rules:
  - id: r1
    when: event.type == "incident"
    to: caio
)";

// A scenario file beside the tiny configuration: `head` (name, config, start and any
// other top-level keys), then the timeline and whatever follows it.
class exercise_file {
 public:
  explicit exercise_file(std::string body) : text_(std::move(body)) {
    dir_.write("tiny.yaml", std::string{tiny_config});
  }

  static exercise_file with_timeline(const std::string& timeline, const std::string& head = default_head) {
    return exercise_file(head + "timeline:\n" + timeline);
  }

  simulate::scenario_result load() const { return simulate::load_scenario(dir_.write("scenario.yaml", text_)); }
  void write_config(const std::string& text) const { dir_.write("tiny.yaml", text); }
  std::filesystem::path path() const { return dir_.path() / "scenario.yaml"; }

  /// "scenario.yaml:line:column" of the first occurrence of `needle` (+ offset).
  std::string at(std::string_view needle, std::size_t offset = 0) const {
    auto pos = text_.find(needle);
    REQUIRE(pos != std::string::npos);
    pos += offset;
    const auto line = 1 + std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(pos), '\n');
    const auto line_start = text_.rfind('\n', pos == 0 ? 0 : pos - 1);
    const auto column = line_start == std::string::npos || pos == 0 ? pos + 1 : pos - line_start;
    return fmt::format("{}:{}:{}", path().string(), line, column);
  }

  static constexpr const char* default_head = "name: limits\nconfig: tiny.yaml\nstart: 2026-11-23T09:00:00\n";

 private:
  std::string text_;
  test::temp_dir dir_;
};

std::string dump(const simulate::scenario_result& r) {
  std::string out;
  for (const auto& d : r.diagnostics.items()) {
    out += config::to_string(d) + "\n";
  }
  return out;
}

// Loading failed with exactly one error, at `position`, containing `fragment`.
void expect_only_error(const simulate::scenario_result& r, const std::string& position, std::string_view fragment) {
  INFO(dump(r));
  CHECK_FALSE(r.value.has_value());
  REQUIRE(r.diagnostics.error_count() == 1);
  const auto text = config::to_string(r.diagnostics.items().front());
  CHECK(text.starts_with(position + ": error: "));
  CHECK_THAT(text, Catch::Contains(std::string{fragment}));
}

simulate::scenario loaded(const exercise_file& f) {
  auto r = f.load();
  INFO(dump(r));
  REQUIRE(r.value.has_value());
  return std::move(*r.value);
}

// `n` entries, one per line, from `entry(i)`.
template <typename F>
std::string entries(std::size_t n, F entry) {
  std::string out;
  out.reserve(n * 48);
  for (std::size_t i = 0; i < n; ++i) {
    out += "  - " + std::string{entry(i)} + "\n";
  }
  return out;
}

const std::string one_event = "  - {at: +0m, event: {type: incident}}\n";

}  // namespace

TEST_CASE("counts in messages are grouped by thousands", "[simulate][limits]") {
  CHECK(simulate::grouped(0) == "0");
  CHECK(simulate::grouped(999) == "999");
  CHECK(simulate::grouped(1000) == "1,000");
  CHECK(simulate::grouped(250'000) == "250,000");
  CHECK(simulate::grouped(18'446'744'073'709'551'615ULL) == "18,446,744,073,709,551,615");
}

TEST_CASE("a duration past the longest baton accepts is an error at its place, never wrapped", "[simulate][limits]") {
  SECTION("an offset whose units sum past 2^63 milliseconds") {
    auto f = exercise_file::with_timeline(
        "  - {at: +3812571113w26687997791d640511947003h38430716820228m2305843009213693s, event: {type: incident}}\n");
    expect_only_error(f.load(), f.at("+3812571113w"), "is longer than the longest duration baton accepts (36500d)");
  }
  SECTION("the exercise's length") {
    auto f = exercise_file::with_timeline(one_event, std::string{exercise_file::default_head} +
                                                         "length: 3812571113w26687997791d640511947003h38430716820228m\n");
    expect_only_error(f.load(), f.at("3812571113w"), "36500d");
  }
}

TEST_CASE("the exercise lasts at most 366 days", "[simulate][limits]") {
  const std::string head = exercise_file::default_head;
  auto year = exercise_file::with_timeline(one_event, head + "length: 366d\n");
  CHECK(loaded(year).length == 366 * 24h);

  auto longer = exercise_file::with_timeline(one_event, head + "length: 366d1ms\n");
  expect_only_error(longer.load(), longer.at("366d1ms"),
                    "length: 366d1ms is longer than the longest exercise (366d); rehearse a longer period as several "
                    "exercises");
  auto century = exercise_file::with_timeline(one_event, head + "length: 36500d\n");
  expect_only_error(century.load(), century.at("36500d"), "the longest exercise (366d)");
}

TEST_CASE("every time of the exercise lies before year 10000", "[simulate][limits]") {
  const std::string late = "name: late\nconfig: tiny.yaml\nstart: 9999-12-30T09:00:00Z\n";
  SECTION("start + length, with the default length") {
    auto f = exercise_file::with_timeline(one_event, late);
    expect_only_error(f.load(), f.at("9999-12-30"),
                      "start: start + length (7d) is after 9999-12-31T23:59:59.999Z, the last instant baton handles");
  }
  SECTION("start + length, with a length that fits") {
    auto f = exercise_file::with_timeline(one_event, late + "length: 1d\n");
    CHECK(loaded(f).end() == *parse_iso("9999-12-31T09:00:00Z", nullptr));
  }
  SECTION("start + offset of an interval's end") {
    auto f = exercise_file::with_timeline(one_event + "  - {at: +1h, out_of_office: {person: amara, until: +30d}}\n",
                                          late + "length: 1d\n");
    expect_only_error(f.load(), f.at("+30d"), "until: +30d is after 9999-12-31T23:59:59.999Z");
  }
}

TEST_CASE("a timeline of more than 200,000 entries is refused before any is read", "[simulate][limits]") {
  // Every entry is wrong, yet the only error is the count: nothing past it is read.
  auto f = exercise_file::with_timeline(entries(simulate::max_timeline_entries + 1, [](std::size_t) { return "0"; }));
  expect_only_error(f.load(), f.at("timeline:\n", 12),
                    "timeline: 200,001 entries (aliases counted); an exercise may have at most 200,000");
}

TEST_CASE("entries repeated by aliases count as often as they appear", "[simulate][limits]") {
  // One anchored entry and 200,000 aliases of it: 1.2 MB of YAML, 200,001 entries.
  std::string timeline = "  - &e {at: +0m, acknowledge: {incident: x, person: amara}}\n";
  timeline += entries(simulate::max_timeline_entries, [](std::size_t) { return "*e"; });
  auto f = exercise_file::with_timeline(timeline);
  auto r = f.load();
  INFO(dump(r));
  CHECK_FALSE(r.value.has_value());
  // Whichever counts first, the YAML reader (aliases in a document) or the timeline,
  // the entries are never read one by one: a single error.
  REQUIRE(r.diagnostics.error_count() == 1);
  const auto text = config::to_string(r.diagnostics.items().front());
  CHECK((text.find("200,001 entries (aliases counted)") != std::string::npos ||
         text.find("aliases") != std::string::npos));
}

TEST_CASE("text repeated by aliases counts as often as it appears", "[simulate][limits]") {
  // A 1 MiB scalar and 64 aliases of it: 65 MiB of text once expanded, in a 1 MiB file.
  const std::string big(std::size_t{1} << 20, 'x');
  std::string head = std::string{exercise_file::default_head} + "description: &big " + big + "\n";
  std::string timeline = one_event + "  - {at: +1m, event: {type: incident, attrs: {";
  for (int i = 0; i < 64; ++i) {
    timeline += fmt::format("{}a{}: *big", i == 0 ? "" : ", ", i);
  }
  timeline += "}}}\n";
  auto f = exercise_file::with_timeline(timeline, head);
  auto r = f.load();
  INFO(dump(r).substr(0, 2000));
  CHECK_FALSE(r.value.has_value());
  REQUIRE(r.diagnostics.error_count() == 1);
  // The YAML reader's own cap on repeated text (16 MiB, docs/limits.md) stops it before
  // the scenario's 64 MiB bound on all its text is reached.
  CHECK_THAT(config::to_string(r.diagnostics.items().front()),
             Catch::Contains("aliases (*name) repeat more than 16777216 bytes of text"));
}

TEST_CASE("an alias inside the node it names is refused, not walked for ever", "[simulate][limits]") {
  auto f = exercise_file::with_timeline("  - &e {at: +0m, event: {type: incident, attrs: {again: *e}}}\n");
  auto r = f.load();
  INFO(dump(r));
  CHECK_FALSE(r.value.has_value());
  REQUIRE(r.diagnostics.error_count() == 1);
  const auto text = config::to_string(r.diagnostics.items().front());
  CHECK((text.find("levels deep") != std::string::npos || text.find("alias") != std::string::npos));
}

TEST_CASE("an exercise opens at most 20,000 incidents", "[simulate][limits]") {
  // Unnamed events open an incident each; 20,001 of them pass the bound at the last.
  const auto n = simulate::max_incidents + 1;
  auto f = exercise_file::with_timeline(
      entries(n, [](std::size_t i) { return fmt::format("{{at: +{}s, event: {{type: incident}}}}", i); }));
  expect_only_error(f.load(), f.at(fmt::format("{{at: +{}s,", n - 1)),
                    "event: incident event-20001 at +20000s would be incident 20,001 of the exercise; an exercise may "
                    "open at most 20,000 incidents");

  // Events of one name are one incident, however many there are.
  auto same = exercise_file::with_timeline(entries(n, [](std::size_t i) {
    return fmt::format("{{at: +{}s, event: {{incident: one, type: incident}}}}", i);
  }));
  CHECK(loaded(same).timeline.size() == n);
}

TEST_CASE("an exercise changes the organisation at most 1,000 times", "[simulate][limits]") {
  const auto n = simulate::max_changes + 1;
  auto f = exercise_file::with_timeline(entries(n, [](std::size_t i) {
    return fmt::format("{{at: +{}m, reassign: {{role: caio, to: {}}}}}", i, i % 2 == 0 ? "lukas" : "amara");
  }));
  expect_only_error(f.load(), f.at("{at: +1000m, reassign", 23),
                    "reassign: change 1,001 to the organisation (reassign and out_of_office entries, each a "
                    "configuration reload); an exercise may make at most 1,000");
}

TEST_CASE("an exercise has at most 1,000 expectations", "[simulate][limits]") {
  std::string expect = "expect:\n";
  expect += entries(simulate::max_expectations + 1, [](std::size_t) { return "{reachable: all}"; });
  auto f = exercise_file::with_timeline(one_event + expect);
  expect_only_error(f.load(), f.at("expect:\n", 10),
                    "expect: 1,001 expectations (aliases counted); an exercise may have at most 1,000");
}

TEST_CASE("a run that delivers more than 250,000 notifications stops with an error naming the bound",
          "[simulate][limits]") {
  // The configuration check refuses reminder intervals under 5m; the simulator must not
  // rely on it. An organisation that reminds every millisecond, built in process:
  // 600 million reminders in a week.
  auto f = exercise_file::with_timeline(one_event);
  auto sc = loaded(f);
  auto org = std::make_shared<config::organisation>(*sc.org);
  org->defaults.reminder_interval = 1ms;
  sc.org = org;

  store::memory_store st;
  try {
    simulate::run_exercise(sc, 1, 0, st);
    FAIL("the run did not stop");
  } catch (const simulate::limit_exceeded& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::StartsWith("the exercise delivered more than 250,000 notifications in run 0 by +"));
    CHECK_THAT(what, Catch::Contains("a run may deliver at most 250,000"));
    CHECK_THAT(what, Catch::Contains("reminder_interval"));
  }
  // It stopped at the bound: what was kept is the bound's worth, not the week's.
  CHECK(st.head().seq < static_cast<std::int64_t>(3 * simulate::max_run_notifications));
}

// A year of reminders every 4h for one acknowledged incident: about 4,400 records a run.
const std::string year_head = std::string{exercise_file::default_head} + "length: 366d\n";

TEST_CASE("a Monte Carlo sweep too big for its bound is refused before it starts", "[simulate][limits]") {
  auto f = exercise_file::with_timeline(one_event, year_head);
  auto sc = loaded(f);
  simulate::simulation_options o;
  o.runs = simulate::max_runs;
  try {
    simulate::simulate_scenario(sc, o);
    FAIL("the sweep was not refused");
  } catch (const simulate::limit_exceeded& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::StartsWith("--runs 1,000,000: the detailed run wrote "));
    CHECK_THAT(what, Catch::Contains("a Monte Carlo sweep may write at most 100,000,000"));
    CHECK_THAT(what, Catch::Contains("lower --runs"));
  }
}

TEST_CASE("baton simulate exits 2 with the bound in the message", "[simulate][limits]") {
  auto f = exercise_file::with_timeline(one_event, year_head);
  f.load();  // writes the file
  auto sweep = test::run_baton("simulate '" + f.path().string() + "' --runs 1000000");
  INFO(sweep.out);
  CHECK(sweep.exit_code == 2);
  CHECK_THAT(sweep.out, Catch::StartsWith("baton simulate: the exercise stopped: --runs 1,000,000: "));

  auto runs = test::run_baton("simulate '" + f.path().string() + "' --runs 1000001");
  CHECK(runs.exit_code == 2);
  CHECK_THAT(runs.out, Catch::Contains("--runs must be a whole number from 1 to 1,000,000"));
  auto threads = test::run_baton("simulate '" + f.path().string() + "' --runs 2 --threads 257");
  CHECK(threads.exit_code == 2);
  CHECK_THAT(threads.out, Catch::Contains("--threads must be a whole number from 1 to 256"));

  auto year = exercise_file::with_timeline(one_event, std::string{exercise_file::default_head} + "length: 400d\n");
  year.load();
  auto longer = test::run_baton("simulate '" + year.path().string() + "'");
  INFO(longer.out);
  CHECK(longer.exit_code == 2);
  CHECK_THAT(longer.out, Catch::Contains("longer than the longest exercise (366d)"));
}

TEST_CASE("on a large organisation the changes are bounded by what they copy", "[simulate][limits]") {
  // 20,004 entries (20,002 people, a role and a rule): each change copies them all, so
  // 10,000,000 / 20,004 = 499 changes are allowed.
  exercise_file f = exercise_file::with_timeline(entries(500, [](std::size_t i) {
    return fmt::format("{{at: +{}m, reassign: {{role: caio, to: {}}}}}", i, i % 2 == 0 ? "lukas" : "amara");
  }));
  std::string config{tiny_config};
  const auto roles = config.find("roles:");
  std::string people;
  for (int i = 0; i < 20'000; ++i) {
    people += fmt::format("  - {{id: p{}, contacts: [{{notifier: memory, address: p{}@x}}]}}\n", i, i);
  }
  config.insert(roles, people);
  f.write_config(config);
  auto r = f.load();
  INFO(dump(r).substr(0, 4000));
  CHECK_FALSE(r.value.has_value());
  std::size_t found = 0;
  for (const auto& d : r.diagnostics.items()) {
    const auto text = config::to_string(d);
    if (text.find("change 500 to the organisation") != std::string::npos) {
      ++found;
      CHECK(text.starts_with(f.at("{at: +499m, reassign", 22) + ": error: "));
      CHECK_THAT(text, Catch::Contains("an exercise may make at most 499 on this organisation: each change copies its "
                                       "20,004 people, roles"));
    }
  }
  CHECK(found == 1);
}
