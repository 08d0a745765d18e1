#pragma once
// PagerDuty's Events API v2, as POST /v2/enqueue takes it (docs/http.md, "PagerDuty"):
//   {"routing_key": "<32 characters>", "event_action": "trigger", "dedup_key": "...",
//    "payload": {"summary": "...", "source": "...", "severity": "critical",
//                "timestamp": "...", "component": "...", "group": "...", "class": "...",
//                "custom_details": {...}},
//    "links": [...], "images": [...], "client": "...", "client_url": "..."}
// A trigger is an event whose dedup key is `dedup_key` (one is made when it has none);
// acknowledge and resolve name the incident by it. Checked as PagerDuty checks it, with
// every problem listed as PagerDuty lists them.
#include <boost/json/object.hpp>

#include <string>
#include <vector>

#include "config/organisation.hpp"
#include "engine/engine.hpp"

namespace baton::ingest {

inline constexpr std::size_t max_pagerduty_summary_bytes = 1024;

struct pagerduty_event {
  std::string routing_key;
  std::string action;     // trigger | acknowledge | resolve
  std::string dedup_key;  // as sent or made for a trigger without one
  /// Every problem found, PagerDuty's way ("'payload.summary' is missing"); when any,
  /// the rest is not to be used.
  std::vector<std::string> errors;
};

/// Reads what does not depend on the integration: the routing key, the action and the
/// dedup key, and checks every field's presence, type and limit.
pagerduty_event read_pagerduty(const boost::json::object& body);

/// The operation a checked event asks for, acting as `actor` for integration `in`.
engine::operation pagerduty_operation(const boost::json::object& body, const pagerduty_event& e,
                                      const config::integration& in, const std::string& actor);

}  // namespace baton::ingest
