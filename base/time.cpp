#include "base/time.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <array>
#include <charconv>
#include <chrono>
#include <exception>

namespace baton {
namespace {

struct unit {
  std::string_view name;
  std::int64_t ms;
};

// Longest names first so "ms" is not read as "m" followed by garbage.
constexpr unit units[] = {{"ms", 1},          {"w", 7 * 86'400'000LL}, {"d", 86'400'000LL},
                          {"h", 3'600'000LL}, {"m", 60'000LL},         {"s", 1'000LL}};

bool read_int(std::string_view& s, std::size_t digits, int& out) {
  if (s.size() < digits) {
    return false;
  }
  int v = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    char c = s[i];
    if (c < '0' || c > '9') {
      return false;
    }
    v = v * 10 + (c - '0');
  }
  out = v;
  s.remove_prefix(digits);
  return true;
}

bool eat(std::string_view& s, char c) {
  if (!s.empty() && s.front() == c) {
    s.remove_prefix(1);
    return true;
  }
  return false;
}

}  // namespace

std::optional<duration> parse_duration(std::string_view text, bool* too_long) {
  if (too_long != nullptr) {
    *too_long = false;
  }
  if (text.empty()) {
    return std::nullopt;
  }
  std::int64_t total = 0;
  bool over = false;
  std::size_t last_rank = sizeof(units) / sizeof(units[0]) + 1;
  while (!text.empty()) {
    // Digits only: from_chars would also take a leading '-'.
    if (text.front() < '0' || text.front() > '9') {
      return std::nullopt;
    }
    std::int64_t n = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc::result_out_of_range) {
      over = true;
      while (ptr != text.data() + text.size() && *ptr >= '0' && *ptr <= '9') {
        ++ptr;
      }
    } else if (ec != std::errc{}) {
      return std::nullopt;
    }
    text.remove_prefix(static_cast<std::size_t>(ptr - text.data()));
    std::size_t rank = 0;
    bool found = false;
    for (; rank < sizeof(units) / sizeof(units[0]); ++rank) {
      if (text.starts_with(units[rank].name)) {
        // "m" must not swallow the "m" of "ms".
        found = true;
        break;
      }
    }
    if (!found) {
      return std::nullopt;
    }
    // Order of magnitude must fall: "1h30m" yes, "30m1h" no.
    std::size_t magnitude = rank == 0 ? 6 : rank;  // ms is the smallest unit
    if (last_rank <= sizeof(units) / sizeof(units[0]) && magnitude <= last_rank) {
      return std::nullopt;
    }
    last_rank = magnitude;
    // Each term and the running sum are compared with the limit before they are
    // formed, so no step can overflow however many large terms there are.
    const std::int64_t limit = max_duration.count();
    if (over || n > (limit - total) / units[rank].ms) {
      over = true;
    } else {
      total += n * units[rank].ms;
    }
    text.remove_prefix(units[rank].name.size());
  }
  if (over) {
    if (too_long != nullptr) {
      *too_long = true;
    }
    return std::nullopt;
  }
  return duration{total};
}

std::optional<timestamp> checked_add(timestamp t, duration d) noexcept {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(t.time_since_epoch().count(), d.count(), &sum)) {
    return std::nullopt;
  }
  timestamp out{duration{sum}};
  if (!in_range(out)) {
    return std::nullopt;
  }
  return out;
}

std::string format_duration(duration d) {
  std::int64_t signed_ms = d.count();
  if (signed_ms == 0) {
    return "0s";
  }
  std::string out;
  // The magnitude as unsigned: -INT64_MIN does not fit in a signed 64-bit integer.
  std::uint64_t ms = static_cast<std::uint64_t>(signed_ms);
  if (signed_ms < 0) {
    out += '-';
    ms = 0 - ms;
  }
  for (const auto& u : {units[2], units[3], units[4], units[5], units[0]}) {
    const auto size = static_cast<std::uint64_t>(u.ms);
    if (ms >= size) {
      out += std::to_string(ms / size);
      out += u.name;
      ms %= size;
    }
  }
  return out;
}

namespace {

struct civil_date {
  std::int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// Days since 1970-01-01 to a proleptic Gregorian date, in 64-bit arithmetic so every
// day a 64-bit millisecond count can reach converts exactly. Counts in 400-year eras
// of 146097 days, with years starting on 1 March so the leap day ends a year.
civil_date civil_from_days(std::int64_t z) noexcept {
  z += 719'468;
  const std::int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
  const std::int64_t doe = z - era * 146'097;                                // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;  // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);         // [0, 365]
  const std::int64_t mp = (5 * doy + 2) / 153;                               // [0, 11]
  const auto day = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const auto month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return civil_date{yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

void append_padded(std::string& out, std::uint64_t value, int width) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, value);
  for (auto n = static_cast<int>(res.ptr - buf); n < width; ++n) {
    out += '0';
  }
  out.append(buf, res.ptr);
}

}  // namespace

std::string format_iso(timestamp t) {
  const std::int64_t ms_total = t.time_since_epoch().count();
  constexpr std::int64_t ms_per_day = 86'400'000;
  // Floor division: the time of day of an instant before 1970 still counts upwards.
  std::int64_t days = ms_total / ms_per_day;
  std::int64_t in_day = ms_total % ms_per_day;
  if (in_day < 0) {
    in_day += ms_per_day;
    --days;
  }
  const civil_date c = civil_from_days(days);
  std::string out;
  out.reserve(32);
  if (c.year >= 1 && c.year <= 9999) {
    append_padded(out, static_cast<std::uint64_t>(c.year), 4);
  } else {
    // ISO 8601 expanded representation; year 0 is 1 BC, written "+000000".
    out += c.year < 0 ? '-' : '+';
    append_padded(out, c.year < 0 ? 0 - static_cast<std::uint64_t>(c.year) : static_cast<std::uint64_t>(c.year), 6);
  }
  out += '-';
  append_padded(out, c.month, 2);
  out += '-';
  append_padded(out, c.day, 2);
  out += 'T';
  const auto seconds = static_cast<std::uint64_t>(in_day / 1000);
  append_padded(out, seconds / 3600, 2);
  out += ':';
  append_padded(out, seconds / 60 % 60, 2);
  out += ':';
  append_padded(out, seconds % 60, 2);
  if (const auto ms = static_cast<std::uint64_t>(in_day % 1000); ms != 0) {
    out += '.';
    append_padded(out, ms, 3);
  }
  out += 'Z';
  return out;
}

timestamp to_utc(local_timestamp local, const date::time_zone& zone) {
  // date::choose::earliest resolves the repeated hour to its first occurrence and, for a
  // time inside a spring-forward gap, yields the instant at which the gap ends.
  return zone.to_sys(date::local_time<duration>{local.time_since_epoch()}, date::choose::earliest);
}

local_timestamp to_local(timestamp t, const date::time_zone& zone) {
  return local_timestamp{zone.to_local(t).time_since_epoch()};
}

bool is_host_dependent_zone(std::string_view name) noexcept { return name == "localtime"; }

const date::time_zone* find_zone(std::string_view name) noexcept {
  if (is_host_dependent_zone(name)) {
    return nullptr;
  }
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::optional<timestamp> parse_iso(std::string_view s, const date::time_zone* zone) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  if (!read_int(s, 4, y) || !eat(s, '-') || !read_int(s, 2, mo) || !eat(s, '-') || !read_int(s, 2, d)) {
    return std::nullopt;
  }
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  if (eat(s, 'T') || eat(s, 't') || eat(s, ' ')) {
    if (!read_int(s, 2, h) || !eat(s, ':') || !read_int(s, 2, mi)) {
      return std::nullopt;
    }
    if (eat(s, ':')) {
      if (!read_int(s, 2, sec)) {
        return std::nullopt;
      }
      if (eat(s, '.')) {
        int digits = 0;
        int frac = 0;
        while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
          if (digits < 3) {
            frac = frac * 10 + (s.front() - '0');
          }
          ++digits;
          s.remove_prefix(1);
        }
        if (digits == 0) {
          return std::nullopt;
        }
        for (int i = digits; i < 3; ++i) {
          frac *= 10;
        }
        ms = frac;
      }
    }
    if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi != 0 || sec != 0))) {
      return std::nullopt;
    }
  }
  auto local = local_timestamp{date::local_days{ymd}.time_since_epoch()} + std::chrono::hours{h} +
               std::chrono::minutes{mi} + std::chrono::seconds{sec} + duration{ms};
  if (y < 1) {
    return std::nullopt;  // year 0000: before min_time in any zone
  }
  if (s.empty()) {
    if (zone == nullptr) {
      return std::nullopt;
    }
    timestamp t = to_utc(local, *zone);
    return in_range(t) ? std::optional<timestamp>(t) : std::nullopt;
  }
  std::chrono::minutes offset{0};
  if (eat(s, 'Z') || eat(s, 'z')) {
    // UTC.
  } else {
    char sign = s.front();
    if (sign != '+' && sign != '-') {
      return std::nullopt;
    }
    s.remove_prefix(1);
    int oh = 0, om = 0;
    if (!read_int(s, 2, oh)) {
      return std::nullopt;
    }
    eat(s, ':');
    if (!s.empty() && !read_int(s, 2, om)) {
      return std::nullopt;
    }
    if (oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = std::chrono::hours{oh} + std::chrono::minutes{om};
    if (sign == '-') {
      offset = -offset;
    }
  }
  if (!s.empty()) {
    return std::nullopt;
  }
  timestamp t = timestamp{local.time_since_epoch()} - offset;
  return in_range(t) ? std::optional<timestamp>(t) : std::nullopt;
}

namespace {

// End of 9999-12-31 in epoch ms. From 1970 up to there format_iso writes four-digit
// years and non-negative milliseconds, and the fast path below agrees with it; other
// instants go through format_iso itself.
constexpr std::int64_t fast_iso_end_ms = 253'402'300'800'000;

void append_digits(std::string& out, unsigned value, int width) {
  std::array<char, 8> buf{};
  for (int i = width - 1; i >= 0; --i) {
    buf[static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buf.data(), static_cast<std::size_t>(width));
}

}  // namespace

void append_iso(std::string& out, timestamp t) {
  std::int64_t ms = to_epoch_ms(t);
  if (ms < 0 || ms >= fast_iso_end_ms) {
    out += format_iso(t);
    return;
  }
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd{day};
  auto in_day = static_cast<unsigned>((t - day).count());
  append_digits(out, static_cast<unsigned>(static_cast<int>(ymd.year())), 4);
  out += '-';
  append_digits(out, static_cast<unsigned>(ymd.month()), 2);
  out += '-';
  append_digits(out, static_cast<unsigned>(ymd.day()), 2);
  out += 'T';
  append_digits(out, in_day / 3'600'000, 2);
  out += ':';
  append_digits(out, in_day / 60'000 % 60, 2);
  out += ':';
  append_digits(out, in_day / 1'000 % 60, 2);
  if (in_day % 1000 != 0) {
    out += '.';
    append_digits(out, in_day % 1000, 3);
  }
  out += 'Z';
}

}  // namespace baton
