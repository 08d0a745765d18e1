#pragma once
// Deadlines: elapsed durations, or business days in the organisation's calendar.
#include "base/time.hpp"
#include "config/organisation.hpp"

namespace baton::engine {

/// True when `day` (local to the calendar's zone) is a work day and not a holiday.
bool is_business_day(const config::business_calendar& cal, config::civil_day day) noexcept;

/// When a deadline started at `start` falls due. Elapsed durations ignore calendars and
/// daylight saving (24h is 24 real hours). N business days end at the end of the Nth
/// business day after the local day of `start`: 24:00 local time, converted through
/// `zone` so a daylight-saving change in between shifts the UTC instant, not the local.
timestamp deadline_after(timestamp start, const config::deadline_spec& spec,
                         const config::business_calendar& cal, const date::time_zone& zone);

}  // namespace baton::engine
