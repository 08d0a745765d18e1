// The baton binary as a user runs it: exit statuses and what it prints.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "tests/support/test_support.hpp"

using namespace baton;

namespace {

std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

std::string compel() { return q(test::compel_config()); }

}  // namespace

TEST_CASE("baton validate accepts the reference organisation and shows its gaps", "[app]") {
  auto r = test::run_baton("validate --config " + compel() + " --at 2026-11-23T12:00:00Z");
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("warning"));
  CHECK_THAT(r.out, Catch::Contains("30/30"));
}

TEST_CASE("baton who answers with the holder and the reason chain", "[app]") {
  auto r = test::run_baton("who caio --config " + compel() + " --at 2026-11-23T12:00:00Z");
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("holder: "));
  CHECK_THAT(r.out, Catch::Contains("why: "));
  auto j = test::run_baton("who bu_owner --config " + compel() + " --format json --at 2026-11-23T12:00:00Z");
  INFO(j.out);
  auto v = boost::json::parse(j.out);
  CHECK(v.at("role").as_string() == "bu_owner");
  CHECK(v.at("ladder").as_array().size() > 0);
  CHECK(test::run_baton("who nosuchrole --config " + compel()).exit_code == 2);
  CHECK(test::run_baton("who caio --config " + compel() + " --at yesterday").exit_code == 2);
  CHECK(test::run_baton("who caio").exit_code == 2);
}

TEST_CASE("baton log verify catches a row edited and a row deleted with sqlite3", "[app]") {
  test::temp_dir dir;
  auto db = dir.path() / "demo.db";
  auto demo = test::run_baton("demo --config " + compel() + " --db " + q(db));
  INFO(demo.out);
  REQUIRE(demo.exit_code == 0);
  auto ok = test::run_baton("log verify --db " + q(db));
  INFO(ok.out);
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.out, Catch::StartsWith("ok: "));

  SECTION("an edited row") {
    auto edit = test::run("sqlite3 " + q(db) + " \"UPDATE log SET actor='person:mallory' WHERE seq=7\"");
    REQUIRE(edit.exit_code == 0);
    auto bad = test::run_baton("log verify --db " + q(db));
    INFO(bad.out);
    CHECK(bad.exit_code == 1);
    CHECK_THAT(bad.out, Catch::StartsWith("TAMPERED at record 7: "));
  }
  SECTION("a deleted row") {
    auto del = test::run("sqlite3 " + q(db) + " \"DELETE FROM log WHERE seq=5\"");
    REQUIRE(del.exit_code == 0);
    auto bad = test::run_baton("log verify --db " + q(db) + " --format json");
    INFO(bad.out);
    CHECK(bad.exit_code == 1);
    auto v = boost::json::parse(bad.out);
    CHECK(v.at("ok").as_bool() == false);
    CHECK(v.at("first_bad").as_int64() == 6);
  }
}

TEST_CASE("baton log export writes CSV and JSON, filtered by time", "[app]") {
  test::temp_dir dir;
  auto db = dir.path() / "demo.db";
  REQUIRE(test::run_baton("demo --config " + compel() + " --db " + q(db)).exit_code == 0);
  auto csv = test::run_baton("log export --db " + q(db) + " --format csv");
  CHECK(csv.exit_code == 0);
  CHECK_THAT(csv.out, Catch::StartsWith("seq,time,actor,kind,incident,details,prev_hash,hash"));
  auto json = test::run_baton("log export --db " + q(db) + " --format json --since 2026-11-23T08:10:00Z");
  CHECK(json.exit_code == 0);
  auto v = boost::json::parse(json.out);
  REQUIRE(v.is_array());
  REQUIRE_FALSE(v.as_array().empty());
  for (const auto& r : v.as_array()) {
    CHECK(std::string(r.at("time").as_string()) >= "2026-11-23T08:10:00Z");
  }
  CHECK(test::run_baton("log export --db " + q(db) + " --format xml").exit_code == 2);
  CHECK(test::run_baton("log verify --db " + q(dir.path() / "missing.db")).exit_code == 2);
}

TEST_CASE("unknown commands and options are usage errors", "[app]") {
  CHECK(test::run_baton("frobnicate").exit_code == 2);
  CHECK(test::run_baton("validate --config x.yaml --colour").exit_code == 2);
  CHECK(test::run_baton("help").exit_code == 0);
  // An address to listen on is an address, not a name: refused before anything starts.
  const auto named = test::run_baton("serve --config examples/compel/baton.yaml --listen localhost:8080");
  CHECK(named.exit_code == 2);
  CHECK_THAT(named.out, Catch::Contains("--listen localhost:8080: expected ADDRESS:PORT"));
}

namespace {

std::string tabletop(const std::string& name) {
  return q(test::source_dir() / "examples" / "tabletop" / name);
}

}  // namespace

TEST_CASE("baton simulate prints a Markdown after-action report and exits 0 when expectations hold", "[app]") {
  auto r = test::run_baton("simulate " + tabletop("hallucination-customer-harm.yaml"));
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("# "));
  CHECK_THAT(r.out, Catch::Contains("PASSED"));
  CHECK_THAT(r.out, Catch::Contains("amara"));
}

TEST_CASE("baton simulate exits 1 when an expectation fails, naming it", "[app]") {
  test::temp_dir dir;
  auto path = dir.write("failing.yaml", "name: failing\nconfig: '" + test::compel_config().string() +
                                            "'\nstart: 2026-11-23T10:00:00\nlength: 1d\n"
                                            "timeline:\n  - at: +0m\n"
                                            "    event: {incident: a, type: anomaly, system: chat-assist, severity: low}\n"
                                            "expect:\n  - accountable: [board]\n    by: +1h\n");
  auto r = test::run_baton("simulate " + q(path) + " --report " + q(dir.path() / "r.json"));
  INFO(r.out);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("FAILED"));
  CHECK_THAT(r.out, Catch::Contains("bu_owner"));
  auto v = boost::json::parse(test::read_file(dir.path() / "r.json"));
  CHECK(v.is_object());
}

TEST_CASE("baton simulate exits 2 with file:line:column for a bad scenario", "[app]") {
  test::temp_dir dir;
  auto path = dir.write("bad.yaml", "name: bad\nconfig: '" + test::compel_config().string() +
                                        "'\nstart: 2026-11-23T10:00:00\nsurprise: 1\n");
  auto r = test::run_baton("simulate " + q(path));
  INFO(r.out);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("bad.yaml:4:1"));
  CHECK(test::run_baton("simulate " + tabletop("drift-performance-threshold.yaml") + " --runs 0").exit_code == 2);
  CHECK(test::run_baton("simulate " + tabletop("drift-performance-threshold.yaml") + " --report out.txt").exit_code ==
        2);
  CHECK(test::run_baton("simulate " + q(dir.path() / "missing.yaml")).exit_code == 2);
}

TEST_CASE("baton simulate --runs writes the same JSON for the same seed, and an HTML report", "[app]") {
  test::temp_dir dir;
  const auto scenario = tabletop("two-thresholds-same-incident.yaml");
  auto a = test::run_baton("simulate " + scenario + " --runs 50 --seed 9 --threads 1 --report " + q(dir.path() / "a.json"));
  auto b = test::run_baton("simulate " + scenario + " --runs 50 --seed 9 --threads 2 --report " + q(dir.path() / "b.json"));
  INFO(a.out << b.out);
  CHECK(a.exit_code == 0);
  CHECK(b.exit_code == 0);
  CHECK(test::read_file(dir.path() / "a.json") == test::read_file(dir.path() / "b.json"));
  auto h = test::run_baton("simulate " + scenario + " --runs 20 --report " + q(dir.path() / "r.html") + " --db " +
                           q(dir.path() / "run.db"));
  INFO(h.out);
  CHECK(h.exit_code == 0);
  const auto html = test::read_file(dir.path() / "r.html");
  CHECK_THAT(html, Catch::Contains("<svg"));
  auto v = test::run_baton("log verify --db " + q(dir.path() / "run.db"));
  INFO(v.out);
  CHECK(v.exit_code == 0);
  // An existing database is never written into or over.
  auto again = test::run_baton("simulate " + scenario + " --db " + q(dir.path() / "run.db"));
  CHECK(again.exit_code == 2);
  CHECK_THAT(again.out, Catch::Contains("already exists"));
}
