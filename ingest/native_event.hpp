#pragma once
// baton's own event format, as `POST /v1/events` and `baton apply` take it (docs/http.md):
//   {"type": "incident", "system": "credit-scoring", "severity": "high",
//    "summary": "...", "source": "...", "dedup_key": "...", "occurred_at": ISO 8601,
//    "attrs": {"customer_harm": true, "affected_users": 1200}}
// `type` is required; every other field is optional. A field of the wrong type, an
// unknown field (a typo would otherwise be dropped in silence) or a value past its
// limit is an error that says which.
#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "base/expected.hpp"
#include "engine/event.hpp"

namespace baton::ingest {

inline constexpr std::size_t max_text_bytes = 1024;     // type, system, severity, source
inline constexpr std::size_t max_summary_bytes = 4096;
inline constexpr std::size_t max_dedup_key_bytes = 255;
inline constexpr std::size_t max_attributes = 64;
inline constexpr std::size_t max_attribute_bytes = 4096;  // one string value

/// The severities rules compare with (info, low, medium, high, critical).
bool known_severity(std::string_view s) noexcept;

/// The event `o` describes; `source` when it names none.
expected<engine::event> native_event(const boost::json::object& o, std::string_view source);

}  // namespace baton::ingest
