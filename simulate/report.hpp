#pragma once
// The after-action report of a tabletop exercise, as plain data, and its three
// renderings: Markdown (stdout by default), self-contained HTML with SVG pictures, and
// JSON for machines. The runner (simulate/exercise.hpp) fills it from the engine's audit
// log and the simulated responders' decisions; renderers only format it.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "base/time.hpp"

namespace date { class time_zone; }

namespace baton::simulate {

/// An incident of the exercise.
struct incident_summary {
  std::int64_t id = 0;
  std::string name;  // the scenario's name for it (its dedup key)
  std::string system;
  std::string system_name;
  std::string type;  // of the first event
  std::string severity;
  std::string summary;
  timestamp opened_at;
  std::optional<timestamp> resolved_at;
  std::vector<std::string> fired_rules;  // in firing order
};

/// One line of the timeline: an audit-log record or a simulated responder's decision.
struct timeline_entry {
  timestamp at;
  std::int64_t seq = 0;         // audit-log sequence number; 0 for responder decisions
  std::int64_t incident_id = 0;  // 0 when not about one incident
  std::string actor;             // engine, scenario, person:<id>, responder:<id>
  std::string kind;              // log kind (rule.fired, ...) or responder.* 
  std::string text;              // one readable sentence
};

/// How an escalation ended up.
enum class span_end : std::uint8_t {
  engaged,   // a holder acknowledged
  unowned,   // every rung and repeat was spent
  ended,     // accountability moved on, or the incident was resolved, before engagement
  open,      // still paging when the exercise stopped
};
std::string_view to_string(span_end e) noexcept;

/// Who stepped in for a role: the first rung, a later rung of the role itself (backup,
/// delegate, override, a second round), or a holder of a role it escalates to.
enum class step_in : std::uint8_t { primary, backup, escalates_to, none };
std::string_view to_string(step_in s) noexcept;

/// One person paged for an escalation, in order.
struct page_attempt {
  timestamp at;
  std::string person;
  std::string person_name;
  std::string as_role;  // the role held (differs from the span's role via escalates_to)
  std::string rung;     // "primary amara", "backup 2 mei", "board: chair helena"
  std::string reason;   // holder reason chain: every candidate skipped with why
};

/// Accountability of one role for one incident: from when it moved there until it
/// ended (or the exercise stopped). One lane segment in the HTML picture.
struct accountability_span {
  std::int64_t escalation_id = 0;
  std::int64_t incident_id = 0;
  std::string role;
  std::string role_title;
  std::string rule;  // "" for the incident's initial routing
  timestamp from;
  timestamp until;   // when it ended, or the exercise's end
  std::optional<timestamp> target_at;
  std::optional<timestamp> engaged_at;
  std::optional<timestamp> unowned_at;  // when every rung and repeat was spent (end == unowned)
  std::string engaged_by;  // person id
  span_end end = span_end::open;
  step_in stepped_in = step_in::none;
  bool breached = false;
  std::vector<page_attempt> pages;
};

/// A notification and what became of it.
struct notification_entry {
  timestamp at;
  std::int64_t incident_id = 0;
  std::string kind;  // page | inform | reminder | unowned | breach
  std::string person;
  std::string person_name;
  std::string role;
  std::string rule;
  std::string notifier;
  std::string outcome;   // delivered | failed: <why>
  std::string response;  // the responder's: "acknowledged after 12m", "no answer: on leave", ""
  std::optional<timestamp> deadline;
};

/// An acknowledgement attempt: from the timeline or by a simulated responder.
struct acknowledgement_entry {
  timestamp at;
  std::int64_t incident_id = 0;
  std::string person;
  bool accepted = false;
  std::vector<std::string> engaged_roles;
  std::string detail;  // why it was rejected
};

/// One escalation's latency against its target.
struct latency_entry {
  std::int64_t incident_id = 0;
  std::string rule;  // "" for the initial routing
  std::string role;
  timestamp triggered_at;
  std::optional<duration> target;  // target_at - triggered_at
  std::string target_spec;         // "24h", "5 business days", "" when none
  std::optional<duration> latency;  // none: never engaged
  bool met = true;                 // engaged by the target (true when there is no target)
};

struct expectation_result {
  std::string text;      // one line, as written in the scenario's terms
  std::string where;     // file:line:column of the expectation
  bool held = false;     // single run: held; Monte Carlo: held in at least min_probability of runs
  std::string detail;    // why it failed, or what was seen (single run)
  std::int64_t runs = 1;
  std::int64_t held_runs = 0;
  double min_probability = 1.0;
};

struct gap {
  std::string kind;  // unreachable | breached | never_engaged | unanswered
  std::int64_t incident_id = 0;
  std::string role;
  std::string rule;
  timestamp at;
  std::string text;  // one readable sentence
};

/// Monte Carlo figures for one rule: the latency of every escalation it triggered, over
/// every run.
struct rule_distribution {
  std::string rule;  // "" for the initial routing
  std::string description;
  std::string target_spec;            // "" when the rule has no target
  std::optional<duration> target;     // elapsed targets only; business days vary by day
  std::int64_t escalations = 0;
  std::int64_t engaged = 0;           // the rest were never engaged
  std::int64_t met = 0;               // engaged by their target (or engaged, without a target)
  double p_met = 0;                   // met / escalations
  duration p50{0}, p90{0}, p99{0}, max{0};  // over engaged escalations
  /// Sorted latencies of the engaged escalations, downsampled to at most 256 points
  /// (quantiles 0, 1/255, ..., 1) for the CDF.
  std::vector<duration> cdf;
};

/// Monte Carlo figures for one role: who stepped in, over every run.
struct role_distribution {
  std::string role;
  std::string title;
  std::int64_t escalations = 0;
  std::int64_t primary = 0;
  std::int64_t backup = 0;
  std::int64_t escalates_to = 0;
  std::int64_t never_engaged = 0;
  std::int64_t unowned = 0;
};

struct monte_carlo_summary {
  std::int64_t runs = 0;
  std::vector<rule_distribution> rules;  // by rule id, routing ("") first
  std::vector<role_distribution> roles;  // by role id
};

struct exercise_report {
  std::string name;
  std::string description;
  std::string scenario_file;
  std::string organisation;
  std::string config_version;
  std::string zone_name;
  const date::time_zone* zone = nullptr;  // for local times in text
  timestamp start;
  timestamp end;
  std::uint64_t seed = 0;
  bool passed = false;  // every expectation held

  // The run shown in detail (with --runs N, run 0).
  std::vector<incident_summary> incidents;
  std::vector<std::string> roles;  // lanes, in order of first accountability
  std::vector<timeline_entry> timeline;
  std::vector<accountability_span> spans;
  std::vector<notification_entry> notifications;
  std::vector<acknowledgement_entry> acknowledgements;
  std::vector<latency_entry> latencies;
  std::vector<gap> gaps;

  std::vector<expectation_result> expectations;
  std::optional<monte_carlo_summary> monte_carlo;
};

/// Markdown, readable as plain text and on any Git host.
void write_markdown(const exercise_report& r, std::ostream& out);
/// One self-contained HTML file (inline CSS and SVG, no scripts, nothing fetched).
void write_html(const exercise_report& r, std::ostream& out);
/// JSON; deterministic: the same report gives the same bytes.
void write_json(const exercise_report& r, std::ostream& out);

}  // namespace baton::simulate
