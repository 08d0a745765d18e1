#include "engine/deadline.hpp"

#include <algorithm>

#include <date/date.h>
#include <date/tz.h>

namespace baton::engine {

bool is_business_day(const config::business_calendar& cal, config::civil_day day) noexcept {
  auto wd = date::weekday{date::sys_days{date::days{day}}}.c_encoding();  // 0 = Sunday
  if (!cal.work_days[wd]) {
    return false;
  }
  return !std::binary_search(cal.holidays.begin(), cal.holidays.end(), day);
}

timestamp deadline_after(timestamp start, const config::deadline_spec& spec,
                         const config::business_calendar& cal, const date::time_zone& zone) {
  using kind = config::deadline_spec::kind;
  switch (spec.type) {
    case kind::none:
      return start;
    case kind::elapsed:
      return start + spec.elapsed;
    case kind::business_days:
      break;
  }
  auto local = to_local(start, zone);
  auto day = static_cast<config::civil_day>(
      std::chrono::floor<std::chrono::days>(local.time_since_epoch()).count());
  // A calendar with no work day at all would never end; validation rejects it, and the
  // bound keeps a bad calendar from hanging the engine.
  int counted = 0;
  for (int guard = 0; counted < spec.business_days && guard < 3660; ++guard) {
    ++day;
    if (is_business_day(cal, day)) {
      ++counted;
    }
  }
  auto end_of_day = local_timestamp{std::chrono::days{day + 1}};
  return to_utc(end_of_day, zone);
}

}  // namespace baton::engine
