// Configuration files written to break baton: YAML that sends yaml-cpp 0.7 into an
// endless loop, nesting and aliases without bound, unterminated quotes, durations whose
// sum overflows, include chains and cycles, includes that point outside the
// configuration's folder or at files that are not configuration, host-dependent zones.
// Each must end in a located error, quickly, without echoing what it should not.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <boost/json.hpp>

#include <sstream>

#include "app/validate_command.hpp"
#include "base/text.hpp"
#include "config/sources.hpp"
#include "config_fixture.hpp"

using namespace baton;
using namespace baton::config;
using namespace baton::config::test;

namespace {

// The one error of loading `text` as the root file; fails when there is not exactly one.
diagnostic only_error(const baton::test::temp_dir& dir, const std::string& name, const std::string& text) {
  load_result r = load(dir.write(name, text), fixture_now());
  INFO(dump(r));
  CHECK(r.org == nullptr);
  REQUIRE(r.diagnostics.error_count() == 1);
  return r.diagnostics.items().front();
}

std::string where_in(const diagnostic& d) { return std::to_string(d.at.line) + ":" + std::to_string(d.at.column); }

// The validate command's output for the fixture as it stands.
std::string validate_output(fixture& f, std::string_view format) {
  f.dir.write("baton.yaml", f.text);
  std::ostringstream out;
  std::ostringstream err;
  app::validate_command(f.path(), format, fixture_now(), out, err);
  return out.str() + err.str();
}

}  // namespace

TEST_CASE("a ',' outside brackets is an error, not an endless run of documents", "[config][hostile]") {
  // yaml-cpp 0.7's LoadAll loops for ever on each of these (upstream issue 1040).
  baton::test::temp_dir dir;
  SECTION("alone") {
    diagnostic d = only_error(dir, "comma.yaml", ",");
    CHECK(where_in(d) == "1:1");
    CHECK_THAT(d.message, Catch::Contains("',' outside any [list] or {mapping}"));
  }
  SECTION("after a list") {
    CHECK(where_in(only_error(dir, "list.yaml", "- a\n,\n")) == "2:1");
  }
  SECTION("after a flow mapping") {
    diagnostic d = only_error(dir, "flow.yaml", "{organisation: {name: x, time_zone: UTC}},\n");
    CHECK(where_in(d) == "1:42");
  }
  SECTION("after a NUL byte") {
    diagnostic d = only_error(dir, "nul.yaml", std::string("\0,", 2));
    CHECK(where_in(d) == "1:1");
    CHECK_THAT(d.message, Catch::Contains("a NUL byte"));
  }
  SECTION("between two keys") {
    CHECK(where_in(only_error(dir, "mid.yaml", "organisation: {name: x, time_zone: UTC}\n,\npeople: []\n")) ==
          "2:1");
  }
  SECTION("in an included file") {
    dir.write("comma.yaml", ",");
    load_result r = load(dir.write("root.yaml", "organisation: {name: x, time_zone: UTC}\ninclude: [comma.yaml]\n"),
                         fixture_now());
    INFO(dump(r));
    auto found = matching(r, severity::error, "outside any [list]");
    REQUIRE(found.size() == 1);
    CHECK(found.front().at.file == (dir.path() / "comma.yaml").string());
  }
}

TEST_CASE("a second YAML document is named where it starts", "[config][hostile]") {
  baton::test::temp_dir dir;
  diagnostic d = only_error(dir, "two.yaml", "organisation: {name: a, time_zone: UTC}\n---\npeople: []\n---\n,\n");
  CHECK(where_in(d) == "2:1");
  CHECK_THAT(d.message, Catch::Contains("baton reads one document per file"));
}

TEST_CASE("nesting past the limit is reported as nesting", "[config][hostile]") {
  baton::test::temp_dir dir;
  SECTION("thousands of flow brackets: yaml-cpp's own guard, with a message that says so") {
    diagnostic d = only_error(dir, "deep.yaml", std::string(3000, '[') + std::string(3000, ']') + "\n");
    CHECK_THAT(d.message, Catch::Contains("nests too deeply"));
  }
  SECTION("block mappings a hundred levels deep") {
    std::string text;
    for (int i = 0; i < 100; ++i) {
      text += std::string(static_cast<std::size_t>(i) * 2, ' ') + "k" + std::to_string(i) + ":\n";
    }
    text += std::string(200, ' ') + "leaf: 1\n";
    diagnostic d = only_error(dir, "block.yaml", text);
    CHECK_THAT(d.message, Catch::Contains("more than " + std::to_string(detail::max_yaml_depth) + " levels"));
    CHECK(d.at.line == static_cast<int>(detail::max_yaml_depth));
  }
  SECTION("within the limit is fine") {
    std::string text = "organisation: {name: x, time_zone: UTC}\nserver: {listen: " + std::string(30, '[') +
                       std::string(30, ']') + "}\n";
    load_result r = load(dir.write("ok.yaml", text), fixture_now());
    CHECK(matching(r, severity::error, "nests too deeply").empty());
  }
}

TEST_CASE("aliases that multiply a document are refused before anything walks it", "[config][hostile]") {
  baton::test::temp_dir dir;
  // Ten levels of ten aliases each: 10^10 nodes from a few hundred bytes.
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) {
      text += (k == 0 ? "" : ", ") + prev;
    }
    text += "]\n";
  }
  diagnostic d = only_error(dir, "laughs.yaml", text);
  CHECK_THAT(d.message, Catch::Contains("aliases (*name) repeat more than 100000 nodes"));
  CHECK(d.at.line == 5);  // 10^5 repeated nodes are passed on the fifth line

  SECTION("a long string repeated by aliases counts by its length") {
    std::string big = "text: &t " + std::string(1u << 20, 'x') + "\nlist: [";
    for (int i = 0; i < 20; ++i) {
      big += (i == 0 ? "*t" : ", *t");
    }
    big += "]\n";
    diagnostic d2 = only_error(dir, "long.yaml", big);
    CHECK_THAT(d2.message, Catch::Contains("repeat more than 16777216 bytes of text"));
  }
  SECTION("a few aliases are fine") {
    fixture f;
    f.replace("defaults:\n", "x-hours: &hours {days: [mon], start: \"09:00\", end: \"17:00\"}\ndefaults:\n");
    load_result r = f.load();
    CHECK(matching(r, severity::error, "aliases").empty());
  }
}

TEST_CASE("an unterminated quote is named, not swallowed into a value", "[config][hostile]") {
  baton::test::temp_dir dir;
  SECTION("double quote") {
    std::string text = "organisation:\n  name: \"Test Org\n  time_zone: UTC\npeople: []\n";
    diagnostic d = only_error(dir, "dq.yaml", text);
    CHECK(where_in(d) == "2:9");
    CHECK_THAT(d.message, Catch::Contains("unterminated quoted string: the \" opened here is never closed"));
  }
  SECTION("single quote, with a doubled quote before the end") {
    std::string text = "organisation:\n  name: 'It''s ours\n  time_zone: UTC\n";
    diagnostic d = only_error(dir, "sq.yaml", text);
    CHECK(where_in(d) == "2:9");
    CHECK_THAT(d.message, Catch::Contains("the ' opened here"));
  }
  SECTION("after a tag") {
    diagnostic d = only_error(dir, "tag.yaml", "organisation:\n  name: !!str \"x\n  time_zone: UTC\n");
    CHECK(where_in(d) == "2:15");
    CHECK_THAT(d.message, Catch::Contains("unterminated quoted string"));
  }
  SECTION("escaped quotes inside a closed string are fine") {
    fixture f;
    f.replace("name: Test Org", "name: \"Test \\\"Org\\\"\"");
    load_result r = f.load();
    INFO(dump(r));
    CHECK(r.org != nullptr);
  }
}

TEST_CASE("durations whose units sum past the limit are errors, never wrapped", "[config][hostile]") {
  const std::string huge = "3812571113w26687997791d640511947003h38430716820228m2305843009213693s";
  SECTION("an ack timeout") {
    fixture f;
    f.replace("ack_timeout: 10m\n  repeat", "ack_timeout: " + huge + "\n  repeat");
    expect_only_error(f.load(), f.at(huge), "is longer than 36500d, the longest baton accepts");
  }
  SECTION("a rule's condition") {
    fixture f;
    f.replace("when: event.type == \"risk_appetite_breach\"", "when: \"incident.age > " + huge + "\"");
    load_result r = f.load();
    INFO(dump(r));
    CHECK(r.org == nullptr);
    CHECK(matching(r, severity::error, "longer than 36500d").size() == 1);
  }
  SECTION("a deadline") {
    fixture f;
    auto pos = f.text.find("target: 24h");
    REQUIRE(pos != std::string::npos);
    f.text.replace(pos, 11, "target: 99999999w");
    load_result r = f.load();
    INFO(dump(r));
    CHECK(matching(r, severity::error, "deadline \"99999999w\" is longer than 36500d").size() == 1);
  }
}

TEST_CASE("intervals that would make the engine do unbounded work are refused with the bound", "[config][hostile]") {
  SECTION("a 1 ms reminder interval") {
    fixture f;
    f.replace("reminder_interval: 2h", "reminder_interval: 1ms");
    expect_only_error(f.load(), f.at("1ms"), "reminder_interval: 1ms is shorter than 5m");
  }
  SECTION("no reminders at all is still allowed") {
    fixture f;
    f.replace("reminder_interval: 2h", "reminder_interval: 0s");
    load_result r = f.load();
    INFO(dump(r));
    CHECK(r.org != nullptr);
  }
  SECTION("a 30 s ack timeout") {
    fixture f;
    f.replace("ack_timeout: 10m\n  repeat", "ack_timeout: 30s\n  repeat");
    expect_only_error(f.load(), f.at("30s"), "ack_timeout: 30s is shorter than 1m");
  }
}

TEST_CASE("an include chain a thousand deep stops at the depth limit, without recursion", "[config][hostile]") {
  baton::test::temp_dir dir;
  constexpr int files = 1'000;
  for (int i = 1; i < files; ++i) {
    dir.write("f" + std::to_string(i) + ".yaml",
              i + 1 < files ? "include: [f" + std::to_string(i + 1) + ".yaml]\n" : "people: []\n");
  }
  load_result r =
      load(dir.write("f0.yaml", "organisation: {name: x, time_zone: UTC}\ninclude: [f1.yaml]\n"), fixture_now());
  INFO(dump(r));
  auto found = matching(r, severity::error, "includes nest more than 16 levels deep");
  REQUIRE(found.size() == 1);
  CHECK(found.front().at.file == (dir.path() / "f16.yaml").string());
  CHECK_THAT(found.front().message, Catch::Contains("more) ->"));  // the chain is abbreviated
  CHECK(r.org == nullptr);
}

TEST_CASE("an include cycle through several files is found and named", "[config][hostile]") {
  baton::test::temp_dir dir;
  for (int i = 1; i <= 5; ++i) {
    dir.write("c" + std::to_string(i) + ".yaml", "include: [c" + std::to_string(i % 5 + 1) + ".yaml]\n");
  }
  load_result r =
      load(dir.write("root.yaml", "organisation: {name: x, time_zone: UTC}\ninclude: [c1.yaml]\n"), fixture_now());
  INFO(dump(r));
  auto found = matching(r, severity::error, "include cycle");
  REQUIRE(found.size() == 1);
  CHECK_THAT(found.front().message, Catch::EndsWith("c5.yaml -> " + (dir.path() / "c1.yaml").string()));
}

TEST_CASE("includes must stay below the root file's folder unless allowed", "[config][hostile]") {
  baton::test::temp_dir outer;
  outer.write("shared/people.yaml", "people: []\n");
  const std::string org = "organisation: {name: x, time_zone: UTC}\n";
  SECTION("an absolute path elsewhere is refused without being read") {
    auto root = outer.write("conf/baton.yaml", org + "include: [/etc/passwd]\n");
    load_result r = load(root, fixture_now());
    INFO(dump(r));
    auto found = matching(r, severity::error, "included file /etc/passwd is outside");
    REQUIRE(found.size() == 1);
    CHECK_THAT(found.front().message, Catch::Contains("--include-root DIR"));
    CHECK(matching(r, severity::error, "root:").empty());
  }
  SECTION("a relative path that climbs out") {
    auto root = outer.write("conf/baton.yaml", org + "include: [../shared/people.yaml]\n");
    CHECK(matching(load(root, fixture_now()), severity::error, "is outside").size() == 1);
  }
  SECTION("a symbolic link inside that points outside") {
    auto root = outer.write("conf/baton.yaml", org + "include: [people.yaml]\n");
    REQUIRE(::symlink((outer.path() / "shared/people.yaml").c_str(), (outer.path() / "conf/people.yaml").c_str()) ==
            0);
    CHECK(matching(load(root, fixture_now()), severity::error, "is outside").size() == 1);
  }
  SECTION("--include-root lets a wider folder in") {
    auto root = outer.write("conf/baton.yaml", org + "include: [../shared/people.yaml]\n");
    load_result r = load(root, fixture_now(), load_options{outer.path()});
    INFO(dump(r));
    CHECK(matching(r, severity::error, "is outside").empty());
    CHECK(matching(r, severity::error, "included file").empty());
  }
}

TEST_CASE("a file that is not a baton configuration is never quoted", "[config][hostile]") {
  baton::test::temp_dir dir;
  const std::string org = "organisation: {name: x, time_zone: UTC}\n";
  SECTION("a mapping of other keys") {
    dir.write("secrets.yaml", "api_token: hunter2-secret\npassword: swordfish\n");
    load_result r = load(dir.write("root.yaml", org + "include: [secrets.yaml]\n"), fixture_now());
    std::string all = dump(r);
    INFO(all);
    CHECK(matching(r, severity::error, "is not a baton configuration").size() == 1);
    CHECK(all.find("hunter2") == std::string::npos);
    CHECK(all.find("api_token") == std::string::npos);
    CHECK(all.find("swordfish") == std::string::npos);
  }
  SECTION("a single line of text") {
    dir.write("passwd", "root:x:0:0:root:/root:/bin/bash\n");
    load_result r = load(dir.write("root.yaml", org + "include: [passwd]\n"), fixture_now());
    std::string all = dump(r);
    INFO(all);
    CHECK(matching(r, severity::error, "found a single value; is this a baton configuration file?").size() == 1);
    CHECK(all.find("/bin/bash") == std::string::npos);
  }
}

TEST_CASE("zones and dates that depend on the host or leave years 1-9999 are refused", "[config][hostile]") {
  SECTION("localtime") {
    fixture f;
    f.replace("time_zone: Europe/Berlin", "time_zone: localtime");
    load_result r = f.load();
    INFO(dump(r));
    CHECK(matching(r, severity::error, "is whatever zone the machine running baton is set to").size() == 1);
  }
  SECTION("year 0") {
    fixture f;
    f.replace("holidays: [2026-12-25, 2026-12-24]", "holidays: [0000-12-25, 2026-12-24]");
    expect_only_error(f.load(), f.at("0000-12-25"), "bad date \"0000-12-25\"");
  }
}

TEST_CASE("control characters and bad UTF-8 from a file are escaped in text and valid in JSON", "[config][hostile]") {
  fixture f;
  // An unknown key holding a terminal escape and a byte that is not UTF-8.
  f.replace("defaults:\n", "defaults:\n  \"bad\\e[2J\\xff\": 1\n");
  std::string text = validate_output(f, "text");
  INFO(text);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find("\\x1b[2J") != std::string::npos);
  CHECK(is_valid_utf8(text));
  std::string json = validate_output(f, "json");
  INFO(json);
  CHECK(is_valid_utf8(json));
  CHECK(json.find('\x1b') == std::string::npos);
  CHECK_NOTHROW(boost::json::parse(json));
}
