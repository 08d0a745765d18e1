// Running scenarios through the real engine: simulated responders acknowledge through
// the engine, expectations hold or fail with a reason, and a seed gives the same report
// whatever the number of threads.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <set>
#include <sstream>

#include "simulate/exercise.hpp"
#include "simulate/run_analysis.hpp"
#include "simulate/scenario.hpp"
#include "simulate/simulation.hpp"
#include "store/audit_log.hpp"
#include "store/memory_store.hpp"
#include "store/sqlite_store.hpp"
#include "tests/support/test_support.hpp"

using namespace baton;
using namespace std::chrono_literals;

namespace {

// A customer-harm incident on chat-assist (threshold 6) with the given responders and
// expectations, against the reference organisation.
std::string harm_scenario(const std::string& responders, const std::string& expect,
                          const std::string& extra_timeline = "") {
  return "name: harm\nconfig: '" + test::compel_config().string() +
         "'\nstart: 2026-11-23T10:00:00\nseed: 11\nlength: 1d\n"
         "responders:\n" +
         responders +
         "timeline:\n"
         "  - at: +0m\n"
         "    event: {incident: harm, type: incident, system: chat-assist, severity: critical,\n"
         "            summary: invented refund terms, attrs: {customer_harm: true}}\n" +
         extra_timeline + "expect:\n" + expect;
}

simulate::scenario load(const test::temp_dir& dir, const std::string& text) {
  auto path = dir.write("scenario.yaml", text);
  auto r = simulate::load_scenario(path);
  std::string messages;
  for (const auto& d : r.diagnostics.items()) {
    messages += config::to_string(d) + "\n";
  }
  INFO(messages);
  REQUIRE(r.value.has_value());
  return std::move(*r.value);
}

std::string json_of(const simulate::exercise_report& r) {
  std::ostringstream out;
  simulate::write_json(r, out);
  return out.str();
}

const simulate::accountability_span* span_of(const simulate::exercise_report& r, std::string_view role) {
  for (const auto& s : r.spans) {
    if (s.role == role) {
      return &s;
    }
  }
  return nullptr;
}

}  // namespace

TEST_CASE("simulated responders acknowledge through the engine after their delay", "[simulate]") {
  test::temp_dir dir;
  auto sc = load(dir, harm_scenario("  default: {delay: 7m}\n",
                                    "  - engaged: [caio, gc]\n    by: +8m\n"));
  store::memory_store st;
  auto rec = simulate::run_exercise(sc, 1, 0, st);
  // The acknowledgements are the engine's own records, made by the person.
  int acks = 0;
  REQUIRE(rec.log == &st);
  st.read_log({}, [&](const store::log_record& r) {
    if (r.kind == "acknowledged") {
      ++acks;
      CHECK(r.actor.starts_with("person:"));
      CHECK(r.at == sc.start + 7min);
    }
  });
  CHECK(acks == 2);
  CHECK(store::verify(st).ok);

  auto report = simulate::simulate_scenario(sc, {});
  REQUIRE(report.expectations.size() == 1);
  CHECK(report.expectations[0].held);
  CHECK(report.passed);
  const auto* caio = span_of(report, "caio");
  REQUIRE(caio != nullptr);
  CHECK(caio->end == simulate::span_end::engaged);
  CHECK(caio->engaged_by == "amara");
  CHECK(caio->stepped_in == simulate::step_in::primary);
  REQUIRE(!caio->pages.empty());
  CHECK_THAT(caio->pages.front().rung, Catch::Contains("primary amara"));
}

TEST_CASE("a silent primary hands the page to the backup, who steps in", "[simulate]") {
  test::temp_dir dir;
  // Threshold 6 pages with a 10 minute acknowledgement timeout.
  auto sc = load(dir, harm_scenario("  default: {delay: 3m}\n"
                                    "  people:\n"
                                    "    amara: {unavailable: [{from: +0m, until: +1d, reason: on a flight}]}\n",
                                    "  - engaged: [caio]\n    by: +14m\n"
                                    "  - reachable: all\n"));
  auto report = simulate::simulate_scenario(sc, {});
  const auto* caio = span_of(report, "caio");
  REQUIRE(caio != nullptr);
  CHECK(caio->engaged_by == "lukas");
  CHECK(caio->stepped_in == simulate::step_in::backup);
  REQUIRE(caio->engaged_at);
  CHECK(*caio->engaged_at == sc.start + 13min);
  CHECK(report.passed);
  bool unanswered = false;
  for (const auto& g : report.gaps) {
    unanswered = unanswered || (g.kind == "unanswered" && g.role == "caio");
  }
  CHECK(unanswered);
}

TEST_CASE("an expectation that cannot hold fails and says what was seen", "[simulate]") {
  test::temp_dir dir;
  auto sc = load(dir, harm_scenario("  default: {delay: 7m}\n",
                                    "  - accountable: [board]\n    by: +2h\n"
                                    "  - not: {notified: [board], within: 24h}\n"));
  auto report = simulate::simulate_scenario(sc, {});
  CHECK_FALSE(report.passed);
  REQUIRE(report.expectations.size() == 2);
  CHECK_FALSE(report.expectations[0].held);
  CHECK_THAT(report.expectations[0].detail, Catch::Contains("caio, gc"));
  CHECK_THAT(report.expectations[0].where, Catch::Contains("scenario.yaml:"));
  CHECK_FALSE(report.expectations[1].held);
  CHECK_THAT(report.expectations[1].detail, Catch::Contains("board first notified at +0s"));
}

TEST_CASE("nobody answering leaves the incident unowned and fails reachable", "[simulate]") {
  test::temp_dir dir;
  auto sc = load(dir, harm_scenario("  default: {never: 100%}\n", "  - reachable: [caio]\n"));
  auto report = simulate::simulate_scenario(sc, {});
  CHECK_FALSE(report.passed);
  CHECK_THAT(report.expectations[0].detail, Catch::Contains("nobody holding caio engaged"));
  const auto* caio = span_of(report, "caio");
  REQUIRE(caio != nullptr);
  CHECK(caio->end == simulate::span_end::unowned);
}

TEST_CASE("out of office mid-exercise reconfigures the engine for new incidents", "[simulate]") {
  test::temp_dir dir;
  auto text = harm_scenario("  default: {delay: 2m}\n", "  - engaged: [caio]\n    by: +2h5m\n",
                            "  - at: +1h\n"
                            "    out_of_office: {person: amara, until: +1d, reason: sick}\n"
                            "  - at: +2h\n"
                            "    event: {incident: second, type: incident, system: credit-scoring,\n"
                            "            severity: high, summary: wrong denials, attrs: {customer_harm: true}}\n");
  auto sc = load(dir, text);
  auto report = simulate::simulate_scenario(sc, {});
  std::int64_t second = 0;
  for (const auto& i : report.incidents) {
    if (i.name == "second") {
      second = i.id;
    }
  }
  REQUIRE(second != 0);
  for (const auto& s : report.spans) {
    if (s.incident_id == second && s.role == "caio") {
      REQUIRE(!s.pages.empty());
      CHECK(s.pages.front().person == "lukas");  // amara is skipped: out of office
      CHECK_THAT(s.pages.front().reason, Catch::Contains("amara out of office"));
    }
  }
  CHECK(report.passed);
}

TEST_CASE("the same seed gives byte-identical JSON whatever the number of threads", "[simulate]") {
  test::temp_dir dir;
  auto sc = load(dir, harm_scenario("  default: {delay: {lognormal: {median: 6m, p90: 25m}}, never: 10%}\n",
                                    "  - latency: t6\n    probability: 50%\n"));
  simulate::simulation_options one{42, 300, 1, nullptr};
  simulate::simulation_options two{42, 300, 2, nullptr};
  const auto a = json_of(simulate::simulate_scenario(sc, one));
  const auto b = json_of(simulate::simulate_scenario(sc, two));
  CHECK(a == b);
  simulate::simulation_options other{43, 300, 2, nullptr};
  CHECK(json_of(simulate::simulate_scenario(sc, other)) != a);

  auto report = simulate::simulate_scenario(sc, two);
  REQUIRE(report.monte_carlo);
  CHECK(report.monte_carlo->runs == 300);
  const simulate::rule_distribution* t6 = nullptr;
  for (const auto& r : report.monte_carlo->rules) {
    if (r.rule == "t6") {
      t6 = &r;
    }
  }
  REQUIRE(t6 != nullptr);
  CHECK(t6->escalations == 600);  // caio and gc in each run
  CHECK(t6->p50 <= t6->p90);
  CHECK(t6->p90 <= t6->p99);
  CHECK(t6->p99 <= t6->max);
  CHECK(t6->p_met > 0.5);
  for (const auto& ro : report.monte_carlo->roles) {
    if (ro.role == "caio") {
      CHECK(ro.backup > 0);  // one in ten never answers: some runs need a backup
      CHECK(ro.primary + ro.backup + ro.escalates_to + ro.never_engaged == ro.escalations);
    }
  }
  REQUIRE(!t6->cdf.empty());
  CHECK(std::is_sorted(t6->cdf.begin(), t6->cdf.end()));
  CHECK(report.expectations[0].runs == 300);
}

TEST_CASE("Monte Carlo latency follows the responders' distribution", "[simulate]") {
  test::temp_dir dir;
  // Everyone answers after an exponential delay with a 4 minute mean, well inside the
  // 10 minute timeout most of the time: the engaged latency's median should be near
  // 4m * ln 2 = 2m46s (the primary answers unless the draw passes the timeout).
  auto sc = load(dir, harm_scenario("  default: {delay: {exponential: {mean: 4m}}}\n", "  - reachable: all\n"));
  simulate::simulation_options o{7, 2000, 2, nullptr};
  auto report = simulate::simulate_scenario(sc, o);
  REQUIRE(report.monte_carlo);
  for (const auto& r : report.monte_carlo->rules) {
    if (r.rule == "t6") {
      const double median_s = std::chrono::duration<double>(r.p50).count();
      CHECK(median_s == Approx(166.4).epsilon(0.08));
    }
  }
  for (const auto& ro : report.monte_carlo->roles) {
    if (ro.role == "caio") {
      // The primary is still paged-for when the backup is paged at 10m and may answer
      // first: the backup engages when the primary's delay D1 passes 10m (e^-2.5 = 8.2%)
      // and 10m + D2 < D1, which for exponentials is half of those: 4.1%.
      const double share = static_cast<double>(ro.backup) / static_cast<double>(ro.escalations);
      CHECK(share == Approx(0.041).margin(0.012));
    }
  }
}

TEST_CASE("the detailed run can be written to a SQLite log that verifies", "[simulate]") {
  test::temp_dir dir;
  auto sc = load(dir, harm_scenario("  default: {delay: 4m}\n", "  - reachable: all\n"));
  {
    store::sqlite_store db(dir.path() / "exercise.db");
    simulate::simulation_options o{1, 1, 1, &db};
    auto report = simulate::simulate_scenario(sc, o);
    CHECK(report.passed);
  }
  store::sqlite_store db(dir.path() / "exercise.db");
  auto v = store::verify(db);
  CHECK(v.ok);
  CHECK(v.records > 10);
}

TEST_CASE("every example exercise passes on the reference organisation", "[simulate]") {
  const auto folder = test::source_dir() / "examples" / "tabletop";
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".yaml") {
      continue;
    }
    ++count;
    auto r = simulate::load_scenario(entry.path());
    std::string messages;
    for (const auto& d : r.diagnostics.items()) {
      messages += config::to_string(d) + "\n";
    }
    INFO(entry.path().filename().string() << "\n" << messages);
    REQUIRE(r.value);
    simulate::simulation_options o{r.value->seed, 200, 2, nullptr};
    auto report = simulate::simulate_scenario(*r.value, o);
    for (const auto& e : report.expectations) {
      INFO(e.text << ": " << e.detail << " (" << e.held_runs << "/" << e.runs << ")");
      CHECK(e.held);
    }
  }
  CHECK(count >= 6);
}

TEST_CASE("the report lists the gaps: breached targets and roles never engaged", "[simulate]") {
  test::temp_dir dir;
  // Nobody answers; the incident is resolved at +30m while still paging. Threshold 6's
  // 24h target is not reached in that time, so only never-engaged gaps appear.
  auto sc = load(dir, harm_scenario("  default: {never: 100%}\n", "  - engaged: [caio]\n    by: +30m\n",
                                    "  - at: +30m\n    resolve: {incident: harm}\n"));
  auto report = simulate::simulate_scenario(sc, {});
  CHECK_FALSE(report.passed);
  std::set<std::string> never;
  for (const auto& g : report.gaps) {
    if (g.kind == "never_engaged") {
      never.insert(g.role);
    }
  }
  CHECK(never == std::set<std::string>{"caio", "gc"});

  // With the exercise running past the target and nobody answering, the target is breached.
  test::temp_dir dir2;
  auto late = load(dir2, harm_scenario("  default: {never: 100%}\n", "  - latency: t6\n"));
  auto r2 = simulate::simulate_scenario(late, {});
  bool breached = false;
  for (const auto& g : r2.gaps) {
    breached = breached || g.kind == "breached";
  }
  CHECK(breached);
  CHECK_FALSE(r2.passed);
}

TEST_CASE("roles still accountable when the exercise stops count at its last instant", "[simulate]") {
  test::temp_dir dir;
  // Nobody answers and nothing is resolved: caio and gc end unowned but accountable.
  auto sc = load(dir, harm_scenario("  default: {never: 100%}\n", "  - accountable: [caio, gc]\n    at: +1d\n"));
  auto report = simulate::simulate_scenario(sc, {});
  INFO(report.expectations[0].detail);
  CHECK(report.expectations[0].held);
}

TEST_CASE("a page to several contact methods of one person is one decision", "[simulate]") {
  test::temp_dir dir;
  dir.write("org.yaml", R"(organisation: {name: Two devices, time_zone: Europe/Berlin}
notifiers:
  - {id: mail, type: recorder}
  - {id: phone, type: recorder}
event_types: [incident]
routing: {default_role: caio}
people:
  - {id: ada, name: Ada, contacts: [{notifier: mail, address: ada@t.example}, {notifier: phone, address: "+49 1"}, {notifier: phone, address: "+49 2"}]}
  - {id: bob, name: Bob, contacts: [{notifier: mail, address: bob@t.example}]}
roles:
  - {id: caio, title: Chief AI Officer, primary: ada, backups: [bob], ack_timeout: 10m}
business_units:
  - {id: retail, name: Retail}
systems:
  - {id: chat, name: Chat assistant, business_unit: retail, risk_tier: limited}
)");
  auto sc = load(dir, "name: devices\nconfig: org.yaml\nstart: 2026-11-23T10:00:00\nlength: 1d\n"
                      "responders:\n  default: {delay: 2m, never: 50%}\n"
                      "timeline:\n  - at: +0m\n    event: {incident: a, type: incident, system: chat}\n");
  auto report = simulate::simulate_scenario(sc, {});
  std::set<std::string> answers;
  for (const auto& n : report.notifications) {
    if (n.kind == "page" && n.person == "ada") {
      answers.insert(n.response);
    }
  }
  CHECK(answers.size() == 1);  // three deliveries of one page, one answer

  // Ada answers half her pages, not 1 - 0.5^3 of them. With one repeat of the ladder she
  // is paged again if Bob is silent too: 0.5 + 0.5 * 0.5 * 0.5 = 0.625 (per contact it
  // would be above 0.98).
  simulate::simulation_options o{3, 1000, 2, nullptr};
  auto mc = simulate::simulate_scenario(sc, o);
  REQUIRE(mc.monte_carlo);
  for (const auto& ro : mc.monte_carlo->roles) {
    if (ro.role == "caio") {
      const double primary = static_cast<double>(ro.primary) / static_cast<double>(ro.escalations);
      CHECK(primary == Approx(0.625).margin(0.05));
    }
  }
}
