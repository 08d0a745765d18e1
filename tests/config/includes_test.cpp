// Includes: relative paths, concatenation of list sections in include order, and the
// errors: cycles, missing files, a mapping section in two files, mistakes inside an
// included file reported with that file's name.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <map>
#include <sstream>

#include "config_fixture.hpp"

using namespace baton;
using namespace baton::config;
using namespace baton::config::test;

namespace {

// The valid fixture cut into its top-level sections ("people" -> "people:\n  - ...").
std::map<std::string, std::string> sections() {
  std::map<std::string, std::string> out;
  std::istringstream in(valid_config());
  std::string line;
  std::string current;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != ' ') {
      current = line.substr(0, line.find(':'));
    }
    out[current] += line + "\n";
  }
  return out;
}

// Lines of a list section without its header, to append to another file's list.
std::string entries(const std::string& section) { return section.substr(section.find('\n') + 1); }

struct split_config {
  baton::test::temp_dir dir;
  std::map<std::string, std::string> s = sections();
  std::string root;
  std::string people;
  std::string extra;
  std::string rest;

  split_config() {
    root = s["organisation"] + s["defaults"] + s["routing"] + s["event_types"] + s["notifiers"] +
           "include:\n  - people/people.yaml\n  - rest.yaml\n" + s["roles"];
    // people.yaml holds the first half of the people and includes, relative to its own
    // folder, extra.yaml with the rest.
    std::string all = entries(s["people"]);
    auto cut = all.find("  - id: helena");
    people = "people:\n" + all.substr(0, cut) + "include: [extra.yaml]\n";
    extra = "people:\n" + all.substr(cut);
    rest = s["business_units"] + s["systems"] + s["activities"] + s["rules"] + s["overrides"] + s["storage"] +
           s["server"];
  }

  load_result load() {
    dir.write("people/people.yaml", people);
    dir.write("people/extra.yaml", extra);
    dir.write("rest.yaml", rest);
    return config::load(dir.write("baton.yaml", root), fixture_now());
  }
  std::string file(const std::string& name) const { return (dir.path() / name).string(); }
};

}  // namespace

TEST_CASE("included files load as one organisation, lists concatenated in order", "[config]") {
  split_config c;
  load_result r = c.load();
  INFO(dump(r));
  REQUIRE(r.org != nullptr);
  CHECK(r.diagnostics.items().empty());
  // Root first, then each include depth first, in the order written.
  CHECK(r.org->files == std::vector<std::string>{c.file("baton.yaml"), c.file("people/people.yaml"),
                                                 c.file("people/extra.yaml"), c.file("rest.yaml")});
  REQUIRE(r.org->people.size() == 6);
  CHECK(r.org->people[0].id == "amara");
  CHECK(r.org->people[2].id == "helena");
  CHECK(r.org->people[5].id == "ines");
  CHECK(r.org->rules.size() == 2);
  CHECK(r.org->find_system("chat-assist") != nullptr);
  // Positions name the file each entity came from.
  CHECK(r.org->find_person("helena")->at.file == c.file("people/extra.yaml"));
  CHECK(r.org->find_person("helena")->at.line == 2);
  CHECK(r.org->rules[0].at.file == c.file("rest.yaml"));

  // The version covers every file.
  std::string before = r.org->version;
  c.extra += "  # a comment changes the bytes\n";
  load_result changed = c.load();
  REQUIRE(changed.org != nullptr);
  CHECK(changed.org->version != before);
}

TEST_CASE("a list section given in two files is concatenated", "[config]") {
  split_config c;
  c.rest += "roles:\n  - id: cfo\n    primary: carlos\n    backups: [ines]\n";
  load_result r = c.load();
  INFO(dump(r));
  REQUIRE(r.org != nullptr);
  REQUIRE(r.org->roles.size() == 5);
  CHECK(r.org->roles.back().id == "cfo");
}

TEST_CASE("an include cycle is an error at the include entry", "[config]") {
  split_config c;
  c.extra += "include: [../baton.yaml]\n";
  load_result r = c.load();
  expect_only_error(r, c.file("people/extra.yaml") + ":" + fixture::line_col(c.extra, "../baton.yaml"),
                    "include cycle: " + c.file("baton.yaml") + " -> " + c.file("people/people.yaml") + " -> " +
                        c.file("people/extra.yaml") + " -> " + c.file("baton.yaml"));
}

TEST_CASE("a file including itself is a cycle", "[config]") {
  split_config c;
  c.rest += "include: [./rest.yaml]\n";
  load_result r = c.load();
  expect_only_error(r, c.file("rest.yaml") + ":" + fixture::line_col(c.rest, "./rest.yaml"),
                    "include cycle: " + c.file("rest.yaml") + " -> " + c.file("rest.yaml"));
}

TEST_CASE("a missing included file is an error at the include entry", "[config]") {
  split_config c;
  c.root.replace(c.root.find("  - rest.yaml\n"), 14, "  - rest.yaml\n  - missing.yaml\n");
  load_result r = c.load();
  INFO(dump(r));
  CHECK(r.org == nullptr);
  expect_error(r, c.file("baton.yaml") + ":" + fixture::line_col(c.root, "missing.yaml"),
               "included file " + c.file("missing.yaml") + " does not exist");
  // The files that were read still report their own problems, but no cross-file
  // check runs on an incomplete configuration.
  CHECK(r.diagnostics.error_count() == 1);
}

TEST_CASE("a mapping section in two files is an error at the second", "[config]") {
  split_config c;
  c.rest += "defaults:\n  repeat: 4\n";
  load_result r = c.load();
  expect_only_error(r, c.file("rest.yaml") + ":" + fixture::line_col(c.rest, "repeat: 4"),
                    "section defaults is already given at " + c.file("baton.yaml") + ":" +
                        fixture::line_col(c.root, "ack_timeout: 10m"));
}

TEST_CASE("the same file included twice is an error", "[config]") {
  split_config c;
  c.rest += "include: [people/extra.yaml]\n";
  load_result r = c.load();
  INFO(dump(r));
  expect_error(r, c.file("rest.yaml") + ":" + fixture::line_col(c.rest, "people/extra.yaml"),
               "is already included");
}

TEST_CASE("a mistake inside an included file names that file", "[config]") {
  split_config c;
  c.extra.replace(c.extra.find("expires: 2026-10-04"), 19, "expires: 2026-10-32");
  load_result r = c.load();
  expect_only_error(r, c.file("people/extra.yaml") + ":" + fixture::line_col(c.extra, "2026-10-32"),
                    "expires: bad date \"2026-10-32\"");
  auto found = matching(r, severity::error, "bad date");
  REQUIRE(found.size() == 1);
  CHECK(found.front().at.line == 9);
  // The entry that was given but wrong is not also reported as missing.
  CHECK(r.diagnostics.warning_count() == 0);
}

TEST_CASE("a YAML syntax error inside an included file names that file", "[config]") {
  split_config c;
  c.extra += "  - id: [broken\n";
  load_result r = c.load();
  INFO(dump(r));
  CHECK(r.org == nullptr);
  REQUIRE(r.diagnostics.error_count() == 1);
  CHECK(r.diagnostics.items().front().at.file == c.file("people/extra.yaml"));
  CHECK_THAT(r.diagnostics.items().front().message, Catch::Matchers::StartsWith("YAML syntax: "));
}

TEST_CASE("include must be a list of paths", "[config]") {
  split_config c;
  c.rest += "include: {file: x.yaml}\n";
  load_result r = c.load();
  expect_only_error(r, c.file("rest.yaml") + ":" + fixture::line_col(c.rest, "{file: x.yaml}"),
                    "include: expected a list of file paths, found a mapping");
}

TEST_CASE("an oversized or non-regular included file is refused before it is read", "[config]") {
  split_config c;
  c.root.replace(c.root.find("  - rest.yaml\n"), 14, "  - rest.yaml\n  - huge.yaml\n  - pipe.yaml\n");
  // 17 MiB of comment: valid YAML, but no organisation is that large.
  c.dir.write("huge.yaml", std::string(17u << 20, '#'));
  // A FIFO would block the read for ever.
  REQUIRE(::mkfifo(c.file("pipe.yaml").c_str(), 0600) == 0);
  load_result r = c.load();
  INFO(dump(r));
  CHECK(r.org == nullptr);
  expect_error(r, c.file("baton.yaml") + ":" + fixture::line_col(c.root, "huge.yaml"),
               "a configuration file may have at most 16777216 bytes");
  expect_error(r, c.file("baton.yaml") + ":" + fixture::line_col(c.root, "pipe.yaml"), "is not a regular file");
}
