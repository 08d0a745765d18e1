#pragma once
// One notification with every field set, text that needs escaping and non-ASCII in it:
// what the notifier tests send.
#include "base/time.hpp"
#include "notifiers/notification.hpp"

namespace baton::test {

inline notifiers::notification sample_notification() {
  notifiers::notification n;
  n.idempotency_key = "i7-e3-page-r0s1-amara-0";
  n.kind = notifiers::notification_kind::page;
  n.incident_id = 7;
  n.escalation_id = 3;
  n.person = "amara";
  n.person_name = "Amara \"Ama\" Okafor";
  n.role = "caio";
  n.role_title = "Chief AI Officer";
  n.notifier = "n";
  n.address = "amara@compel.example";
  n.system = "credit-scoring";
  n.system_name = "Credit scoring \xE2\x80\x93 retail";  // non-ASCII passes through whole
  n.subject = "[baton] incident 7\tpage";
  n.body = "What happened: \"quoted\"\nline two\\ with a backslash\x01 and a control";
  n.reason = "primary amara";
  n.rule = "t6";
  n.deadline = from_epoch_ms(1'795'428'000'000);
  n.created_at = from_epoch_ms(1'795'424'400'123);
  return n;
}

}  // namespace baton::test
