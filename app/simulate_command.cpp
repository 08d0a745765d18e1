// `baton simulate`: a tabletop exercise from a scenario file, with an after-action report
// and an exit status CI can use.
#include <fmt/format.h>

#include <charconv>
#include <exception>
#include <fstream>

#include "app/commands.hpp"
#include "base/text.hpp"
#include "config/diagnostics.hpp"
#include "simulate/limits.hpp"
#include "simulate/report.hpp"
#include "simulate/scenario.hpp"
#include "simulate/simulation.hpp"
#include "store/sqlite_store.hpp"

namespace baton::app {
namespace {

template <typename T>
std::optional<T> parse_number(const std::string& text, T min, T max) {
  T v{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size() || v < min || v > max) {
    return std::nullopt;
  }
  return v;
}

enum class report_format { markdown, html, json };

std::optional<report_format> format_of(const std::filesystem::path& p) {
  const auto ext = p.extension().string();
  if (ext == ".md" || ext == ".markdown") {
    return report_format::markdown;
  }
  if (ext == ".html" || ext == ".htm") {
    return report_format::html;
  }
  if (ext == ".json") {
    return report_format::json;
  }
  return std::nullopt;
}

void write(const simulate::exercise_report& r, report_format f, std::ostream& out) {
  switch (f) {
    case report_format::markdown:
      simulate::write_markdown(r, out);
      break;
    case report_format::html:
      simulate::write_html(r, out);
      break;
    case report_format::json:
      simulate::write_json(r, out);
      break;
  }
}

}  // namespace

// Everything printed below may quote the scenario, the configuration or the command
// line; printable() keeps their control characters away from the terminal.
int simulate_command(const simulate_options& o, std::ostream& out, std::ostream& err) {
  using simulate::max_runs;
  using simulate::max_threads;
  simulate::simulation_options opts;
  if (o.runs) {
    auto n = parse_number<std::int64_t>(*o.runs, 1, max_runs);
    if (!n) {
      err << fmt::format("baton simulate: --runs must be a whole number from 1 to {}, not \"{}\"\n",
                         simulate::grouped(max_runs), printable(*o.runs));
      return 2;
    }
    opts.runs = *n;
  }
  if (o.threads) {
    auto n = parse_number<unsigned>(*o.threads, 1, max_threads);
    if (!n) {
      err << fmt::format("baton simulate: --threads must be a whole number from 1 to {}, not \"{}\"\n", max_threads,
                         printable(*o.threads));
      return 2;
    }
    opts.threads = *n;
  }
  std::optional<std::uint64_t> seed;
  if (o.seed) {
    seed = parse_number<std::uint64_t>(*o.seed, 0, UINT64_MAX);
    if (!seed) {
      err << fmt::format("baton simulate: --seed must be an unsigned 64-bit number, not \"{}\"\n", printable(*o.seed));
      return 2;
    }
  }
  std::optional<report_format> format;
  if (o.report) {
    format = format_of(*o.report);
    if (!format) {
      err << fmt::format("baton simulate: --report {}: the name must end in .md, .html or .json\n",
                         printable(o.report->string()));
      return 2;
    }
  }

  auto loaded = simulate::load_scenario(o.scenario);
  // The configuration's gap warnings are `baton validate`'s business; an exercise shows
  // its own warnings and every error.
  for (const auto& d : loaded.diagnostics.items()) {
    if (d.level == config::severity::error || d.at.file == o.scenario.string()) {
      err << printable(config::to_string(d)) << '\n';
    }
  }
  if (!loaded.value) {
    err << fmt::format("baton simulate: {} is not a valid scenario ({} error(s))\n", printable(o.scenario.string()),
                       loaded.diagnostics.error_count());
    return 2;
  }
  const auto& sc = *loaded.value;
  opts.seed = seed ? *seed : sc.seed;

  std::unique_ptr<store::sqlite_store> db;
  if (o.db) {
    // An exercise's log is a fresh file: never write into (or over) an existing database,
    // which could be a live service's.
    std::error_code ec;
    if (std::filesystem::exists(*o.db, ec)) {
      err << fmt::format("baton simulate: --db {} already exists; remove it or name a new file\n",
                         printable(o.db->string()));
      return 2;
    }
    try {
      db = std::make_unique<store::sqlite_store>(*o.db);
    } catch (const std::exception& e) {
      err << fmt::format("baton simulate: --db {}: {}\n", printable(o.db->string()), printable(e.what()));
      return 2;
    }
    opts.detail_store = db.get();
  }

  simulate::exercise_report report;
  try {
    report = simulate::simulate_scenario(sc, opts);
  } catch (const std::exception& e) {
    // A run past the simulator's limits (simulate/limits.hpp) says which and what to
    // change; anything else is a failure of the store or the machine.
    err << fmt::format("baton simulate: the exercise stopped: {}\n", printable(e.what()));
    return 2;
  }

  if (!o.report) {
    simulate::write_markdown(report, out);
  } else {
    // Written beside the target and renamed, so a failed write leaves no half report.
    const auto tmp = std::filesystem::path{o.report->string() + ".tmp"};
    {
      std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
      if (file) {
        write(report, *format, file);
      }
      if (!file) {
        err << fmt::format("baton simulate: cannot write {}\n", printable(o.report->string()));
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        return 2;
      }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, *o.report, ec);
    if (ec) {
      err << fmt::format("baton simulate: cannot write {}: {}\n", printable(o.report->string()), ec.message());
      return 2;
    }
    std::size_t held = 0;
    for (const auto& e : report.expectations) {
      held += e.held ? 1 : 0;
      out << fmt::format("{} {}{}\n", e.held ? "held  " : "FAILED", printable(e.text),
                         e.held ? std::string{} : " (" + printable(e.detail) + ")");
    }
    out << fmt::format("{}: {} of {} expectations held{}; report in {}\n", printable(report.name), held,
                       report.expectations.size(),
                       report.monte_carlo ? fmt::format(" over {} runs", report.monte_carlo->runs) : std::string{},
                       printable(o.report->string()));
  }
  return report.passed ? 0 : 1;
}

}  // namespace baton::app
