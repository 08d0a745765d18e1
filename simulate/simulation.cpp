#include "simulate/simulation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>

#include "config/loader.hpp"
#include "simulate/exercise.hpp"
#include "simulate/expectations.hpp"
#include "simulate/run_analysis.hpp"
#include "store/memory_store.hpp"

namespace baton::simulate {
namespace {

// What a Monte Carlo run keeps: one line per escalation and whether each expectation held.
struct escalation_outcome {
  std::string rule;
  std::string role;
  std::optional<duration> latency;
  bool met = false;
  span_end end = span_end::open;
  step_in stepped_in = step_in::none;
};

struct run_summary {
  std::vector<escalation_outcome> escalations;
  std::vector<bool> held;
  std::vector<std::string> failures;  // detail per expectation that failed ("" when held)
};

run_summary summarise(const scenario& sc, std::uint64_t seed, std::int64_t index) {
  store::memory_store st;
  auto rec = run_exercise(sc, seed, static_cast<std::uint64_t>(index), st);
  exercise_report run;
  run.start = sc.start;
  run.end = sc.end();
  describe_run(sc, rec, run, false);
  run_summary out;
  for (const auto& s : run.spans) {
    escalation_outcome e;
    e.rule = s.rule;
    e.role = s.role;
    if (s.engaged_at) {
      e.latency = *s.engaged_at - s.from;
    }
    e.met = s.engaged_at.has_value() && !s.breached;
    e.end = s.end;
    e.stepped_in = s.stepped_in;
    out.escalations.push_back(std::move(e));
  }
  for (const auto& x : sc.expectations) {
    auto c = check(x, sc, run);
    out.held.push_back(c.held);
    out.failures.push_back(c.held ? std::string{} : std::move(c.detail));
  }
  return out;
}

// Nearest-rank quantile of a sorted, non-empty list.
duration quantile(const std::vector<duration>& sorted, double q) {
  const auto n = sorted.size();
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(n)));
  rank = std::clamp<std::size_t>(rank, 1, n);
  return sorted[rank - 1];
}

monte_carlo_summary aggregate(const scenario& sc, const std::vector<run_summary>& runs) {
  monte_carlo_summary mc;
  mc.runs = static_cast<std::int64_t>(runs.size());
  std::map<std::string, rule_distribution> rules;
  std::map<std::string, std::vector<duration>> samples;
  std::map<std::string, role_distribution> roles;
  for (const auto& r : runs) {
    for (const auto& e : r.escalations) {
      auto& d = rules[e.rule];
      ++d.escalations;
      if (e.latency) {
        ++d.engaged;
        samples[e.rule].push_back(*e.latency);
      }
      d.met += e.met ? 1 : 0;
      auto& ro = roles[e.role];
      ++ro.escalations;
      switch (e.stepped_in) {
        case step_in::primary:
          ++ro.primary;
          break;
        case step_in::backup:
          ++ro.backup;
          break;
        case step_in::escalates_to:
          ++ro.escalates_to;
          break;
        case step_in::none:
          ++ro.never_engaged;
          break;
      }
      ro.unowned += e.end == span_end::unowned ? 1 : 0;
    }
  }
  for (auto& [id, d] : rules) {
    d.rule = id;
    const auto& rules_of_org = sc.org->rules;
    const auto rule = std::find_if(rules_of_org.begin(), rules_of_org.end(), [&, &id = id](const auto& x) { return x.id == id; });
    if (rule != rules_of_org.end()) {
      d.description = rule->description;
      if (!rule->target.empty()) {
        d.target_spec = config::to_string(rule->target);
        if (rule->target.type == config::deadline_spec::kind::elapsed) {
          d.target = rule->target.elapsed;
        }
      }
    } else if (id.empty()) {
      d.description = "initial routing";
    }
    d.p_met = d.escalations > 0 ? static_cast<double>(d.met) / static_cast<double>(d.escalations) : 0.0;
    auto& s = samples[id];
    std::sort(s.begin(), s.end());
    if (!s.empty()) {
      d.p50 = quantile(s, 0.5);
      d.p90 = quantile(s, 0.9);
      d.p99 = quantile(s, 0.99);
      d.max = s.back();
      const std::size_t points = std::min<std::size_t>(256, s.size());
      for (std::size_t i = 0; i < points; ++i) {
        const double q = points == 1 ? 1.0 : static_cast<double>(i) / static_cast<double>(points - 1);
        d.cdf.push_back(s[static_cast<std::size_t>(std::llround(q * static_cast<double>(s.size() - 1)))]);
      }
    }
    mc.rules.push_back(std::move(d));
  }
  for (auto& [id, ro] : roles) {
    ro.role = id;
    const auto* role = sc.org->find_role(id);
    ro.title = role != nullptr ? role->title : id;
    mc.roles.push_back(std::move(ro));
  }
  return mc;
}

std::vector<run_summary> run_many(const scenario& sc, std::uint64_t seed, std::int64_t runs, unsigned threads) {
  std::vector<run_summary> out(static_cast<std::size_t>(runs));
  std::atomic<std::int64_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto worker = [&] {
    for (;;) {
      const auto i = next.fetch_add(1);
      if (i >= runs) {
        return;
      }
      try {
        out[static_cast<std::size_t>(i)] = summarise(sc, seed, i);
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        if (!failure) {
          failure = std::current_exception();
        }
        next = runs;  // stop handing out work
      }
    }
  };
  if (threads == 0) {
    threads = std::max(1u, std::thread::hardware_concurrency());
  }
  threads = static_cast<unsigned>(std::min<std::int64_t>(threads, runs));
  std::vector<std::jthread> pool;  // joined on every path out, even if starting one throws
  for (unsigned t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(worker);
    } catch (const std::system_error&) {
      break;  // fewer threads than asked: the ones running share the work
    }
  }
  worker();
  pool.clear();
  if (failure) {
    std::rethrow_exception(failure);
  }
  return out;
}

}  // namespace

exercise_report simulate_scenario(const scenario& sc, const simulation_options& o) {
  exercise_report report;
  report.name = sc.name;
  report.description = sc.description;
  report.scenario_file = sc.path.string();
  report.organisation = sc.org->name;
  report.config_version = sc.org->version;
  report.zone = sc.zone != nullptr ? sc.zone : sc.org->zone;
  report.zone_name = !sc.zone_name.empty() ? sc.zone_name : sc.org->zone_name;
  report.start = sc.start;
  report.end = sc.end();
  report.seed = o.seed;

  {
    store::memory_store memory;
    store::store& st = o.detail_store != nullptr ? *o.detail_store : memory;
    auto rec = run_exercise(sc, o.seed, 0, st);
    describe_run(sc, rec, report, true);
  }
  for (const auto& e : sc.expectations) {
    auto c = check(e, sc, report);
    report.expectations.push_back(
        expectation_result{e.text, config::to_string(e.at), c.held, std::move(c.detail), 1, c.held ? 1 : 0, e.min_probability});
  }
  if (o.runs > 1) {
    auto runs = run_many(sc, o.seed, o.runs, o.threads);
    report.monte_carlo = aggregate(sc, runs);
    for (std::size_t x = 0; x < report.expectations.size(); ++x) {
      auto& r = report.expectations[x];
      r.runs = o.runs;
      r.held_runs = 0;
      std::string first_failure;
      for (std::size_t i = 0; i < runs.size(); ++i) {
        if (runs[i].held[x]) {
          ++r.held_runs;
        } else if (first_failure.empty()) {
          first_failure = fmt::format("first failed in run {}: {}", i, runs[i].failures[x]);
        }
      }
      // Compare counts, not floating shares, so 95% of 20 runs means exactly 19.
      r.held = static_cast<double>(r.held_runs) >= r.min_probability * static_cast<double>(r.runs) - 1e-9;
      if (!first_failure.empty()) {
        r.detail = first_failure;
      }
    }
  }
  report.passed = std::all_of(report.expectations.begin(), report.expectations.end(),
                              [](const expectation_result& r) { return r.held; });
  return report;
}

}  // namespace baton::simulate
