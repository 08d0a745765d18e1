#include "ingest/native_event.hpp"

#include <fmt/format.h>

#include <array>

#include "base/text.hpp"
#include "base/time.hpp"

namespace baton::ingest {
namespace {
namespace json = boost::json;

constexpr std::array<std::string_view, 8> known = {"type",      "system",      "severity", "summary",
                                                   "source",    "dedup_key",   "attrs",    "occurred_at"};

// A text field: `fallback` when absent, the string when within `limit`, else an error.
expected<std::string> text(const json::object& o, std::string_view key, std::size_t limit, std::string fallback = {}) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) {
    return fallback;
  }
  if (!v->is_string()) {
    return unexpected{fmt::format("\"{}\" must be a string", key)};
  }
  const auto& s = v->as_string();
  if (s.size() > limit) {
    return unexpected{fmt::format("\"{}\" is {} bytes long; the most is {}", key, s.size(), limit)};
  }
  if (!is_valid_utf8(s)) {
    return unexpected{fmt::format("\"{}\" is not UTF-8", key)};
  }
  return std::string(s);
}

expected<rules::attributes> attributes(const json::value* v) {
  rules::attributes attrs;
  if (v == nullptr) {
    return attrs;
  }
  if (!v->is_object()) {
    return unexpected{std::string("\"attrs\" must be an object")};
  }
  const auto& o = v->as_object();
  if (o.size() > max_attributes) {
    return unexpected{fmt::format("\"attrs\" has {} attributes; the most is {}", o.size(), max_attributes)};
  }
  for (const auto& [k, x] : o) {
    std::string key(k);
    if (key.empty() || key.size() > max_text_bytes || !is_valid_utf8(key)) {
      return unexpected{std::string("an attribute name must be UTF-8, 1 to 1024 bytes")};
    }
    if (x.is_bool()) {
      attrs.push_back({std::move(key), x.as_bool()});
    } else if (x.is_string()) {
      const auto& s = x.as_string();
      if (s.size() > max_attribute_bytes || !is_valid_utf8(s)) {
        return unexpected{fmt::format("attribute \"{}\" must be UTF-8 of at most {} bytes", printable(key),
                                      max_attribute_bytes)};
      }
      attrs.push_back({std::move(key), std::string(s)});
    } else if (x.is_number()) {
      attrs.push_back({std::move(key), x.to_number<double>()});
    } else if (x.is_null()) {
      attrs.push_back({std::move(key), std::monostate{}});
    } else {
      return unexpected{fmt::format("attribute \"{}\" must be a string, number, boolean or null", printable(key))};
    }
  }
  return attrs;
}

}  // namespace

expected<engine::event> native_event(const json::object& o, std::string_view source) {
  for (const auto& kv : o) {
    bool ok = false;
    for (auto k : known) {
      ok = ok || kv.key() == k;
    }
    if (!ok) {
      return unexpected{fmt::format("unknown field \"{}\" (known: type, system, severity, summary, source, "
                                    "dedup_key, occurred_at, attrs)",
                                    printable(shortened(kv.key(), 64)))};
    }
  }
  engine::event e;
  auto type = text(o, "type", max_text_bytes);
  auto system = text(o, "system", max_text_bytes);
  auto severity = text(o, "severity", max_text_bytes);
  auto summary = text(o, "summary", max_summary_bytes);
  auto from = text(o, "source", max_text_bytes, std::string(source));
  auto key = text(o, "dedup_key", max_dedup_key_bytes);
  auto occurred = text(o, "occurred_at", max_text_bytes);
  for (auto* r : {&type, &system, &severity, &summary, &from, &key, &occurred}) {
    if (!*r) {
      return unexpected{r->error()};
    }
  }
  if (type->empty()) {
    return unexpected{std::string("\"type\" is required (e.g. \"incident\")")};
  }
  if (!severity->empty() && !known_severity(*severity)) {
    return unexpected{fmt::format("\"severity\": \"{}\" is not one of info, low, medium, high, critical",
                                  printable(shortened(*severity, 40)))};
  }
  auto attrs = attributes(o.if_contains("attrs"));
  if (!attrs) {
    return unexpected{attrs.error()};
  }
  if (!occurred->empty()) {
    auto t = parse_iso(*occurred, find_zone("UTC"));
    if (!t) {
      return unexpected{fmt::format("\"occurred_at\": \"{}\" is not an ISO 8601 time", printable(*occurred))};
    }
    e.occurred_at = *t;
  }
  e.type = std::move(*type);
  e.system = std::move(*system);
  e.severity = std::move(*severity);
  e.summary = std::move(*summary);
  e.source = std::move(*from);
  e.dedup_key = std::move(*key);
  e.attrs = std::move(*attrs);
  return e;
}

bool known_severity(std::string_view s) noexcept {
  return s == "info" || s == "low" || s == "medium" || s == "high" || s == "critical";
}

}  // namespace baton::ingest
