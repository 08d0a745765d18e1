#pragma once
// What a notification says: its subject line and body, composed from the incident and
// the facts already on the notification (kind, system, reason, rule, deadline). Pure.
#include <string_view>

#include "config/organisation.hpp"
#include "engine/engine.hpp"
#include "notifiers/notification.hpp"

namespace baton::engine {

/// Fills `n.subject` and `n.body`. `escalated_role` is the role whose ladder ran out,
/// for an "unowned" notice. Times are shown in the organisation's zone.
void compose_message(notifiers::notification& n, const incident& inc, std::string_view escalated_role,
                     const config::rule* rule, const config::organisation& org);

}  // namespace baton::engine
