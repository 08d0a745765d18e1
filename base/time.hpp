#pragma once
// Time vocabulary shared by every layer. All instants are UTC with millisecond
// resolution; local times exist only at the edges (parsing config, business calendars,
// working hours) and are converted through a named IANA zone, never the process TZ.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace date { class time_zone; }

namespace baton {

using duration = std::chrono::milliseconds;
using timestamp = std::chrono::sys_time<duration>;
using local_timestamp = std::chrono::local_time<duration>;

/// Parses "15m", "24h", "1h30m", "90s", "250ms", "2d", "1w" (units may be combined,
/// largest first). Returns nullopt for anything else, including negative values.
std::optional<duration> parse_duration(std::string_view text);

/// "1h30m", "24h", "15m", "0s", "250ms": the inverse of parse_duration.
std::string format_duration(duration d);

/// RFC 3339 / ISO 8601 in UTC: "2026-03-04T09:00:00Z", with ".123" when there are
/// milliseconds.
std::string format_iso(timestamp t);

/// Parses "2026-03-04T09:00:00Z", "2026-03-04T10:00:00+01:00", "2026-03-04T10:00" and
/// "2026-03-04" (seconds and ".fff" optional). Text without an offset is local time in
/// `zone`; with zone == nullptr it is rejected. A date alone is local midnight.
/// Local times that fall in a daylight-saving gap map to the instant the gap ends;
/// ambiguous ones (the repeated hour) map to the earlier instant.
std::optional<timestamp> parse_iso(std::string_view text, const date::time_zone* zone);

/// Local wall time in `zone` to UTC, with the same gap/overlap policy as parse_iso.
timestamp to_utc(local_timestamp local, const date::time_zone& zone);

/// UTC to local wall time in `zone`.
local_timestamp to_local(timestamp t, const date::time_zone& zone);

/// Looks up an IANA zone name ("Europe/Berlin", "UTC"); nullptr when unknown.
const date::time_zone* find_zone(std::string_view name) noexcept;

/// Milliseconds since the Unix epoch, for storage.
inline std::int64_t to_epoch_ms(timestamp t) noexcept { return t.time_since_epoch().count(); }
inline timestamp from_epoch_ms(std::int64_t ms) noexcept { return timestamp{duration{ms}}; }

}  // namespace baton
