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
    std::size_t d = edit_distance(path, c);
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

  std::string quoted = "\"" + std::string(path) + "\"";
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
    error += " (did you mean " + hint + "?)";
  }
  return std::nullopt;
}

std::vector<std::string_view> closed_values(closed_set set, const schema& s) {
  std::vector<std::string_view> out;
  auto add_all = [&out](const std::vector<std::string>& values) {
    for (const std::string& v : values) {
      out.emplace_back(v);
    }
  };
  switch (set) {
    case closed_set::none: break;
    case closed_set::event_types: add_all(s.event_types); break;
    case closed_set::severities: add_all(s.severities); break;
    case closed_set::risk_tiers: add_all(s.risk_tiers); break;
    case closed_set::incident_states: out = {"open", "acknowledged", "resolved"}; break;
  }
  return out;
}

}  // namespace baton::rules
