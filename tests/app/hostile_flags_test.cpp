// Flags and paths a user (or a script gone wrong) may pass: files that are not files,
// times outside years 1-9999, a --db that names something precious, terminal escapes
// in arguments. Each ends at once with a clear message and exit 2 (or 1 for an
// invalid configuration), and changes nothing. Every run is bounded by timeout(1).
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "base/text.hpp"
#include "tests/support/test_support.hpp"

using namespace baton;

namespace {

std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

std::string compel() { return q(test::compel_config()); }

// The binary under a 60-second limit: a hang fails the test (exit 124) instead of CI.
test::command_result run_bounded(const std::string& args) {
  return test::run("timeout 60 " + std::string(BATON_BINARY) + " " + args);
}

}  // namespace

TEST_CASE("a --config that is not a regular file is refused before it is read", "[app][hostile]") {
  test::temp_dir dir;
  auto fifo = dir.path() / "pipe.yaml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  for (const std::string& path : {std::string("/dev/zero"), fifo.string(), dir.path().string()}) {
    auto r = run_bounded("validate --config " + q(path));
    INFO(r.out);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Catch::Contains("configuration file " + path));
  }
}

TEST_CASE("times outside years 1-9999 are refused on the command line", "[app][hostile]") {
  auto validate = run_bounded("validate --config " + compel() + " --at 0000-06-01T00:00:00Z");
  CHECK(validate.exit_code == 2);
  auto who = run_bounded("who caio --config " + compel() + " --at 10000-01-01T00:00:00Z");
  CHECK(who.exit_code == 2);
  test::temp_dir dir;
  auto demo = run_bounded("demo --config " + compel() + " --db " + q(dir.path() / "d.db") +
                          " --start 9999-12-31T20:00:00Z");
  INFO(demo.out);
  CHECK(demo.exit_code == 2);
  CHECK_THAT(demo.out, Catch::Contains("too close to the end of year 9999"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "d.db"));
}

TEST_CASE("demo replaces an earlier demo's database but nothing else", "[app][hostile]") {
  test::temp_dir dir;
  auto precious = dir.write("notes.txt", "do not delete\n");
  auto r = run_bounded("demo --config " + compel() + " --db " + q(precious));
  INFO(r.out);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("refusing to replace"));
  CHECK(test::read_file(precious) == "do not delete\n");

  CHECK(run_bounded("demo --config " + compel() + " --db " + q(dir.path())).exit_code == 2);
  CHECK(std::filesystem::is_directory(dir.path()));

  auto db = dir.path() / "demo.db";
  REQUIRE(run_bounded("demo --config " + compel() + " --db " + q(db)).exit_code == 0);
  CHECK(run_bounded("demo --config " + compel() + " --db " + q(db)).exit_code == 0);
}

TEST_CASE("terminal escapes in arguments are not echoed raw", "[app][hostile]") {
  auto role = run_bounded("who \"$(printf 'x\\033[2J')\" --config " + compel());
  INFO(role.out);
  CHECK(role.exit_code == 2);
  CHECK_THAT(role.out, Catch::Contains("unknown role \"x\\x1b[2J\""));
  CHECK(role.out.find('\x1b') == std::string::npos);
  auto option = test::run("timeout 60 " + std::string(BATON_BINARY) + " validate --\"$(printf 'x\\033[31m')\" y");
  INFO(option.out);
  CHECK(option.exit_code == 2);
  CHECK(option.out.find('\x1b') == std::string::npos);
  CHECK(is_valid_utf8(option.out));
}
