#pragma once
// The JSON form of a notification, shared by every notifier that sends JSON and by the
// outbox, which keeps it as the queued row's payload.
#include <boost/json/object.hpp>

#include <optional>
#include <string>

#include "notifiers/notification.hpp"

namespace baton::notifiers {

/// One JSON object, written straight to text (it is made for every notification queued,
/// so no document is built on the way): idempotency_key, kind, incident, escalation
/// (when not 0), person, person_name, role, role_title, notifier, address, system,
/// system_name, subject, body, reason, rule (when set), deadline (when set), created_at.
std::string to_json_text(const notification& n);

/// The notification to_json_text() wrote; nullopt for an object it did not write (a
/// damaged outbox row).
std::optional<notification> notification_from_json(const boost::json::object& o);

}  // namespace baton::notifiers
