// The time vocabulary at its edges: durations that would overflow, instants outside
// years 1..9999, and zone names whose meaning depends on the host.
#include <catch2/catch.hpp>

#include <date/date.h>
#include <date/tz.h>

#include <cstdint>
#include <limits>

#include "base/time.hpp"

using namespace baton;

namespace {

timestamp utc(std::string_view text) { return *parse_iso(text, nullptr); }

}  // namespace

TEST_CASE("durations: units combine largest first", "[base][time]") {
  CHECK(parse_duration("1h30m") == std::chrono::minutes{90});
  CHECK(parse_duration("250ms") == duration{250});
  CHECK(parse_duration("1w2d") == std::chrono::days{9});
  CHECK_FALSE(parse_duration("30m1h"));
  CHECK_FALSE(parse_duration("-5m"));
  CHECK_FALSE(parse_duration("+5m"));
  CHECK_FALSE(parse_duration("5"));
  CHECK_FALSE(parse_duration(""));
}

TEST_CASE("durations: a sum past the limit is refused, never wrapped", "[base][time]") {
  bool too_long = false;
  // Each unit fits in 64 bits on its own; their sum does not (shared/robustness F01).
  CHECK_FALSE(parse_duration("3812571113w26687997791d640511947003h38430716820228m2305843009213693s", &too_long));
  CHECK(too_long);
  CHECK_FALSE(parse_duration("99999999999999999999999s", &too_long));
  CHECK(too_long);
  CHECK_FALSE(parse_duration("36500d1ms", &too_long));
  CHECK(too_long);
  CHECK(parse_duration("36500d", &too_long) == max_duration);
  CHECK_FALSE(too_long);
  CHECK_FALSE(parse_duration("1x", &too_long));
  CHECK_FALSE(too_long);
}

TEST_CASE("durations: format_duration is defined for every value", "[base][time]") {
  CHECK(format_duration(std::chrono::minutes{90}) == "1h30m");
  CHECK(format_duration(duration{0}) == "0s");
  CHECK(format_duration(duration{-1500}) == "-1s500ms");
  CHECK(format_duration(duration{std::numeric_limits<std::int64_t>::min()}).starts_with("-106751991167d"));
}

TEST_CASE("instants: checked_add stays within years 1..9999", "[base][time]") {
  CHECK(checked_add(utc("2026-01-01T00:00:00Z"), std::chrono::hours{24}) == utc("2026-01-02T00:00:00Z"));
  CHECK(checked_add(max_time, duration{0}) == max_time);
  CHECK_FALSE(checked_add(max_time, duration{1}));
  CHECK_FALSE(checked_add(min_time, duration{-1}));
  CHECK_FALSE(checked_add(timestamp{duration{std::numeric_limits<std::int64_t>::max()}}, duration{1}));
  CHECK_FALSE(checked_add(utc("9999-01-01T00:00:00Z"), max_duration));
}

TEST_CASE("instants: format_iso matches date for the whole range and is exact beyond it", "[base][time]") {
  CHECK(format_iso(utc("2026-03-04T09:00:00Z")) == "2026-03-04T09:00:00Z");
  CHECK(format_iso(utc("2026-03-04T09:00:00.123Z")) == "2026-03-04T09:00:00.123Z");
  CHECK(format_iso(min_time) == "0001-01-01T00:00:00Z");
  CHECK(format_iso(max_time) == "9999-12-31T23:59:59.999Z");
  CHECK(format_iso(timestamp{duration{-1}}) == "1969-12-31T23:59:59.999Z");
  CHECK(format_iso(timestamp{duration{std::numeric_limits<std::int64_t>::max()}}) ==
        "+292278994-08-17T07:12:55.807Z");
  CHECK(format_iso(timestamp{duration{std::numeric_limits<std::int64_t>::min()}}) ==
        "-292275055-05-16T16:47:04.192Z");
  CHECK(format_iso(min_time - duration{1}) == "+000000-12-31T23:59:59.999Z");
  // Agrees with Howard Hinnant's date on a spread of days, leap days and negative years
  // within the range.
  for (std::int64_t ms = min_time.time_since_epoch().count(); ms < max_time.time_since_epoch().count();
       ms += 86'400'000LL * 997 + 3'601'001) {
    timestamp t{duration{ms}};
    INFO(ms);
    std::string expected = ms % 1000 == 0 ? date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(t))
                                          : date::format("%FT%TZ", t);
    CHECK(format_iso(t) == expected);
  }
}

TEST_CASE("instants: years outside 1..9999 are refused at input", "[base][time]") {
  CHECK_FALSE(parse_iso("0000-06-01T00:00:00Z", nullptr));
  CHECK(parse_iso("0001-01-01T00:00:00Z", nullptr) == min_time);
  CHECK_FALSE(parse_iso("0001-01-01T00:00:00+01:00", nullptr));
  CHECK_FALSE(parse_iso("9999-12-31T23:59:59-01:00", nullptr));
  CHECK(parse_iso("9999-12-31T23:59:59.999Z", nullptr) == max_time);
  CHECK_FALSE(parse_iso("10000-01-01T00:00:00Z", nullptr));
  CHECK_FALSE(parse_iso("-0001-01-01T00:00:00Z", nullptr));
  const date::time_zone* tokyo = find_zone("Asia/Tokyo");
  REQUIRE(tokyo != nullptr);
  CHECK_FALSE(parse_iso("0001-01-01T05:00", tokyo));
}

TEST_CASE("zones: host-dependent names are refused", "[base][time]") {
  CHECK(find_zone("UTC") != nullptr);
  CHECK(find_zone("Europe/Berlin") != nullptr);
  CHECK(is_host_dependent_zone("localtime"));
  CHECK(find_zone("localtime") == nullptr);
  CHECK(find_zone("../../../etc/passwd") == nullptr);
  CHECK(find_zone("") == nullptr);
}
