// The reference organisation in examples/compel/ must encode the seed's reference tables
// exactly (/work/shared/reference/raci.csv and thresholds.csv), load without errors, and
// show exactly the gaps it was written to show. The CSV files are read here, not copied
// into the test, so a drift between the tables and the YAML fails the build.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/time.hpp"
#include "config/loader.hpp"
#include "rules/inputs.hpp"
#include "tests/support/test_support.hpp"

namespace {

using namespace std::chrono_literals;
using baton::config::load_result;
using baton::config::organisation;

// ---------------------------------------------------------------------------------------
// A small RFC 4180 reader: comma-separated fields, fields in double quotes may hold
// commas, line breaks and doubled quotes; records end with LF or CRLF.

using csv_row = std::vector<std::string>;

std::vector<csv_row> parse_csv(std::string_view text) {
  std::vector<csv_row> rows;
  csv_row row;
  std::string field;
  bool in_quotes = false;
  bool pending = false;  // something of the current record has been read
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      in_quotes = true;
      pending = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      pending = true;
    } else if (c == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      pending = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else {
      field += c;
      pending = true;
    }
  }
  if (pending) {  // last record without a final line break
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

/// A CSV file with a header row, addressed by column name.
struct csv_table {
  csv_row header;
  std::vector<csv_row> rows;

  const std::string& cell(const csv_row& row, std::string_view column) const {
    auto it = std::find(header.begin(), header.end(), column);
    REQUIRE(it != header.end());
    auto index = static_cast<std::size_t>(it - header.begin());
    REQUIRE(index < row.size());
    return row[index];
  }
};

// The tables are read from the copy kept in the repository (tests/examples/reference/),
// so a clone built anywhere can run this test. Where the shared originals sit beside the
// checkout (../shared/reference), the copy must equal them byte for byte.
csv_table read_reference(std::string_view name) {
  auto path = baton::test::source_dir() / "tests" / "examples" / "reference" / std::string(name);
  REQUIRE(std::filesystem::exists(path));
  auto original = std::filesystem::path(BATON_REFERENCE_DIR) / std::string(name);
  if (std::filesystem::exists(original)) {
    INFO("tests/examples/reference/" << name << " differs from " << original.string());
    REQUIRE(baton::test::read_file(path) == baton::test::read_file(original));
  }
  auto rows = parse_csv(baton::test::read_file(path));
  REQUIRE(rows.size() > 1);
  csv_table t;
  t.header = rows.front();
  t.rows.assign(rows.begin() + 1, rows.end());
  for (const auto& r : t.rows) {
    REQUIRE(r.size() == t.header.size());
  }
  return t;
}

std::vector<std::string> split(std::string_view s, std::string_view separator) {
  std::vector<std::string> out;
  while (true) {
    auto at = s.find(separator);
    out.emplace_back(s.substr(0, at));
    if (at == std::string_view::npos) {
      return out;
    }
    s.remove_prefix(at + separator.size());
  }
}

std::string trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') {
    s.remove_prefix(1);
  }
  while (!s.empty() && s.back() == ' ') {
    s.remove_suffix(1);
  }
  return std::string(s);
}

// ---------------------------------------------------------------------------------------
// How the reference tables name roles, and the role ids the organisation uses.

const std::map<std::string, std::string, std::less<>>& raci_abbreviations() {
  static const std::map<std::string, std::string, std::less<>> m{
      {"CAIO", "caio"},
      {"CISO", "ciso"},
      {"DPO", "dpo"},
      {"GC", "gc"},
      {"CoE", "coe"},
      {"BU", "bu_owner"},
      {"ML", "ml_lead"},
      {"CRO", "cro"},
      {"IA", "internal_audit"},
      {"Comp", "compliance"},
      {"Prod", "product"},
      {"Board", "board"},
      {"Audit Committee", "audit_committee"},
      {"HR", "hr"},
      {"All roles", "all_roles"},
      {"external stakeholders", "external_stakeholders"},
  };
  return m;
}

std::vector<std::string> map_raci_cell(const std::string& cell) {
  std::vector<std::string> ids;
  for (const auto& name : split(cell, ", ")) {
    auto it = raci_abbreviations().find(name);
    INFO("RACI cell \"" << cell << "\" names \"" << name << "\"");
    REQUIRE(it != raci_abbreviations().end());
    ids.push_back(it->second);
  }
  return ids;
}

// The thresholds table spells roles out in full.
const std::map<std::string, std::string, std::less<>>& threshold_role_names() {
  static const std::map<std::string, std::string, std::less<>> m{
      {"Business Unit AI Owner", "bu_owner"},
      {"CAIO", "caio"},
      {"ML Engineering Lead", "ml_lead"},
      {"CRO", "cro"},
      {"CoE", "coe"},
      {"Board", "board"},
      {"CFO", "cfo"},
      {"DPO", "dpo"},
      {"GC", "gc"},
      {"Audit Committee", "audit_committee"},
      {"CISO", "ciso"},
  };
  return m;
}

/// Who must be told besides the new accountable roles, as the table words it. An empty
/// `within` means the table gives no deadline for it.
struct expected_notice {
  std::string role;
  std::string within;
};

struct expected_move {
  std::vector<std::string> to;
  std::vector<expected_notice> notify;
};

/// Reads a "moves_A_to" cell. The table mixes role names with remarks; every remark it
/// holds is listed here with what it means for the organisation, so a new wording in
/// the table fails the test instead of being silently ignored.
expected_move parse_moves_to(const std::string& cell) {
  // Parenthesised remarks: a notification, or a comment on the kind of accountability.
  static const std::map<std::string, std::vector<expected_notice>, std::less<>> remarks{
      {"+ Board notification", {{"board", ""}}},
      {"+ Board within 24h", {{"board", "24h"}}},
      {"joint A", {}},
      {"go/no-go vote", {}},
      {"risk appetite revision or portfolio rebalance", {}},
      {"joint triage", {}},
  };
  // Parts joined with " + " that are not roles.
  static const std::map<std::string, expected_notice, std::less<>> extra_parts{
      // Compel's choice: Compliance prepares the sector regulator notification.
      {"sector regulator notification", {"compliance", ""}},
  };
  // Whole cells phrased as a sentence.
  static const std::map<std::string, std::string, std::less<>> phrases{
      {"Re-trigger Gate 2 with CAIO as A", "caio"},
  };

  expected_move move;
  if (auto it = phrases.find(cell); it != phrases.end()) {
    move.to.push_back(it->second);
    return move;
  }
  std::string rest;
  for (std::size_t i = 0; i < cell.size(); ++i) {
    if (cell[i] != '(') {
      rest += cell[i];
      continue;
    }
    auto close = cell.find(')', i);
    REQUIRE(close != std::string::npos);
    auto remark = cell.substr(i + 1, close - i - 1);
    auto it = remarks.find(remark);
    INFO("moves_A_to \"" << cell << "\" has the remark \"" << remark << "\"");
    REQUIRE(it != remarks.end());
    move.notify.insert(move.notify.end(), it->second.begin(), it->second.end());
    i = close;
  }
  for (const auto& raw : split(rest, "+")) {
    auto part = trim(raw);
    if (part.empty()) {
      continue;
    }
    if (auto role = threshold_role_names().find(part); role != threshold_role_names().end()) {
      move.to.push_back(role->second);
    } else if (auto extra = extra_parts.find(part); extra != extra_parts.end()) {
      move.notify.push_back(extra->second);
    } else {
      FAIL("moves_A_to \"" << cell << "\" names \"" << part << "\", which the test does not know");
    }
  }
  return move;
}

// ---------------------------------------------------------------------------------------

baton::timestamp at(std::string_view iso) {
  auto t = baton::parse_iso(iso, baton::find_zone("UTC"));
  REQUIRE(t.has_value());
  return *t;
}

// Fixed, so which training records have expired does not depend on when the test runs.
const char* const load_time = "2026-11-23T12:00:00Z";

// From a copy with the secrets its integrations name (tests/support/test_support.hpp):
// the source tree has them only where scripts/run.sh has made them.
load_result load_compel() {
  static const baton::test::temp_dir dir;
  static const auto root = baton::test::copy_compel(dir, "compel");
  return baton::config::load(root, at(load_time));
}

std::shared_ptr<const organisation> load_compel_or_fail() {
  auto result = load_compel();
  for (const auto& d : result.diagnostics.items()) {
    if (d.level == baton::config::severity::error) {
      UNSCOPED_INFO(baton::config::to_string(d));
    }
  }
  REQUIRE(result.diagnostics.error_count() == 0);
  REQUIRE(result.org != nullptr);
  return result.org;
}

baton::config::civil_day civil(int y, unsigned m, unsigned d) {
  auto days = std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
  return static_cast<baton::config::civil_day>(days.time_since_epoch().count());
}

bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/// True when `text` names `id` as a whole word ("hr" in `role "hr"`, not in "through").
bool mentions(std::string_view text, std::string_view id) {
  for (auto at_pos = text.find(id); at_pos != std::string_view::npos; at_pos = text.find(id, at_pos + 1)) {
    bool starts = at_pos == 0 || !is_id_char(text[at_pos - 1]);
    auto end = at_pos + id.size();
    bool ends = end == text.size() || !is_id_char(text[end]);
    if (starts && ends) {
      return true;
    }
  }
  return false;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

/// Runs of white space (line breaks included) as one space, none at either end.
std::string collapse_spaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += c;
  }
  return out;
}

std::vector<std::string> notify_roles(const baton::config::rule& r) {
  std::vector<std::string> roles;
  for (const auto& n : r.notify) {
    roles.push_back(n.role);
  }
  return roles;
}

}  // namespace

TEST_CASE("the CSV reader handles quoted fields, doubled quotes and CRLF", "[examples]") {
  auto rows = parse_csv("a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,,\"multi\nline\"");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == csv_row{"a", "b", "c"});
  CHECK(rows[1] == csv_row{"1", "x, y", "say \"hi\""});
  CHECK(rows[2] == csv_row{"2", "", "multi\nline"});
}

TEST_CASE("the Compel reference organisation loads without errors", "[examples]") {
  auto org = load_compel_or_fail();

  CHECK(org->name == "Compel Financial Group");
  CHECK(org->zone_name == "Europe/Berlin");
  CHECK(org->zone != nullptr);
  CHECK(org->raci_version == "2026.1");
  CHECK(!org->version.empty());
  REQUIRE(org->files.size() == 9);
  CHECK(org->files.front().find("baton.yaml") != std::string::npos);

  SECTION("calendar: Monday to Friday with the German and company holidays") {
    const auto& cal = org->calendar;
    using baton::config::weekday;
    for (auto d : {weekday::mon, weekday::tue, weekday::wed, weekday::thu, weekday::fri}) {
      CHECK(cal.work_days[static_cast<std::size_t>(d)]);
    }
    CHECK_FALSE(cal.work_days[static_cast<std::size_t>(weekday::sat)]);
    CHECK_FALSE(cal.work_days[static_cast<std::size_t>(weekday::sun)]);
    const std::vector<baton::config::civil_day> required{
        civil(2026, 1, 1),   civil(2026, 4, 3),   civil(2026, 4, 6),   civil(2026, 5, 1),
        civil(2026, 5, 14),  civil(2026, 5, 25),  civil(2026, 10, 3),  civil(2026, 12, 24),
        civil(2026, 12, 25), civil(2026, 12, 26), civil(2026, 12, 31), civil(2027, 1, 1),
        civil(2027, 3, 26),  civil(2027, 3, 29),  civil(2027, 5, 6),   civil(2027, 5, 17),
        civil(2027, 12, 24), civil(2027, 12, 31),
    };
    for (auto day : required) {
      INFO("holiday (days since 1970-01-01) " << day);
      CHECK(std::binary_search(cal.holidays.begin(), cal.holidays.end(), day));
    }
  }

  SECTION("defaults and routing") {
    CHECK(org->defaults.ack_timeout == 15min);
    CHECK(org->defaults.repeat == 1);
    CHECK(org->defaults.reminder_interval == 4h);
    CHECK(org->defaults.governance_owner == "caio");
    CHECK(org->route.default_role == "bu_owner");
    const std::map<std::string, std::string, std::less<>> by_type{
        {"risk_appetite_breach", "cro"},
        {"certification_nonconformity", "coe"},
        {"material_model_change", "ml_lead"},
    };
    CHECK(org->route.by_event_type == by_type);
  }

  SECTION("event types and notifiers") {
    const std::vector<std::string> types{
        "incident", "incident_update", "drift", "anomaly", "performance_threshold",
        "vendor_incident", "material_model_change", "risk_appetite_breach",
        "certification_nonconformity", "intake", "risk_classification", "budget_request",
        "regulator_request", "vendor_deprecation"};
    CHECK(org->event_types == types);

    REQUIRE(org->notifiers.size() == 2);
    const auto* file = org->find_notifier("file");
    REQUIRE(file != nullptr);
    CHECK(file->type == "jsonl_file");
    REQUIRE(file->settings.count("path") == 1);
    // The loader may resolve the path against the root file's folder.
    CHECK(file->settings.at("path").ends_with("notifications.jsonl"));
    const auto* memory = org->find_notifier("memory");
    REQUIRE(memory != nullptr);
    CHECK(memory->type == "recorder");
  }
}

TEST_CASE("the Compel activities are the 30 rows of raci.csv", "[examples]") {
  auto org = load_compel_or_fail();
  auto raci = read_reference("raci.csv");
  REQUIRE(raci.rows.size() == 30);
  REQUIRE(org->activities.size() == 30);

  for (std::size_t i = 0; i < raci.rows.size(); ++i) {
    const auto& row = raci.rows[i];
    const auto& a = org->activities[i];
    INFO("activity " << raci.cell(row, "id") << " (" << raci.cell(row, "activity") << ")");
    CHECK(a.id == raci.cell(row, "id"));
    CHECK(a.phase == raci.cell(row, "phase"));
    CHECK(a.name == raci.cell(row, "activity"));
    CHECK(a.responsible == map_raci_cell(raci.cell(row, "R")));
    CHECK(a.accountable == map_raci_cell(raci.cell(row, "A")));
    CHECK(a.consulted == map_raci_cell(raci.cell(row, "C")));
    CHECK(a.informed == map_raci_cell(raci.cell(row, "I")));
    CHECK(a.accountable.size() == 1);
  }
}

TEST_CASE("the Compel rules are the 10 thresholds of thresholds.csv", "[examples]") {
  auto org = load_compel_or_fail();
  auto thresholds = read_reference("thresholds.csv");
  REQUIRE(thresholds.rows.size() == 10);
  REQUIRE(org->rules.size() == 10);

  for (std::size_t i = 0; i < thresholds.rows.size(); ++i) {
    const auto& row = thresholds.rows[i];
    const auto& r = org->rules[i];
    const auto& number = thresholds.cell(row, "id");
    INFO("threshold " << number << ": " << thresholds.cell(row, "trigger"));
    CHECK(r.id == "t" + number);
    CHECK(r.threshold == number);
    CHECK(r.description == thresholds.cell(row, "trigger"));
    CHECK(r.timing == thresholds.cell(row, "timing"));
    CHECK(!r.when_source.empty());
    CHECK_FALSE(r.when.never_true());
    CHECK(r.when.warnings().empty());
    CHECK_FALSE(r.target.empty());

    auto from = threshold_role_names().find(thresholds.cell(row, "moves_A_from"));
    REQUIRE(from != threshold_role_names().end());
    CHECK(r.from == from->second);

    auto move = parse_moves_to(thresholds.cell(row, "moves_A_to"));
    CHECK(r.to == move.to);
    std::vector<std::string> expected_notify;
    for (const auto& n : move.notify) {
      expected_notify.push_back(n.role);
      if (n.within.empty()) {
        continue;
      }
      auto within = baton::config::parse_deadline(n.within);
      REQUIRE(within.has_value());
      auto it = std::find_if(r.notify.begin(), r.notify.end(),
                             [&](const baton::config::notify_entry& e) { return e.role == n.role; });
      REQUIRE(it != r.notify.end());
      CHECK(it->within.type == within->type);
      CHECK(it->within.elapsed == within->elapsed);
    }
    CHECK(notify_roles(r) == expected_notify);
  }

  // The seed's metrics: under 24 hours for incidents, under 5 business days for
  // risk-appetite breaches.
  using kind = baton::config::deadline_spec::kind;
  const auto& incident = org->rules[5];
  CHECK(incident.target.type == kind::elapsed);
  CHECK(incident.target.elapsed == 24h);
  REQUIRE(incident.ack_timeout.has_value());
  CHECK(*incident.ack_timeout == 10min);
  const auto& appetite = org->rules[7];
  CHECK(appetite.target.type == kind::business_days);
  CHECK(appetite.target.business_days == 5);
  // Block scalars keep their line breaks, so the expression spans lines.
  CHECK(incident.when_source.find('\n') != std::string::npos);
}

TEST_CASE("the Compel rule conditions are the agreed expressions", "[examples]") {
  auto org = load_compel_or_fail();
  // Other documents and scenarios quote these conditions; whitespace and line breaks
  // (the YAML block scalars) do not matter, every other character does.
  const std::vector<std::string> conditions{
      R"(event.type in ["intake", "risk_classification"] && system.risk_tier in ["high", "unacceptable"])",
      R"(event.type in ["intake", "risk_classification"] && system.risk_tier == "unacceptable")",
      R"(event.type == "budget_request" && event.attrs.amount > 1000000)",
      R"(event.type == "intake" && "special_category" in system.data)",
      R"(event.type == "intake" && system.domain in ["medical_device", "credit", "employment"])",
      R"(event.type in ["incident", "incident_update"] && (event.attrs.customer_harm == true || )"
      R"(event.attrs.regulator_notification == true || event.attrs.press_exposure == true))",
      R"(event.type == "material_model_change" && )"
      R"(event.attrs.change in ["base_model", "training_data_class", "deployment_region"])",
      R"(event.type == "risk_appetite_breach")",
      R"(event.type == "certification_nonconformity" && event.attrs.grade == "major")",
      R"(event.type == "vendor_incident" && has(system.vendor))",
  };
  REQUIRE(org->rules.size() == conditions.size());
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    INFO("rule " << org->rules[i].id);
    CHECK(collapse_spaces(org->rules[i].when_source) == conditions[i]);
    CHECK(org->rules[i].when.source() == org->rules[i].when_source);
  }
}

TEST_CASE("the Compel rules fire on their thresholds' triggers and only on them", "[examples]") {
  auto org = load_compel_or_fail();

  struct scenario {
    std::string name;
    std::string type;
    std::string system;  // "" = an event about no known system
    baton::rules::attributes attrs;
    std::set<std::string> fires;
  };
  const std::vector<scenario> scenarios{
      {"intake of a high-risk credit model", "intake", "credit-scoring", {}, {"t1", "t5"}},
      {"intake of a prohibited system", "intake", "agent-emotion", {}, {"t1", "t2", "t4", "t5"}},
      {"intake of CV screening", "intake", "cv-screening", {}, {"t1", "t4", "t5"}},
      {"intake of a medical device", "intake", "health-triage", {}, {"t1", "t4", "t5"}},
      {"intake of a minimal-risk system", "intake", "doc-ocr", {}, {}},
      {"intake of a limited-risk vendor model", "intake", "chat-assist", {}, {}},
      {"reclassification to high", "risk_classification", "wealth-advisor", {}, {"t1"}},
      {"reclassification to unacceptable", "risk_classification", "agent-emotion", {}, {"t1", "t2"}},
      {"intake with no known system", "intake", "", {}, {}},
      {"budget over $1M", "budget_request", "wealth-advisor", {{"amount", 1.5e6}}, {"t3"}},
      {"budget of exactly $1M", "budget_request", "wealth-advisor", {{"amount", 1e6}}, {}},
      {"budget without an amount", "budget_request", "wealth-advisor", {}, {}},
      {"incident with customer harm", "incident", "chat-assist", {{"customer_harm", true}}, {"t6"}},
      {"incident update with press exposure", "incident_update", "credit-scoring",
       {{"customer_harm", false}, {"press_exposure", true}}, {"t6"}},
      {"incident needing regulator notification", "incident", "fraud-detect",
       {{"regulator_notification", true}}, {"t6"}},
      {"incident without harm", "incident", "chat-assist", {{"customer_harm", false}}, {}},
      {"drift with customer harm is not an incident", "drift", "chat-assist", {{"customer_harm", true}}, {}},
      {"new base model", "material_model_change", "credit-scoring",
       {{"change", std::string("base_model")}}, {"t7"}},
      {"new deployment region", "material_model_change", "meeting-notes",
       {{"change", std::string("deployment_region")}}, {"t7"}},
      {"prompt tweak", "material_model_change", "chat-assist", {{"change", std::string("prompt")}}, {}},
      {"risk appetite breach", "risk_appetite_breach", "", {}, {"t8"}},
      {"major nonconformity", "certification_nonconformity", "", {{"grade", std::string("major")}}, {"t9"}},
      {"minor nonconformity", "certification_nonconformity", "", {{"grade", std::string("minor")}}, {}},
      {"vendor incident on a vendor model", "vendor_incident", "chat-assist", {}, {"t10"}},
      {"vendor incident on the other Northwind system", "vendor_incident", "meeting-notes", {}, {"t10"}},
      {"vendor incident on an in-house model", "vendor_incident", "fraud-detect", {}, {}},
      {"regulator request", "regulator_request", "credit-scoring", {}, {}},
      {"vendor deprecation", "vendor_deprecation", "chat-assist", {}, {}},
  };

  for (const auto& s : scenarios) {
    INFO("scenario: " << s.name);
    baton::rules::event_view event;
    event.type = s.type;
    event.severity = "high";
    event.source = "test";
    event.summary = s.name;
    event.attrs = &s.attrs;

    baton::rules::system_view system;
    const baton::rules::system_view* system_ptr = nullptr;
    if (!s.system.empty()) {
      const auto* sys = org->find_system(s.system);
      REQUIRE(sys != nullptr);
      system.id = sys->id;
      system.name = sys->name;
      system.business_unit = sys->business_unit;
      system.risk_tier = sys->risk_tier;
      system.domain = sys->domain;
      system.vendor = sys->vendor;
      system.data = sys->data;
      system_ptr = &system;
    }
    baton::rules::incident_view incident;
    incident.event_count = 1;
    incident.state = "open";

    baton::rules::context ctx{&event, system_ptr, &incident};
    std::set<std::string> fired;
    for (const auto& r : org->rules) {
      if (r.when.evaluate(ctx)) {
        fired.insert(r.id);
      }
    }
    CHECK(fired == s.fires);
  }
}

TEST_CASE("the Compel roles, business units, systems and people cover the seed", "[examples]") {
  auto org = load_compel_or_fail();

  SECTION("the 12 seed roles, the Audit Committee, the CFO and HR") {
    const std::map<std::string, std::string> titles{
        {"caio", "Chief AI Officer"},
        {"ciso", "Chief Information Security Officer"},
        {"dpo", "Data Protection Officer"},
        {"gc", "General Counsel"},
        {"coe", "Center of Excellence Lead"},
        {"bu_owner", "Business Unit AI Owner"},
        {"ml_lead", "ML / Data Engineering Lead"},
        {"cro", "Chief Risk Officer"},
        {"internal_audit", "Internal Audit"},
        {"compliance", "Head of Compliance"},
        {"product", "Head of Product"},
        {"board", "Board AI Committee"},
        {"audit_committee", "Audit Committee"},
        {"cfo", "Chief Financial Officer"},
        {"hr", "Head of HR"},
    };
    CHECK(org->roles.size() == titles.size());
    for (const auto& [id, title] : titles) {
      INFO("role " << id);
      const auto* role = org->find_role(id);
      REQUIRE(role != nullptr);
      CHECK(role->title == title);
    }
    CHECK(org->find_role("bu_owner")->scope == baton::config::role_scope::business_unit);
    for (const auto* id : {"board", "audit_committee"}) {
      const auto* committee = org->find_role(id);
      CHECK(committee->committee);
      CHECK_FALSE(committee->held_by.primary.empty());  // the chair
      CHECK(committee->members.size() >= 2);
    }
    REQUIRE(org->find_role("caio")->ack_timeout.has_value());
    CHECK(*org->find_role("caio")->ack_timeout == 10min);
    REQUIRE(org->find_role("board")->ack_timeout.has_value());
    CHECK(*org->find_role("board")->ack_timeout == 60min);
  }

  SECTION("every organisation role has a primary and 1-2 backups, except hr") {
    for (const auto& role : org->roles) {
      if (role.scope == baton::config::role_scope::business_unit) {
        continue;
      }
      INFO("role " << role.id);
      CHECK(org->find_person(role.held_by.primary) != nullptr);
      if (role.id == "hr") {
        CHECK(role.held_by.backups.empty());  // the deliberate gap
      } else {
        CHECK(!role.held_by.backups.empty());
        CHECK(role.held_by.backups.size() <= 2);
      }
    }
  }

  SECTION("escalation chains end at the board and avoid the scoped role") {
    for (const auto& role : org->roles) {
      INFO("role " << role.id);
      std::set<std::string> seen{role.id};
      const auto* current = &role;
      while (!current->escalates_to.empty()) {
        current = org->find_role(current->escalates_to);
        REQUIRE(current != nullptr);
        REQUIRE(seen.insert(current->id).second);
        // Whoever escalates must reach a holder without knowing the system's unit.
        CHECK(current->scope == baton::config::role_scope::organisation);
      }
      CHECK(current->id == "board");
    }
  }

  SECTION("business units") {
    REQUIRE(org->business_units.size() >= 3);
    for (const auto& bu : org->business_units) {
      INFO("business unit " << bu.id);
      auto it = bu.holders_by_role.find("bu_owner");
      REQUIRE(it != bu.holders_by_role.end());
      CHECK(org->find_person(it->second.primary) != nullptr);
      CHECK(it->second.backups.empty() == (bu.id == "operations"));  // the deliberate gap
    }
  }

  SECTION("systems cover every risk tier, special-category data, the regulated domains and a vendor model") {
    REQUIRE(org->systems.size() >= 5);
    std::set<std::string> tiers;
    std::set<std::string> domains;
    bool special_category = false;
    bool northwind = false;
    for (const auto& sys : org->systems) {
      INFO("system " << sys.id);
      CHECK(org->find_business_unit(sys.business_unit) != nullptr);
      tiers.insert(sys.risk_tier);
      if (!sys.domain.empty()) {
        domains.insert(sys.domain);
      }
      special_category = special_category ||
                         std::find(sys.data.begin(), sys.data.end(), "special_category") != sys.data.end();
      northwind = northwind || sys.vendor == "Northwind LLM v4";
    }
    CHECK(tiers == std::set<std::string>{"minimal", "limited", "high", "unacceptable"});
    CHECK(domains == std::set<std::string>{"credit", "employment", "medical_device"});
    CHECK(special_category);
    CHECK(northwind);
  }

  SECTION("people: contacts on the file notifier, time zones, working hours") {
    CHECK(org->people.size() >= 25);
    CHECK(org->people.size() <= 35);
    std::set<std::string> zones;
    std::size_t with_hours = 0;
    for (const auto& p : org->people) {
      INFO("person " << p.id);
      auto file_contact = std::find_if(p.contacts.begin(), p.contacts.end(),
                                       [](const baton::config::contact& c) { return c.notifier == "file"; });
      REQUIRE(file_contact != p.contacts.end());
      CHECK(file_contact->address.find('@') != std::string::npos);
      zones.insert(p.zone_name.empty() ? org->zone_name : p.zone_name);
      with_hours += p.hours.has_value() ? 1U : 0U;
    }
    CHECK(zones == std::set<std::string>{"Europe/Berlin", "Europe/London", "America/New_York", "Asia/Singapore"});
    CHECK(with_hours * 4 >= org->people.size() * 3);
  }

  SECTION("out of office: local dates and times in each person's zone, exact across daylight saving") {
    // The CAIO is away over Christmas with a delegate.
    const auto* amara = org->find_person("amara");
    REQUIRE(amara != nullptr);
    REQUIRE(org->find_role("caio")->held_by.primary == "amara");
    auto christmas = std::find_if(amara->out_of_office.begin(), amara->out_of_office.end(),
                                  [](const baton::config::absence& a) { return !a.delegate.empty(); });
    REQUIRE(christmas != amara->out_of_office.end());
    CHECK(christmas->delegate == "lukas");
    CHECK(christmas->from == at("2026-12-20T23:00:00Z"));  // local midnight, CET
    CHECK(christmas->until == at("2027-01-03T23:00:00Z"));

    // The General Counsel's absence spans the European switch to summer time on
    // 2027-03-28: 14:00 CET to 09:00 CEST.
    const auto* daniel = org->find_person("daniel");
    REQUIRE(daniel != nullptr);
    REQUIRE(daniel->out_of_office.size() == 1);
    const auto& easter = daniel->out_of_office.front();
    CHECK(easter.from == at("2027-03-25T13:00:00Z"));
    CHECK(easter.until == at("2027-03-30T07:00:00Z"));
    CHECK(easter.until - easter.from == 4 * 24h + 18h);
    CHECK(easter.delegate == "priya");

    // New York switches on 2027-03-14: 18:00 EST to 08:00 EDT.
    const auto* grace = org->find_person("grace");
    REQUIRE(grace != nullptr);
    REQUIRE(grace->out_of_office.size() == 1);
    CHECK(grace->out_of_office.front().from == at("2027-03-10T23:00:00Z"));
    CHECK(grace->out_of_office.front().until == at("2027-03-16T12:00:00Z"));

    // A date alone is local midnight in Singapore (UTC+8).
    const auto* mei = org->find_person("mei");
    REQUIRE(mei != nullptr);
    REQUIRE(mei->out_of_office.size() == 1);
    CHECK(mei->out_of_office.front().from == at("2027-02-04T16:00:00Z"));
  }

  SECTION("overrides: an acting CAIO for a week in August 2026") {
    REQUIRE(org->overrides.size() >= 1);
    auto acting = std::find_if(org->overrides.begin(), org->overrides.end(),
                               [](const baton::config::override_entry& o) { return o.role == "caio"; });
    REQUIRE(acting != org->overrides.end());
    CHECK(acting->person == "lukas");
    CHECK(acting->business_unit.empty());
    CHECK(acting->from == at("2026-08-02T22:00:00Z"));  // local midnight, CEST
    CHECK(acting->until - acting->from == 7 * 24h);
    auto wealth = std::find_if(org->overrides.begin(), org->overrides.end(),
                               [](const baton::config::override_entry& o) { return o.role == "bu_owner"; });
    REQUIRE(wealth != org->overrides.end());
    CHECK(wealth->business_unit == "wealth");
  }
}

TEST_CASE("the Compel organisation shows exactly its deliberate gaps", "[examples]") {
  auto result = load_compel();
  REQUIRE(result.diagnostics.error_count() == 0);

  // Each gap written into the YAML (README.md lists them): who it is about and words a
  // message about it must contain (any one of them).
  struct gap {
    std::string subject;
    std::vector<std::string> words;
    std::string file;  // where the gap is written, so the warning points there
    int seen = 0;
  };
  std::vector<gap> gaps{
      {"hr", {"backup"}, "roles.yaml"},                   // Head of HR has no backup
      {"operations", {"backup"}, "business_units.yaml"},  // no backup owner
      {"stefan", {"training", "expired"}, "people.yaml"}, // expired on 2026-09-30
      {"ines", {"accept", "2025.2"}, "people.yaml"},      // signed 2025.2, not 2026.1
  };

  for (const auto& d : result.diagnostics.items()) {
    auto text = baton::config::to_string(d);
    auto message = lower(d.message);
    bool expected = false;
    for (auto& g : gaps) {
      bool worded = std::any_of(g.words.begin(), g.words.end(),
                                [&](const std::string& w) { return message.find(w) != std::string::npos; });
      if (mentions(d.message, g.subject) && worded) {
        ++g.seen;
        INFO(text);
        CHECK(d.level == baton::config::severity::warning);
        CHECK(std::filesystem::path(d.at.file).filename() == g.file);
        CHECK(d.at.line > 0);
        expected = true;
        break;
      }
    }
    INFO(text);
    CHECK(expected);
  }
  for (const auto& g : gaps) {
    INFO("expected exactly one warning about " << g.subject);
    CHECK(g.seen == 1);
  }
  CHECK(result.diagnostics.warning_count() == gaps.size());

  SECTION("coverage") {
    const auto& c = result.coverage;
    CHECK(c.activities == 30);
    CHECK(c.activities_with_one_accountable == 30);
    // 14 organisation roles + bu_owner once per business unit (3); hr and operations'
    // bu_owner lack a backup.
    CHECK(c.roles == 17);
    CHECK(c.roles_with_primary_and_backup == 15);
    CHECK(c.holders == 31);           // everyone holds some role
    CHECK(c.holders_accepted == 30);  // all but ines
    CHECK(c.holders_trained == 30);   // all but stefan
  }
}
