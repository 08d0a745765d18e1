// Errors and warnings inside a rule's `when` are reported at the file position of the
// offending character, whatever the YAML style of the scalar.
#include <catch2/catch.hpp>

#include <sstream>

#include "config_fixture.hpp"
#include "rules/condition.hpp"

using namespace baton;
using namespace baton::config;
using namespace baton::config::test;

namespace {

// The text at 1-based `line`, `column` of `content`.
std::string text_at(const std::string& content, int line, int column) {
  std::istringstream in(content);
  std::string l;
  for (int i = 0; i < line; ++i) {
    std::getline(in, l);
  }
  return column >= 1 && static_cast<std::size_t>(column) <= l.size() ? l.substr(static_cast<std::size_t>(column - 1))
                                                                      : std::string();
}

}  // namespace

TEST_CASE("a type error in line 2 of a folded block scalar is reported at its file position", "[config]") {
  fixture f;
  f.replace("      event.attrs.customer_harm == true\n", "      incident.age > 24\n");
  load_result r = f.load();
  // The block starts on the line after `when: >-`; line 2 of the expression is the
  // next file line, at the block's indentation (7); "24" is its 16th character.
  expect_only_error(r, f.at("24\n    from: bu_owner"),
                    "when: cannot compare incident.age (a duration) with 24 (a number) using \">\"");
  const diagnostic& d = r.diagnostics.items().front();
  int when_line = std::stoi(f.at("when: >-").substr(f.path().string().size() + 1));
  CHECK(d.at.line == when_line + 2);
  CHECK(d.at.column == 6 + 16);
  // And the compiler itself puts it at line 2, column 16 of the expression.
  auto compiled = rules::compile("event.type == \"incident\" &&\nincident.age > 24", rules::schema{});
  REQUIRE_FALSE(compiled.has_value());
  CHECK(compiled.error().position.line == 2);
  CHECK(compiled.error().position.column == 16);
}

TEST_CASE("literal, folded and plain multi-line scalars map every line", "[config]") {
  // Written out in full so the expected numbers can be read off the text.
  const std::string head =
      "organisation: {name: o, time_zone: UTC}\n"
      "notifiers: [{id: m, type: recorder}]\n"
      "people: [{id: p, contacts: [{notifier: m, address: a}], training: {completed: 2025-01-01}, "
      "accepted: {date: 2025-01-01, version: v}}]\n"
      "roles: [{id: caio, primary: p, backups: [p]}, {id: bu_owner, primary: p, backups: [p]}]\n"
      "rules:\n";
  struct variant {
    std::string name;
    std::string rule;
    int line;
    int column;
  };
  // In each, the error is the "x" of `incident.age > x` (an unknown field); the head
  // is lines 1-5, the rule starts on line 6.
  const std::vector<variant> variants{
      {"literal |, more indented", "  - id: r\n    to: caio\n    when: |\n      event.type == \"a\" &&\n        incident.age > x\n", 10, 24},
      {"literal |- with a comment", "  - id: r\n    to: caio\n    when: |- # note\n      event.type == \"a\" &&\n      incident.age > x\n", 10, 22},
      {"folded >", "  - id: r\n    to: caio\n    when: >\n      event.type == \"a\" &&\n      incident.age > x\n", 10, 22},
      {"folded >- with blank line", "  - id: r\n    to: caio\n    when: >-\n      event.type == \"a\" &&\n\n      incident.age > x\n", 11, 22},
      {"plain over two lines", "  - id: r\n    to: caio\n    when: event.type == \"a\" &&\n      incident.age > x\n", 9, 22},
      {"double-quoted over two lines", "  - id: r\n    to: caio\n    when: \"event.type == \\\"a\\\" &&\n      incident.age > x\"\n", 9, 22},
  };
  for (const auto& v : variants) {
    INFO(v.name);
    baton::test::temp_dir dir;
    std::string content = head + v.rule;
    auto p = dir.write("baton.yaml", content);
    load_result r = load(p, fixture_now());
    INFO(dump(r));
    REQUIRE(r.diagnostics.error_count() == 1);
    const diagnostic& d = r.diagnostics.items().front();
    CHECK(d.at.file == p.string());
    CHECK(d.at.line == v.line);
    CHECK(d.at.column == v.column);
    CHECK_THAT(d.message, Catch::Matchers::Contains("unknown field \"x\""));
    CHECK(text_at(content, d.at.line, d.at.column) == "x" + std::string(v.name.starts_with("double") ? "\"" : ""));
  }
}

TEST_CASE("a rule that can never fire is a warning at the dead literal", "[config]") {
  fixture f;
  f.replace("when: event.type == \"risk_appetite_breach\"", "when: event.type == \"risk_apetite_breach\"");
  load_result r = f.load();
  expect_only_warning(r, f.at("\"risk_apetite_breach\""),
                      "rule appetite can never fire: event.type is never \"risk_apetite_breach\"");
}

TEST_CASE("a dead part of a condition that can still fire is a warning too", "[config]") {
  fixture f;
  f.replace("      event.attrs.customer_harm == true\n",
            "      (event.attrs.customer_harm == true || system.risk_tier == \"hihg\")\n");
  load_result r = f.load();
  expect_only_warning(r, f.at("\"hihg\""),
                      "rule incident-harm: part of its condition can never be true: system.risk_tier is never \"hihg\"");
}

TEST_CASE("a condition folded to false without a literal to blame warns at its start", "[config]") {
  fixture f;
  f.replace("when: event.type == \"risk_appetite_breach\"", "when: false");
  load_result r = f.load();
  expect_only_warning(r, f.at("when: false", 6), "rule appetite can never fire");
}

TEST_CASE("a rule needs when and to", "[config]") {
  fixture f;
  f.replace("    when: event.type == \"risk_appetite_breach\"\n    to: cro\n", "");
  load_result r = f.load();
  INFO(dump(r));
  CHECK(r.diagnostics.error_count() == 2);
  expect_error(r, f.at("id: appetite"), "missing required key \"when\" in rule");
  expect_error(r, f.at("id: appetite"), "missing required key \"to\" in rule");
}
