// The report as Markdown: headings, lists and pipe tables that read as plain text in a
// terminal and render on any Git host.
#include <fmt/format.h>

#include <algorithm>
#include <ostream>

#include "base/text.hpp"
#include "simulate/report.hpp"
#include "simulate/report_format.hpp"

namespace baton::simulate {
namespace {
namespace rd = report_detail;

bool ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Text from the scenario, the configuration or the run, made inert for Markdown inside
// a line: names, summaries and reasons are not trusted to be free of markup, and a
// renderer would otherwise turn `<script>` into HTML, `[x](url)` into a link and `*` or
// `_` into emphasis. Line breaks and tabs become spaces (they would end a list item or a
// table row); other control characters and bytes that are not UTF-8 become \xNN as
// printable() writes them. Characters Markdown gives a meaning are preceded by a
// backslash, which every CommonMark renderer removes: \ ` * [ ] < > & | ~, # at the
// start, and _ unless it joins two letters or digits (bu_owner stays as it is).
std::string inline_text(std::string_view s) {
  std::string flat(s);
  for (char& c : flat) {
    if (c == '\n' || c == '\r' || c == '\t') {
      c = ' ';
    }
  }
  const std::string safe = printable(flat);
  std::string out;
  out.reserve(safe.size() + safe.size() / 8);
  for (std::size_t i = 0; i < safe.size(); ++i) {
    const char c = safe[i];
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '[':
      case ']':
      case '<':
      case '>':
      case '&':
      case '|':
      case '~':
        out += '\\';
        break;
      case '#':
        if (i == 0) {
          out += '\\';
        }
        break;
      case '_':
        if (i == 0 || i + 1 == safe.size() || !ascii_alnum(safe[i - 1]) || !ascii_alnum(safe[i + 1])) {
          out += '\\';
        }
        break;
      default:
        break;
    }
    out += c;
  }
  return out;
}

// A line of free text (the description) that starts a line of the report: as
// inline_text, and what would start a heading, quote, list, rule or code block there
// is made plain too.
std::string block_line(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);  // four spaces would make a code block
  }
  std::string out = inline_text(s);
  std::size_t digits = 0;
  while (digits < out.size() && out[digits] >= '0' && out[digits] <= '9') {
    ++digits;
  }
  if (digits > 0 && digits < out.size() && (out[digits] == '.' || out[digits] == ')')) {
    out.insert(digits, 1, '\\');  // "1. " would start an ordered list
  } else if (!out.empty() && (out.front() == '-' || out.front() == '+' || out.front() == '=')) {
    out.insert(0, 1, '\\');  // a list item, or a line under a heading
  }
  return out;
}

// Escapes every cell in place (the table is the report's size: no second copy), pads
// columns for a terminal up to a cap: one long reason must not push every other row of
// its column off the screen.
void write_table(rd::table t, std::ostream& out) {
  constexpr std::size_t max_pad = 32;
  for (auto& h : t.head) {
    h = inline_text(h);
  }
  std::vector<std::size_t> width(t.head.size(), 3);
  for (std::size_t i = 0; i < t.head.size(); ++i) {
    width[i] = std::max(width[i], std::min(rd::text_width(t.head[i]), max_pad));
  }
  for (auto& row : t.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      row[i] = inline_text(row[i]);
      if (i < width.size()) {
        width[i] = std::max(width[i], std::min(rd::text_width(row[i]), max_pad));
      }
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
  write_row(t.head);
  out << '|';
  for (std::size_t i = 0; i < width.size(); ++i) {
    const bool right = i < t.numeric.size() && t.numeric[i];
    out << ' ' << std::string(width[i] - (right ? 1 : 0), '-') << (right ? ":" : "") << " |";
  }
  out << '\n';
  for (const auto& row : t.rows) {
    write_row(row);
  }
}

void write_table_or(rd::table t, std::string_view none, std::ostream& out) {
  if (t.rows.empty()) {
    out << none << "\n\n";
    return;
  }
  write_table(std::move(t), out);
  out << '\n';
}

void write_header(const exercise_report& r, std::ostream& out) {
  out << "# Exercise: " << inline_text(r.name) << "\n\n";
  if (auto description = std::string_view{r.description}; !description.empty()) {
    // Scenario files end block text with a line break; the blank line follows here.
    while (!description.empty() && (description.back() == '\n' || description.back() == ' ')) {
      description.remove_suffix(1);
    }
    // Line by line, keeping the author's lines and paragraphs but none of their markup.
    for (std::size_t at = 0; at <= description.size();) {
      std::size_t end = description.find('\n', at);
      if (end == std::string_view::npos) {
        end = description.size();
      }
      auto line = description.substr(at, end - at);
      if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
      }
      out << block_line(line) << '\n';
      at = end + 1;
    }
    out << '\n';
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
      out << "  - " << inline_text(runs) << '\n';
    }
    if (!e.detail.empty()) {
      out << "  - " << inline_text(e.detail) << '\n';
    }
  }
  out << '\n';
}

void write_incidents(const rd::report_index& x, std::ostream& out) {
  const exercise_report& r = x.report();
  out << "## Incidents\n\n";
  if (r.incidents.empty()) {
    out << "None opened.\n\n";
    return;
  }
  for (const auto& i : r.incidents) {
    out << "- **" << inline_text(rd::incident_label(x, i.id)) << "**: ";
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

void write_accountability(const rd::report_index& x, std::ostream& out) {
  const exercise_report& r = x.report();
  out << "## Who was accountable when\n\n";
  if (r.spans.empty()) {
    out << "Nobody was made accountable.\n\n";
    return;
  }
  for (auto id : x.incident_order()) {
    const auto& spans = x.spans_of(id);
    if (spans.empty()) {
      continue;
    }
    out << "### " << inline_text(rd::incident_label(x, id)) << "\n\n";
    for (const auto* s : spans) {
      out << "- **" << inline_text(rd::role_label(x, s->role)) << "**, " << inline_text(rd::rule_phrase(s->rule))
          << ": " << inline_text(rd::span_interval(r, *s)) << '\n';
      out << "  - " << (s->end == span_end::engaged ? "✔ " : "✘ ") << inline_text(rd::span_outcome(x, *s)) << "; "
          << inline_text(rd::span_target(r, *s)) << '\n';
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
  const rd::report_index x(r);
  write_header(r, out);
  write_expectations(r, out);
  write_incidents(x, out);
  write_accountability(x, out);
  out << "## Notifications\n\n";
  write_table_or(rd::notifications_table(x), "None sent.", out);
  out << "## Acknowledgements\n\n";
  write_table_or(rd::acknowledgements_table(x), "None.", out);
  out << "## Latency vs target\n\n";
  write_table_or(rd::latency_table(x), "No escalations.", out);
  out << "## Gaps found\n\n";
  write_table_or(rd::gaps_table(x), "None.", out);
  out << "## Timeline\n\n";
  write_table_or(rd::timeline_table(x), "Empty.", out);
  write_monte_carlo(r, out);
}

}  // namespace baton::simulate
