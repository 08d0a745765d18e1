#pragma once
// The JSON form of a notification, shared by every notifier that sends JSON.
#include <boost/json/object.hpp>

#include <optional>

#include "notifiers/notification.hpp"

namespace baton::notifiers {

boost::json::object to_json(const notification& n);

/// The notification to_json() wrote; nullopt for an object it did not write (a damaged
/// outbox row).
std::optional<notification> notification_from_json(const boost::json::object& o);

}  // namespace baton::notifiers
