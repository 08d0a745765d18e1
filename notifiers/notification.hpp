#pragma once
// A message to one person through one contact method, and what became of it.
#include <cstdint>
#include <optional>
#include <string>

#include "base/time.hpp"

namespace baton::notifiers {

enum class notification_kind : std::uint8_t {
  page,      // you are (now) the holder of an accountable role: acknowledge
  inform,    // a rule's notify list: you must know, by the deadline shown
  reminder,  // acknowledged but not resolved
  unowned,   // to the governance owner: the ladder ran out
  breach,    // an engagement target passed
  undeliverable,  // to the governance owner: a notification could not be delivered
};

std::string_view to_string(notification_kind k) noexcept;

struct notification {
  std::string idempotency_key;  // stable across retries; receivers drop duplicates
  notification_kind kind = notification_kind::page;
  std::int64_t incident_id = 0;
  std::int64_t escalation_id = 0;
  std::string person;        // person id
  std::string person_name;
  std::string role;          // role id the person is addressed as
  std::string role_title;
  std::string notifier;      // notifier id from the configuration
  std::string address;       // where the notifier delivers
  std::string system;        // AI system id
  std::string system_name;
  std::string subject;       // one line: what happened, which system
  std::string body;          // why you, the deadline, how to acknowledge
  std::string reason;        // holder reason chain
  std::string rule;          // rule id that moved accountability, "" for routing
  std::optional<timestamp> deadline;
  timestamp created_at;
  std::string ack_url;       // a page's signed acknowledgement link, when configured
};

enum class delivery_status : std::uint8_t { delivered, retry, permanent };

/// What a notifier answers: delivered, try again later, or give up; and why.
struct delivery_result {
  delivery_status status = delivery_status::delivered;
  std::string reason;  // short, for metrics and the log ("http 503", "timeout")

  static delivery_result ok() { return {}; }
  static delivery_result retry(std::string why) { return {delivery_status::retry, std::move(why)}; }
  static delivery_result fail(std::string why) { return {delivery_status::permanent, std::move(why)}; }
};

}  // namespace baton::notifiers
