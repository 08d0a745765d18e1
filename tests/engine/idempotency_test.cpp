// Commands that are safe to repeat without a request key: a second acknowledgement, a
// second resolution, and events with and without a sender's dedup key.
#include <catch2/catch.hpp>

#include "tests/engine/harness.hpp"

using namespace baton;
using namespace std::chrono_literals;
using test::harness;

TEST_CASE("a repeated acknowledgement engages nothing new, counts nothing and says so", "[engine]") {
  harness h;
  auto id = h.submit("anomaly", "chat", "k1");
  auto first = h.eng->acknowledge(id, "bea");
  REQUIRE(first.has_value());
  CHECK(first->engaged_roles == std::vector<std::string>{"bu_owner"});
  const auto records = h.eng->log_head().seq;
  const auto counted = h.eng->totals().acknowledgements;

  auto again = h.eng->acknowledge(id, "bea");
  REQUIRE(again.has_value());
  CHECK(again->engaged_roles.empty());
  CHECK(again->already_engaged == std::vector<std::string>{"bu_owner"});
  CHECK(again->incident_acknowledged);
  CHECK(h.eng->log_head().seq == records);
  CHECK(h.eng->totals().acknowledgements == counted);
  CHECK(h.records("acknowledged").size() == 1);
}

TEST_CASE("resolving a resolved incident is a conflict that says when it was resolved", "[engine]") {
  harness h;
  auto id = h.submit("anomaly", "chat", "k1");
  h.advance(5min);
  REQUIRE(h.eng->resolve(id, "person:bea").has_value());
  const auto records = h.eng->log_head().seq;
  auto again = h.eng->resolve(id, "person:bea");
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().kind == engine::error_kind::conflict);
  CHECK_THAT(again.error().message, Catch::Contains("incident 1 is already resolved (at 2026-11-23T08:05:00Z)"));
  auto ack = h.eng->acknowledge(id, "bea");
  REQUIRE_FALSE(ack.has_value());
  CHECK(ack.error().kind == engine::error_kind::conflict);
  CHECK(h.eng->log_head().seq == records);
  // An id never handed out is not found.
  auto unknown = h.eng->resolve(99, "person:bea");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().kind == engine::error_kind::not_found);
}

TEST_CASE("an incident opened without a dedup key can be joined by no sender's key", "[engine]") {
  harness h;
  auto keyless = h.submit("anomaly", "chat", "");
  CHECK(h.eng->find_incident(keyless)->dedup_key.empty());
  // Whatever key a sender picks, even one shaped like an id, opens its own incident.
  for (const std::string key : {"incident-1", "1", "i1", ""}) {
    auto other = h.submit("anomaly", "chat", key);
    CHECK(other != keyless);
  }
  CHECK(h.eng->find_incident(keyless)->event_count == 1);
  CHECK(h.eng->find_open_by_key("") == nullptr);
}

TEST_CASE("an open incident is found by its sender's dedup key until it is resolved", "[engine]") {
  harness h;
  auto id = h.submit("anomaly", "chat", "am-fingerprint-1");
  const auto* found = h.eng->find_open_by_key("am-fingerprint-1");
  REQUIRE(found != nullptr);
  CHECK(found->id == id);
  CHECK(h.eng->find_open_by_key("am-fingerprint-2") == nullptr);
  REQUIRE(h.eng->resolve(id, "person:bea").has_value());
  CHECK(h.eng->find_open_by_key("am-fingerprint-1") == nullptr);
}

TEST_CASE("only an accountable holder, the governance owner or the opening sender may resolve", "[engine]") {
  harness h;
  engine::event e;
  e.type = "anomaly";
  e.system = "chat";
  e.dedup_key = "am-1";
  auto opened = h.eng->submit(e, "integration:alertmanager");
  REQUIRE(opened.has_value());
  const auto id = opened->incident_id;

  // mo sits on the board, which this incident has not reached: refused, and logged.
  auto mo = h.eng->resolve(id, "person:mo");
  REQUIRE_FALSE(mo.has_value());
  CHECK(mo.error().kind == engine::error_kind::forbidden);
  CHECK_THAT(mo.error().message, Catch::Contains("mo holds no role accountable for it and is not the governance "
                                                 "owner (caio)"));
  // Another integration did not open it.
  auto other = h.eng->resolve(id, "integration:pagerduty");
  REQUIRE_FALSE(other.has_value());
  CHECK(other.error().kind == engine::error_kind::forbidden);
  CHECK_THAT(other.error().message, Catch::Contains("opened by integration:alertmanager"));
  CHECK(h.records("resolution.rejected").size() == 2);
  CHECK(h.eng->find_incident(id) != nullptr);

  // The sender that opened it may (an Alertmanager "resolved").
  REQUIRE(h.eng->resolve(id, "integration:alertmanager").has_value());

  // A holder of an accountable role may, and so may the governance owner's holder.
  auto second = h.submit("anomaly", "chat", "k2");
  REQUIRE(h.eng->resolve(second, "person:ben").has_value());  // bu_owner backup
  auto third = h.submit("anomaly", "chat", "k3");
  REQUIRE(h.eng->resolve(third, "person:ada").has_value());  // holds caio, the governance owner
  CHECK(h.records("incident.resolved").size() == 3);
}
