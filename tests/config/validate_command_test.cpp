// `baton validate` in process: text and JSON output, exit codes.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <sstream>

#include "app/validate_command.hpp"
#include "config_fixture.hpp"

using namespace baton;
using namespace baton::config::test;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;

namespace {

struct outcome {
  int code = -1;
  std::string out;
  std::string err;
};

outcome run(const fixture& f, std::string_view format) {
  f.write("baton.yaml", f.text);
  std::ostringstream out;
  std::ostringstream err;
  outcome o;
  o.code = app::validate_command(f.path(), format, fixture_now(), out, err);
  o.out = out.str();
  o.err = err.str();
  return o;
}

}  // namespace

TEST_CASE("validate: a valid configuration, text", "[config]") {
  fixture f;
  outcome o = run(f, "text");
  INFO(o.out);
  CHECK(o.code == 0);
  CHECK(o.err.empty());
  CHECK_THAT(o.out, StartsWith("0 errors, 0 warnings\n"));
  CHECK_THAT(o.out, Contains("activities with exactly one A: 2/2 (100%)\n"));
  CHECK_THAT(o.out, Contains("roles with primary and backup: 4/4 (100%)\n"));
  CHECK_THAT(o.out, Contains("holders accepted: 6/6 (100%)\n"));
  CHECK_THAT(o.out, Contains("holders trained: 6/6 (100%)\n"));
  auto last = o.out.substr(o.out.rfind('\n', o.out.size() - 2) + 1);
  CHECK_THAT(last, StartsWith("valid (version "));
  CHECK(last.size() == std::string("valid (version 0123456789abcdef)\n").size());
}

TEST_CASE("validate: warnings keep it valid and are printed with positions", "[config]") {
  fixture f;
  f.replace("    backups: [amara]\n", "")
      .replace("{date: 2026-01-21, version: \"2026.1\"}", "{date: 2025-01-21, version: \"2025.2\"}");
  outcome o = run(f, "text");
  INFO(o.out);
  CHECK(o.code == 0);
  CHECK_THAT(o.out, StartsWith(f.at("{date: 2025-01-21") + ": warning: holder lukas has not accepted"));
  CHECK_THAT(o.out, Contains(f.at("id: cro") + ": warning: role cro has no backup\n"));
  CHECK_THAT(o.out, Contains("0 errors, 2 warnings\n"));
  CHECK_THAT(o.out, Contains("roles with primary and backup: 3/4 (75%)\n"));
  CHECK_THAT(o.out, Contains("holders accepted: 5/6 (83%)\n"));
}

TEST_CASE("validate: an invalid configuration, text", "[config]") {
  fixture f;
  f.replace("escalates_to: board", "escalates_to: bord");
  outcome o = run(f, "text");
  INFO(o.out);
  CHECK(o.code == 1);
  CHECK_THAT(o.out, StartsWith(f.at("bord") + ": error: unknown role \"bord\" in escalates_to of role caio"));
  CHECK_THAT(o.out, Contains("\n1 error, 0 warnings\n"));
  CHECK_THAT(o.out, EndsWith("\ninvalid\n"));
}

TEST_CASE("validate: JSON", "[config]") {
  SECTION("valid") {
    fixture f;
    outcome o = run(f, "json");
    INFO(o.out);
    CHECK(o.code == 0);
    boost::json::object doc = boost::json::parse(o.out).as_object();
    CHECK(doc.at("valid").as_bool());
    CHECK(doc.at("version").as_string().size() == 16);
    CHECK(doc.at("errors").as_array().empty());
    CHECK(doc.at("warnings").as_array().empty());
    const auto& cov = doc.at("coverage").as_object();
    CHECK(cov.at("activities").as_int64() == 2);
    CHECK(cov.at("activities_with_one_accountable").as_int64() == 2);
    CHECK(cov.at("roles").as_int64() == 4);
    CHECK(cov.at("roles_with_primary_and_backup").as_int64() == 4);
    CHECK(cov.at("holders").as_int64() == 6);
    CHECK(cov.at("holders_accepted").as_int64() == 6);
    CHECK(cov.at("holders_trained").as_int64() == 6);
  }
  SECTION("invalid, with a warning") {
    fixture f;
    f.replace("backups: [lukas]", "backups: [lucas]").replace("    backups: [amara]\n", "");
    outcome o = run(f, "json");
    INFO(o.out);
    CHECK(o.code == 1);
    boost::json::object doc = boost::json::parse(o.out).as_object();
    CHECK_FALSE(doc.at("valid").as_bool());
    CHECK(doc.at("version").is_null());
    const auto& errors = doc.at("errors").as_array();
    REQUIRE(errors.size() == 1);
    const auto& e = errors[0].as_object();
    CHECK(e.at("file").as_string() == f.path().string());
    std::string expected = f.at("lucas]");
    CHECK(f.path().string() + ":" + std::to_string(e.at("line").as_int64()) + ":" +
              std::to_string(e.at("column").as_int64()) ==
          expected);
    CHECK_THAT(std::string(e.at("message").as_string()), StartsWith("unknown person \"lucas\""));
    const auto& warnings = doc.at("warnings").as_array();
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(std::string(warnings[0].as_object().at("message").as_string()), Contains("role cro has no backup"));
  }
}

TEST_CASE("validate: unreadable file and unknown format", "[config]") {
  baton::test::temp_dir dir;
  std::ostringstream out;
  std::ostringstream err;
  CHECK(app::validate_command(dir.path() / "missing.yaml", "text", fixture_now(), out, err) == 1);
  CHECK_THAT(out.str(), Contains("missing.yaml: error: configuration file"));
  CHECK_THAT(out.str(), EndsWith("invalid\n"));

  std::ostringstream out2;
  std::ostringstream err2;
  CHECK(app::validate_command(dir.path() / "missing.yaml", "yaml", fixture_now(), out2, err2) == 2);
  CHECK(out2.str().empty());
  CHECK_THAT(err2.str(), Contains("unknown format \"yaml\""));
}
