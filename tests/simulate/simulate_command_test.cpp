// `baton simulate` as a user runs it (app/simulate_command.cpp): what it prints to the
// terminal never carries the control characters a scenario may hold, and its reports
// stay valid whatever the scenario's text.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <string>

#include "base/text.hpp"
#include "tests/support/test_support.hpp"

using namespace baton;

namespace {

std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

bool has_escape_byte(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c == '\x1b'; });
}

// A scenario against the reference organisation whose name and expectation carry a
// terminal escape (YAML's "\e") and a byte that is not UTF-8 (written by "\xff" in a
// double-quoted string, which yaml-cpp decodes to U+00FF: valid, so also a raw byte
// is written into a summary below).
std::string scenario(const std::string& timeline_at = "+0m") {
  return "name: \"evil\\e[2J\\e]0;pwned\\a name\"\n"
         "config: '" +
         test::compel_config().string() +
         "'\n"
         "start: 2026-11-23T10:00:00\n"
         "length: 1d\n"
         "timeline:\n"
         "  - at: \"" +
         timeline_at +
         "\"\n"
         "    event: {incident: harm, type: incident, system: chat-assist, severity: critical,\n"
         "            summary: \"\\e[31mred \xff\", attrs: {customer_harm: true}}\n"
         "expect:\n"
         "  - {accountable: [board], at: +1m, incident: harm}\n";
}

}  // namespace

TEST_CASE("baton simulate prints no control characters from the scenario", "[simulate][app]") {
  test::temp_dir dir;
  SECTION("the summary printed with --report") {
    auto path = dir.write("s.yaml", scenario());
    auto r = test::run_baton("simulate " + q(path) + " --report " + q(dir.path() / "r.json"));
    INFO(r.out);
    CHECK(r.exit_code == 1);  // the expectation fails
    CHECK_FALSE(has_escape_byte(r.out));
    CHECK_THAT(r.out, Catch::Contains("evil\\x1b[2J\\x1b]0;pwned\\x07 name: 0 of 1 expectations held"));
    auto json = test::read_file(dir.path() / "r.json");
    CHECK(is_valid_utf8(json));
    CHECK_FALSE(has_escape_byte(json));
    const auto doc = boost::json::parse(json).as_object();
    CHECK(doc.at("name").as_string() == "evil\x1b[2J\x1b]0;pwned\a name");
  }
  SECTION("the Markdown report on standard output") {
    auto path = dir.write("s.yaml", scenario());
    auto r = test::run_baton("simulate " + q(path));
    CHECK(r.exit_code == 1);
    CHECK_FALSE(has_escape_byte(r.out));
    CHECK(is_valid_utf8(r.out));
    CHECK_THAT(r.out, Catch::Contains("# Exercise: evil\\\\x1b\\[2J"));
  }
  SECTION("an error quoting the scenario's text") {
    auto path = dir.write("s.yaml", scenario("+\\e[31m"));
    auto r = test::run_baton("simulate " + q(path));
    INFO(r.out);
    CHECK(r.exit_code == 2);
    CHECK_FALSE(has_escape_byte(r.out));
    CHECK_THAT(r.out, Catch::Contains("at: bad time \"+\\x1b[31m\""));
  }
}
