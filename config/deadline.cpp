// Deadlines: elapsed durations ("24h") or business days ("5 business days", "5bd").
#include <cctype>
#include <charconv>
#include <string>
#include <utility>

#include "config/loader.hpp"

namespace baton::config {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
    s.remove_suffix(1);
  }
  return s;
}

// Hours as the largest unit: deadlines are read as "24h" or "72h", not "1d" or "3d".
std::string format_elapsed(duration d) {
  if (d.count() <= 0) {
    return "0s";
  }
  std::string out;
  std::int64_t ms = d.count();
  constexpr std::pair<std::int64_t, std::string_view> units[] = {
      {3'600'000, "h"}, {60'000, "m"}, {1'000, "s"}, {1, "ms"}};
  for (const auto& [size, name] : units) {
    if (ms >= size) {
      out += std::to_string(ms / size);
      out += name;
      ms %= size;
    }
  }
  return out;
}

}  // namespace

std::optional<deadline_spec> parse_deadline(std::string_view text) {
  text = trim(text);
  if (text.empty()) {
    return std::nullopt;
  }
  // Business days: a count, then "bd" or "business day(s)", with or without a space.
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    ++digits;
  }
  if (digits > 0 && digits < text.size()) {
    std::string_view unit = trim(text.substr(digits));
    if (unit == "bd" || unit == "business day" || unit == "business days") {
      int n = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + digits, n);
      // Zero business days would be "the end of today", which nobody means; a year of
      // business days is a typo, not a deadline.
      if (ec != std::errc{} || ptr != text.data() + digits || n < 1 || n > 366) {
        return std::nullopt;
      }
      deadline_spec d;
      d.type = deadline_spec::kind::business_days;
      d.business_days = n;
      return d;
    }
  }
  auto elapsed = parse_duration(text);
  if (!elapsed) {
    return std::nullopt;
  }
  deadline_spec d;
  d.type = deadline_spec::kind::elapsed;
  d.elapsed = *elapsed;
  return d;
}

std::string to_string(const deadline_spec& d) {
  switch (d.type) {
    case deadline_spec::kind::none:
      return "";
    case deadline_spec::kind::elapsed:
      return format_elapsed(d.elapsed);
    case deadline_spec::kind::business_days:
      return std::to_string(d.business_days) + (d.business_days == 1 ? " business day" : " business days");
  }
  return "";
}

}  // namespace baton::config
