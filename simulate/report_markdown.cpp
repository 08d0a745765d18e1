// The report as Markdown: headings, lists and pipe tables that read as plain text in a
// terminal and render on any Git host.
#include <fmt/format.h>

#include <algorithm>
#include <ostream>

#include "simulate/report.hpp"
#include "simulate/report_format.hpp"

namespace baton::simulate {
namespace {
namespace rd = report_detail;

// One line of text: names and summaries come from files and may hold line breaks, which
// would end a list item or a table row.
std::string inline_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  return out;
}

std::string table_cell(std::string_view s) {
  std::string out;
  for (char c : inline_text(s)) {
    if (c == '|') {
      out += "\\|";
    } else {
      out += c;
    }
  }
  return out;
}

void write_table(const rd::table& t, std::ostream& out) {
  // Columns are padded for a terminal, but only up to a cap: one long reason must not
  // push every other row of its column off the screen.
  constexpr std::size_t max_pad = 32;
  std::vector<std::vector<std::string>> cells;
  cells.reserve(t.rows.size() + 1);
  cells.emplace_back();
  for (const auto& h : t.head) {
    cells.back().push_back(table_cell(h));
  }
  for (const auto& row : t.rows) {
    cells.emplace_back();
    for (const auto& c : row) {
      cells.back().push_back(table_cell(c));
    }
  }
  std::vector<std::size_t> width(t.head.size(), 3);
  for (const auto& row : cells) {
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], std::min(rd::text_width(row[i]), max_pad));
    }
  }
  auto write_row = [&](const std::vector<std::string>& row) {
    out << '|';
    for (std::size_t i = 0; i < width.size(); ++i) {
      const std::string& c = i < row.size() ? row[i] : std::string{};
      const std::size_t w = rd::text_width(c);
      const std::size_t pad = w < width[i] ? width[i] - w : 0;
      const bool right = i < t.numeric.size() && t.numeric[i];
      out << ' ' << (right ? std::string(pad, ' ') : "") << c << (right ? "" : std::string(pad, ' ')) << " |";
    }
    out << '\n';
  };
  write_row(cells.front());
  out << '|';
  for (std::size_t i = 0; i < width.size(); ++i) {
    const bool right = i < t.numeric.size() && t.numeric[i];
    out << ' ' << std::string(width[i] - (right ? 1 : 0), '-') << (right ? ":" : "") << " |";
  }
  out << '\n';
  for (std::size_t r = 1; r < cells.size(); ++r) {
    write_row(cells[r]);
  }
}

void write_table_or(const rd::table& t, std::string_view none, std::ostream& out) {
  if (t.rows.empty()) {
    out << none << "\n\n";
    return;
  }
  write_table(t, out);
  out << '\n';
}

void write_header(const exercise_report& r, std::ostream& out) {
  out << "# Exercise: " << inline_text(r.name) << "\n\n";
  if (auto description = std::string_view{r.description}; !description.empty()) {
    // Scenario files end block text with a line break; the blank line follows here.
    while (!description.empty() && (description.back() == '\n' || description.back() == ' ')) {
      description.remove_suffix(1);
    }
    out << description << "\n\n";
  }
  out << fmt::format("- Result: **{}** ({})\n", r.passed ? "PASSED" : "FAILED", rd::expectations_tally(r));
  out << "- Organisation: " << inline_text(r.organisation.empty() ? "–" : r.organisation);
  if (!r.config_version.empty()) {
    out << " (configuration version " << inline_text(r.config_version) << ')';
  }
  out << '\n';
  if (!r.scenario_file.empty()) {
    out << "- Scenario: " << inline_text(r.scenario_file) << '\n';
  }
  const std::string zone = r.zone_name.empty() ? std::string{"UTC"} : inline_text(r.zone_name);
  out << fmt::format("- Start: {} ({})\n", rd::local(r, r.start), zone);
  out << fmt::format("- End: {} ({}, {} later)\n", rd::local(r, r.end), zone, rd::human_duration(r.end - r.start));
  out << "- Seed: " << r.seed << '\n';
  if (r.monte_carlo) {
    out << fmt::format("- Monte Carlo: {} runs; the sections before \"Monte Carlo\" show run 0 in detail\n",
                       r.monte_carlo->runs);
  }
  out << '\n';
}

void write_expectations(const exercise_report& r, std::ostream& out) {
  out << "## Expectations\n\n";
  if (r.expectations.empty()) {
    out << "None written.\n\n";
    return;
  }
  for (const auto& e : r.expectations) {
    out << "- " << (e.held ? "✔ " : "✘ ") << inline_text(e.text);
    if (!e.where.empty()) {
      out << " (" << inline_text(e.where) << ')';
    }
    out << '\n';
    if (auto runs = rd::expectation_runs(e); !runs.empty()) {
      out << "  - " << runs << '\n';
    }
    if (!e.detail.empty()) {
      out << "  - " << inline_text(e.detail) << '\n';
    }
  }
  out << '\n';
}

void write_incidents(const exercise_report& r, std::ostream& out) {
  out << "## Incidents\n\n";
  if (r.incidents.empty()) {
    out << "None opened.\n\n";
    return;
  }
  for (const auto& i : r.incidents) {
    out << "- **" << inline_text(rd::incident_label(r, i.id)) << "**: ";
    std::string system = i.system_name.empty() || i.system_name == i.system
                             ? i.system
                             : fmt::format("{} ({})", i.system_name, i.system);
    out << inline_text(system.empty() ? "no system" : system);
    if (!i.type.empty()) {
      out << ", " << inline_text(i.type);
    }
    if (!i.severity.empty()) {
      out << ", severity " << inline_text(i.severity);
    }
    out << '\n';
    if (!i.summary.empty()) {
      out << "  - " << inline_text(i.summary) << '\n';
    }
    out << "  - opened " << rd::offset(r, i.opened_at) << " (" << rd::local(r, i.opened_at) << "), ";
    if (i.resolved_at) {
      out << "resolved " << rd::offset(r, *i.resolved_at) << " (" << rd::local(r, *i.resolved_at) << ")\n";
    } else {
      out << "still open at the end\n";
    }
    if (!i.fired_rules.empty()) {
      const auto rules = fmt::format("{}", fmt::join(i.fired_rules, ", "));
      out << "  - rules fired: " << inline_text(rules) << '\n';
    }
  }
  out << '\n';
}

void write_accountability(const exercise_report& r, std::ostream& out) {
  out << "## Who was accountable when\n\n";
  if (r.spans.empty()) {
    out << "Nobody was made accountable.\n\n";
    return;
  }
  for (auto id : rd::incident_order(r)) {
    auto spans = rd::spans_of(r, id);
    if (spans.empty()) {
      continue;
    }
    out << "### " << inline_text(rd::incident_label(r, id)) << "\n\n";
    for (const auto* s : spans) {
      out << "- **" << inline_text(rd::role_label(r, s->role)) << "**, " << inline_text(rd::rule_phrase(s->rule))
          << ": " << rd::span_interval(r, *s) << '\n';
      out << "  - " << (s->end == span_end::engaged ? "✔ " : "✘ ") << inline_text(rd::span_outcome(r, *s)) << "; "
          << rd::span_target(r, *s) << '\n';
      for (const auto& p : s->pages) {
        out << "  - " << inline_text(rd::page_line(r, p)) << '\n';
        if (!p.reason.empty()) {
          out << "    - holder: " << inline_text(p.reason) << '\n';
        }
      }
    }
    out << '\n';
  }
}

void write_monte_carlo(const exercise_report& r, std::ostream& out) {
  if (!r.monte_carlo) {
    return;
  }
  const auto& mc = *r.monte_carlo;
  out << fmt::format("## Monte Carlo: {} runs\n\n", mc.runs);
  out << "### Latency by rule\n\n";
  out << "Latency is the time from an escalation's start to its engagement, over every escalation of every run; "
         "percentiles are of the engaged ones. P(met) is the share of all escalations engaged by their target "
         "(or engaged at all, for a rule without one).\n\n";
  write_table_or(rd::rule_table(mc), "No escalations.", out);
  out << "### Who stepped in, by role\n\n";
  out << "Shares of the role's escalations, over every run: engaged by the first rung (primary), a later rung of "
         "the role (backup), a holder of a role it escalates to, never engaged, and left unowned.\n\n";
  write_table_or(rd::role_table(mc), "No escalations.", out);
}

}  // namespace

void write_markdown(const exercise_report& r, std::ostream& out) {
  write_header(r, out);
  write_expectations(r, out);
  write_incidents(r, out);
  write_accountability(r, out);
  out << "## Notifications\n\n";
  write_table_or(rd::notifications_table(r), "None sent.", out);
  out << "## Acknowledgements\n\n";
  write_table_or(rd::acknowledgements_table(r), "None.", out);
  out << "## Latency vs target\n\n";
  write_table_or(rd::latency_table(r), "No escalations.", out);
  out << "## Gaps found\n\n";
  write_table_or(rd::gaps_table(r), "None.", out);
  out << "## Timeline\n\n";
  write_table_or(rd::timeline_table(r), "Empty.", out);
  write_monte_carlo(r, out);
}

}  // namespace baton::simulate
