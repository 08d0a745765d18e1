// The JSON form of a notification (notifiers/notification_json.hpp): written straight to
// text, read back whole by notification_from_json, whatever the text holds.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "notifiers/notification_json.hpp"
#include "tests/notifiers/sample_notification.hpp"

using namespace baton;

namespace {

notifiers::notification full() {
  auto n = test::sample_notification();
  n.kind = notifiers::notification_kind::breach;
  return n;
}

}  // namespace

TEST_CASE("a notification's JSON text is one object read back whole", "[notifiers]") {
  const auto n = full();
  const auto text = notifiers::to_json_text(n);
  const auto doc = boost::json::parse(text);
  REQUIRE(doc.is_object());
  const auto& o = doc.as_object();
  CHECK(o.at("kind").as_string() == "breach");
  CHECK(o.at("incident").as_int64() == 7);
  CHECK(o.at("created_at").as_string() == "2026-11-23T09:00:00.123Z");
  CHECK(o.at("body").as_string() == n.body);
  auto back = notifiers::notification_from_json(o);
  REQUIRE(back.has_value());
  CHECK(back->idempotency_key == n.idempotency_key);
  CHECK(back->kind == n.kind);
  CHECK(back->escalation_id == 3);
  CHECK(back->person_name == n.person_name);
  CHECK(back->system_name == n.system_name);
  CHECK(back->subject == n.subject);
  CHECK(back->body == n.body);
  CHECK(back->rule == "t6");
  CHECK(back->deadline == n.deadline);
  CHECK(back->created_at == n.created_at);
}

TEST_CASE("a notification's optional fields are left out, and bad UTF-8 is replaced", "[notifiers]") {
  auto n = full();
  n.escalation_id = 0;
  n.rule.clear();
  n.deadline.reset();
  n.subject = "bad \xFF byte";
  const auto doc = boost::json::parse(notifiers::to_json_text(n)).as_object();
  CHECK_FALSE(doc.contains("escalation"));
  CHECK_FALSE(doc.contains("rule"));
  CHECK_FALSE(doc.contains("deadline"));
  CHECK(doc.at("subject").as_string() == "bad \xEF\xBF\xBD byte");
  auto back = notifiers::notification_from_json(doc);
  REQUIRE(back.has_value());
  CHECK(back->escalation_id == 0);
  CHECK_FALSE(back->deadline.has_value());
}
