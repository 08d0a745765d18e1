#pragma once
// What the section parsers share while one configuration is loaded: the organisation
// being built, the references to check once every section is read, and the positions
// the cross-field checks report at (the model keeps only each entity's own position).
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/diagnostics.hpp"
#include "config/loader.hpp"
#include "config/organisation.hpp"
#include "config/yaml_reader.hpp"
#include "rules/condition.hpp"

namespace baton::config::detail {

enum class ref_kind : std::uint8_t { role, person, business_unit, notifier, event_type };

/// A reference by id, checked after every section is parsed (sections may come in any
/// order and from any file).
struct reference {
  ref_kind kind = ref_kind::role;
  std::string id;
  config::mark at;
  std::string where;  // "escalates_to of role caio"
  // Activities may name these keywords from the reference matrix instead of a role.
  bool allow_role_keywords = false;
};

struct person_marks {
  config::mark training;  // the training entry, or the person's own position
  config::mark accepted;
  // Given but wrong (already an error): no "missing" warning on top.
  bool training_given = false;
  bool accepted_given = false;
};

struct load_state {
  explicit load_state(diagnostics& d) : diags(&d) {}

  organisation org;
  diagnostics* diags;
  std::filesystem::path root_dir;  // the root file's folder: notifier paths are relative to it
  bool require_secrets = false;    // load_options::require_secrets

  // The zone instants without an offset are read in when the organisation's own zone is
  // missing or wrong (already an error): UTC, so one mistake is reported once.
  const date::time_zone* fallback_zone = nullptr;
  bool governance_owner_given = false;
  bool default_role_given = false;

  std::vector<reference> references;
  // First definition of each id per kind ("person", "role", ...), for duplicate messages.
  std::map<std::string, std::map<std::string, config::mark, std::less<>>, std::less<>> first_ids;
  std::map<std::string, config::mark, std::less<>> escalates_at;    // role id -> escalates_to value
  std::map<std::string, person_marks, std::less<>> person_at;        // person id -> marks
  std::map<std::pair<std::string, std::string>, config::mark> holders_at;  // (unit, role) -> holders entry

  // What every rule's `when` is compiled against, built at the first rule (event_types
  // are parsed before rules): one copy of the event types per load, not one per rule.
  std::optional<rules::schema> rule_schema;

  /// The zone organisation-wide instants are read in.
  const date::time_zone& org_zone() const { return org.zone != nullptr ? *org.zone : *fallback_zone; }

  /// Records a reference to check later.
  void refer(ref_kind kind, const located_id& id, std::string where, bool keywords = false) {
    references.push_back(reference{kind, id.id, id.at, std::move(where), keywords});
  }

  /// Records the first definition of an id; reports a duplicate (naming where the first
  /// is) and returns false for the second.
  bool claim_id(std::string_view kind, const located_id& id);
};

/// Section parsers, one per top-level key; `section` is that key's value in one file.
void parse_organisation(reader& r, const item& section, load_state& s);
void parse_defaults(reader& r, const item& section, load_state& s);
void parse_routing(reader& r, const item& section, load_state& s);
void parse_event_types(reader& r, const item& section, load_state& s);
void parse_storage(reader& r, const item& section, load_state& s);
void parse_server(reader& r, const item& section, load_state& s);
void parse_notifiers(reader& r, const item& section, load_state& s);
void parse_people(reader& r, const item& section, load_state& s);
void parse_roles(reader& r, const item& section, load_state& s);
void parse_business_units(reader& r, const item& section, load_state& s);
void parse_systems(reader& r, const item& section, load_state& s);
void parse_activities(reader& r, const item& section, load_state& s);
void parse_rules(reader& r, const item& section, load_state& s);
void parse_overrides(reader& r, const item& section, load_state& s);
void parse_integrations(reader& r, const item& section, load_state& s);
void parse_api_tokens(reader& r, const item& section, load_state& s);
void parse_ack_links(reader& r, const item& section, load_state& s);

/// Cross-field checks once every section is parsed: references, escalation loops,
/// scoped holders, and the gaps reported as warnings (which need `now`).
void validate(load_state& s, timestamp now);

/// The coverage figures of a (possibly invalid) organisation at `now`.
coverage compute_coverage(const organisation& org, timestamp now);

/// Holders: people named as primary, backup or chair of some role (in a business unit
/// too), each once, in order of first mention; committee members are informed, not
/// paged, so they are not holders.
std::vector<std::string> holder_ids(const organisation& org);

/// Local midnight of `day` in the person's zone (the organisation's when they have none).
timestamp day_start(const person& p, const organisation& org, civil_day day);

/// True when the person's training is current at `now`: completed, and the expiry day
/// (in the person's zone) not yet begun.
bool training_current(const person& p, const organisation& org, timestamp now);

/// True when the person accepted the organisation's RACI version (any version when the
/// organisation names none).
bool accepted_current(const person& p, const organisation& org);

}  // namespace baton::config::detail
