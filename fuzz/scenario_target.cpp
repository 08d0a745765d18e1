// The scenario loader and, for the small scenarios it accepts, one run of the exercise
// and its three reports. The input is the scenario file; beside it lie two fixed
// configurations it can name: min.yaml (one role, the robustness inputs' configuration)
// and org.yaml (escalation chains, a committee, a scoped role, business days, working
// hours, absences and overrides, so that runs reach most of the engine).
#include <chrono>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "config/diagnostics.hpp"
#include "fuzz/fuzz_support.hpp"
#include "fuzz/fuzz_targets.hpp"
#include "simulate/limits.hpp"
#include "simulate/report.hpp"
#include "simulate/scenario.hpp"
#include "simulate/simulation.hpp"

namespace baton::fuzz {
namespace scenario_input {

constexpr std::string_view target = "scenario";

constexpr std::string_view min_config = R"(organisation:
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

constexpr std::string_view org_config = R"(organisation:
  name: Small Bank
  time_zone: Europe/Berlin
  raci_version: "3"
  calendar: {work_days: [mon, tue, wed, thu, fri], holidays: [2026-12-24, 2026-12-25]}
defaults: {ack_timeout: 10m, repeat: 1, reminder_interval: 4h, governance_owner: caio}
routing:
  default_role: owner
  by_event_type: {risk_appetite_breach: cro}
event_types: [incident, incident_update, drift, risk_appetite_breach]
notifiers:
  - {id: memory, type: recorder}
people:
  - id: amara
    contacts: [{notifier: memory, address: amara}]
    working_hours: {days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:30"}
    accepted: {date: 2026-01-02, version: "3"}
    training: {completed: 2025-10-01}
  - id: lukas
    time_zone: America/New_York
    contacts: [{notifier: memory, address: lukas}]
    out_of_office:
      - {from: 2026-11-24, until: 2026-11-25, delegate: mei, reason: leave}
    accepted: {date: 2026-01-02, version: "3"}
    training: {completed: 2025-10-01, expires: 2027-01-01}
  - id: mei
    contacts: [{notifier: memory, address: mei}, {notifier: memory, address: mei-phone}]
    accepted: {date: 2026-01-02, version: "3"}
    training: {completed: 2025-10-01}
  - id: helena
    contacts: [{notifier: memory, address: helena}]
    accepted: {date: 2026-01-02, version: "3"}
    training: {completed: 2025-10-01}
  - id: carlos
    contacts: [{notifier: memory, address: carlos}]
    accepted: {date: 2026-01-02, version: "2"}
    training: {completed: 2025-10-01}
roles:
  - {id: caio, primary: amara, backups: [lukas], escalates_to: board, ack_timeout: 5m, repeat: 2}
  - {id: cro, primary: lukas, backups: [mei], escalates_to: caio}
  - {id: gc, primary: mei}
  - {id: owner, scope: business_unit, escalates_to: caio}
  - id: board
    committee: {chair: helena, members: [carlos]}
    backups: [carlos]
business_units:
  - id: retail
    holders:
      owner: {primary: carlos, backups: [mei]}
systems:
  - {id: chat, business_unit: retail, risk_tier: high, data: [personal], vendor: Northwind}
  - {id: score, business_unit: retail, risk_tier: limited, domain: credit}
rules:
  - id: harm
    when: event.type in ["incident", "incident_update"] && event.attrs.customer_harm == true
    from: owner
    to: [caio, gc]
    notify: [{role: board, within: 24h}, cro]
    target: 2h
  - id: drift
    when: event.type == "drift" && system.risk_tier == "high"
    to: cro
    target: 1 business day
    working_hours_only: true
  - id: appetite
    when: event.type == "risk_appetite_breach"
    to: cro
    notify: [caio]
    target: 5 business days
    ack_timeout: 20m
overrides:
  - {role: caio, person: lukas, from: 2026-12-01, until: 2026-12-03, reason: acting}
)";

// Only exercises this small are run, so that one input stays milliseconds: the
// simulator's own bounds (simulate/limits.hpp) are far above what a fuzzer input needs.
// The default length, a week, is included.
constexpr auto max_length = std::chrono::hours{24 * 8};
constexpr std::size_t max_timeline = 50;

struct rendered {
  std::string markdown;
  std::string html;
  std::string json;
};

rendered render(const simulate::exercise_report& report) {
  std::ostringstream md;
  std::ostringstream html;
  std::ostringstream json;
  simulate::write_markdown(report, md);
  simulate::write_html(report, html);
  simulate::write_json(report, json);
  return {std::move(md).str(), std::move(html).str(), std::move(json).str()};
}

// The report, or nothing when the run stopped at one of the simulator's bounds.
std::optional<simulate::exercise_report> run(const simulate::scenario& sc, std::int64_t runs, std::string_view data) {
  simulate::simulation_options opts;
  opts.seed = sc.seed;
  opts.runs = runs;
  opts.threads = 1;
  // docs/scenario.md: "A scenario that loads never fails half-way through a run", but
  // at one of the simulator's bounds, with a message naming it.
  try {
    return simulate::simulate_scenario(sc, opts);
  } catch (const simulate::limit_exceeded& e) {
    check(std::string_view(e.what()).size() > 0, target, "a bound was reached without a message");
    return std::nullopt;
  } catch (const std::exception& e) {
    invariant_failed(target, std::string("a scenario that loaded stopped during its run: ") + e.what(), data);
  }
}

}  // namespace scenario_input

void scenario_one_input(std::string_view data) {
  using namespace scenario_input;
  const auto dir = fresh_directory(target);
  write_file(dir / "min.yaml", min_config);
  write_file(dir / "org.yaml", org_config);
  const auto path = dir / "scenario.yaml";
  write_file(path, data);

  auto loaded = simulate::load_scenario(path);
  for (const auto& d : loaded.diagnostics.items()) {
    check(!d.message.empty(), target, "a diagnostic without a message");
    check_terminal_text(config::to_string(d), target, "a diagnostic");
  }
  if (loaded.value.has_value() == loaded.diagnostics.has_errors()) {
    invariant_failed(target, loaded.value ? "a scenario loaded despite errors" : "a scenario was refused without an error",
                     data);
  }
  if (!loaded.value) {
    return;
  }
  const simulate::scenario& sc = *loaded.value;
  if (sc.length > max_length || sc.timeline.size() > max_timeline) {
    return;
  }
  // One input in four also gets a short Monte Carlo sweep (the distributions and their
  // pictures); the choice depends on the input alone, so a finding replays.
  const std::uint64_t h = input_hash(data);
  const std::int64_t runs = h % 4 == 0 ? 3 : 1;
  const auto report = run(sc, runs, data);
  if (!report) {
    return;
  }
  const rendered first = render(*report);
  parse_json_output(first.json, target, "the JSON report");
  check_terminal_text(first.markdown, target, "the Markdown report");
  if (h % 8 == 1) {
    // The report depends on the seed and the number of runs only.
    const auto again = run(sc, runs, data);
    check(again.has_value(), target, "the same scenario and seed reached a bound once only");
    const rendered second = render(*again);
    check(second.json == first.json && second.markdown == first.markdown && second.html == first.html, target,
          "the same scenario and seed gave different reports");
  }
}

}  // namespace baton::fuzz
