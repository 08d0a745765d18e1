#pragma once
// What comes in: an event about an AI system.
#include <optional>
#include <string>

#include "base/time.hpp"
#include "rules/inputs.hpp"

namespace baton::engine {

struct event {
  std::string type;       // incident, drift, intake, vendor_incident, ...
  std::string system;     // AI system id
  std::string severity;   // info | low | medium | high | critical
  std::string summary;
  std::string source;     // who sent it (monitor, ticketing system, person)
  std::string dedup_key;  // events with the same key while open form one incident; "" = new
  rules::attributes attrs;
  std::optional<timestamp> occurred_at;  // when the sender saw it; informational
};

}  // namespace baton::engine
