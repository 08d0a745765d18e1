// The report as one self-contained HTML file: inline CSS and SVG, no scripts, nothing
// fetched, so it can be mailed, archived with the exercise and opened years later.
// Every piece of text from the scenario or the configuration is escaped: those files are
// not trusted to be free of markup.
#include <fmt/format.h>

#include <algorithm>
#include <ostream>

#include "simulate/report.hpp"
#include "simulate/report_format.hpp"
#include "simulate/report_svg.hpp"

namespace baton::simulate {
namespace {
namespace rd = report_detail;
using rd::escape_markup;

constexpr std::string_view style = R"(
:root { --ink: #1d232b; --muted: #5f6b78; --line: #d9dee4; --pass: #1f8a4c; --fail: #c8372d; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 6px; }
p, ul { margin: 6px 0; }
.muted { color: var(--muted); }
.result { display: inline-block; font-weight: 700; letter-spacing: 0.04em; padding: 2px 10px; border-radius: 4px;
  color: #fff; }
.result.passed { background: var(--pass); }
.result.failed { background: var(--fail); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 12px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
ul.expectations { list-style: none; padding-left: 0; }
ul.expectations > li { margin: 6px 0; padding-left: 1.6em; text-indent: -1.6em; }
ul.expectations .detail, ul.expectations .where { text-indent: 0; display: block; color: var(--muted); }
.held { color: var(--pass); font-weight: 700; }
.not-held { color: var(--fail); font-weight: 700; }
ul.spans { padding-left: 1.2em; }
ul.spans > li { margin: 8px 0; }
ol.pages { margin: 4px 0; padding-left: 1.6em; }
.reason { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 4px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f3f6; font-weight: 600; }
tbody tr:nth-child(even) { background: #fafbfc; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.at { white-space: nowrap; }
figure { margin: 12px 0; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
.cdfs { display: flex; flex-wrap: wrap; gap: 16px 24px; }
.cdfs figure { flex: 0 1 520px; }
@page { margin: 12mm; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  figure, tr, ul.spans > li { break-inside: avoid; }
  .result { color: #000; border: 2px solid #000; background: none !important; }
}
)";

void write_table(const rd::table& t, std::ostream& out, std::string_view none) {
  if (t.rows.empty()) {
    out << "<p class=\"muted\">" << escape_markup(none) << "</p>\n";
    return;
  }
  auto cls = [&](std::size_t i, bool first_col_time) {
    if (i < t.numeric.size() && t.numeric[i]) {
      return std::string_view{" class=\"num\""};
    }
    return first_col_time && i == 0 ? std::string_view{" class=\"at\""} : std::string_view{};
  };
  const bool first_col_time = !t.head.empty() && (t.head.front() == "at" || t.head.front() == "offset");
  out << "<table>\n<thead><tr>";
  for (std::size_t i = 0; i < t.head.size(); ++i) {
    out << "<th" << cls(i, false) << '>' << escape_markup(t.head[i]) << "</th>";
  }
  out << "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out << "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i) {
      out << "<td" << cls(i, first_col_time) << '>' << escape_markup(row[i]) << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody>\n</table>\n";
}

void write_header(const exercise_report& r, std::ostream& out) {
  out << "<header>\n<h1>Exercise: " << escape_markup(r.name) << "</h1>\n";
  out << fmt::format("<p><span class=\"result {}\">{}</span> <span class=\"muted\">{}</span></p>\n",
                     r.passed ? "passed" : "failed", r.passed ? "PASSED" : "FAILED",
                     escape_markup(rd::expectations_tally(r)));
  if (!r.description.empty()) {
    out << "<p>" << escape_markup(r.description) << "</p>\n";
  }
  out << "<dl class=\"facts\">\n";
  auto fact = [&](std::string_view k, const std::string& v) {
    out << "<dt>" << k << "</dt><dd>" << escape_markup(v) << "</dd>\n";
  };
  std::string org = r.organisation.empty() ? std::string{"–"} : r.organisation;
  if (!r.config_version.empty()) {
    org += " (configuration version " + r.config_version + ")";
  }
  fact("Organisation", org);
  if (!r.scenario_file.empty()) {
    fact("Scenario", r.scenario_file);
  }
  const std::string zone = r.zone_name.empty() ? std::string{"UTC"} : r.zone_name;
  fact("Start", fmt::format("{} ({})", rd::local(r, r.start), zone));
  fact("End", fmt::format("{} ({}, {} later)", rd::local(r, r.end), zone, rd::human_duration(r.end - r.start)));
  fact("Seed", std::to_string(r.seed));
  if (r.monte_carlo) {
    fact("Monte Carlo",
         fmt::format("{} runs; the sections before “Monte Carlo” show run 0 in detail", r.monte_carlo->runs));
  }
  out << "</dl>\n</header>\n";
}

void write_expectations(const exercise_report& r, std::ostream& out) {
  out << "<section id=\"expectations\">\n<h2>Expectations</h2>\n";
  if (r.expectations.empty()) {
    out << "<p class=\"muted\">None written.</p>\n</section>\n";
    return;
  }
  out << "<ul class=\"expectations\">\n";
  for (const auto& e : r.expectations) {
    out << "<li>" << (e.held ? "<span class=\"held\">✔</span> " : "<span class=\"not-held\">✘</span> ")
        << escape_markup(e.text);
    if (!e.where.empty()) {
      out << " <span class=\"where\">" << escape_markup(e.where) << "</span>";
    }
    if (auto runs = rd::expectation_runs(e); !runs.empty()) {
      out << "<span class=\"detail\">" << escape_markup(runs) << "</span>";
    }
    if (!e.detail.empty()) {
      out << "<span class=\"detail\">" << escape_markup(e.detail) << "</span>";
    }
    out << "</li>\n";
  }
  out << "</ul>\n</section>\n";
}

void write_picture(const exercise_report& r, std::ostream& out) {
  out << "<section id=\"picture\">\n<h2>Timeline at a glance</h2>\n";
  if (auto why = rd::timeline_omitted(r); !why.empty()) {
    out << "<p class=\"muted\">" << escape_markup(why) << "</p>\n</section>\n";
    return;
  }
  out << "<figure>\n" << rd::timeline_svg(r);
  out << "<figcaption>One lane per role; bars are the spans in which the role was accountable for an incident, "
         "amber while paging, green from engagement on. Triangles are pages, diamonds acknowledgements, "
         "dashed lines engagement targets. Hover a bar or marker for details.</figcaption>\n</figure>\n</section>\n";
}

void write_incidents(const rd::report_index& x, std::ostream& out) {
  const exercise_report& r = x.report();
  out << "<section id=\"incidents\">\n<h2>Incidents</h2>\n";
  if (r.incidents.empty()) {
    out << "<p class=\"muted\">None opened.</p>\n</section>\n";
    return;
  }
  out << "<ul>\n";
  for (const auto& i : r.incidents) {
    std::string system = i.system_name.empty() || i.system_name == i.system
                             ? i.system
                             : fmt::format("{} ({})", i.system_name, i.system);
    out << "<li><strong>" << escape_markup(rd::incident_label(x, i.id)) << "</strong>: "
        << escape_markup(system.empty() ? "no system" : system);
    if (!i.type.empty()) {
      out << ", " << escape_markup(i.type);
    }
    if (!i.severity.empty()) {
      out << ", severity " << escape_markup(i.severity);
    }
    out << "<br>";
    if (!i.summary.empty()) {
      out << escape_markup(i.summary) << "<br>";
    }
    out << "<span class=\"muted\">opened " << escape_markup(rd::offset(r, i.opened_at)) << " ("
        << escape_markup(rd::local(r, i.opened_at)) << "), ";
    if (i.resolved_at) {
      out << "resolved " << escape_markup(rd::offset(r, *i.resolved_at)) << " ("
          << escape_markup(rd::local(r, *i.resolved_at)) << ")";
    } else {
      out << "still open at the end";
    }
    if (!i.fired_rules.empty()) {
      const auto rules = fmt::format("{}", fmt::join(i.fired_rules, ", "));
      out << "; rules fired: " << escape_markup(rules);
    }
    out << "</span></li>\n";
  }
  out << "</ul>\n</section>\n";
}

void write_accountability(const rd::report_index& x, std::ostream& out) {
  const exercise_report& r = x.report();
  out << "<section id=\"accountability\">\n<h2>Who was accountable when</h2>\n";
  if (r.spans.empty()) {
    out << "<p class=\"muted\">Nobody was made accountable.</p>\n</section>\n";
    return;
  }
  for (auto id : x.incident_order()) {
    const auto& spans = x.spans_of(id);
    if (spans.empty()) {
      continue;
    }
    out << "<h3>" << escape_markup(rd::incident_label(x, id)) << "</h3>\n<ul class=\"spans\">\n";
    for (const auto* s : spans) {
      out << "<li><strong>" << escape_markup(rd::role_label(x, s->role)) << "</strong>, "
          << escape_markup(rd::rule_phrase(s->rule)) << ": " << escape_markup(rd::span_interval(r, *s)) << "<br>"
          << (s->end == span_end::engaged ? "<span class=\"held\">✔</span> " : "<span class=\"not-held\">✘</span> ")
          << escape_markup(rd::span_outcome(x, *s)) << "; " << escape_markup(rd::span_target(r, *s));
      if (!s->pages.empty()) {
        out << "\n<ol class=\"pages\">\n";
        for (const auto& p : s->pages) {
          out << "<li>" << escape_markup(rd::page_line(r, p));
          if (!p.reason.empty()) {
            out << "<br><span class=\"reason\">holder: " << escape_markup(p.reason) << "</span>";
          }
          out << "</li>\n";
        }
        out << "</ol>\n";
      }
      out << "</li>\n";
    }
    out << "</ul>\n";
  }
  out << "</section>\n";
}

void write_monte_carlo(const exercise_report& r, std::ostream& out) {
  if (!r.monte_carlo) {
    return;
  }
  const auto& mc = *r.monte_carlo;
  out << "<section id=\"monte-carlo\">\n<h2>Monte Carlo: " << mc.runs << " runs</h2>\n";
  out << "<h3>Latency by rule</h3>\n<p class=\"muted\">Latency is the time from an escalation's start to its "
         "engagement, over every escalation of every run; percentiles are of the engaged ones. P(met) is the share "
         "of all escalations engaged by their target (or engaged at all, for a rule without one).</p>\n";
  write_table(rd::rule_table(mc), out, "No escalations.");
  if (!mc.rules.empty()) {
    out << "<div class=\"cdfs\">\n";
    for (const auto& d : mc.rules) {
      out << "<figure>\n" << rd::cdf_svg(d) << "<figcaption><strong>" << escape_markup(rd::rule_label(d.rule))
          << "</strong>";
      if (!d.description.empty()) {
        out << ": " << escape_markup(d.description);
      }
      out << "<br>"
          << escape_markup(fmt::format("{} escalations, {} engaged; the curve is the share of all escalations "
                                       "engaged within the latency on the x axis.",
                                       d.escalations, d.engaged))
          << "</figcaption>\n</figure>\n";
    }
    out << "</div>\n";
  }
  out << "<h3>Who stepped in, by role</h3>\n<p class=\"muted\">Shares of the role's escalations, over every run: "
         "engaged by the first rung (primary), a later rung of the role (backup), a holder of a role it escalates "
         "to, never engaged, and left unowned.</p>\n";
  write_table(rd::role_table(mc), out, "No escalations.");
  out << "</section>\n";
}

}  // namespace

void write_html(const exercise_report& r, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out << "<title>Exercise: " << escape_markup(r.name) << " — " << (r.passed ? "PASSED" : "FAILED") << "</title>\n";
  out << "<style>" << style << "</style>\n</head>\n<body>\n<main>\n";
  const rd::report_index x(r);
  write_header(r, out);
  write_expectations(r, out);
  write_picture(r, out);
  write_incidents(x, out);
  write_accountability(x, out);
  out << "<section id=\"notifications\">\n<h2>Notifications</h2>\n";
  write_table(rd::notifications_table(x), out, "None sent.");
  out << "</section>\n<section id=\"acknowledgements\">\n<h2>Acknowledgements</h2>\n";
  write_table(rd::acknowledgements_table(x), out, "None.");
  out << "</section>\n<section id=\"latency\">\n<h2>Latency vs target</h2>\n";
  write_table(rd::latency_table(x), out, "No escalations.");
  out << "</section>\n<section id=\"gaps\">\n<h2>Gaps found</h2>\n";
  write_table(rd::gaps_table(x), out, "None.");
  out << "</section>\n<section id=\"timeline\">\n<h2>Timeline</h2>\n";
  write_table(rd::timeline_table(x), out, "Empty.");
  out << "</section>\n";
  write_monte_carlo(r, out);
  out << "</main>\n</body>\n</html>\n";
}

}  // namespace baton::simulate
