// The after-action report's three renderings, from a report built by hand: Markdown has
// the lines a reader looks for, HTML is self-contained and escapes what came from files,
// and JSON parses back and is the same bytes every time.
#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/text.hpp"
#include "simulate/report.hpp"

using namespace baton;
using namespace std::chrono_literals;
using namespace simulate;

namespace {

std::size_t count(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) {
    ++n;
  }
  return n;
}

page_attempt page(timestamp at, std::string person, std::string name, std::string as_role, std::string rung,
                  std::string reason = {}) {
  return {at, std::move(person), std::move(name), std::move(as_role), std::move(rung), std::move(reason)};
}

notification_entry note(timestamp at, std::int64_t incident, std::string kind, std::string person, std::string name,
                        std::string role, std::string rule, std::string outcome, std::string response) {
  notification_entry n;
  n.at = at;
  n.incident_id = incident;
  n.kind = std::move(kind);
  n.person = std::move(person);
  n.person_name = std::move(name);
  n.role = std::move(role);
  n.rule = std::move(rule);
  n.notifier = "email";
  n.outcome = std::move(outcome);
  n.response = std::move(response);
  return n;
}

// Latencies of a skewed distribution at the quantiles 0, 1/255, ..., 1, as the runner
// stores them: deterministic, no random numbers.
std::vector<duration> cdf(duration base, duration scale, std::size_t points = 256) {
  std::vector<duration> out;
  for (std::size_t i = 0; i < points; ++i) {
    const double q = static_cast<double>(i) / static_cast<double>(points - 1);
    const double v = static_cast<double>(base.count()) - static_cast<double>(scale.count()) * std::log(1 - q * 0.99);
    out.push_back(duration{static_cast<std::int64_t>(v)});
  }
  return out;
}

// met and P(met) as the runner would count them from the stored latencies.
void count_met(rule_distribution& d) {
  const auto within = std::count_if(d.cdf.begin(), d.cdf.end(), [&](duration v) { return v <= *d.target; });
  d.met = d.engaged * within / static_cast<std::int64_t>(d.cdf.size());
  d.p_met = static_cast<double>(d.met) / static_cast<double>(d.escalations);
}

// Two incidents over a seven-day exercise whose action fills the first five hours: spans
// ending in each state, pages with holder reasons, a failed delivery, a refused
// acknowledgement, one failed expectation, gaps and a Monte Carlo summary.
exercise_report sample() {
  exercise_report r;
  r.name = "Drift on the credit model";
  r.description = "Tabletop for the model risk committee: drift on a credit model and a bias complaint.";
  r.scenario_file = "exercises/credit-drift.yaml";
  r.organisation = "Compel Ltd";
  r.config_version = "3f2a9c1";
  r.zone_name = "Europe/Berlin";
  r.zone = find_zone("Europe/Berlin");
  r.start = *parse_iso("2026-11-24T08:00:00Z", nullptr);  // 09:00 in Berlin
  r.end = r.start + 7 * 24h;
  r.seed = 42;
  r.passed = false;
  const auto at = [&](duration d) { return r.start + d; };

  incident_summary drift;
  drift.id = 1;
  drift.name = "credit-drift";
  drift.system = "credit-scoring";
  drift.system_name = "Credit scoring model";
  drift.type = "model.drift";
  drift.severity = "high";
  drift.summary = "PSI 0.31 on income <script>alert(1)</script>";
  drift.opened_at = at(0ms);
  drift.resolved_at = at(4h + 10min);
  drift.fired_rules = {"severity-high", "unowned-to-board"};
  incident_summary bias;
  bias.id = 2;
  bias.name = "bias-complaint";
  bias.system = "hiring-screener";
  bias.system_name = "Hiring screener";
  bias.type = "complaint.received";
  bias.severity = "medium";
  bias.summary = "Applicant reports | rejections by postcode";
  bias.opened_at = at(1h + 20min);
  bias.fired_rules = {"complaint-to-ethics"};
  r.incidents = {drift, bias};
  r.roles = {"model-owner", "risk-officer", "ethics-lead", "dpo", "board"};

  accountability_span a;  // routed, engaged by the backup
  a.escalation_id = 1;
  a.incident_id = 1;
  a.role = "model-owner";
  a.role_title = "Model owner";
  a.from = at(0ms);
  a.until = at(4h + 10min);
  a.target_at = at(1h);
  a.engaged_at = at(27min);
  a.engaged_by = "mei";
  a.end = span_end::engaged;
  a.stepped_in = step_in::backup;
  a.pages = {page(at(0ms), "amara", "Amara Okafor", "model-owner", "primary amara"),
             page(at(15min), "mei", "Mei Lin", "model-owner", "backup 1 mei",
                  "amara: no acknowledgement within 15m")};
  accountability_span b;  // unowned after a breach
  b.escalation_id = 2;
  b.incident_id = 1;
  b.role = "risk-officer";
  b.role_title = "Chief Risk Officer";
  b.rule = "severity-high";
  b.from = at(30min);
  b.until = at(4h + 10min);  // accountable, unowned, until the incident was resolved
  b.target_at = at(2h);
  b.unowned_at = at(2h + 30min);
  b.end = span_end::unowned;
  b.breached = true;
  b.pages = {page(at(30min), "lukas", "Lukas Berg", "risk-officer", "backup 1 lukas",
                  "helena out of office until 2026-11-30 09:00 CET"),
             page(at(1h + 30min), "lukas", "Lukas Berg", "risk-officer", "backup 1 lukas (round 2)",
                  "helena out of office until 2026-11-30 09:00 CET")};
  accountability_span c;  // the board steps in
  c.escalation_id = 3;
  c.incident_id = 1;
  c.role = "board";
  c.role_title = "AI governance board";
  c.rule = "unowned-to-board";
  c.from = at(2h + 30min);
  c.until = at(4h + 10min);
  c.engaged_at = at(2h + 50min);
  c.engaged_by = "ingrid";
  c.end = span_end::engaged;
  c.stepped_in = step_in::primary;
  c.pages = {page(at(2h + 30min), "ingrid", "Ingrid Holm", "board", "chair ingrid")};
  accountability_span d;  // moved on before anyone engaged
  d.escalation_id = 4;
  d.incident_id = 2;
  d.role = "model-owner";
  d.role_title = "Model owner";
  d.from = at(1h + 20min);
  d.until = at(1h + 50min);
  d.end = span_end::ended;
  d.pages = {page(at(1h + 20min), "amara", "Amara Okafor", "model-owner", "primary amara")};
  accountability_span e;  // engaged, runs to the end
  e.escalation_id = 5;
  e.incident_id = 2;
  e.role = "ethics-lead";
  e.role_title = "Ethics lead";
  e.rule = "complaint-to-ethics";
  e.from = at(1h + 50min);
  e.until = r.end;
  e.target_at = at(1h + 50min + 24h);
  e.engaged_at = at(2h + 5min);
  e.engaged_by = "noor";
  e.end = span_end::engaged;
  e.stepped_in = step_in::primary;
  e.pages = {page(at(1h + 50min), "noor", "Noor Haddad", "ethics-lead", "primary noor")};
  accountability_span f;  // still paging at the end
  f.escalation_id = 6;
  f.incident_id = 2;
  f.role = "dpo";
  f.role_title = "Data protection officer";
  f.rule = "complaint-to-ethics";
  f.from = at(1h + 50min);
  f.until = r.end;
  f.target_at = at(4h + 50min);
  f.end = span_end::open;
  f.breached = true;
  f.pages = {page(at(1h + 50min), "sam", "Sam Ortiz", "dpo", "primary sam")};
  r.spans = {a, b, c, d, e, f};

  r.notifications = {
      note(at(0ms), 1, "page", "amara", "Amara Okafor", "model-owner", "", "delivered", "no answer | on leave"),
      note(at(15min), 1, "page", "mei", "Mei Lin", "model-owner", "", "delivered", "acknowledged after 12m"),
      note(at(30min), 1, "page", "lukas", "Lukas Berg", "risk-officer", "severity-high", "delivered", "no answer"),
      note(at(30min), 1, "inform", "pia", "Pia Weber", "comms", "severity-high", "delivered", ""),
      note(at(1h), 1, "reminder", "lukas", "Lukas Berg", "risk-officer", "severity-high",
           "failed: SMTP 550 mailbox unavailable", ""),
      note(at(1h + 20min), 2, "page", "amara", "Amara Okafor", "model-owner", "", "delivered", "no answer"),
      note(at(1h + 30min), 1, "page", "lukas", "Lukas Berg", "risk-officer", "severity-high", "delivered",
           "no answer"),
      note(at(1h + 50min), 2, "page", "noor", "Noor Haddad", "ethics-lead", "complaint-to-ethics", "delivered",
           "acknowledged after 15m"),
      note(at(1h + 50min), 2, "page", "sam", "Sam Ortiz", "dpo", "complaint-to-ethics", "delivered",
           "no answer: never"),
      note(at(2h), 1, "breach", "ingrid", "Ingrid Holm", "board", "severity-high", "delivered", ""),
      note(at(2h + 30min), 1, "unowned", "ingrid", "Ingrid Holm", "board", "severity-high", "delivered", ""),
      note(at(2h + 30min), 1, "page", "ingrid", "Ingrid Holm", "board", "unowned-to-board", "delivered",
           "acknowledged after 20m"),
  };
  r.acknowledgements = {
      {at(27min), 1, "mei", true, {"model-owner"}, ""},
      {at(1h + 55min), 2, "amara", false, {}, "model-owner is no longer accountable for incident 2"},
      {at(2h + 5min), 2, "noor", true, {"ethics-lead"}, ""},
      {at(2h + 50min), 1, "ingrid", true, {"board"}, ""},
  };
  r.latencies = {
      {1, "", "model-owner", at(0ms), 1h, "1h", 27min, true},
      {1, "severity-high", "risk-officer", at(30min), 90min, "90m", std::nullopt, false},
      {1, "unowned-to-board", "board", at(2h + 30min), std::nullopt, "", 20min, true},
      {2, "", "model-owner", at(1h + 20min), 1h, "1h", std::nullopt, false},
      {2, "complaint-to-ethics", "ethics-lead", at(1h + 50min), 24h, "1 business day", 15min, true},
      {2, "complaint-to-ethics", "dpo", at(1h + 50min), 3h, "3h", std::nullopt, false},
  };
  r.gaps = {
      {"unanswered", 1, "model-owner", "", at(15min), "amara did not answer the page within 15m"},
      {"breached", 1, "risk-officer", "severity-high", at(2h), "risk-officer was not engaged by its target"},
      {"never_engaged", 1, "risk-officer", "severity-high", at(2h + 30min),
       "nobody engaged for risk-officer: helena out of office, lukas did not answer"},
      {"breached", 2, "dpo", "complaint-to-ethics", at(4h + 50min), "dpo was not engaged by its target"},
  };
  r.timeline = {
      {at(0ms), 1, 1, "scenario", "incident.opened", "credit-drift opened on Credit scoring model"},
      {at(0ms), 3, 1, "engine", "holder.resolved", "Amara Okafor paged for model-owner"},
      {at(15min), 6, 1, "engine", "escalation.unacknowledged", "nobody answered: backup 1 mei paged"},
      {at(27min), 0, 1, "responder:mei", "responder.acknowledged", "mei acknowledges after 12m"},
      {at(30min), 9, 1, "engine", "rule.fired", "severity-high fired"},
      {at(1h + 20min), 14, 2, "scenario", "incident.opened", "bias-complaint opened on Hiring screener"},
      {at(2h), 20, 1, "engine", "deadline.breached", "risk-officer missed its target"},
      {at(2h + 30min), 22, 1, "engine", "incident.unowned", "every rung of risk-officer spent"},
      {at(4h + 10min), 30, 1, "scenario", "incident.resolved", "credit-drift resolved"},
      {at(4h + 50min), 31, 2, "engine", "deadline.breached", "dpo missed its target"},
  };
  r.expectations = {
      {"model-owner engaged by +1h for credit-drift", "exercises/credit-drift.yaml:41:5", true,
       "engaged at +27m by mei", 1, 1, 1.0},
      {"risk-officer engaged by +2h for credit-drift", "exercises/credit-drift.yaml:44:5", false,
       "risk-officer was never engaged: helena out of office, lukas did not answer", 1, 0, 1.0},
      {"escalations of severity-high engaged within target", "exercises/credit-drift.yaml:47:5", false, "", 200, 163,
       0.9},
  };

  monte_carlo_summary mc;
  mc.runs = 200;
  rule_distribution routing;
  routing.target_spec = "1h";
  routing.target = 1h;
  routing.escalations = 400;
  routing.engaged = 396;
  routing.cdf = cdf(2min, 12min);
  count_met(routing);
  routing.p50 = routing.cdf[127];
  routing.p90 = routing.cdf[229];
  routing.p99 = routing.cdf[252];
  routing.max = routing.cdf.back();
  rule_distribution high;
  high.rule = "severity-high";
  high.description = "high severity goes to the risk officer";
  high.target_spec = "90m";
  high.target = 90min;
  high.escalations = 200;
  high.engaged = 150;
  high.cdf = cdf(5min, 30min);
  count_met(high);
  high.p50 = high.cdf[127];
  high.p90 = high.cdf[229];
  high.p99 = high.cdf[252];
  high.max = high.cdf.back();
  rule_distribution ethics;
  ethics.rule = "complaint-to-ethics";
  ethics.description = "complaints go to ethics and the DPO";
  ethics.target_spec = "1 business day";
  ethics.escalations = 400;
  ethics.engaged = 210;
  ethics.met = 205;
  ethics.p_met = 205.0 / 400.0;
  ethics.cdf = cdf(10min, 3h, 40);
  ethics.p50 = ethics.cdf[20];
  ethics.p90 = ethics.cdf[36];
  ethics.p99 = ethics.cdf[39];
  ethics.max = ethics.cdf.back();
  mc.rules = {routing, high, ethics};
  mc.roles = {{"board", "AI governance board", 50, 48, 0, 0, 2, 1},
              {"dpo", "Data protection officer", 200, 20, 5, 0, 175, 0},
              {"ethics-lead", "Ethics lead", 200, 180, 10, 0, 10, 0},
              {"model-owner", "Model owner", 400, 300, 96, 0, 4, 0},
              {"risk-officer", "Chief Risk Officer", 200, 30, 120, 0, 50, 50}};
  r.monte_carlo = mc;
  return r;
}

template <typename F>
std::string render(const exercise_report& r, F write) {
  std::ostringstream out;
  write(r, out);
  return out.str();
}

}  // namespace

TEST_CASE("span ends and step-ins have stable names", "[report]") {
  CHECK(to_string(span_end::engaged) == "engaged");
  CHECK(to_string(span_end::unowned) == "unowned");
  CHECK(to_string(span_end::ended) == "ended");
  CHECK(to_string(span_end::open) == "open");
  CHECK(to_string(step_in::primary) == "primary");
  CHECK(to_string(step_in::backup) == "backup");
  CHECK(to_string(step_in::escalates_to) == "escalates_to");
  CHECK(to_string(step_in::none) == "none");
}

TEST_CASE("the Markdown report has the result, every expectation and its tables", "[report]") {
  const auto r = sample();
  const auto md = render(r, write_markdown);
  CHECK(md.find("# Exercise: Drift on the credit model\n") == 0);
  CHECK(md.find("- Result: **FAILED** (1 of 3 expectations held)") != std::string::npos);
  CHECK(md.find("Organisation: Compel Ltd (configuration version 3f2a9c1)") != std::string::npos);
  CHECK(md.find("- Start: 2026-11-24 09:00 CET (Europe/Berlin)") != std::string::npos);
  CHECK(md.find("- Seed: 42") != std::string::npos);
  CHECK(md.find("- ✔ model-owner engaged by +1h for credit-drift (exercises/credit-drift.yaml:41:5)") !=
        std::string::npos);
  CHECK(md.find("- ✘ risk-officer engaged by +2h for credit-drift (exercises/credit-drift.yaml:44:5)") !=
        std::string::npos);
  CHECK(md.find("  - risk-officer was never engaged: helena out of office, lukas did not answer") !=
        std::string::npos);
  CHECK(md.find("  - held in 163 of 200 runs (81.5%), needs ≥ 90.0%") != std::string::npos);

  // Who was accountable: the outcome and the holder reasons of each page.
  CHECK(md.find("engaged at +27m by Mei Lin (mei) (stepped in: backup); target +1h: met") != std::string::npos);
  CHECK(md.find("unowned at +2h30m: every rung and repeat was spent") != std::string::npos);
  CHECK(md.find("    - holder: helena out of office until 2026-11-30 09:00 CET") != std::string::npos);
  CHECK(md.find("+1h50m → end of exercise (+7d)") != std::string::npos);

  // A table row, with the pipe in the response escaped so the row keeps its columns.
  std::istringstream lines(md);
  bool row = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("| +0s (09:00)") && line.find("Amara Okafor (amara)") != std::string::npos) {
      row = true;
      CHECK(line.find("no answer \\| on leave") != std::string::npos);
      CHECK(line.ends_with(" |"));
    }
  }
  CHECK(row);
  for (const char* heading : {"## Expectations", "## Incidents", "## Who was accountable when", "## Notifications",
                              "## Latency vs target", "## Gaps found", "## Timeline", "## Monte Carlo: 200 runs"}) {
    CHECK(md.find(std::string{heading} + "\n") != std::string::npos);
  }
  CHECK(md.find("| severity-high ") != std::string::npos);  // the per-rule table
  CHECK(md.find("| risk-officer ") != std::string::npos);   // the per-role table
}

TEST_CASE("the HTML report is self-contained and escapes text from files", "[report]") {
  const auto r = sample();
  const auto html = render(r, write_html);
  CHECK(html.starts_with("<!DOCTYPE html>"));
  CHECK(html.find("<title>Exercise: Drift on the credit model — FAILED</title>") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);

  // The timeline and one CDF per rule, each an image with a title.
  CHECK(count(html, "<svg") == 1 + r.monte_carlo->rules.size());
  CHECK(count(html, "<svg class=\"timeline\"") == 1);
  CHECK(count(html, "<svg class=\"cdf\"") == r.monte_carlo->rules.size());
  CHECK(count(html, "role=\"img\"") == count(html, "<svg"));
  CHECK(count(html, "</svg>") == count(html, "<svg"));
  // The action fills five hours of seven days: the picture shows the action, not the week.
  CHECK(html.find("Shown: +0s to +5h30m of the exercise&#39;s 7d") != std::string::npos);
  CHECK(html.find(fmt::format("P(met) {:.1f}%", r.monte_carlo->rules[1].p_met * 100)) != std::string::npos);
  for (const char* role : {"model-owner", "risk-officer", "ethics-lead", "dpo", "board", "comms"}) {
    CHECK(html.find(fmt::format(">{}</text>", role)) != std::string::npos);
  }
}

TEST_CASE("the JSON report parses back, carries the model and is the same bytes every time", "[report]") {
  const auto r = sample();
  const auto text = render(r, write_json);
  CHECK(text == render(r, write_json));
  CHECK(text == render(sample(), write_json));

  const auto doc = boost::json::parse(text).as_object();
  CHECK(doc.at("name").as_string() == "Drift on the credit model");
  CHECK(doc.at("passed").as_bool() == false);
  CHECK(doc.at("seed").to_number<std::uint64_t>() == 42);
  CHECK(doc.at("start").as_string() == "2026-11-24T08:00:00Z");
  CHECK(doc.at("zone").as_string() == "Europe/Berlin");
  CHECK(doc.at("incidents").as_array().size() == 2);
  CHECK(doc.at("incidents").as_array()[1].as_object().at("resolved_at").is_null());

  const auto& spans = doc.at("spans").as_array();
  REQUIRE(spans.size() == 6);
  const auto& first = spans[0].as_object();
  CHECK(first.at("end").as_string() == "engaged");
  CHECK(first.at("stepped_in").as_string() == "backup");
  CHECK(first.at("engaged_at").as_string() == "2026-11-24T08:27:00Z");
  CHECK(first.at("engaged_at_offset_ms").to_number<std::int64_t>() == 27 * 60'000);
  CHECK(first.at("pages").as_array()[1].as_object().at("reason").as_string() ==
        "amara: no acknowledgement within 15m");
  CHECK(spans[1].as_object().at("end").as_string() == "unowned");
  CHECK(spans[1].as_object().at("unowned_at_offset_ms").to_number<std::int64_t>() == 150 * 60'000);
  CHECK(spans[3].as_object().at("target_at").is_null());

  const auto& latency = doc.at("latencies").as_array()[1].as_object();
  CHECK(latency.at("target_ms").to_number<std::int64_t>() == 90 * 60'000);
  CHECK(latency.at("latency_ms").is_null());
  CHECK(doc.at("notifications").as_array().size() == r.notifications.size());
  CHECK(doc.at("timeline").as_array().size() == r.timeline.size());
  CHECK(doc.at("gaps").as_array()[0].as_object().at("kind").as_string() == "unanswered");

  const auto& expectation = doc.at("expectations").as_array()[2].as_object();
  CHECK(expectation.at("held_runs").to_number<std::int64_t>() == 163);
  CHECK(expectation.at("min_probability").to_number<double>() == 0.9);

  const auto& mc = doc.at("monte_carlo").as_object();
  CHECK(mc.at("runs").to_number<std::int64_t>() == 200);
  const auto& routing = mc.at("rules").as_array()[0].as_object();
  CHECK(routing.at("rule").as_string() == "");
  CHECK(routing.at("cdf_ms").as_array().size() == 256);
  CHECK(routing.at("target_ms").to_number<std::int64_t>() == 3'600'000);
  CHECK(mc.at("rules").as_array()[2].as_object().at("target_ms").is_null());
  CHECK(mc.at("roles").as_array()[4].as_object().at("unowned").to_number<std::int64_t>() == 50);

  // Keys come in a fixed order.
  CHECK(text.find("{\"name\":\"Drift on the credit model\",\"description\":") == 0);
}

TEST_CASE("a report without Monte Carlo or incidents still renders", "[report]") {
  exercise_report r;
  r.name = "Quiet day";
  r.start = *parse_iso("2026-11-24T08:00:00Z", nullptr);
  r.end = r.start + 24h;
  r.passed = true;
  const auto md = render(r, write_markdown);
  CHECK(md.find("**PASSED**") != std::string::npos);
  CHECK(md.find("## Monte Carlo") == std::string::npos);
  const auto html = render(r, write_html);
  CHECK(count(html, "<svg") == 1);
  CHECK(html.find("Nobody was made accountable.") != std::string::npos);
  const auto doc = boost::json::parse(render(r, write_json)).as_object();
  CHECK(doc.at("monte_carlo").is_null());
  CHECK(doc.at("start").as_string() == "2026-11-24T08:00:00Z");
}

// Not run by default: writes the sample report's three renderings into the folder named
// by BATON_REPORT_SAMPLE_DIR, to look at the pictures in a browser.
TEST_CASE("write the sample report for a person to look at", "[.][report-sample]") {
  const char* dir = std::getenv("BATON_REPORT_SAMPLE_DIR");
  if (dir == nullptr) {
    return;
  }
  const auto r = sample();
  std::ofstream(std::string{dir} + "/sample.html") << render(r, write_html);
  std::ofstream(std::string{dir} + "/sample.md") << render(r, write_markdown);
  std::ofstream(std::string{dir} + "/sample.json") << render(r, write_json);
}

namespace {

// Text as a hostile scenario could write it: markup, a link, emphasis, a heading, a
// pipe, a line break, a terminal escape, a C1 control, a right-to-left override and a
// byte that is not UTF-8.
const std::string hostile = "<img src=x onerror=alert(1)> [click](http://evil.example) *bold* _it_ `code` ~x~ "
                            "a|b & c\nline \x1b[31mred\xc2\x9b \xe2\x80\xae txt\xff";

exercise_report hostile_report() {
  exercise_report r = sample();
  r.name = "# " + hostile;
  r.description = "# Heading\n1. list\n    code\n- item\n> quote\n" + hostile;
  r.incidents[0].name = hostile;
  r.incidents[0].summary = hostile;
  r.spans[0].role_title = hostile;
  r.notifications[0].response = hostile;
  r.timeline[0].text = hostile;
  r.expectations[1].detail = hostile;
  return r;
}

// Occurrences of `c` not escaped by a backslash.
std::size_t unescaped(const std::string& s, char c) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    n += s[i] == c && (i == 0 || s[i - 1] != '\\') ? 1 : 0;
  }
  return n;
}

bool has_raw_controls(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return (b < 0x20 && c != '\n') || b == 0x7f;
  });
}

}  // namespace

TEST_CASE("the Markdown report makes text from files inert", "[report]") {
  const auto md = render(hostile_report(), write_markdown);
  CHECK(is_valid_utf8(md));
  CHECK_FALSE(has_raw_controls(md));
  CHECK(md.find("\xe2\x80\xae") == std::string::npos);  // the override itself
  // Markup and links are escaped everywhere the text appears; nothing of it is raw.
  for (char c : {'<', '>', '[', ']', '`', '~', '&'}) {
    INFO(c);
    CHECK(unescaped(md, c) == 0);
  }
  CHECK(md.find("\\<img src=x onerror=alert(1)\\> \\[click\\](http://evil.example) \\*bold\\* \\_it\\_ "
                "\\`code\\` \\~x\\~ a\\|b \\& c line \\\\x1b\\[31mred\\\\u009b \\\\u202e txt\\\\xff") !=
        std::string::npos);
  // The name cannot add a heading of its own; the description's lines start no block.
  CHECK(md.find("# Exercise: \\# ") == 0);
  CHECK(md.find("\n\\# Heading\n1\\. list\ncode\n\\- item\n\\> quote\n") != std::string::npos);
  // Identifiers keep their underscores between letters.
  auto r = sample();
  r.spans[0].role = "bu_owner";
  CHECK(render(r, write_markdown).find("bu_owner") != std::string::npos);

  // Every table row is one line with its columns: the line break became a space and
  // the pipe is escaped.
  std::istringstream lines(md);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("| ") && line.find("img") != std::string::npos) {
      CHECK(line.ends_with(" |"));
      CHECK(line.find("a\\|b") != std::string::npos);
    }
  }
}

TEST_CASE("the HTML report escapes text from files and is valid UTF-8", "[report]") {
  const auto html = render(hostile_report(), write_html);
  CHECK(is_valid_utf8(html));
  CHECK_FALSE(has_raw_controls(html));
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
  CHECK(html.find("\xe2\x80\xae") == std::string::npos);
  CHECK(html.find("\\u202e") != std::string::npos);
  CHECK(html.find("\\u009b") != std::string::npos);
  CHECK(html.find("txt\xef\xbf\xbd") != std::string::npos);  // the stray byte is U+FFFD
}

TEST_CASE("the JSON report is valid UTF-8 whatever the text held", "[report]") {
  const auto r = hostile_report();
  const auto text = render(r, write_json);
  CHECK(is_valid_utf8(text));
  CHECK_FALSE(has_raw_controls(text));
  const auto doc = boost::json::parse(text).as_object();
  const std::string summary{doc.at("incidents").as_array()[0].as_object().at("summary").as_string()};
  CHECK(summary == valid_utf8(hostile));  // control characters survive, escaped by JSON
  CHECK(summary.ends_with("txt\xef\xbf\xbd"));
  CHECK(text == render(r, write_json));
}

TEST_CASE("the timeline picture is left out past its bounds, with the reason", "[report]") {
  auto r = sample();
  const auto base = r.incidents.back();
  for (std::int64_t i = 0; i < 300; ++i) {
    auto inc = base;
    inc.id = 100 + i;
    inc.name = fmt::format("more-{}", i);
    r.incidents.push_back(inc);
  }
  const auto html = render(r, write_html);
  CHECK(count(html, "<svg class=\"timeline\"") == 0);
  CHECK(html.find("The picture is left out: this run has 302 incidents") != std::string::npos);
  CHECK(html.find("draws at most 200 incidents") != std::string::npos);
  // The tables still list every incident.
  CHECK(count(html, "more-299") >= 1);
}
