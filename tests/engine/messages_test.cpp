// What a notification says (engine/messages.hpp).
#include <catch2/catch.hpp>

#include "engine/messages.hpp"
#include "tests/engine/harness.hpp"

using namespace baton;

TEST_CASE("each notification kind says what happened, why you, and how to act", "[engine][messages]") {
  test::temp_dir dir;
  auto org = test::load_org(dir, test::testco_yaml());
  engine::incident inc;
  inc.id = 7;
  inc.type = "incident";
  inc.severity = "high";
  inc.summary = "customers double-charged";
  notifiers::notification n;
  n.person = "ada";
  n.role_title = "Chief AI Officer";
  n.system_name = "Chat assistant";
  n.reason = "primary ada";
  const config::rule* harm = &org->rules.front();

  n.kind = notifiers::notification_kind::page;
  n.deadline = test::at("2026-11-24T09:00:00");
  engine::compose_message(n, inc, "caio", harm, *org);
  CHECK(n.subject == "[baton] incident 7 on Chat assistant: customers double-charged (you are accountable as Chief AI "
                     "Officer)");
  CHECK_THAT(n.body, Catch::Contains("What happened: customers double-charged (incident, severity high)"));
  CHECK_THAT(n.body, Catch::Contains("Why you: primary ada"));
  CHECK_THAT(n.body, Catch::Contains("Rule: harm - Incident with customer harm"));
  CHECK_THAT(n.body, Catch::Contains("Deadline: 2026-11-24 09:00 CET"));
  CHECK_THAT(n.body, Catch::Contains("Acknowledge: POST /v1/incidents/7/ack {\"person\": \"ada\"}"));

  n.kind = notifiers::notification_kind::unowned;
  engine::compose_message(n, inc, "dpo", nullptr, *org);
  CHECK(n.subject == "[baton] UNOWNED: incident 7 on Chat assistant: nobody holding dpo acknowledged");
  CHECK_THAT(n.body, Catch::Contains("Acknowledge: POST"));

  n.kind = notifiers::notification_kind::inform;
  n.deadline.reset();
  engine::compose_message(n, inc, "", harm, *org);
  CHECK(n.subject == "[baton] for your information: incident 7 on Chat assistant: customers double-charged");
  CHECK_FALSE(Catch::Contains("Acknowledge").match(n.body));
  CHECK_FALSE(Catch::Contains("Deadline").match(n.body));

  n.kind = notifiers::notification_kind::breach;
  engine::compose_message(n, inc, "caio", harm, *org);
  CHECK(n.subject == "[baton] deadline breached: incident 7 on Chat assistant");

  n.kind = notifiers::notification_kind::reminder;
  inc.summary.clear();  // without a summary the event type stands in
  engine::compose_message(n, inc, "", nullptr, *org);
  CHECK(n.subject == "[baton] reminder: incident 7 on Chat assistant is acknowledged but not resolved");
  CHECK_THAT(n.body, Catch::Contains("What happened: incident (incident, severity high)"));
}
