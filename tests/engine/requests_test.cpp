// Keyed requests (engine/requests.hpp): a retried request is answered as the first
// time and changes nothing, within a batch, across batches and across a restart.
#include <catch2/catch.hpp>

#include "engine/requests.hpp"
#include "tests/engine/counting_store.hpp"
#include "tests/engine/harness.hpp"

using namespace baton;
using namespace std::chrono_literals;
using test::at;

namespace {

engine::submit_op keyed_event(const std::string& request_key) {
  engine::submit_op op;
  op.e.type = "anomaly";
  op.e.system = "chat";
  op.e.dedup_key = "k1";
  op.request_key = request_key;
  return op;
}

std::int64_t log_length(store::store& s) { return s.head().seq; }

}  // namespace

TEST_CASE("a repeated request key is answered as the first time and changes nothing", "[engine][requests]") {
  test::temp_dir dir;
  auto org = test::load_org(dir, test::testco_yaml());
  engine::manual_clock clock(at("2026-11-23T09:00:00"));
  auto db = std::make_unique<test::counting_store>(dir.path() / "baton.db");
  notifiers::notifier_set notifiers;
  notifiers.add(std::make_unique<notifiers::recording_notifier>("rec"));
  auto eng = std::make_unique<engine::engine>(clock, *db, notifiers, org);

  // Within one batch: the repeat sees the first answer.
  auto out = eng->run(std::vector<engine::operation>{keyed_event("r1"), keyed_event("r1"), keyed_event("r2")});
  const auto& first = std::get<engine::submit_result>(out[0].value());
  const auto& repeat = std::get<engine::submit_result>(out[1].value());
  CHECK(first.created);
  CHECK_FALSE(first.replayed);
  CHECK(repeat.replayed);
  CHECK(repeat.created);  // the first answer, as it was
  CHECK(repeat.incident_id == first.incident_id);
  CHECK(std::get<engine::submit_result>(out[2].value()).incident_id == first.incident_id);
  CHECK(eng->find_incident(1)->event_count == 2);  // r1 once, r2 once

  // In a later batch, and after a restart: nothing is logged, nothing counted.
  const auto length = log_length(*db);
  auto again = eng->submit(keyed_event("r1").e);  // no key: a new event
  REQUIRE(again.has_value());
  CHECK(eng->find_incident(1)->event_count == 3);
  const auto after_plain = log_length(*db);
  CHECK(after_plain > length);
  auto later = eng->run(std::vector<engine::operation>{keyed_event("r1")});
  CHECK(std::get<engine::submit_result>(later[0].value()).replayed);
  CHECK(log_length(*db) == after_plain);
  eng.reset();
  db = std::make_unique<test::counting_store>(dir.path() / "baton.db");
  eng = std::make_unique<engine::engine>(clock, *db, notifiers, org);
  const auto after_restart = log_length(*db);
  auto restarted = eng->run(std::vector<engine::operation>{keyed_event("r2")});
  CHECK(std::get<engine::submit_result>(restarted[0].value()).replayed);
  CHECK(log_length(*db) == after_restart);
  CHECK(eng->find_incident(1)->event_count == 3);

  // A refusal is repeated too, and logged once.
  auto refused = eng->run(std::vector<engine::operation>{engine::acknowledge_op{1, "gil", "", "a1"},
                                                         engine::acknowledge_op{1, "gil", "", "a1"}});
  REQUIRE_FALSE(refused[0].has_value());
  REQUIRE_FALSE(refused[1].has_value());
  CHECK(refused[1].error().kind == engine::error_kind::forbidden);
  CHECK(refused[1].error().message == refused[0].error().message);
  int rejected = 0;
  db->read_log({}, [&](const store::log_record& r) { rejected += r.kind == "acknowledgement.rejected" ? 1 : 0; });
  CHECK(rejected == 1);

  // The newest request is kept however old (a stream's position survives a pause)...
  clock.advance(engine::request_retention + 2h);
  eng->run_due();
  CHECK(db->find_request("a1").has_value());
  // ...the others go after request_retention: the same key is then a new request.
  auto newer = eng->run(std::vector<engine::operation>{keyed_event("r9")});
  REQUIRE(newer[0].has_value());
  clock.advance(2h);  // old outcomes are purged once an hour
  eng->run_due();
  CHECK_FALSE(db->find_request("r2").has_value());
  CHECK_FALSE(db->find_request("a1").has_value());
  auto fresh = eng->run(std::vector<engine::operation>{keyed_event("r1")});
  CHECK_FALSE(std::get<engine::submit_result>(fresh[0].value()).replayed);
  CHECK(db->find_request("r9").has_value());
}

TEST_CASE("outcomes survive their encoding", "[engine][requests]") {
  const std::vector<engine::outcome> all{
      engine::outcome{engine::operation_result{engine::submit_result{7, true, {"t6", "t9"}, false}}},
      engine::outcome{engine::operation_result{engine::ack_result{{"caio", "gc"}, {"dpo"}, true, false}}},
      engine::outcome{engine::operation_result{engine::resolve_result{7, false}}},
      engine::outcome{unexpected{engine::engine_error{engine::error_kind::conflict, "incident 7 is resolved"}}},
  };
  for (const auto& o : all) {
    auto back = engine::decode_outcome(engine::encode_outcome(o));
    REQUIRE(back.has_value());
    CHECK(back->has_value() == o.has_value());
    CHECK(engine::encode_outcome(*back) == engine::encode_outcome(o));
  }
  CHECK_FALSE(engine::decode_outcome("{}").has_value());
  CHECK_FALSE(engine::decode_outcome("not json").has_value());
  CHECK_FALSE(engine::decode_outcome(R"({"submit": {"incident": "x"}})").has_value());
}
