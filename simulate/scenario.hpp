#pragma once
// A tabletop exercise as written in a scenario file: the configuration it runs against,
// when it starts, how the simulated responders behave, what happens when, and what the
// governance team expects to see. The format is documented in docs/scenario.md.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/time.hpp"
#include "config/diagnostics.hpp"
#include "config/organisation.hpp"
#include "engine/event.hpp"
#include "simulate/delay_model.hpp"

namespace baton::simulate {

/// A time in the exercise: "+3h" after the start, or an absolute instant. Resolved to an
/// instant when the scenario is loaded; `text` keeps what was written, for reports.
struct scenario_time {
  timestamp at;
  duration offset{0};  // at - start
  std::string text;    // as written ("+3h", "2026-11-24T09:00")
};

/// An interval when a responder does not answer pages (the engine is not told).
struct unavailability {
  timestamp from;
  timestamp until;  // exclusive
  std::string reason;
};

/// How one simulated person answers pages. Unset fields fall back to the default
/// responder; the default's unset fields to: acknowledge after a fixed 5m, always.
struct responder_spec {
  std::optional<delay_model> delay;        // from page to acknowledgement
  std::optional<double> never;             // probability of never acknowledging a page
  std::optional<bool> working_hours_only;  // answers only within their configured hours
  std::vector<unavailability> unavailable;  // sorted by `from`
  config::mark at;
};

/// One entry of the timeline.
struct injection {
  enum class kind : std::uint8_t {
    event,          // an event, as the engine's API takes it
    acknowledge,    // `person` acknowledges `incident`
    resolve,        // `person` (or "scenario") resolves `incident`
    reassign,       // `role` (in `business_unit` for scoped roles) gets `person` as primary
    out_of_office,  // `person` is away from now until `until`, with an optional `delegate`
  };
  kind type = kind::event;
  scenario_time time;
  std::string incident;  // the incident's name in the scenario (its dedup key)
  engine::event event;   // for kind::event; event.dedup_key == incident
  std::string person;
  std::string role;
  std::string business_unit;
  std::string delegate;
  std::optional<scenario_time> until;  // out_of_office: end (absent: until the exercise ends)
  std::string note;                     // resolve note, out-of-office reason
  config::mark at;
};

/// One expectation. Positive forms hold when some incident (or the named one) satisfies
/// them; `negated` flips the answer ("not: ...").
struct expectation {
  enum class kind : std::uint8_t {
    accountable,  // roles accountable at `at`, or at some moment up to `by`
    engaged,      // roles engaged (acknowledged) by `by`
    notified,     // role told (paged or informed) by `by`, or `within` of the incident opening
    latency,      // escalations of `rule` ("" = every rule) engaged within target (or `within`)
    reachable,    // no role (or `roles`) left without a reachable holder
  };
  enum class timing : std::uint8_t { none, at, by };
  kind type = kind::accountable;
  bool negated = false;
  std::string incident;            // "" = any incident
  std::vector<std::string> roles;  // accountable / engaged / notified / reachable
  bool exactly = true;             // accountable: the set equals `roles` (else includes)
  std::string rule;                // latency
  timing when = timing::none;
  std::optional<scenario_time> time;  // for at / by
  std::optional<duration> within;     // notified: after the incident opened; latency: bound
  double min_probability = 1.0;       // Monte Carlo: share of runs it must hold in
  std::string text;                   // one line, as a person would say it
  config::mark at;
};

struct scenario {
  std::string name;
  std::string description;
  std::filesystem::path path;         // the scenario file
  std::filesystem::path config_path;  // resolved against the scenario's folder
  std::shared_ptr<const config::organisation> org;  // loaded and checked
  const date::time_zone* zone = nullptr;  // for absolute times and reports (else the org's)
  std::string zone_name;
  timestamp start;
  duration length{std::chrono::hours{24 * 7}};  // the virtual clock stops at start + length (at most max_length)
  std::uint64_t seed = 1;
  bool seed_given = false;
  responder_spec default_responder;
  std::map<std::string, responder_spec, std::less<>> responders;  // by person id
  std::vector<injection> timeline;  // in time order, file order among equal times
  std::vector<expectation> expectations;

  /// start + length: load_scenario refuses a scenario where it passes max_time.
  timestamp end() const noexcept { return start + length; }
};

struct scenario_result {
  std::optional<scenario> value;  // set only when there are no errors
  config::diagnostics diagnostics;  // the scenario's and its configuration's
};

/// Reads a scenario file and the configuration it names. Every problem is reported with
/// its file:line:column; references (people, roles, systems, rules, incidents) are
/// checked against the configuration.
scenario_result load_scenario(const std::filesystem::path& path);

}  // namespace baton::simulate
