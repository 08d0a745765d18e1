#pragma once
// What the parsers of a scenario file share while it is loaded: the scenario being built,
// the organisation its references are checked against, how times are resolved, and the
// incidents the timeline opens. Internal to simulate/.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "config/yaml_reader.hpp"
#include "simulate/scenario.hpp"

namespace baton::simulate::detail {

using config::detail::item;
using config::detail::located_id;
using config::detail::mapping;
using config::detail::reader;

/// An incident as the timeline opens it, for the checks of the entries that name it.
struct incident_info {
  timestamp opened;           // its first event
  std::string opened_text;    // that event's time as written
  config::mark opened_at;     // that event's timeline entry
  std::optional<timestamp> resolved;
  std::string resolved_text;
  config::mark resolved_at;
};

struct scenario_state {
  scenario_state(reader& rd, scenario& out) : r(&rd), sc(&out) {}

  reader* r;
  scenario* sc;
  /// Null when the configuration did not load (its errors are reported): references are
  /// then not checked.
  const config::organisation* org = nullptr;
  /// The zone absolute times without an offset are read in: the scenario's `zone`, else
  /// the organisation's, else UTC.
  const date::time_zone* zone = nullptr;
  /// False when `start` is missing or wrong (already an error): relative times then
  /// resolve against a placeholder and are not checked against the exercise's bounds.
  bool start_known = false;
  /// Incidents opened by the timeline's events, by name; filled once the timeline is
  /// read (expectations are checked against it).
  std::map<std::string, incident_info, std::less<>> incidents;

  /// A time of the exercise: "+<duration>" after the start or an absolute instant
  /// (local in `zone` unless written with Z or an offset). Reports bad text and, for a
  /// moment something happens or is checked at (`bounded`), times outside
  /// [start, start + length]; the ends of intervals (unavailable, out_of_office until)
  /// may lie outside. A time out of bounds is still returned, so later checks do not
  /// report a missing value on top.
  std::optional<scenario_time> read_time(const item& value, bool bounded = true);

  /// Report an unknown id with a suggestion ("unknown person \"amra\" in acknowledge
  /// (did you mean \"amara\"?)") and return false. Without an organisation every id
  /// passes. `where` names the place in the scenario.
  bool known_person(const located_id& id, std::string_view where);
  bool known_role(const located_id& id, std::string_view where);
  bool known_business_unit(const located_id& id, std::string_view where);
  bool known_system(const located_id& id, std::string_view where);
  bool known_rule(const located_id& id, std::string_view where);
  /// An incident the timeline opens (only meaningful once the timeline is read).
  bool known_incident(const located_id& id, std::string_view where);
  /// The organisation's rule `id`; null when unknown or without an organisation.
  const config::rule* find_rule(std::string_view id);
  /// True when the organisation lists `type` among its event types, or lists none.
  bool known_event_type(std::string_view type);

 private:
  // Filled on first use: a timeline of many entries looks up and suggests ids once per
  // entry, which must not cost a pass over a section of the organisation each time.
  std::optional<std::vector<std::string>> people_ids_;
  std::optional<std::vector<std::string>> role_ids_;
  std::optional<std::vector<std::string>> business_unit_ids_;
  std::optional<std::vector<std::string>> system_ids_;
  std::optional<std::vector<std::string>> rule_ids_;
  std::optional<std::vector<std::string>> incident_names_;
  std::unordered_map<std::string_view, const config::rule*> rules_by_id_;
  std::unordered_set<std::string_view> event_types_;
};

/// "95%" or 0.95 (from 0 to 1 inclusive); reports anything else.
std::optional<double> read_probability(reader& r, const item& value);

/// "\"x\"", for messages.
std::string in_quotes(std::string_view text);

/// The `responders` section: the default responder and one per person.
void parse_responders(scenario_state& s, const item& value);
/// The `timeline` section: injections in time order (file order among equal times),
/// with the incidents they open in s.incidents.
void parse_timeline(scenario_state& s, const item& value);
/// The `expect` section; needs the timeline read first (incident names).
void parse_expectations(scenario_state& s, const item& value);

}  // namespace baton::simulate::detail
