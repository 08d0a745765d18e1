// Scenario files against the reference organisation: a valid one is read into the model
// with every time resolved and every default filled; each broken one is refused with the
// exact file:line:column of the mistake and a clear message.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "simulate/scenario.hpp"
#include "tests/support/test_support.hpp"

using namespace baton;
using namespace std::chrono_literals;
using simulate::expectation;
using simulate::injection;

namespace {

// 2026-11-23 is a Monday; 09:00 in Berlin (CET, UTC+1) is 08:00 UTC.
timestamp utc(int day, int hour, int minute = 0) {
  return timestamp{std::chrono::sys_days{std::chrono::year{2026} / 11 / day}} + std::chrono::hours{hour} +
         std::chrono::minutes{minute};
}

const timestamp start_utc = utc(23, 8);

std::string valid_scenario() {
  return R"(name: Hallucination with customer harm
description: |
  The chat assistant quotes wrong loan terms to customers.
config: COMPEL
start: 2026-11-23T09:00:00
seed: 42
length: 3d
responders:
  default:
    delay: {lognormal: {median: 10m, p90: 45m}}
    never: 5%
  people:
    amara:
      delay: 5m
      working_hours_only: true
      unavailable:
        - {from: +1d, until: +1d4h, reason: flight}
        - {from: +2h, until: 2026-11-23T12:00}
    lukas:
      delay: {exponential: {mean: 20m}}
      never: 0.1
    mei:
      delay: {uniform: {low: 5m, high: 30m}}
      working_hours_only: false
    daniel:
      delay: {fixed: 15m}
timeline:
  - at: +6h
    resolve: {incident: chat-1, by: amara, note: rolled back}
  - at: +0m
    event:
      incident: chat-1
      type: incident
      system: chat-assist
      severity: high
      summary: Wrong loan terms quoted
      source: monitoring
      attrs: {customer_harm: true, users: 120, region: eu, ticket: "42", note: ~}
  - at: +2h
    acknowledge: {incident: chat-1, person: amara}
  - at: +1h
    reassign: {role: bu_owner, to: ines, business_unit: retail}
  - at: +1h
    out_of_office: {person: lukas, until: +2d, delegate: mei, reason: family emergency}
  - at: 2026-11-23T15:00
    event: {type: drift, system: credit-scoring}
expect:
  - accountable: [caio, gc]
    by: +24h
    incident: chat-1
    probability: 95%
  - accountable: caio
    at: +3h
    exactly: false
  - engaged: [caio]
    by: +1h
  - notified: [board]
    within: 24h
  - notified: compliance
    by: 2026-11-24T09:00
    incident: chat-1
  - latency: t6
  - latency: all
    within: 30m
  - reachable: all
  - reachable: [caio, gc]
    incident: event-6
  - not: {accountable: [board], by: +24h}
    probability: 0.9
)";
}

// A scenario file in a temporary directory, written from text in which COMPEL stands
// for the reference organisation's absolute path. Broken cases are one small edit each;
// positions are found by searching the text, independently of the YAML parser.
class scenario_file {
 public:
  explicit scenario_file(std::string text = valid_scenario()) : text_(std::move(text)) {
    if (text_.find("config: COMPEL") != std::string::npos) {
      replace("config: COMPEL", "config: " + test::compel_config().string());
    }
  }

  scenario_file& replace(std::string_view from, std::string_view to) {
    auto first = text_.find(from);
    INFO("snippet: " << from);
    REQUIRE(first != std::string::npos);
    REQUIRE(text_.find(from, first + 1) == std::string::npos);
    text_.replace(first, from.size(), to);
    return *this;
  }

  /// "file:line:column" of the only occurrence of `needle`, plus `offset` characters.
  std::string at(std::string_view needle, int offset = 0) const {
    auto pos = text_.find(needle);
    INFO("needle: " << needle);
    REQUIRE(pos != std::string::npos);
    REQUIRE(text_.find(needle, pos + 1) == std::string::npos);
    pos += static_cast<std::size_t>(offset);
    auto line_start = pos == 0 ? std::string::npos : text_.rfind('\n', pos - 1);
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    auto line = 1 + std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(pos), '\n');
    return path().string() + ":" + std::to_string(line) + ":" + std::to_string(pos - line_start + 1);
  }

  std::filesystem::path path() const { return dir_.path() / "scenario.yaml"; }
  const test::temp_dir& dir() const { return dir_; }

  simulate::scenario_result load() const {
    dir_.write("scenario.yaml", text_);
    return simulate::load_scenario(path());
  }

 private:
  std::string text_;
  test::temp_dir dir_;
};

std::string where(const config::diagnostic& d) {
  return d.at.file + ":" + std::to_string(d.at.line) + ":" + std::to_string(d.at.column);
}

std::string dump(const simulate::scenario_result& r) {
  std::string out;
  for (const auto& d : r.diagnostics.items()) {
    out += config::to_string(d) + "\n";
  }
  return out;
}

std::vector<config::diagnostic> errors_containing(const simulate::scenario_result& r, std::string_view fragment) {
  std::vector<config::diagnostic> out;
  for (const auto& d : r.diagnostics.items()) {
    if (d.level == config::severity::error && config::to_string(d).find(fragment) != std::string::npos) {
      out.push_back(d);
    }
  }
  return out;
}

// Loading failed with exactly one error, at `position`, containing `fragment`.
void expect_only_error(const simulate::scenario_result& r, const std::string& position, std::string_view fragment) {
  INFO(dump(r));
  CHECK_FALSE(r.value.has_value());
  REQUIRE(r.diagnostics.error_count() == 1);
  auto found = errors_containing(r, fragment);
  REQUIRE(found.size() == 1);
  CHECK(where(found.front()) == position);
  CHECK(config::to_string(found.front()).starts_with(position + ": error: "));
}

// Loading failed with an error at `position` containing `fragment` (others may follow
// from the same mistake).
void expect_error(const simulate::scenario_result& r, const std::string& position, std::string_view fragment) {
  INFO(dump(r));
  CHECK_FALSE(r.value.has_value());
  auto found = errors_containing(r, fragment);
  REQUIRE(found.size() == 1);
  CHECK(where(found.front()) == position);
}

const rules::attribute_value* attr(const engine::event& e, std::string_view key) {
  return rules::find_attribute(e.attrs, key);
}

}  // namespace

TEST_CASE("a valid scenario is read with every time resolved", "[simulate][scenario]") {
  scenario_file f;
  auto r = f.load();
  INFO(dump(r));
  REQUIRE(r.value.has_value());
  CHECK(r.diagnostics.error_count() == 0);
  const simulate::scenario& sc = *r.value;

  CHECK(sc.name == "Hallucination with customer harm");
  CHECK(sc.description == "The chat assistant quotes wrong loan terms to customers.\n");
  CHECK(sc.path == f.path());
  CHECK(sc.config_path == test::compel_config());
  REQUIRE(sc.org != nullptr);
  CHECK(sc.org->name == "Compel Financial Group");
  // No zone of its own: the organisation's.
  CHECK(sc.zone_name == "Europe/Berlin");
  CHECK(sc.zone == sc.org->zone);
  CHECK(sc.start == start_utc);
  CHECK(sc.length == 72h);
  CHECK(sc.end() == utc(26, 8));
  CHECK(sc.seed == 42);
  CHECK(sc.seed_given);
}

TEST_CASE("a valid scenario's responders", "[simulate][scenario]") {
  auto r = scenario_file().load();
  INFO(dump(r));
  REQUIRE(r.value.has_value());
  const simulate::scenario& sc = *r.value;

  const auto& def = sc.default_responder;
  REQUIRE(def.delay.has_value());
  CHECK(def.delay->type() == simulate::delay_model::kind::lognormal);
  CHECK(def.delay->describe() == "lognormal median 10m p90 45m");
  REQUIRE(def.never.has_value());
  CHECK(*def.never == Approx(0.05));
  CHECK_FALSE(def.working_hours_only.has_value());
  CHECK(def.unavailable.empty());

  REQUIRE(sc.responders.size() == 4);
  const auto& amara = sc.responders.at("amara");
  CHECK(amara.delay->describe() == "fixed 5m");
  CHECK_FALSE(amara.never.has_value());
  CHECK(amara.working_hours_only == std::optional<bool>{true});
  // Sorted by from; relative times count from the start, absolute ones are local.
  REQUIRE(amara.unavailable.size() == 2);
  CHECK(amara.unavailable[0].from == start_utc + 2h);
  CHECK(amara.unavailable[0].until == utc(23, 11));
  CHECK(amara.unavailable[0].reason.empty());
  CHECK(amara.unavailable[1].from == start_utc + 24h);
  CHECK(amara.unavailable[1].until == start_utc + 28h);
  CHECK(amara.unavailable[1].reason == "flight");
  CHECK(amara.at.line == 14);

  CHECK(sc.responders.at("lukas").delay->describe() == "exponential mean 20m");
  CHECK(*sc.responders.at("lukas").never == Approx(0.1));
  CHECK(sc.responders.at("mei").delay->describe() == "uniform 5m..30m");
  CHECK(sc.responders.at("mei").working_hours_only == std::optional<bool>{false});
  CHECK(sc.responders.at("daniel").delay->describe() == "fixed 15m");
}

TEST_CASE("a valid scenario's timeline is in time order, file order among equal times", "[simulate][scenario]") {
  auto r = scenario_file().load();
  INFO(dump(r));
  REQUIRE(r.value.has_value());
  const auto& tl = r.value->timeline;
  REQUIRE(tl.size() == 6);

  const injection& open = tl[0];
  CHECK(open.type == injection::kind::event);
  CHECK(open.time.at == start_utc);
  CHECK(open.time.offset == 0ms);
  CHECK(open.time.text == "+0m");
  CHECK(open.incident == "chat-1");
  CHECK(open.event.dedup_key == "chat-1");
  CHECK(open.event.type == "incident");
  CHECK(open.event.system == "chat-assist");
  CHECK(open.event.severity == "high");
  CHECK(open.event.summary == "Wrong loan terms quoted");
  CHECK(open.event.source == "monitoring");
  REQUIRE(open.event.attrs.size() == 5);
  CHECK(*attr(open.event, "customer_harm") == rules::attribute_value{true});
  CHECK(*attr(open.event, "users") == rules::attribute_value{120.0});
  CHECK(*attr(open.event, "region") == rules::attribute_value{std::string{"eu"}});
  // Quoted, a number stays text.
  CHECK(*attr(open.event, "ticket") == rules::attribute_value{std::string{"42"}});
  CHECK(std::holds_alternative<std::monostate>(*attr(open.event, "note")));
  CHECK(open.at.line == 30);

  CHECK(tl[1].type == injection::kind::reassign);
  CHECK(tl[1].time.offset == 1h);
  CHECK(tl[1].role == "bu_owner");
  CHECK(tl[1].person == "ines");
  CHECK(tl[1].business_unit == "retail");

  CHECK(tl[2].type == injection::kind::out_of_office);
  CHECK(tl[2].time.offset == 1h);
  CHECK(tl[2].person == "lukas");
  CHECK(tl[2].delegate == "mei");
  CHECK(tl[2].note == "family emergency");
  REQUIRE(tl[2].until.has_value());
  CHECK(tl[2].until->at == start_utc + 48h);
  CHECK(tl[2].until->text == "+2d");

  CHECK(tl[3].type == injection::kind::acknowledge);
  CHECK(tl[3].time.at == start_utc + 2h);
  CHECK(tl[3].incident == "chat-1");
  CHECK(tl[3].person == "amara");

  // Written first, at +6h; the unnamed event at the same moment was written last.
  CHECK(tl[4].type == injection::kind::resolve);
  CHECK(tl[4].time.at == start_utc + 6h);
  CHECK(tl[4].incident == "chat-1");
  CHECK(tl[4].person == "amara");
  CHECK(tl[4].note == "rolled back");
  CHECK(tl[4].at.line == 28);

  CHECK(tl[5].type == injection::kind::event);
  CHECK(tl[5].time.at == start_utc + 6h);
  CHECK(tl[5].time.offset == 6h);
  CHECK(tl[5].time.text == "2026-11-23T15:00");
  CHECK(tl[5].incident == "event-6");
  CHECK(tl[5].event.dedup_key == "event-6");
  CHECK(tl[5].event.type == "drift");
  CHECK(tl[5].event.source == "scenario");
  CHECK(tl[5].event.severity.empty());
}

TEST_CASE("a valid scenario's expectations, with their phrasing", "[simulate][scenario]") {
  auto r = scenario_file().load();
  INFO(dump(r));
  REQUIRE(r.value.has_value());
  const auto& ex = r.value->expectations;
  REQUIRE(ex.size() == 10);

  CHECK(ex[0].type == expectation::kind::accountable);
  CHECK(ex[0].roles == std::vector<std::string>{"caio", "gc"});
  CHECK(ex[0].when == expectation::timing::by);
  CHECK(ex[0].time->at == start_utc + 24h);
  CHECK(ex[0].incident == "chat-1");
  CHECK(ex[0].exactly);
  CHECK(ex[0].min_probability == Approx(0.95));
  CHECK_FALSE(ex[0].negated);
  CHECK(ex[0].text == "accountable by +24h on chat-1: exactly caio, gc");

  CHECK(ex[1].roles == std::vector<std::string>{"caio"});
  CHECK(ex[1].when == expectation::timing::at);
  CHECK(ex[1].time->offset == 3h);
  CHECK_FALSE(ex[1].exactly);
  CHECK(ex[1].incident.empty());
  CHECK(ex[1].min_probability == 1.0);
  CHECK(ex[1].text == "accountable at +3h: including caio");

  CHECK(ex[2].type == expectation::kind::engaged);
  CHECK(ex[2].text == "caio engaged by +1h");

  CHECK(ex[3].type == expectation::kind::notified);
  CHECK(ex[3].when == expectation::timing::none);
  CHECK_FALSE(ex[3].time.has_value());
  CHECK(ex[3].within == std::optional<duration>{24h});
  CHECK(ex[3].text == "board notified within 24h of opening");

  CHECK(ex[4].when == expectation::timing::by);
  CHECK(ex[4].time->at == utc(24, 8));
  CHECK(ex[4].text == "compliance notified by 2026-11-24T09:00 on chat-1");

  CHECK(ex[5].type == expectation::kind::latency);
  CHECK(ex[5].rule == "t6");
  CHECK_FALSE(ex[5].within.has_value());
  CHECK(ex[5].text == "latency of t6 within its target");
  CHECK(ex[6].rule.empty());
  CHECK(ex[6].within == std::optional<duration>{30min});
  CHECK(ex[6].text == "latency of every escalation within 30m");

  CHECK(ex[7].type == expectation::kind::reachable);
  CHECK(ex[7].roles.empty());
  CHECK(ex[7].text == "every role reachable");
  CHECK(ex[8].roles == std::vector<std::string>{"caio", "gc"});
  CHECK(ex[8].text == "caio, gc reachable on event-6");

  CHECK(ex[9].type == expectation::kind::accountable);
  CHECK(ex[9].negated);
  CHECK(ex[9].roles == std::vector<std::string>{"board"});
  CHECK(ex[9].min_probability == Approx(0.9));
  CHECK(ex[9].text == "not: accountable by +24h: exactly board");
  // The mark of a negation is the outer entry's.
  CHECK(ex[9].at.line == 68);
}

TEST_CASE("a minimal scenario takes the defaults", "[simulate][scenario]") {
  scenario_file f(R"(name: Minimal
config: COMPEL
start: 2026-11-23T09:00:00Z
timeline:
  - at: +5m
    event: {type: anomaly}
)");
  auto r = f.load();
  INFO(dump(r));
  REQUIRE(r.value.has_value());
  const simulate::scenario& sc = *r.value;
  CHECK(sc.description.empty());
  CHECK(sc.start == utc(23, 9));  // written with Z: not local
  CHECK(sc.zone_name == "Europe/Berlin");
  CHECK(sc.length == 7 * 24h);
  CHECK(sc.seed == 1);
  CHECK_FALSE(sc.seed_given);
  CHECK_FALSE(sc.default_responder.delay.has_value());
  CHECK_FALSE(sc.default_responder.never.has_value());
  CHECK(sc.responders.empty());
  CHECK(sc.expectations.empty());
  REQUIRE(sc.timeline.size() == 1);
  CHECK(sc.timeline[0].incident == "event-1");
  CHECK(sc.timeline[0].event.system.empty());
  CHECK(sc.timeline[0].event.source == "scenario");
}

TEST_CASE("a scenario's own zone reads its local times, and config is relative to its folder", "[simulate][scenario]") {
  test::temp_dir dir;
  // A copy of the reference organisation, whose files include one another by relative
  // paths: configuration files may include only files below their own folder.
  std::filesystem::create_directories(dir.path() / "org");
  for (const auto& entry : std::filesystem::directory_iterator(test::compel_config().parent_path())) {
    if (entry.path().extension() == ".yaml") {
      std::filesystem::copy_file(entry.path(), dir.path() / "org" / entry.path().filename());
    }
  }
  dir.write("exercises/tokyo.yaml", R"(name: Tokyo desk
config: ../org/baton.yaml
zone: Asia/Tokyo
start: 2026-11-23T09:00
length: 1d
timeline:
  - at: 2026-11-23T18:00
    event: {type: anomaly, system: fraud-detect}
)");
  auto r = simulate::load_scenario(dir.path() / "exercises" / "tokyo.yaml");
  INFO(dump(r));
  REQUIRE(r.value.has_value());
  CHECK(r.value->config_path == dir.path() / "org" / "baton.yaml");
  CHECK(r.value->zone_name == "Asia/Tokyo");
  CHECK(r.value->start == utc(23, 0));  // 09:00 in Tokyo (UTC+9)
  CHECK(r.value->timeline[0].time.offset == 9h);
}

TEST_CASE("intervals may reach beyond the exercise but moments may not", "[simulate][scenario]") {
  scenario_file f;
  f.replace("{from: +1d, until: +1d4h, reason: flight}", "{from: 2026-11-20T09:00, until: +5d, reason: flight}");
  f.replace("        - {from: +2h, until: 2026-11-23T12:00}\n", "");
  f.replace("until: +2d", "until: +10d");
  auto r = f.load();
  INFO(dump(r));
  REQUIRE(r.value.has_value());
  const auto& away = r.value->responders.at("amara").unavailable;
  REQUIRE(away.size() == 1);
  CHECK(away[0].from == utc(20, 8));
  CHECK(away[0].until == start_utc + 5 * 24h);
  CHECK(r.value->timeline[2].until->at == start_utc + 10 * 24h);
}

// --- broken scenarios: one mistake each ----------------------------------------------

TEST_CASE("an unknown key is an error with a suggestion", "[simulate][scenario]") {
  scenario_file f;
  f.replace("length: 3d", "lenght: 3d");
  expect_only_error(f.load(), f.at("lenght"),
                    "unknown key \"lenght\" in the scenario (allowed: name, description, config, start, zone, seed, "
                    "length, responders, timeline, expect); did you mean \"length\"?");
}

TEST_CASE("an unknown key in a timeline event", "[simulate][scenario]") {
  scenario_file f;
  f.replace("      severity: high\n", "      severty: high\n");
  expect_only_error(f.load(), f.at("severty"), "unknown key \"severty\" in event");
}

TEST_CASE("an unknown person is reported with a suggestion", "[simulate][scenario]") {
  scenario_file f;
  f.replace("acknowledge: {incident: chat-1, person: amara}", "acknowledge: {incident: chat-1, person: amra}");
  expect_only_error(f.load(), f.at("amra"), "unknown person \"amra\" in acknowledge (did you mean \"amara\"?)");
}

TEST_CASE("an unknown person among the responders", "[simulate][scenario]") {
  scenario_file f;
  f.replace("    daniel:\n", "    danial:\n");
  expect_only_error(f.load(), f.at("danial"),
                    "unknown person \"danial\" in responders.people (did you mean \"daniel\"?)");
}

TEST_CASE("an unknown delegate and a delegate to oneself", "[simulate][scenario]") {
  SECTION("unknown") {
    scenario_file f;
    f.replace("delegate: mei", "delegate: meii");
    expect_only_error(f.load(), f.at("meii"),
                      "unknown person \"meii\" in out_of_office.delegate (did you mean \"mei\"?)");
  }
  SECTION("oneself") {
    scenario_file f;
    f.replace("delegate: mei", "delegate: lukas");
    expect_only_error(f.load(), f.at("lukas, reason"), "delegate: lukas cannot delegate to themselves");
  }
}

TEST_CASE("an unknown role in an expectation", "[simulate][scenario]") {
  scenario_file f;
  f.replace("  - accountable: [caio, gc]\n", "  - accountable: [caio, gcc]\n");
  expect_only_error(f.load(), f.at("gcc"), "unknown role \"gcc\" in accountable (did you mean \"gc\"?)");
}

TEST_CASE("an unknown system in an event", "[simulate][scenario]") {
  scenario_file f;
  f.replace("system: chat-assist", "system: chat-asist");
  expect_only_error(f.load(), f.at("chat-asist"),
                    "unknown system \"chat-asist\" in event (did you mean \"chat-assist\"?)");
}

TEST_CASE("an event type or severity the organisation does not know", "[simulate][scenario]") {
  SECTION("type") {
    scenario_file f;
    f.replace("type: drift", "type: drfit");
    expect_only_error(f.load(), f.at("drfit"), "unknown event type \"drfit\" in event (did you mean \"drift\"?)");
  }
  SECTION("severity") {
    scenario_file f;
    f.replace("severity: high", "severity: severe");
    expect_only_error(f.load(), f.at("severe"),
                      "severity: unknown severity \"severe\" (expected info, low, medium, high or critical)");
  }
  SECTION("no type") {
    scenario_file f;
    f.replace("event: {type: drift, system: credit-scoring}", "event: {system: credit-scoring}");
    expect_only_error(f.load(), f.at("{system: credit-scoring}"), "missing required key \"type\" in event");
  }
}

TEST_CASE("an unknown rule in a latency expectation", "[simulate][scenario]") {
  scenario_file f;
  f.replace("latency: t6", "latency: t66");
  expect_only_error(f.load(), f.at("t66"), "unknown rule \"t66\" in latency (did you mean \"t6\"?)");
}

TEST_CASE("a bad duration", "[simulate][scenario]") {
  scenario_file f;
  f.replace("length: 3d", "length: 3days");
  expect_only_error(f.load(), f.at("3days"), "length: bad duration \"3days\"");
}

TEST_CASE("a bad relative time", "[simulate][scenario]") {
  scenario_file f;
  f.replace("  - at: +2h\n", "  - at: +2 hours\n");
  expect_only_error(f.load(), f.at("+2 hours"), "at: bad time \"+2 hours\" (expected +<duration> after the start");
}

TEST_CASE("a log-normal delay whose median is not below its p90", "[simulate][scenario]") {
  scenario_file f;
  f.replace("{median: 10m, p90: 45m}", "{median: 45m, p90: 10m}");
  expect_only_error(f.load(), f.at("{median: 45m"),
                    "lognormal: a log-normal delay needs 0 < median < p90 (median 45m, p90 10m)");
}

TEST_CASE("a delay with two distributions or an unknown one", "[simulate][scenario]") {
  SECTION("two") {
    scenario_file f;
    f.replace("delay: {fixed: 15m}", "delay: {fixed: 15m, exponential: {mean: 5m}}");
    expect_only_error(f.load(), f.at("{mean: 5m}"), "delay: one distribution only, found fixed and exponential");
  }
  SECTION("unknown") {
    scenario_file f;
    f.replace("delay: {fixed: 15m}", "delay: {normal: 15m}");
    expect_only_error(f.load(), f.at("{normal", 1), "unknown key \"normal\" in delay");
  }
  SECTION("uniform the wrong way round") {
    scenario_file f;
    f.replace("{low: 5m, high: 30m}", "{low: 30m, high: 5m}");
    expect_only_error(f.load(), f.at("{low: 30m"),
                      "uniform: a uniform delay needs 0 <= low <= high (low 30m, high 5m)");
  }
}

TEST_CASE("a probability out of range", "[simulate][scenario]") {
  SECTION("percentage") {
    scenario_file f;
    f.replace("probability: 95%", "probability: 150%");
    expect_only_error(f.load(), f.at("150%"), "probability: 150% is out of range (0% to 100%)");
  }
  SECTION("fraction") {
    scenario_file f;
    f.replace("never: 0.1", "never: 1.5");
    expect_only_error(f.load(), f.at("1.5"), "never: 1.5 is out of range (0 to 1, or a percentage such as 95%)");
  }
  SECTION("not a number") {
    scenario_file f;
    f.replace("never: 5%", "never: sometimes");
    expect_only_error(f.load(), f.at("sometimes"),
                      "never: expected a probability such as 95% or 0.95, found \"sometimes\"");
  }
}

TEST_CASE("a time before the start or after the end", "[simulate][scenario]") {
  SECTION("before") {
    scenario_file f;
    f.replace("  - at: 2026-11-23T15:00\n", "  - at: 2026-11-22T15:00\n");
    expect_only_error(f.load(), f.at("2026-11-22T15:00"),
                      "at: 2026-11-22T15:00 is before the exercise starts (2026-11-23 09:00 CET)");
  }
  SECTION("after") {
    scenario_file f;
    f.replace("  - at: +2h\n", "  - at: +4d\n");
    // The acknowledge now comes after the resolve, too.
    expect_error(f.load(), f.at("+4d"),
                 "at: +4d is after the exercise ends (start + length 3d = 2026-11-26 09:00 CET)");
  }
  SECTION("an expectation's time") {
    scenario_file f;
    f.replace("    by: +24h\n    incident: chat-1", "    by: +73h\n    incident: chat-1");
    expect_only_error(f.load(), f.at("+73h"), "by: +73h is after the exercise ends");
  }
}

TEST_CASE("until must come after from, and after the entry's at", "[simulate][scenario]") {
  SECTION("unavailable") {
    scenario_file f;
    f.replace("{from: +1d, until: +1d4h, reason: flight}", "{from: +1d, until: +1d, reason: flight}");
    expect_only_error(f.load(), f.at("+1d, reason", 0), "until (+1d) must be after from (+1d)");
  }
  SECTION("out_of_office") {
    scenario_file f;
    f.replace("until: +2d", "until: +30m");
    expect_only_error(f.load(), f.at("+30m"), "until (+30m) must be after the entry's at (+1h)");
  }
}

TEST_CASE("acknowledging an incident no event opens", "[simulate][scenario]") {
  scenario_file f;
  f.replace("acknowledge: {incident: chat-1, person: amara}", "acknowledge: {incident: chat-2, person: amara}");
  expect_only_error(f.load(), f.at("chat-2"),
                    "unknown incident \"chat-2\" in acknowledge: no event of the timeline opens it (did you mean "
                    "\"chat-1\"?)");
}

TEST_CASE("an expectation about an incident no event opens", "[simulate][scenario]") {
  scenario_file f;
  f.replace("    incident: event-6\n", "    incident: event-5\n");
  expect_only_error(f.load(), f.at("event-5"), "unknown incident \"event-5\" in reachable");
}

TEST_CASE("acknowledging before the incident's first event", "[simulate][scenario]") {
  scenario_file f;
  f.replace("  - at: +2h\n    acknowledge", "  - at: +0m\n    acknowledge");
  f.replace("  - at: +0m\n    event:", "  - at: +1m\n    event:");
  expect_only_error(f.load(), f.at("chat-1, person: amara"),
                    "acknowledge of chat-1 at +0m comes before its first event at +1m (line 30)");
}

TEST_CASE("acknowledging or reopening a resolved incident", "[simulate][scenario]") {
  SECTION("acknowledge") {
    scenario_file f;
    f.replace("  - at: +2h\n    acknowledge", "  - at: +7h\n    acknowledge");
    expect_only_error(f.load(), f.at("chat-1, person: amara"),
                      "acknowledge of chat-1 at +7h comes after it was resolved at +6h (line 28)");
  }
  SECTION("a later event") {
    scenario_file f;
    f.replace("event: {type: drift, system: credit-scoring}", "event: {incident: chat-1, type: drift}");
    // Written after the resolve at the same moment: it comes after it.
    // (The expectation about event-6 is now about an incident no event opens, too.)
    expect_error(f.load(), f.at("chat-1, type: drift"),
                 "event for incident chat-1 at 2026-11-23T15:00 comes after it was resolved at +6h (line 28)");
  }
}

TEST_CASE("a timeline entry with two actions, or none", "[simulate][scenario]") {
  SECTION("two") {
    scenario_file f;
    f.replace("    acknowledge: {incident: chat-1, person: amara}\n",
              "    acknowledge: {incident: chat-1, person: amara}\n    resolve: {incident: chat-1}\n");
    expect_only_error(f.load(), f.at("{incident: chat-1}\n"),
                      "timeline entry has two actions (acknowledge and resolve); give each its own entry");
  }
  SECTION("none") {
    scenario_file f;
    f.replace("  - at: +2h\n    acknowledge: {incident: chat-1, person: amara}\n", "  - at: +2h\n");
    expect_only_error(f.load(), f.at("at: +2h"), "timeline entry has no action");
  }
}

TEST_CASE("a timeline entry without at", "[simulate][scenario]") {
  scenario_file f;
  f.replace("  - at: +2h\n    acknowledge: {incident: chat-1, person: amara}\n",
            "  - acknowledge: {incident: chat-1, person: amara}\n");
  expect_only_error(f.load(), f.at("acknowledge: {"), "missing required key \"at\" in timeline entry");
}

TEST_CASE("a not inside a not", "[simulate][scenario]") {
  scenario_file f;
  f.replace("  - not: {accountable: [board], by: +24h}\n", "  - not: {not: {accountable: [board], by: +24h}}\n");
  expect_only_error(f.load(), f.at("{accountable: [board]"), "not: a not inside a not is not allowed");
}

TEST_CASE("expectations with the wrong modifiers", "[simulate][scenario]") {
  SECTION("a time on reachable") {
    scenario_file f;
    f.replace("  - reachable: all\n", "  - reachable: all\n    by: +1h\n");
    expect_only_error(f.load(), f.at("+1h\n  - reachable: [caio"),
                      "by: does not apply to reachable (it takes incident and probability)");
  }
  SECTION("accountable without a time") {
    scenario_file f;
    f.replace("    at: +3h\n    exactly: false\n", "    exactly: false\n");
    expect_only_error(f.load(), f.at("accountable: caio"), "accountable: give at");
  }
  SECTION("notified with both by and within") {
    scenario_file f;
    f.replace("    within: 24h\n", "    within: 24h\n    by: +1h\n");
    expect_only_error(f.load(), f.at("24h\n    by: +1h"), "notified: give by (a time of the exercise) or within");
  }
  SECTION("probability inside not") {
    scenario_file f;
    f.replace("{accountable: [board], by: +24h}", "{accountable: [board], by: +24h, probability: 50%}");
    expect_only_error(f.load(), f.at("50%"), "probability: goes beside not, not inside it");
  }
  SECTION("by beside not") {
    scenario_file f;
    f.replace("    probability: 0.9\n", "    by: +2h\n");
    expect_only_error(f.load(), f.at("by: +2h", 4), "by: belongs inside not");
  }
  SECTION("two forms") {
    scenario_file f;
    f.replace("  - engaged: [caio]\n", "  - engaged: [caio]\n    notified: [board]\n");
    expect_only_error(f.load(), f.at("[board]\n    by: +1h"), "expectation has two forms (engaged and notified)");
  }
}

TEST_CASE("a business-unit role reassigned without its business unit, and the reverse", "[simulate][scenario]") {
  SECTION("scoped role without business_unit") {
    scenario_file f;
    f.replace("reassign: {role: bu_owner, to: ines, business_unit: retail}", "reassign: {role: bu_owner, to: ines}");
    expect_only_error(f.load(), f.at("{role: bu_owner"),
                      "reassign: role bu_owner is scoped to business units, so business_unit is required (one of "
                      "retail, wealth, operations)");
  }
  SECTION("organisation role with business_unit") {
    scenario_file f;
    f.replace("reassign: {role: bu_owner, to: ines, business_unit: retail}",
              "reassign: {role: caio, to: mei, business_unit: retail}");
    expect_only_error(f.load(), f.at("retail}"), "business_unit: role caio is not scoped to business units");
  }
  SECTION("unknown business unit") {
    scenario_file f;
    f.replace("business_unit: retail}", "business_unit: retial}");
    expect_only_error(f.load(), f.at("retial"),
                      "unknown business unit \"retial\" in reassign (did you mean \"retail\"?)");
  }
}

TEST_CASE("overlapping unavailability", "[simulate][scenario]") {
  scenario_file f;
  f.replace("{from: +2h, until: 2026-11-23T12:00}", "{from: +2h, until: +1d1h}");
  // Reported at the one written later, naming the other.
  expect_only_error(f.load(), f.at("{from: +2h"),
                    "unavailable: interval +2h .. +1d1h of responder amara overlaps the one at " + f.at("{from: +1d,") +
                        " (+1d .. +1d4h)");
}

TEST_CASE("a YAML syntax error is reported where the parser stopped", "[simulate][scenario]") {
  scenario_file f;
  f.replace("name: Hallucination with customer harm", "name: Hallucination: customer harm");
  expect_only_error(f.load(), f.at("Hallucination: customer", 13), "YAML syntax: illegal map value");
}

TEST_CASE("a configuration with errors: its diagnostics come through", "[simulate][scenario]") {
  scenario_file f;
  std::string broken = R"(organisation:
  name: Broken
  time_zone: Mars/Olympus_Mons
)";
  auto config = f.dir().write("broken.yaml", broken);
  f.replace("config: " + test::compel_config().string(), "config: broken.yaml");
  auto r = f.load();
  INFO(dump(r));
  CHECK_FALSE(r.value.has_value());
  // The configuration's own error, in its own file...
  auto zone = errors_containing(r, "unknown time zone \"Mars/Olympus_Mons\"");
  REQUIRE(zone.size() == 1);
  CHECK(zone.front().at.file == config.string());
  CHECK(zone.front().at.line == 3);
  CHECK(zone.front().at.column == 14);
  // ...and one in the scenario saying why it cannot run.
  auto here = errors_containing(r, "config: the configuration " + config.string() + " has ");
  REQUIRE(here.size() == 1);
  CHECK(where(here.front()) == f.at("broken.yaml"));
}

TEST_CASE("a configuration that does not exist", "[simulate][scenario]") {
  scenario_file f;
  f.replace("config: " + test::compel_config().string(), "config: nowhere/baton.yaml");
  expect_only_error(f.load(), f.at("nowhere"),
                    "config: configuration file " + (f.dir().path() / "nowhere" / "baton.yaml").string() +
                        " does not exist");
}

TEST_CASE("a scenario file that does not exist, is a directory or is too large", "[simulate][scenario]") {
  test::temp_dir dir;
  SECTION("missing") {
    auto r = simulate::load_scenario(dir.path() / "missing.yaml");
    REQUIRE(r.diagnostics.error_count() == 1);
    CHECK(config::to_string(r.diagnostics.items()[0]) ==
          (dir.path() / "missing.yaml").string() + ": error: scenario file " + (dir.path() / "missing.yaml").string() +
              " does not exist");
    CHECK_FALSE(r.value.has_value());
  }
  SECTION("directory") {
    auto r = simulate::load_scenario(dir.path());
    REQUIRE(r.diagnostics.error_count() == 1);
    CHECK_THAT(r.diagnostics.items()[0].message, Catch::Contains("is a directory"));
  }
  SECTION("too large") {
    auto big = dir.write("big.yaml", "name: big\n");
    std::filesystem::resize_file(big, (16u << 20) + 1);  // sparse: nothing is written
    auto r = simulate::load_scenario(big);
    REQUIRE(r.diagnostics.error_count() == 1);
    CHECK_THAT(r.diagnostics.items()[0].message,
               Catch::Contains("is 16777217 bytes; a scenario file may have at most 16777216 bytes"));
  }
}

TEST_CASE("missing required keys of the scenario", "[simulate][scenario]") {
  scenario_file f("name: x\n");
  auto r = f.load();
  INFO(dump(r));
  CHECK_FALSE(r.value.has_value());
  CHECK(errors_containing(r, "missing required key \"config\" in the scenario").size() == 1);
  CHECK(errors_containing(r, "missing required key \"start\" in the scenario").size() == 1);
  CHECK(errors_containing(r, "missing required key \"timeline\" in the scenario").size() == 1);
  CHECK(r.diagnostics.error_count() == 3);
}

TEST_CASE("an event named like another's automatic name", "[simulate][scenario]") {
  scenario_file f;
  f.replace("      incident: chat-1\n", "      incident: event-6\n");
  auto r = f.load();
  expect_error(r, f.at("event-6\n      type"), "incident name event-6 is the name of the unnamed event at line 45");
}
