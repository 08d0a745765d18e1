#include "ingest/alertmanager.hpp"

#include <fmt/format.h>

#include "base/text.hpp"
#include "base/time.hpp"
#include "ingest/native_event.hpp"

namespace baton::ingest {
namespace {
namespace json = boost::json;

const json::string* string_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? &v->as_string() : nullptr;
}

// A label or annotation set: an object of strings. Absent is empty.
expected<const json::object*> string_map(const json::object& alert, std::string_view key, std::size_t index) {
  const auto* v = alert.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return nullptr;
  }
  if (!v->is_object()) {
    return unexpected{fmt::format("alerts[{}].{} must be an object of strings", index, key)};
  }
  for (const auto& kv : v->as_object()) {
    if (!kv.value().is_string()) {
      return unexpected{fmt::format("alerts[{}].{}.{} must be a string", index, key,
                                    printable(shortened(kv.key(), 64)))};
    }
    if (!is_valid_utf8(kv.key()) || !is_valid_utf8(kv.value().as_string())) {
      return unexpected{fmt::format("alerts[{}].{} holds text that is not UTF-8", index, key)};
    }
  }
  return &v->as_object();
}

std::string_view lookup(const json::object* m, std::string_view name) {
  if (m == nullptr) {
    return {};
  }
  const auto* s = string_field(*m, name);
  return s != nullptr ? std::string_view(*s) : std::string_view{};
}

// The value a mapping field gives for one alert.
std::string field_value(const config::alert_field& f, const json::object* labels, const json::object* annotations,
                        std::size_t limit) {
  std::string value;
  for (const auto& from : f.from) {
    const bool label = from.starts_with("label.");
    const std::string_view name = std::string_view(from).substr(label ? 6 : 11);
    const auto v = lookup(label ? labels : annotations, name);
    if (!v.empty()) {
      value = std::string(v);
      break;
    }
  }
  if (value.empty()) {
    value = f.fallback;
  }
  if (auto it = f.values.find(value); it != f.values.end()) {
    value = it->second;
  }
  return value.size() > limit ? shortened(value, limit) : value;
}

void add_attrs(rules::attributes& attrs, const json::object* m, const std::vector<std::string>* only) {
  if (m == nullptr) {
    return;
  }
  auto add = [&](std::string_view name, const json::string& value) {
    if (attrs.size() >= max_attributes || name.empty() || name.size() > max_text_bytes) {
      return;
    }
    attrs.push_back({std::string(name), shortened(value, max_attribute_bytes)});
  };
  if (only == nullptr) {
    for (const auto& kv : *m) {
      add(kv.key(), kv.value().as_string());
    }
    return;
  }
  for (const auto& name : *only) {
    if (const auto* s = string_field(*m, name)) {
      add(name, *s);
    }
  }
}

}  // namespace

expected<std::vector<engine::operation>> alertmanager_operations(const json::object& body,
                                                                  const config::integration& in,
                                                                  const std::string& actor) {
  if (const auto* v = body.if_contains("version"); v != nullptr && !(v->is_string() && v->as_string() == "4")) {
    return unexpected{std::string("\"version\" must be \"4\" (Alertmanager's webhook format)")};
  }
  const auto* alerts = body.if_contains("alerts");
  if (alerts == nullptr || !alerts->is_array()) {
    return unexpected{std::string("\"alerts\" is required: a list of alerts")};
  }
  const auto& list = alerts->as_array();
  if (list.size() > max_alerts_per_request) {
    return unexpected{fmt::format("{} alerts in one request; the most is {}", list.size(), max_alerts_per_request)};
  }
  std::string receiver;
  if (const auto* r = string_field(body, "receiver")) {
    receiver = shortened(*r, max_text_bytes);
  }
  std::vector<engine::operation> ops;
  ops.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_object()) {
      return unexpected{fmt::format("alerts[{}] must be an object", i)};
    }
    const auto& a = list[i].as_object();
    const auto* status = string_field(a, "status");
    if (status == nullptr || (*status != "firing" && *status != "resolved")) {
      return unexpected{fmt::format("alerts[{}].status must be \"firing\" or \"resolved\"", i)};
    }
    auto labels = string_map(a, "labels", i);
    if (!labels) {
      return unexpected{labels.error()};
    }
    auto annotations = string_map(a, "annotations", i);
    if (!annotations) {
      return unexpected{annotations.error()};
    }
    const auto* fingerprint = string_field(a, "fingerprint");
    if (fingerprint == nullptr || fingerprint->empty() || fingerprint->size() > max_dedup_key_bytes ||
        !is_valid_utf8(*fingerprint)) {
      return unexpected{fmt::format("alerts[{}].fingerprint is required: text of 1 to {} bytes", i,
                                    max_dedup_key_bytes)};
    }
    const auto* starts = string_field(a, "startsAt");
    std::optional<timestamp> started;
    if (starts != nullptr && !starts->empty()) {
      started = parse_iso(*starts, find_zone("UTC"));
      if (!started) {
        return unexpected{fmt::format("alerts[{}].startsAt: \"{}\" is not an RFC 3339 time", i,
                                      printable(shortened(*starts, 64)))};
      }
    }
    // One firing of one alert: its fingerprint and when it started. Alertmanager's
    // repeats and its HA peers' copies share it; a new firing after a resolution does not.
    const std::string key = fmt::format("am:{}:{}:{}:{}", in.id, std::string_view(*fingerprint),
                                        started ? started->time_since_epoch().count() : 0,
                                        std::string_view(*status));
    if (*status == "resolved") {
      engine::resolve_op op;
      op.actor = actor;
      op.dedup_key = std::string(*fingerprint);
      op.note = "resolved in Alertmanager";
      op.request_key = key;
      ops.emplace_back(std::move(op));
      continue;
    }
    const auto& m = in.alerts;
    engine::submit_op op;
    op.actor = actor;
    op.request_key = key;
    op.e.type = field_value(m.type, *labels, *annotations, max_text_bytes);
    if (op.e.type.empty()) {
      return unexpected{fmt::format("alerts[{}]: no event type (none of {} is set and no default)", i,
                                    fmt::join(m.type.from, ", "))};
    }
    op.e.system = field_value(m.system, *labels, *annotations, max_text_bytes);
    op.e.severity = field_value(m.severity, *labels, *annotations, max_text_bytes);
    if (!known_severity(op.e.severity)) {
      op.e.severity = m.severity.fallback;
    }
    op.e.summary = field_value(m.summary, *labels, *annotations, max_summary_bytes);
    op.e.source = receiver.empty() ? "alertmanager" : "alertmanager:" + receiver;
    op.e.dedup_key = std::string(*fingerprint);
    op.e.occurred_at = started;
    add_attrs(op.e.attrs, m.all_labels_as_attrs ? *labels : nullptr, nullptr);
    add_attrs(op.e.attrs, *annotations, &m.annotation_attrs);
    if (const auto* url = string_field(a, "generatorURL"); url != nullptr && !url->empty() &&
                                                           op.e.attrs.size() < max_attributes &&
                                                           is_valid_utf8(*url)) {
      op.e.attrs.push_back({"generator_url", shortened(*url, max_attribute_bytes)});
    }
    ops.emplace_back(std::move(op));
  }
  return ops;
}

}  // namespace baton::ingest
