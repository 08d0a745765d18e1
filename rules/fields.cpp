#include "rules/fields.hpp"

#include <algorithm>
#include <array>

#include "base/text.hpp"

namespace baton::rules {
namespace {

constexpr std::array<field_info, 14> fields{{
    {"event.type", field_id::event_type, value_type::string, closed_set::event_types},
    {"event.severity", field_id::event_severity, value_type::string, closed_set::severities},
    {"event.source", field_id::event_source, value_type::string, closed_set::none},
    {"event.summary", field_id::event_summary, value_type::string, closed_set::none},
    {"system.id", field_id::system_id, value_type::string, closed_set::none},
    {"system.name", field_id::system_name, value_type::string, closed_set::none},
    {"system.business_unit", field_id::system_business_unit, value_type::string,
     closed_set::none},
    {"system.domain", field_id::system_domain, value_type::string, closed_set::none},
    {"system.vendor", field_id::system_vendor, value_type::string, closed_set::none},
    {"system.risk_tier", field_id::system_risk_tier, value_type::string, closed_set::risk_tiers},
    {"system.data", field_id::system_data, value_type::string_list, closed_set::none},
    {"incident.age", field_id::incident_age, value_type::duration, closed_set::none},
    {"incident.event_count", field_id::incident_event_count, value_type::number,
     closed_set::none},
    {"incident.state", field_id::incident_state, value_type::string,
     closed_set::incident_states},
}};

// info() indexes the table by id.
static_assert([] {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (static_cast<std::size_t>(fields[i].id) != i) {
      return false;
    }
  }
  return true;
}());

struct object_info {
  std::string_view name;
  std::string_view members;  // for "event has ..." messages
};

constexpr std::array<object_info, 3> objects{{
    {"event", "type, severity, source, summary, attrs.<name>"},
    {"system", "id, name, business_unit, domain, vendor, risk_tier, data"},
    {"incident", "age, event_count, state"},
}};

// A path as messages quote it: a condition may be one 64 KB path, and the message
// only has to say which one. Paths are ASCII (the lexer reads names of letters, digits
// and _), so a cut at any byte leaves whole characters.
std::string shortened(std::string_view path) {
  constexpr std::size_t max_quoted = 48;
  if (path.size() <= max_quoted) {
    return std::string(path);
  }
  return std::string(path.substr(0, max_quoted)) + "...";
}

// The closest real path to a mistyped one, or "" when nothing is close enough to be a
// plausible typo. Attribute paths are candidates too: "event.atrs.x" -> "event.attrs.x".
std::string suggestion(std::string_view path) {
  std::vector<std::string> candidates;
  for (const field_info& f : fields) {
    candidates.emplace_back(f.name);
  }
  auto first_dot = path.find('.');
  auto second_dot = first_dot == std::string_view::npos ? first_dot : path.find('.', first_dot + 1);
  if (second_dot != std::string_view::npos && second_dot + 1 < path.size()) {
    candidates.push_back(std::string(attribute_prefix) + std::string(path.substr(second_dot + 1)));
  }
  std::string best;
  std::size_t best_distance = 3;  // at most two edits away
  for (const std::string& c : candidates) {
    // Bounded: a path may be as long as the condition, and a full edit distance between
    // it and its attribute candidate would take time quadratic in that length.
    std::size_t d = bounded_edit_distance(path, c, best_distance - 1);
    if (d < best_distance && d * 3 <= path.size()) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace

std::span<const field_info> all_fields() noexcept { return fields; }

const field_info& info(field_id id) noexcept { return fields[static_cast<std::size_t>(id)]; }

std::optional<resolved_path> resolve_path(std::string_view path, std::string& error) {
  if (path.starts_with(attribute_prefix)) {
    return resolved_path{nullptr, std::string(path.substr(attribute_prefix.size()))};
  }
  for (const field_info& f : fields) {
    if (f.name == path) {
      return resolved_path{&f, {}};
    }
  }

  std::string quoted = "\"" + shortened(path) + "\"";
  std::string_view root = path.substr(0, path.find('.'));
  const object_info* object = nullptr;
  for (const object_info& o : objects) {
    if (o.name == root) {
      object = &o;
    }
  }
  if (path == "event.attrs") {
    error = "event.attrs needs an attribute name, e.g. event.attrs.customer_harm";
    return std::nullopt;
  }
  for (const field_info& f : fields) {
    if (path.starts_with(f.name) && path.size() > f.name.size() && path[f.name.size()] == '.') {
      error = "unknown field " + quoted + "; " + std::string(f.name) + " is " +
              std::string(describe(f.type)) + " and has no fields";
      return std::nullopt;
    }
  }
  if (object != nullptr && path == root) {
    error = quoted + " is not a value; " + std::string(object->name) + " has " +
            std::string(object->members);
  } else if (object != nullptr) {
    error = "unknown field " + quoted + "; " + std::string(object->name) + " has " +
            std::string(object->members);
  } else {
    error = "unknown field " + quoted + "; fields start with event., system. or incident.";
  }
  std::string hint = suggestion(path);
  if (!hint.empty()) {
    error += " (did you mean " + shortened(hint) + "?)";
  }
  return std::nullopt;
}

const value_set& closed_values(closed_set set, const schema& s) {
  // Function-local statics: built on first use, so no order-of-initialisation question.
  static const value_set open;
  static const value_set incident_states{"open", "acknowledged", "resolved"};
  switch (set) {
    case closed_set::none: return open;
    case closed_set::event_types: return s.event_types;
    case closed_set::severities: return s.severities;
    case closed_set::risk_tiers: return s.risk_tiers;
    case closed_set::incident_states: return incident_states;
  }
  return open;
}

}  // namespace baton::rules
