#pragma once
// The organisation as loaded from configuration: people, roles, business units, AI
// systems, the RACI activities, escalation rules and notifiers. Immutable once loaded;
// the engine shares it between incidents through shared_ptr<const organisation> so an
// open incident keeps the version it was triggered under after a reload.
#include <array>
#include <cstdint>
#include <functional>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/time.hpp"
#include "config/service_settings.hpp"
#include "rules/condition.hpp"

namespace date { class time_zone; }

namespace baton::config {

/// A position in a configuration file, for messages ("org.yaml:12:5").
struct mark {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
};

enum class weekday : std::uint8_t { sun, mon, tue, wed, thu, fri, sat };

/// Calendar days, local to the organisation's zone, stored as days since 1970-01-01.
using civil_day = std::int32_t;

struct business_calendar {
  std::array<bool, 7> work_days{false, true, true, true, true, true, false};  // indexed by weekday
  std::vector<civil_day> holidays;  // sorted, unique
};

/// "24h" (elapsed time, daylight saving irrelevant) or "5 business days" (ends at the
/// end, 24:00 local, of the Nth business day after the day it starts; see docs/config.md).
struct deadline_spec {
  enum class kind : std::uint8_t { none, elapsed, business_days };
  kind type = kind::none;
  duration elapsed{0};
  int business_days = 0;

  bool empty() const noexcept { return type == kind::none; }
};

struct contact {
  std::string notifier;  // notifier id
  std::string address;   // e-mail address, URL, channel, ... as the notifier expects
};

struct working_hours {
  std::array<bool, 7> days{false, true, true, true, true, true, false};
  std::chrono::minutes start{9 * 60};
  std::chrono::minutes end{17 * 60};
};

struct absence {
  timestamp from;
  timestamp until;  // exclusive
  std::string delegate;  // person id; "" when none
  std::string reason;
  config::mark at;
};

struct role_acceptance {
  civil_day date = 0;
  std::string version;  // RACI version signed
};

struct training_record {
  civil_day completed = 0;
  std::optional<civil_day> expires;
};

struct person {
  std::string id;
  std::string name;
  std::vector<contact> contacts;
  const date::time_zone* zone = nullptr;  // falls back to the organisation's
  std::string zone_name;
  std::optional<working_hours> hours;  // none: always within working hours
  std::vector<absence> out_of_office;  // sorted by `from`, non-overlapping once valid
  std::optional<role_acceptance> accepted;
  std::optional<training_record> training;
  config::mark at;
};

/// Who holds a role: a primary and ordered backups (person ids).
struct holders {
  std::string primary;
  std::vector<std::string> backups;
};

enum class role_scope : std::uint8_t { organisation, business_unit };

struct role {
  std::string id;
  std::string title;
  role_scope scope = role_scope::organisation;
  holders held_by;                 // for organisation-scoped roles
  bool committee = false;          // primary is the chair
  std::vector<std::string> members;  // committee members, informed with the chair
  std::string escalates_to;        // role id; "" when the chain ends here
  std::optional<duration> ack_timeout;  // else defaults.ack_timeout
  std::optional<int> repeat;            // else defaults.repeat
  config::mark at;
};

struct business_unit {
  std::string id;
  std::string name;
  std::map<std::string, holders, std::less<>> holders_by_role;  // scoped role id -> holders
  config::mark at;
};

struct ai_system {
  std::string id;
  std::string name;
  std::string business_unit;
  std::string risk_tier;  // minimal | limited | high | unacceptable
  std::vector<std::string> data;
  std::string domain;
  std::string vendor;
  config::mark at;
};

/// One RACI row. Role lists hold role ids, or the keywords `all_roles` and
/// `external_stakeholders` where the reference matrix names those.
struct activity {
  std::string id;
  std::string name;
  std::string phase;
  std::vector<std::string> responsible;
  std::vector<std::string> accountable;  // exactly one when valid
  std::vector<std::string> consulted;
  std::vector<std::string> informed;
  config::mark at;
};

struct notify_entry {
  std::string role;
  deadline_spec within;  // must be informed within; none = at once, no deadline shown
};

struct rule {
  std::string id;
  std::string description;
  std::string threshold;  // reference threshold number, "" when not from the table
  std::string timing;     // when in the lifecycle it applies ("On triage"); shown to people
  rules::condition when;
  std::string when_source;
  std::string from;              // role accountability moves from ("" = none)
  std::vector<std::string> to;   // roles it moves to; several = joint accountability
  std::vector<notify_entry> notify;
  deadline_spec target;          // for the new holders to engage
  std::optional<duration> ack_timeout;  // overrides the roles' timeouts
  bool working_hours_only = false;      // page only holders within working hours
  config::mark at;
  config::mark when_at;  // where the expression text starts
};

struct notifier_config {
  std::string id;
  std::string type;  // jsonl_file | recorder (network notifiers come later)
  std::map<std::string, std::string, std::less<>> settings;  // e.g. path
  // Retries of a delivery that can be tried again: at most `max_attempts` attempts in
  // all, none later than `give_up_after` from the first; then a dead letter.
  int max_attempts = 5;
  duration give_up_after = std::chrono::hours{1};
  // How long one attempt may take before it counts as failed (and may be retried).
  duration attempt_timeout = std::chrono::seconds{30};
  config::mark at;
};

/// A secret the configuration names by where it lives (`{file: PATH}` or `{env: NAME}`)
/// or by its SHA-256 (`{sha256: HEX}`): a bearer token, a PagerDuty routing key. Only
/// the digest of its text is kept; the secret itself never is.
struct secret_digest {
  std::array<unsigned char, 32> sha256{};
  bool available = false;  // false: its file or variable is not there (validate warns)
  std::filesystem::path file{};  // where it was read from, for messages: the file
  std::string env{};             // or the environment variable; both empty for a digest
};

/// Where an event field comes from in an Alertmanager alert: the first of `from`
/// ("label.NAME" or "annotation.NAME") the alert has, else `fallback`; then rewritten by
/// `values` when the value is one of its keys (severity "warning" -> "medium").
struct alert_field {
  std::vector<std::string> from;
  std::string fallback;
  std::map<std::string, std::string, std::less<>> values;
};

/// How an Alertmanager alert becomes an event (docs/http.md, "Alertmanager").
struct alert_mapping {
  alert_field type{{"label.baton_type", "label.event_type"}, "incident", {}};
  alert_field system{{"label.ai_system", "label.system"}, "", {}};
  alert_field severity{{"label.severity"},
                       "medium",
                       {{"critical", "critical"}, {"error", "high"}, {"warning", "medium"}, {"info", "info"}}};
  alert_field summary{{"annotation.summary", "annotation.description", "label.alertname"}, "", {}};
  bool all_labels_as_attrs = true;          // every label becomes an attribute
  std::vector<std::string> annotation_attrs;  // and these annotations
};

enum class ingest_format : std::uint8_t { native, alertmanager, pagerduty };
std::string_view to_string(ingest_format f) noexcept;

/// A sender of events: its own token, so the log says which sender did what.
struct integration {
  std::string id;
  ingest_format format = ingest_format::native;
  secret_digest token;        // bearer token, or basic-auth password with the id as user
  secret_digest routing_key;  // pagerduty: the 32-character key its events carry
  alert_mapping alerts;       // alertmanager
  std::string event_type = "incident";  // pagerduty: the type of the events it triggers
  std::string system_field = "component";  // pagerduty: payload field naming the AI system
  config::mark at;
};

/// A person's (or a team's) token for the acknowledgement API. A team token names
/// several people; a request made with it says which of them acts.
struct api_token {
  std::string id;
  std::vector<std::string> people;
  secret_digest token;
  config::mark at;
};

/// Signed acknowledgement links in pages (docs/http.md, "Acknowledgement links"): a
/// page's link acknowledges for its person without a token until it expires. The first
/// key signs; every key verifies, so a key is rotated by putting the new one first and
/// dropping the old one once its links have expired. A key's SHA-256 is the HMAC key.
struct ack_link_settings {
  std::string base_url;  // where people open baton: "https://baton.example.com"
  std::vector<secret_digest> keys;
  duration valid_for = std::chrono::hours{24};
  config::mark at;

  /// Links are made when a signing key is there.
  bool enabled() const noexcept { return !keys.empty() && keys.front().available; }
};

/// An explicit delegation or override: `person` holds `role` (in `business_unit`, for
/// scoped roles) from `from` until `until`.
struct override_entry {
  std::string role;
  std::string business_unit;  // "" for organisation-scoped roles
  std::string person;
  timestamp from;
  timestamp until;
  std::string reason;
  config::mark at;
};

/// The shortest ack timeout: anything shorter pages the next holder before the first
/// could have read the page.
inline constexpr duration min_ack_timeout{std::chrono::minutes{1}};
/// The shortest reminder interval (0 turns reminders off). Reminders go to someone who
/// has already acknowledged; more often than this is noise, and at 1 ms it would be
/// 600 million notifications a week for one incident.
inline constexpr duration min_reminder_interval{std::chrono::minutes{5}};

struct escalation_defaults {
  duration ack_timeout{std::chrono::minutes{15}};
  int repeat = 1;                     // extra passes over the whole ladder
  duration reminder_interval{std::chrono::hours{4}};  // 0 = no reminders
  std::string governance_owner = "caio";  // told when an incident ends unowned
};

struct routing {
  std::string default_role = "bu_owner";  // accountable for a new incident
  std::map<std::string, std::string, std::less<>> by_event_type;  // event type -> role
};

/// One configuration file as read, named relative to the root file's folder.
struct source_text {
  std::string name;
  std::string text;
};

struct organisation {
  std::string name;
  std::string version;  // content hash of every file loaded (sha256, 16 hex digits)
  const date::time_zone* zone = nullptr;
  std::string zone_name;
  std::string raci_version;  // the RACI version holders must have accepted
  business_calendar calendar;
  escalation_defaults defaults;
  routing route;
  std::vector<std::string> event_types;
  std::vector<notifier_config> notifiers;
  std::vector<person> people;
  std::vector<role> roles;
  std::vector<business_unit> business_units;
  std::vector<ai_system> systems;
  std::vector<activity> activities;
  std::vector<rule> rules;
  std::vector<override_entry> overrides;
  std::vector<integration> integrations;
  std::vector<api_token> api_tokens;
  ack_link_settings ack_links;
  service_settings service;  // storage: and server:, read by baton serve
  std::vector<std::string> files;  // every file read, root first
  /// Every file's text, root first (what `version` hashes): a restarted engine rebuilds
  /// this configuration from it (config/snapshot.hpp). Empty for a configuration changed
  /// in memory, as the simulator's mid-exercise changes are; those cannot be rebuilt.
  std::vector<source_text> sources;

  const person* find_person(std::string_view id) const noexcept;
  const role* find_role(std::string_view id) const noexcept;
  const business_unit* find_business_unit(std::string_view id) const noexcept;
  const ai_system* find_system(std::string_view id) const noexcept;
  const notifier_config* find_notifier(std::string_view id) const noexcept;

  /// Builds the hash indexes behind the find_* functions. The loader calls it once.
  /// Code that assembles an organisation by hand calls it after its last change; until
  /// then, and for a section grown since, the lookups fall back to scanning.
  void build_indexes();

 private:
  struct id_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  // Keys are copies, not views into the vectors, so copying an organisation keeps its
  // indexes valid.
  using id_index = std::unordered_map<std::string, std::size_t, id_hash, std::equal_to<>>;
  id_index people_index_;
  id_index roles_index_;
  id_index business_units_index_;
  id_index systems_index_;
  id_index notifiers_index_;
};

}  // namespace baton::config
