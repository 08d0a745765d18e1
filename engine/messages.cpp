#include "engine/messages.hpp"

#include <fmt/format.h>

#include "engine/holder_resolver.hpp"

namespace baton::engine {

using notifiers::notification_kind;

void compose_message(notifiers::notification& n, const incident& inc, std::string_view escalated_role,
                     const config::rule* rule, const config::organisation& org) {
  const std::string_view what = inc.summary.empty() ? std::string_view{inc.type} : std::string_view{inc.summary};
  switch (n.kind) {
    case notification_kind::page:
      n.subject = fmt::format("[baton] incident {} on {}: {} (you are accountable as {})", inc.id, n.system_name,
                              what, n.role_title);
      break;
    case notification_kind::inform:
      n.subject = fmt::format("[baton] for your information: incident {} on {}: {}", inc.id, n.system_name, what);
      break;
    case notification_kind::reminder:
      n.subject = fmt::format("[baton] reminder: incident {} on {} is acknowledged but not resolved", inc.id,
                              n.system_name);
      break;
    case notification_kind::unowned:
      n.subject = fmt::format("[baton] UNOWNED: incident {} on {}: nobody holding {} acknowledged", inc.id,
                              n.system_name, escalated_role);
      break;
    case notification_kind::breach:
      n.subject = fmt::format("[baton] deadline breached: incident {} on {}", inc.id, n.system_name);
      break;
    case notification_kind::undeliverable:
      n.subject = fmt::format("[baton] could not notify: incident {} on {}: {}", inc.id, n.system_name, what);
      break;
  }
  n.body = fmt::format("What happened: {} ({}, severity {})\nAI system: {}\nWhy you: {}\n{}{}", what, inc.type,
                       inc.severity.empty() ? "unset" : inc.severity, n.system_name, n.reason,
                       rule != nullptr ? fmt::format("Rule: {} - {}{}\n", rule->id, rule->description,
                                                     rule->timing.empty() ? "" : " (" + rule->timing + ")")
                                       : "",
                       n.deadline ? fmt::format("Deadline: {}\n", format_local(*n.deadline, org.zone)) : "");
  if (!n.ack_url.empty()) {
    n.body += fmt::format("Acknowledge: {}\n", n.ack_url);
  } else if (n.kind == notification_kind::page || n.kind == notification_kind::unowned) {
    n.body += fmt::format("Acknowledge: POST /v1/incidents/{}/ack {{\"person\": \"{}\"}}\n", inc.id, n.person);
  }
}

}  // namespace baton::engine
