#pragma once
// A complete, valid configuration in one file, written to a temporary directory. Each
// broken case is a small edit of it (replace one snippet), and positions are found by
// searching the file's text for a snippet, independently of the YAML parser.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>

#include "config/loader.hpp"
#include "tests/support/test_support.hpp"

namespace baton::config::test {

/// 2026-03-01T12:00:00Z: every training record of the fixture is current then.
inline timestamp fixture_now() {
  return timestamp{std::chrono::sys_days{std::chrono::year{2026} / 3 / 1}} + std::chrono::hours{12};
}

inline const char* valid_config() {
  return R"(organisation:
  name: Test Org
  time_zone: Europe/Berlin
  raci_version: "2026.1"
  calendar:
    work_days: [mon, tue, wed, thu, fri]
    holidays: [2026-12-25, 2026-12-24]
defaults:
  ack_timeout: 10m
  repeat: 2
  reminder_interval: 2h
  governance_owner: caio
routing:
  default_role: bu_owner
  by_event_type:
    risk_appetite_breach: cro
event_types: [incident, drift, risk_appetite_breach]
notifiers:
  - id: file
    type: jsonl_file
    path: out/notifications.jsonl
  - id: memory
    type: recorder
people:
  - id: amara
    name: Amara Okafor
    time_zone: Europe/London
    contacts:
      - {notifier: file, address: amara@example.com}
    working_hours: {days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:30"}
    out_of_office:
      - {from: 2026-07-01, until: 2026-07-15, delegate: lukas, reason: annual leave}
      - {from: "2026-08-01T12:00", until: "2026-08-02T00:00:00Z"}
    accepted: {date: 2026-01-20, version: "2026.1"}
    training: {completed: 2025-10-01, expires: 2027-10-01}
  - id: lukas
    name: Lukas Weber
    contacts:
      - {notifier: memory, address: lukas}
    accepted: {date: 2026-01-21, version: "2026.1"}
    training: {completed: 2025-10-02}
  - id: helena
    contacts: [{notifier: file, address: helena@example.com}]
    accepted: {date: 2026-01-22, version: "2026.1"}
    training: {completed: 2025-10-03, expires: 2026-10-03}
  - id: olu
    contacts: [{notifier: file, address: olu@example.com}]
    accepted: {date: 2026-01-23, version: "2026.1"}
    training: {completed: 2025-10-04, expires: 2026-10-04}
  - id: carlos
    contacts: [{notifier: file, address: carlos@example.com}]
    accepted: {date: 2026-01-24, version: "2026.1"}
    training: {completed: 2025-10-05, expires: 2026-10-05}
  - id: ines
    contacts: [{notifier: file, address: ines@example.com}]
    accepted: {date: 2026-01-25, version: "2026.1"}
    training: {completed: 2025-10-06, expires: 2026-10-06}
roles:
  - id: caio
    title: Chief AI Officer
    primary: amara
    backups: [lukas]
    escalates_to: board
    ack_timeout: 5m
    repeat: 3
  - id: cro
    title: Chief Risk Officer
    primary: lukas
    backups: [amara]
    escalates_to: caio
  - id: bu_owner
    title: Business Unit AI Owner
    scope: business_unit
    escalates_to: caio
  - id: board
    title: Board AI Committee
    committee:
      chair: helena
      members: [olu]
    backups: [olu]
business_units:
  - id: retail
    name: Retail Banking
    holders:
      bu_owner: {primary: carlos, backups: [ines]}
systems:
  - id: chat-assist
    name: Customer chat assistant
    business_unit: retail
    risk_tier: prohibited
    data: [personal, special_category]
    domain: credit
    vendor: Northwind
activities:
  - id: "24"
    phase: Incident
    name: Incident triage
    r: [bu_owner]
    a: caio
    c: [cro, external_stakeholders]
    i: [board]
  - id: "25"
    name: Root cause analysis
    r: bu_owner
    a: [cro]
rules:
  - id: incident-harm
    threshold: "6"
    description: Incident with customer harm
    when: >-
      event.type == "incident" &&
      event.attrs.customer_harm == true
    from: bu_owner
    to: [caio, cro]
    notify:
      - {role: board, within: 24h}
      - caio
    target: 24h
    ack_timeout: 10m
    working_hours_only: false
  - id: appetite
    when: event.type == "risk_appetite_breach"
    to: cro
    notify:
      - {role: caio, within: 1 business day}
    target: 5 business days
overrides:
  - {role: caio, person: lukas, from: 2026-08-03, until: 2026-08-17, reason: acting CAIO}
  - {role: bu_owner, business_unit: retail, person: ines, from: "2026-05-01T00:00:00Z", until: "2026-05-08T00:00:00Z"}
storage: {sqlite: baton.db}
server: {listen: "127.0.0.1:8080"}
)";
}

class fixture {
 public:
  fixture() : text(valid_config()) {}

  std::string text;  // the root file, baton.yaml

  /// Replaces the only occurrence of `from` with `to`.
  fixture& replace(std::string_view from, std::string_view to) {
    auto first = text.find(from);
    INFO("snippet: " << from);
    REQUIRE(first != std::string::npos);
    REQUIRE(text.find(from, first + 1) == std::string::npos);
    text.replace(first, from.size(), to);
    return *this;
  }

  /// "file:line:column" of the first character of the only occurrence of `needle` in
  /// `content` (the root file by default), plus `offset` characters.
  std::string at(std::string_view needle, int offset = 0) const { return at_in(path(), text, needle, offset); }

  static std::string at_in(const std::filesystem::path& file, const std::string& content, std::string_view needle,
                           int offset = 0) {
    return file.string() + ":" + line_col(content, needle, offset);
  }

  /// "line:column" of the only occurrence of `needle` in `content`, plus `offset`.
  static std::string line_col(const std::string& content, std::string_view needle, int offset = 0) {
    auto pos = content.find(needle);
    INFO("needle: " << needle);
    REQUIRE(pos != std::string::npos);
    REQUIRE(content.find(needle, pos + 1) == std::string::npos);
    pos += static_cast<std::size_t>(offset);
    auto line_start = content.rfind('\n', pos == 0 ? 0 : pos - 1);
    line_start = line_start == std::string::npos || pos == 0 ? 0 : line_start + 1;
    int line = 1 + static_cast<int>(std::count(content.begin(), content.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
    int column = static_cast<int>(pos - line_start) + 1;
    return std::to_string(line) + ":" + std::to_string(column);
  }

  std::filesystem::path path() const { return dir.path() / "baton.yaml"; }

  /// Writes another file beside the root.
  std::filesystem::path write(const std::string& name, const std::string& content) const {
    return dir.write(name, content);
  }

  load_result load(timestamp now = fixture_now()) const {
    dir.write("baton.yaml", text);
    return config::load(path(), now);
  }

  baton::test::temp_dir dir;
};

inline std::string where(const diagnostic& d) {
  return d.at.file + ":" + std::to_string(d.at.line) + ":" + std::to_string(d.at.column);
}

/// Every diagnostic, one a line, for INFO() when an expectation fails.
inline std::string dump(const load_result& r) {
  std::string out;
  for (const auto& d : r.diagnostics.items()) {
    out += to_string(d) + "\n";
  }
  return out;
}

/// The diagnostics of `level` whose message contains `fragment`.
inline std::vector<diagnostic> matching(const load_result& r, severity level, std::string_view fragment) {
  std::vector<diagnostic> out;
  for (const auto& d : r.diagnostics.items()) {
    if (d.level == level && d.message.find(fragment) != std::string::npos) {
      out.push_back(d);
    }
  }
  return out;
}

/// Checks that loading failed with exactly one error, at `position`, whose message
/// contains `fragment`.
inline void expect_only_error(const load_result& r, const std::string& position, std::string_view fragment) {
  INFO(dump(r));
  CHECK(r.org == nullptr);
  REQUIRE(r.diagnostics.error_count() == 1);
  auto found = matching(r, severity::error, fragment);
  REQUIRE(found.size() == 1);
  CHECK(where(found.front()) == position);
}

/// Checks that there is an error at `position` whose message contains `fragment`
/// (other errors may follow from the same mistake).
inline void expect_error(const load_result& r, const std::string& position, std::string_view fragment) {
  INFO(dump(r));
  CHECK(r.org == nullptr);
  auto found = matching(r, severity::error, fragment);
  REQUIRE(found.size() == 1);
  CHECK(where(found.front()) == position);
}

/// Checks that loading succeeded with exactly one warning, at `position`, containing
/// `fragment`.
inline void expect_only_warning(const load_result& r, const std::string& position, std::string_view fragment) {
  INFO(dump(r));
  CHECK(r.org != nullptr);
  CHECK(r.diagnostics.error_count() == 0);
  REQUIRE(r.diagnostics.warning_count() == 1);
  auto found = matching(r, severity::warning, fragment);
  REQUIRE(found.size() == 1);
  CHECK(where(found.front()) == position);
}

}  // namespace baton::config::test
