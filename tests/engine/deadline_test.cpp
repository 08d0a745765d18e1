#include <catch2/catch.hpp>

#include <date/tz.h>

#include "config/loader.hpp"
#include "engine/deadline.hpp"
#include "engine/holder_resolver.hpp"
#include "tests/engine/harness.hpp"

using namespace baton;
using namespace std::chrono_literals;

namespace {

config::business_calendar berlin_calendar() {
  config::business_calendar cal;  // Mon-Fri by default
  for (const char* d : {"2026-12-24", "2026-12-25", "2026-12-26", "2027-01-01", "2027-03-26", "2027-03-29"}) {
    auto t = parse_iso(d, find_zone("UTC"));
    cal.holidays.push_back(static_cast<config::civil_day>(
        std::chrono::floor<std::chrono::days>(t->time_since_epoch()).count()));
  }
  std::sort(cal.holidays.begin(), cal.holidays.end());
  return cal;
}

timestamp utc(const char* iso) { return *parse_iso(iso, nullptr); }

config::deadline_spec business_days(int n) {
  config::deadline_spec d;
  d.type = config::deadline_spec::kind::business_days;
  d.business_days = n;
  return d;
}

}  // namespace

TEST_CASE("business days skip the weekend and end at local midnight", "[engine][deadline]") {
  const auto& berlin = *find_zone("Europe/Berlin");
  auto cal = berlin_calendar();
  // Friday 2026-11-27 16:00 CET + 1 business day: the end of Monday 30th, local.
  CHECK(engine::deadline_after(utc("2026-11-27T15:00:00Z"), business_days(1), cal, berlin) ==
        utc("2026-11-30T23:00:00Z"));
  // Started on a Saturday: Monday is the first business day after it.
  CHECK(engine::deadline_after(utc("2026-11-28T10:00:00Z"), business_days(1), cal, berlin) ==
        utc("2026-11-30T23:00:00Z"));
  // 5 business days from Monday: the end of the following Monday.
  CHECK(engine::deadline_after(utc("2026-11-23T08:00:00Z"), business_days(5), cal, berlin) ==
        utc("2026-11-30T23:00:00Z"));
}

TEST_CASE("business days skip holidays in the organisation's zone", "[engine][deadline]") {
  const auto& berlin = *find_zone("Europe/Berlin");
  auto cal = berlin_calendar();
  // Wednesday 23 Dec 14:00 CET, 2 business days: 24-27 are holidays and the weekend, so
  // Monday 28 and Tuesday 29; due at the end of the 29th, Berlin time.
  CHECK(engine::deadline_after(utc("2026-12-23T13:00:00Z"), business_days(2), cal, berlin) ==
        utc("2026-12-29T23:00:00Z"));
  // Late on 23 Dec in UTC is already 24 Dec in Berlin: the local day counts, not UTC's.
  CHECK(engine::deadline_after(utc("2026-12-23T23:30:00Z"), business_days(1), cal, berlin) ==
        utc("2026-12-28T23:00:00Z"));
}

TEST_CASE("a business-day deadline across the spring daylight-saving change is exact", "[engine][deadline]") {
  const auto& berlin = *find_zone("Europe/Berlin");
  auto cal = berlin_calendar();
  // Thursday 25 March 2027 10:00 CET; Friday 26 (Good Friday) and Monday 29 (Easter
  // Monday) are holidays, clocks go forward on Sunday 28. One business day: Tuesday 30,
  // ending at 24:00 CEST = 22:00 UTC (it would be 23:00 UTC in winter time).
  CHECK(engine::deadline_after(utc("2027-03-25T09:00:00Z"), business_days(1), cal, berlin) ==
        utc("2027-03-30T22:00:00Z"));
}

TEST_CASE("elapsed deadlines are real hours, whatever the local clock does", "[engine][deadline]") {
  const auto& berlin = *find_zone("Europe/Berlin");
  config::deadline_spec d;
  d.type = config::deadline_spec::kind::elapsed;
  d.elapsed = 24h;
  // Saturday 27 March 2027 12:00 CET + 24h = Sunday 13:00 CEST: 24 real hours.
  auto due = engine::deadline_after(utc("2027-03-27T11:00:00Z"), d, berlin_calendar(), berlin);
  CHECK(due == utc("2027-03-28T11:00:00Z"));
  CHECK(engine::format_local(due, &berlin) == "2027-03-28 13:00 CEST");
}

TEST_CASE("parse_deadline reads durations and business days", "[engine][deadline]") {
  auto a = config::parse_deadline("24h");
  REQUIRE(a.has_value());
  CHECK(a->type == config::deadline_spec::kind::elapsed);
  CHECK(a->elapsed == 24h);
  auto b = config::parse_deadline("5 business days");
  REQUIRE(b.has_value());
  CHECK(b->type == config::deadline_spec::kind::business_days);
  CHECK(b->business_days == 5);
  CHECK(config::to_string(*b) == "5 business days");
  CHECK_FALSE(config::parse_deadline("soon").has_value());
}

TEST_CASE("the engine's business-day target breaches at the end of the right local day", "[engine][deadline]") {
  // The special rule has a 2-business-day target. Triggered Wednesday 23 Dec 2026 at
  // 10:00 in Berlin, it is due at the end of Tuesday 29 Dec (holidays 24-26, weekend).
  test::harness h(test::testco_yaml(), "2026-12-23T10:00:00");
  auto id = h.submit("intake", "chat", "k1");
  REQUIRE(h.eng->acknowledge(id, "bea").has_value());
  h.advance(24h * 8);
  auto breaches = h.records("deadline.breached");
  REQUIRE(breaches.size() == 1);
  CHECK(breaches[0].at == utc("2026-12-29T23:00:00Z"));
  CHECK_THAT(breaches[0].details, Catch::Contains("\"role\":\"dpo\""));
}
