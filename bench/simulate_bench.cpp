// The tabletop simulator: (1) one year of an organisation's incidents, 100,000 events with
// simulated responders, through the real engine on the virtual clock; (2) Monte Carlo
// runs per second for a five-event scenario with --runs 10000, on one thread and on two,
// interleaved in one run. Figures only; nothing is asserted.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <vector>

#include "config/loader.hpp"
#include "simulate/exercise.hpp"
#include "simulate/run_analysis.hpp"
#include "simulate/scenario.hpp"
#include "simulate/simulation.hpp"
#include "store/memory_store.hpp"

using namespace baton;
using namespace std::chrono_literals;
using bench_clock = std::chrono::steady_clock;

namespace {

double seconds_since(bench_clock::time_point t0) {
  return std::chrono::duration<double>(bench_clock::now() - t0).count();
}

// A year of incidents: 20,000 incidents of five events each (an anomaly, then four
// updates over two hours; one incident in twenty turns out to harm customers, one in
// forty is a vendor incident), each resolved four hours after it opened.
simulate::scenario year_scenario(std::shared_ptr<const config::organisation> org) {
  simulate::scenario sc;
  sc.name = "one year";
  sc.org = org;
  sc.start = *parse_iso("2027-01-04T00:00:00", org->zone);
  sc.length = std::chrono::hours{24 * 366};
  sc.default_responder.delay = *simulate::delay_model::lognormal(8min, 30min);
  sc.default_responder.never = 0.02;
  constexpr int incidents = 20'000;
  const duration gap = std::chrono::duration_cast<duration>(std::chrono::hours{24 * 365}) / incidents;
  for (int i = 0; i < incidents; ++i) {
    const timestamp opened = sc.start + gap * i;
    const auto& system = org->systems[static_cast<std::size_t>(i) % org->systems.size()];
    const std::string name = fmt::format("inc-{}", i);
    for (int k = 0; k < 5; ++k) {
      simulate::injection in;
      in.type = simulate::injection::kind::event;
      in.time.at = opened + 30min * k;
      in.time.offset = in.time.at - sc.start;
      in.incident = name;
      in.event.type = k == 0 ? (i % 40 == 7 ? "vendor_incident" : "anomaly") : "incident_update";
      in.event.system = system.id;
      in.event.severity = "high";
      in.event.summary = "answers out of policy";
      in.event.source = "monitoring";
      in.event.dedup_key = name;
      if (k == 2 && i % 20 == 3) {
        in.event.attrs = {{"customer_harm", true}};
      }
      sc.timeline.push_back(std::move(in));
    }
    simulate::injection done;
    done.type = simulate::injection::kind::resolve;
    done.time.at = opened + 4h;
    done.time.offset = done.time.at - sc.start;
    done.incident = name;
    sc.timeline.push_back(std::move(done));
  }
  std::stable_sort(sc.timeline.begin(), sc.timeline.end(),
                   [](const auto& a, const auto& b) { return a.time.at < b.time.at; });
  return sc;
}

constexpr const char* five_events = R"(name: five events
config: '{config}'
start: 2026-11-23T10:00:00
length: 2d
responders:
  default:
    delay: {{lognormal: {{median: 6m, p90: 25m}}}}
    never: 5%
  people:
    rafael: {{working_hours_only: true}}
timeline:
  - at: +0m
    event: {{incident: harm, type: anomaly, system: chat-assist, severity: high, summary: invented terms}}
  - at: +1h
    event: {{incident: harm, type: incident_update, system: chat-assist, severity: critical, summary: harm, attrs: {{customer_harm: true}}}}
  - at: +2h
    event: {{incident: vendor, type: vendor_incident, system: meeting-notes, severity: medium, summary: model withdrawn}}
  - at: +3h
    event: {{incident: drift, type: drift, system: credit-scoring, severity: medium, summary: PSI 0.27}}
  - at: +4h
    event: {{incident: drift, type: performance_threshold, system: credit-scoring, severity: high, summary: approvals down}}
  - at: +8h
    resolve: {{incident: harm, by: amara}}
expect:
  - accountable: [caio, gc]
    by: +2h
    incident: harm
  - latency: t6
    probability: 90%
  - reachable: all
    probability: 90%
)";

}  // namespace

int main() {
  const auto config = std::filesystem::path{BATON_SOURCE_DIR} / "examples" / "compel" / "baton.yaml";
  auto loaded = config::load(config, timestamp{});
  if (!loaded.org) {
    fmt::print("simulate_bench: the reference organisation does not load\n");
    return 1;
  }

  // (1) A year of incidents.
  auto year = year_scenario(loaded.org);
  std::vector<double> times;
  std::size_t records = 0;
  std::size_t pages = 0;
  for (int rep = 0; rep < 3; ++rep) {
    store::memory_store st(store::memory_store::log_retention::head_only);
    const auto t0 = bench_clock::now();
    auto rec = simulate::run_exercise(year, 2027, 0, st);
    times.push_back(seconds_since(t0));
    records = static_cast<std::size_t>(st.head().seq);
    pages = rec.responses.size();
  }
  std::sort(times.begin(), times.end());
  fmt::print("simulate_year: 100000 events, 20000 incidents, {} pages answered by simulated responders, {} log records\n",
             pages, records);
  fmt::print("simulate_year: {:.2f} s median of 3 (min {:.2f}, max {:.2f}); {:.0f} events/s of virtual year\n",
             times[1], times[0], times[2], 100000 / times[1]);
  {
    store::memory_store st;
    const auto t0 = bench_clock::now();
    auto rec = simulate::run_exercise(year, 2027, 0, st);
    const double run_s = seconds_since(t0);
    const auto t1 = bench_clock::now();
    simulate::exercise_report report;
    simulate::describe_run(year, rec, report, false);
    fmt::print("simulate_year: with every log record kept and read back into the report: run {:.2f} s + analysis {:.2f} s "
               "({} spans, {} notifications)\n",
               run_s, seconds_since(t1), report.spans.size(), report.notifications.size());
  }

  // (2) Monte Carlo, five events, 10,000 runs.
  const auto dir = std::filesystem::temp_directory_path() / "baton-simulate-bench";
  std::filesystem::create_directories(dir);
  const auto path = dir / "five-events.yaml";
  std::ofstream(path) << fmt::format(five_events, fmt::arg("config", config.string()));
  auto sc = simulate::load_scenario(path);
  if (!sc.value) {
    fmt::print("simulate_bench: the five-event scenario does not load\n");
    return 1;
  }
  // One thread and two, interleaved (A B A B ...) so that both see the same state of a
  // shared, noisy machine; the ratio of the medians is what to quote.
  const unsigned threads_b = 2;
  std::vector<double> one;
  std::vector<double> two;
  for (int rep = 0; rep < 5; ++rep) {
    for (unsigned threads : {1u, threads_b}) {
      simulate::simulation_options o{2026, 10'000, threads, nullptr};
      const auto t0 = bench_clock::now();
      auto report = simulate::simulate_scenario(*sc.value, o);
      (threads == 1 ? one : two).push_back(10'000 / seconds_since(t0));
    }
  }
  std::sort(one.begin(), one.end());
  std::sort(two.begin(), two.end());
  fmt::print("monte_carlo: five-event scenario, --runs 10000, interleaved 1 and {} threads, median of 5: {:.0f} and "
             "{:.0f} runs/s, ratio {:.2f} (1 thread min {:.0f} max {:.0f}; {} threads min {:.0f} max {:.0f})\n",
             threads_b, one[2], two[2], two[2] / one[2], one.front(), one.back(), threads_b, two.front(), two.back());
  std::filesystem::remove_all(dir);
  return 0;
}
