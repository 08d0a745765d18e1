// `baton report latency` on the databases baton writes: a stream applied by
// `baton apply` (as a service's database) and a simulation's (`baton simulate --db`).
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "tests/support/test_support.hpp"

using namespace baton;

namespace {

std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

// Incident 1: customer harm, t6 moves it to CAIO + GC (target 24h); amara engages CAIO
// after 5 minutes, GC never. Incident 2: routed to the BU owner, resolved unengaged.
const char* const stream = R"({"at": "2026-11-23T09:00:00Z", "op": "event", "event": {"type": "incident", "system": "credit-scoring", "severity": "high", "dedup_key": "a", "attrs": {"customer_harm": true}}}
{"at": "2026-11-23T09:00:00Z", "op": "event", "event": {"type": "anomaly", "system": "chat-assist", "dedup_key": "b"}}
{"at": "2026-11-23T09:05:00Z", "op": "ack", "incident": 1, "person": "amara"}
{"at": "2026-11-23T10:01:00Z", "op": "resolve", "incident": 2, "actor": "person:amara"}
)";

std::filesystem::path applied_db(const test::temp_dir& dir) {
  const auto from = test::compel_config().parent_path();
  for (const auto& f : std::filesystem::directory_iterator(from)) {
    if (f.path().extension() == ".yaml") {
      dir.write("org/" + f.path().filename().string(), test::read_file(f.path()));
    }
  }
  const auto ops = dir.write("ops.jsonl", stream);
  const auto db = dir.path() / "service.db";
  auto r = test::run_baton("apply --config " + q(dir.path() / "org/baton.yaml") + " --db " + q(db) + " --ops " + q(ops));
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  return db;
}

}  // namespace

TEST_CASE("report latency gives per rule and role counts, latency, breaches and the share within target", "[app]") {
  test::temp_dir dir;
  const auto db = applied_db(dir);

  auto json = test::run_baton("report latency --db " + q(db) + " --format json");
  REQUIRE(json.exit_code == 0);
  const auto doc = boost::json::parse(json.out).as_object();
  CHECK(doc.at("escalations").as_int64() == 3);
  const auto& rules = doc.at("by_rule").as_array();
  REQUIRE(rules.size() == 2);
  const auto& t6 = rules[1].as_object();
  CHECK(t6.at("rule").as_string() == "t6");
  CHECK(t6.at("count").as_int64() == 2);
  CHECK(t6.at("engaged").as_int64() == 1);
  CHECK(t6.at("median_ms").as_int64() == 300'000);
  CHECK(t6.at("with_target_decided").as_int64() == 1);
  CHECK(t6.at("within_target").as_int64() == 1);
  const auto& routing = rules[0].as_object();
  CHECK(routing.at("rule").as_string() == "(routing)");
  CHECK(routing.at("median_ms").is_null());

  auto text = test::run_baton("report latency --db " + q(db));
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("3 escalations"));
  CHECK_THAT(text.out, Catch::Matches(R"([\s\S]*\n  caio +1 +1 +5m +5m +5m +0 +100%\n[\s\S]*)"));

  auto csv = test::run_baton("report latency --db " + q(db) + " --format csv");
  REQUIRE(csv.exit_code == 0);
  CHECK_THAT(csv.out, Catch::StartsWith("group,key,count,engaged,median_ms,p90_ms,max_ms,breaches,"
                                        "with_target_decided,within_target\n"));
  CHECK_THAT(csv.out, Catch::Contains("\nrole,caio,1,1,300000,300000,300000,0,1,1\n"));

  // --since after everything: nothing in range.
  auto later = test::run_baton("report latency --db " + q(db) + " --since 2026-11-24 --format json");
  REQUIRE(later.exit_code == 0);
  CHECK(boost::json::parse(later.out).as_object().at("escalations").as_int64() == 0);
}

TEST_CASE("report latency reads a simulation's database too", "[app]") {
  test::temp_dir dir;
  const auto db = dir.path() / "exercise.db";
  auto sim = test::run_baton("simulate " + q(test::source_dir() / "examples/tabletop/hallucination-customer-harm.yaml") +
                             " --db " + q(db) + " --report " + q(dir.path() / "report.md"));
  INFO(sim.out);
  REQUIRE(sim.exit_code <= 1);
  auto r = test::run_baton("report latency --db " + q(db) + " --format json");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(boost::json::parse(r.out).as_object().at("escalations").as_int64() > 0);
}

TEST_CASE("report latency refuses what it cannot read, with the file named", "[app]") {
  test::temp_dir dir;
  const auto notes = dir.write("notes.txt", "not a database\n");
  auto r = test::run_baton("report latency --db " + q(notes));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains(notes.string()));
  auto missing = test::run_baton("report latency --db " + q(dir.path() / "none.db"));
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.out, Catch::Contains("does not exist"));
  auto format = test::run_baton("report latency --db " + q(notes) + " --format xml");
  CHECK(format.exit_code == 2);
  auto bound = test::run_baton("report latency --db " + q(notes) + " --since soon");
  CHECK(bound.exit_code == 2);
}
