#pragma once
// The JSON form of a notification, shared by every notifier that sends JSON.
#include <boost/json/object.hpp>

#include "notifiers/notification.hpp"

namespace baton::notifiers {

boost::json::object to_json(const notification& n);

}  // namespace baton::notifiers
