// parse_deadline and to_string(deadline_spec).
#include <catch2/catch.hpp>

#include "config/loader.hpp"

using namespace baton;
using namespace baton::config;
using namespace std::chrono_literals;

TEST_CASE("deadlines: durations and business days", "[config]") {
  auto elapsed = parse_deadline("24h");
  REQUIRE(elapsed.has_value());
  CHECK(elapsed->type == deadline_spec::kind::elapsed);
  CHECK(elapsed->elapsed == 24h);
  CHECK(parse_deadline("1h30m")->elapsed == 90min);
  CHECK(parse_deadline("0s")->type == deadline_spec::kind::elapsed);

  for (const char* text : {"5 business days", "5bd", "5 bd", "5 business day", " 5 business days "}) {
    INFO(text);
    auto d = parse_deadline(text);
    REQUIRE(d.has_value());
    CHECK(d->type == deadline_spec::kind::business_days);
    CHECK(d->business_days == 5);
  }
  CHECK(parse_deadline("1 business day")->business_days == 1);

  for (const char* text : {"", "24", "24 hours", "0 business days", "-1bd", "5 working days", "business days",
                           "5 business daysx", "1.5bd", "400bd"}) {
    INFO(text);
    CHECK_FALSE(parse_deadline(text).has_value());
  }
}

TEST_CASE("deadlines print the way they are written", "[config]") {
  CHECK(to_string(*parse_deadline("24h")) == "24h");
  CHECK(to_string(*parse_deadline("90m")) == "1h30m");
  CHECK(to_string(*parse_deadline("2d")) == "48h");
  CHECK(to_string(*parse_deadline("90s")) == "1m30s");
  CHECK(to_string(*parse_deadline("5bd")) == "5 business days");
  CHECK(to_string(*parse_deadline("1 business day")) == "1 business day");
  CHECK(to_string(deadline_spec{}).empty());
}
