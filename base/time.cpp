#include "base/time.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <charconv>
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

std::optional<duration> parse_duration(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  std::int64_t total = 0;
  std::size_t last_rank = sizeof(units) / sizeof(units[0]) + 1;
  while (!text.empty()) {
    std::int64_t n = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || ptr == text.data() || n < 0) {
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
    if (n > (INT64_MAX / 4) / units[rank].ms) {
      return std::nullopt;
    }
    total += n * units[rank].ms;
    text.remove_prefix(units[rank].name.size());
  }
  return duration{total};
}

std::string format_duration(duration d) {
  std::int64_t ms = d.count();
  if (ms == 0) {
    return "0s";
  }
  std::string out;
  if (ms < 0) {
    out += '-';
    ms = -ms;
  }
  for (const auto& u : {units[2], units[3], units[4], units[5], units[0]}) {
    if (ms >= u.ms) {
      out += std::to_string(ms / u.ms);
      out += u.name;
      ms %= u.ms;
    }
  }
  return out;
}

std::string format_iso(timestamp t) {
  auto ms = t.time_since_epoch().count() % 1000;
  if (ms == 0) {
    return date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(t));
  }
  return date::format("%FT%TZ", t);
}

timestamp to_utc(local_timestamp local, const date::time_zone& zone) {
  // date::choose::earliest resolves the repeated hour to its first occurrence and, for a
  // time inside a spring-forward gap, yields the instant at which the gap ends.
  return zone.to_sys(date::local_time<duration>{local.time_since_epoch()}, date::choose::earliest);
}

local_timestamp to_local(timestamp t, const date::time_zone& zone) {
  return local_timestamp{zone.to_local(t).time_since_epoch()};
}

const date::time_zone* find_zone(std::string_view name) noexcept {
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
  if (s.empty()) {
    if (zone == nullptr) {
      return std::nullopt;
    }
    return to_utc(local, *zone);
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
  return timestamp{local.time_since_epoch()} - offset;
}

}  // namespace baton
