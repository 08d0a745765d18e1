#pragma once
// Pieces shared by the report's renderings: times as offsets from the start and as local
// clock times, labels for people, roles, rules and incidents, and the tables Markdown and
// HTML both show. Building the tables once keeps the two renderings from drifting apart;
// each rendering only escapes and lays them out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "simulate/report.hpp"

namespace baton::simulate::report_detail {

/// "+1h5m" after the exercise's start, "+0s" at it, "-5m" before it.
std::string offset(const exercise_report& r, timestamp t);
/// "2026-11-24 10:05 CET" in the exercise's zone (ISO UTC when it has none).
std::string local(const exercise_report& r, timestamp t);
/// "10:05" on the local day the exercise started, "11-25 10:05" on any other.
std::string clock(const exercise_report& r, timestamp t);
/// "+1h5m (10:05)": an offset with its local clock time, for table cells.
std::string when(const exercise_report& r, timestamp t);

/// A duration for people: format_duration, rounded to the second from one second up
/// (the JSON keeps milliseconds).
std::string human_duration(duration d);
/// "12.5%"; "–" when `whole` is zero.
std::string percent(std::int64_t part, std::int64_t whole);
/// "12.5%" for a share in [0, 1].
std::string percent(double share);

/// The rule's id, or "(routing)" for an incident's initial routing.
std::string rule_label(std::string_view rule);
/// "rule severity-high", or "initial routing": how a span came about, in a sentence.
std::string rule_phrase(std::string_view rule);

/// The lookups a rendering makes for every row (incidents by id, people's names, role
/// titles, the spans of each incident), built once per report: looking each up by a
/// scan of the report would make a rendering of many incidents quadratic. The report
/// must outlive the index and not change while it is used.
class report_index {
 public:
  explicit report_index(const exercise_report& r);

  const exercise_report& report() const noexcept { return *r_; }
  const incident_summary* incident(std::int64_t id) const;
  /// A person's name from the pages and notifications that named them; "" when none did.
  std::string_view person_name(std::string_view person) const;
  /// The role's title from the spans; "" when unknown.
  std::string_view role_title(std::string_view role) const;
  /// The spans of one incident, ordered by when they began (stable).
  const std::vector<const accountability_span*>& spans_of(std::int64_t incident_id) const;
  /// Incident ids in report order, then any that only spans name.
  const std::vector<std::int64_t>& incident_order() const noexcept { return order_; }

 private:
  const exercise_report* r_;
  std::unordered_map<std::int64_t, const incident_summary*> incidents_;
  std::unordered_map<std::string_view, std::string_view> names_;
  std::unordered_map<std::string_view, std::string_view> titles_;
  std::unordered_map<std::int64_t, std::vector<const accountability_span*>> spans_;
  std::vector<std::int64_t> order_;
};

/// "#3 model-drift", or "#3" for an incident the report does not list.
std::string incident_label(const report_index& x, std::int64_t id);
/// "Amara Okafor (amara)", or "amara" when the name is unknown.
std::string person_label(const report_index& x, std::string_view person);
/// "Head of Risk (risk-owner)", or "risk-owner" when the title is unknown.
std::string role_label(const report_index& x, std::string_view role);

/// "+0s → +2h5m", or "+0s → end of exercise (+7d)" for a span that ran to the end.
std::string span_interval(const exercise_report& r, const accountability_span& s);
/// How the span ended, one sentence: "engaged at +12m by Amara Okafor (amara), the primary".
std::string span_outcome(const report_index& x, const accountability_span& s);
/// "target +24h: met", "target +24h: breached", "no target".
std::string span_target(const exercise_report& r, const accountability_span& s);
/// The paging line for one page: "+0s Amara Okafor (amara) as risk-owner, rung primary amara".
std::string page_line(const exercise_report& r, const page_attempt& p);

/// "held in 87 of 100 runs (87.0%), needs ≥ 90.0%" for Monte Carlo; "" for a single run.
std::string expectation_runs(const expectation_result& e);
/// "4 of 5 expectations held".
std::string expectations_tally(const exercise_report& r);

/// Number of Unicode code points in UTF-8 text: a stand-in for its width on screen.
std::size_t text_width(std::string_view utf8);

/// A table of plain text cells; renderings escape them.
struct table {
  std::vector<std::string> head;
  std::vector<bool> numeric;  // right-aligned columns, one per head entry
  std::vector<std::vector<std::string>> rows;
};

table notifications_table(const report_index& x);
table acknowledgements_table(const report_index& x);
table latency_table(const report_index& x);
table gaps_table(const report_index& x);
table timeline_table(const report_index& x);
table rule_table(const monte_carlo_summary& mc);
table role_table(const monte_carlo_summary& mc);

}  // namespace baton::simulate::report_detail
