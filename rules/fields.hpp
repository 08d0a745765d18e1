#pragma once
// The catalogue of fields a condition can read: their names, static types and, for the
// fields whose values come from a closed set, which set. Paths are resolved against it
// once, at compile time, so evaluation loads fields by id.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rules/condition.hpp"
#include "rules/value_type.hpp"

namespace baton::rules {

enum class field_id : std::uint8_t {
  event_type,
  event_severity,
  event_source,
  event_summary,
  system_id,
  system_name,
  system_business_unit,
  system_domain,
  system_vendor,
  system_risk_tier,
  system_data,
  incident_age,
  incident_event_count,
  incident_state,
};

enum class closed_set : std::uint8_t { none, event_types, severities, risk_tiers, incident_states };

struct field_info {
  std::string_view name;  // "system.risk_tier"
  field_id id;
  value_type type;
  closed_set set;
};

/// The prefix of dynamic attribute paths; the rest of the path is the attribute key.
inline constexpr std::string_view attribute_prefix = "event.attrs.";

/// Every static field, in documentation order.
std::span<const field_info> all_fields() noexcept;

const field_info& info(field_id id) noexcept;

/// A path resolved: either a static field or an event attribute with its key.
struct resolved_path {
  const field_info* field = nullptr;  // null for an attribute
  std::string attribute_key;          // set when field is null
};

/// Resolves `path` ("event.type", "event.attrs.amount"), or explains in `error` why it
/// names no field, listing the fields that do exist (and a likely intended one).
std::optional<resolved_path> resolve_path(std::string_view path, std::string& error);

/// The values a closed-set field can take under `s` (a reference into `s`, or to a
/// fixed set); empty when the set is open.
const value_set& closed_values(closed_set set, const schema& s);

}  // namespace baton::rules
