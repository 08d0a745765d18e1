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

/// The instants baton reads and computes with: 0001-01-01T00:00:00Z up to
/// 9999-12-31T23:59:59.999Z, the years ISO 8601 writes with four digits. Input outside
/// is refused where it is read; arithmetic that would leave the range is checked
/// (checked_add) rather than wrapped.
inline constexpr timestamp min_time{duration{-62'135'596'800'000}};
inline constexpr timestamp max_time{duration{253'402'300'799'999}};

/// The longest duration baton accepts anywhere (36500d, about a century). Far longer
/// than any timeout or deadline means, and short enough that an instant in range plus
/// a duration in range never overflows the 64-bit millisecond count.
inline constexpr duration max_duration{36'500LL * 86'400'000};

/// Parses "15m", "24h", "1h30m", "90s", "250ms", "2d", "1w" (units may be combined,
/// largest first). Returns nullopt for anything else, including negative values and
/// sums longer than max_duration; `too_long`, when given, tells that last case apart.
std::optional<duration> parse_duration(std::string_view text, bool* too_long = nullptr);

/// `t + d`, or nullopt when the result falls outside min_time..max_time. `t` may be
/// any instant and `d` any duration: nothing overflows.
std::optional<timestamp> checked_add(timestamp t, duration d) noexcept;

/// True for instants from min_time to max_time.
constexpr bool in_range(timestamp t) noexcept { return t >= min_time && t <= max_time; }

/// "1h30m", "24h", "15m", "0s", "250ms": the inverse of parse_duration.
std::string format_duration(duration d);

/// RFC 3339 / ISO 8601 in UTC: "2026-03-04T09:00:00Z", with ".123" when there are
/// milliseconds. Defined for every instant: outside years 1..9999 (which only a damaged
/// database can hold) it writes ISO 8601's expanded form with a sign and at least six
/// year digits, "+292278994-08-17T07:12:55.807Z", never a wrapped date.
std::string format_iso(timestamp t);
/// Appends format_iso(t) to `out`; years 1970..9999 take a fast path that does not go
/// through iostreams (format_iso is the definition; a test holds them equal).
void append_iso(std::string& out, timestamp t);

/// Parses "2026-03-04T09:00:00Z", "2026-03-04T10:00:00+01:00", "2026-03-04T10:00" and
/// "2026-03-04" (seconds and ".fff" optional). Text without an offset is local time in
/// `zone`; with zone == nullptr it is rejected. A date alone is local midnight.
/// Instants outside min_time..max_time (year 0, or an offset that crosses the ends) are
/// rejected.
/// Local times that fall in a daylight-saving gap map to the instant the gap ends;
/// ambiguous ones (the repeated hour) map to the earlier instant.
std::optional<timestamp> parse_iso(std::string_view text, const date::time_zone* zone);

/// Local wall time in `zone` to UTC, with the same gap/overlap policy as parse_iso.
timestamp to_utc(local_timestamp local, const date::time_zone& zone);

/// UTC to local wall time in `zone`.
local_timestamp to_local(timestamp t, const date::time_zone& zone);

/// Looks up an IANA zone name ("Europe/Berlin", "UTC"); nullptr when unknown and for
/// names whose meaning depends on the host (is_host_dependent_zone).
const date::time_zone* find_zone(std::string_view name) noexcept;

/// "localtime": a name the host's time zone database resolves to whatever zone the
/// machine is set to, so a configuration or scenario using it would mean different
/// things on different machines. Refused wherever a zone is named.
bool is_host_dependent_zone(std::string_view name) noexcept;

/// Milliseconds since the Unix epoch, for storage.
inline std::int64_t to_epoch_ms(timestamp t) noexcept { return t.time_since_epoch().count(); }
inline timestamp from_epoch_ms(std::int64_t ms) noexcept { return timestamp{duration{ms}}; }

}  // namespace baton
