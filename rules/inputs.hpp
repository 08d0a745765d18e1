#pragma once
// What a rule condition can read: views over an event, the AI system it concerns and the
// incident it belongs to. Views hold pointers and string_views only, so building one per
// evaluation costs nothing; the caller keeps the viewed data alive during evaluation.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/time.hpp"

namespace baton::rules {

/// A free attribute value on an event ("customer_harm": true, "amount": 2.5e6).
using attribute_value = std::variant<std::monostate, bool, double, std::string>;

struct attribute {
  std::string key;
  attribute_value value;
};

/// Attributes in arrival order; lookups are linear (events carry a handful).
using attributes = std::vector<attribute>;

/// Finds an attribute by key; nullptr when absent.
const attribute_value* find_attribute(const attributes& attrs, std::string_view key) noexcept;

struct event_view {
  std::string_view type;
  std::string_view severity;
  std::string_view source;
  std::string_view summary;
  const attributes* attrs = nullptr;  // never null when evaluated
};

struct system_view {
  std::string_view id;
  std::string_view name;
  std::string_view business_unit;
  std::string_view risk_tier;  // minimal | limited | high | unacceptable
  std::string_view domain;     // "" when not in a regulated domain
  std::string_view vendor;     // "" for in-house systems
  std::span<const std::string> data;  // data categories
};

struct incident_view {
  duration age{0};              // now - opened_at
  std::int64_t event_count = 0; // events in the incident, including the current one
  std::string_view state;       // open | acknowledged | resolved
};

/// Everything one evaluation reads. `system` may be null for events that name no
/// known system: every `system.*` field then reads as absent (comparisons are false,
/// has(system.x) is false).
struct context {
  const event_view* event = nullptr;
  const system_view* system = nullptr;
  const incident_view* incident = nullptr;
};

}  // namespace baton::rules
