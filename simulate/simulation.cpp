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
#include <unordered_map>

#include "config/loader.hpp"
#include "simulate/exercise.hpp"
#include "simulate/expectations.hpp"
#include "simulate/limits.hpp"
#include "simulate/run_analysis.hpp"
#include "store/memory_store.hpp"

namespace baton::simulate {
namespace {

// What a sweep keeps, folded run by run rather than run summaries kept per run: counts
// per rule, role and expectation, the latencies (for exact percentiles) and, per
// expectation, the first run that failed it. Everything is independent of the order
// runs are folded in, so the report does not depend on the threads.
struct sweep_totals {
  std::map<std::string, rule_distribution> rules;  // counts only; figures filled by finish
  std::map<std::string, std::vector<duration>> samples;
  std::map<std::string, role_distribution> roles;
  std::vector<std::int64_t> held;              // per expectation: runs it held in
  std::vector<std::int64_t> first_failed_run;  // per expectation: lowest run it failed in, -1 none
  std::vector<std::string> first_failure;      // that run's detail

  explicit sweep_totals(std::size_t expectations)
      : held(expectations, 0), first_failed_run(expectations, -1), first_failure(expectations) {}

  void add_escalation(const accountability_span& s) {
    auto& d = rules[s.rule];
    ++d.escalations;
    if (s.engaged_at) {
      ++d.engaged;
      samples[s.rule].push_back(*s.engaged_at - s.from);
    }
    d.met += s.engaged_at.has_value() && !s.breached ? 1 : 0;
    auto& ro = roles[s.role];
    ++ro.escalations;
    switch (s.stepped_in) {
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
    ro.unowned += s.end == span_end::unowned ? 1 : 0;
  }

  void add_expectation(std::size_t x, std::int64_t run, expectation_check c) {
    if (c.held) {
      ++held[x];
    } else if (first_failed_run[x] < 0 || run < first_failed_run[x]) {
      first_failed_run[x] = run;
      first_failure[x] = std::move(c.detail);
    }
  }

  void merge(sweep_totals&& o) {
    for (auto& [id, d] : o.rules) {
      auto& mine = rules[id];
      mine.escalations += d.escalations;
      mine.engaged += d.engaged;
      mine.met += d.met;
    }
    for (auto& [id, v] : o.samples) {
      auto& mine = samples[id];
      mine.insert(mine.end(), v.begin(), v.end());
    }
    for (auto& [id, d] : o.roles) {
      auto& mine = roles[id];
      mine.escalations += d.escalations;
      mine.primary += d.primary;
      mine.backup += d.backup;
      mine.escalates_to += d.escalates_to;
      mine.never_engaged += d.never_engaged;
      mine.unowned += d.unowned;
    }
    for (std::size_t x = 0; x < held.size(); ++x) {
      held[x] += o.held[x];
      if (o.first_failed_run[x] >= 0 && (first_failed_run[x] < 0 || o.first_failed_run[x] < first_failed_run[x])) {
        first_failed_run[x] = o.first_failed_run[x];
        first_failure[x] = std::move(o.first_failure[x]);
      }
    }
  }
};

// One run of the sweep, folded into `totals`; returns the records it wrote.
std::uint64_t sweep_run(const scenario& sc, std::uint64_t seed, std::int64_t index, sweep_totals& totals) {
  store::memory_store st;
  auto rec = run_exercise(sc, seed, static_cast<std::uint64_t>(index), st);
  exercise_report run;
  run.start = sc.start;
  run.end = sc.end();
  describe_run(sc, rec, run, false);
  for (const auto& s : run.spans) {
    totals.add_escalation(s);
  }
  const expectation_checker checker(sc, run);
  for (std::size_t x = 0; x < sc.expectations.size(); ++x) {
    totals.add_expectation(x, index, checker.check(sc.expectations[x]));
  }
  return rec.log_records;
}

// Nearest-rank quantile of a sorted, non-empty list.
duration quantile(const std::vector<duration>& sorted, double q) {
  const auto n = sorted.size();
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(n)));
  rank = std::clamp<std::size_t>(rank, 1, n);
  return sorted[rank - 1];
}

monte_carlo_summary finish(const scenario& sc, std::int64_t runs, sweep_totals& totals) {
  monte_carlo_summary mc;
  mc.runs = runs;
  std::unordered_map<std::string_view, const config::rule*> rules_of_org;
  for (const auto& rule : sc.org->rules) {
    rules_of_org.emplace(rule.id, &rule);
  }
  for (auto& [id, d] : totals.rules) {
    d.rule = id;
    if (auto rule = rules_of_org.find(id); rule != rules_of_org.end()) {
      d.description = rule->second->description;
      if (!rule->second->target.empty()) {
        d.target_spec = config::to_string(rule->second->target);
        if (rule->second->target.type == config::deadline_spec::kind::elapsed) {
          d.target = rule->second->target.elapsed;
        }
      }
    } else if (id.empty()) {
      d.description = "initial routing";
    }
    d.p_met = d.escalations > 0 ? static_cast<double>(d.met) / static_cast<double>(d.escalations) : 0.0;
    auto& s = totals.samples[id];
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
    std::vector<duration>{}.swap(s);  // the next rule's samples may need the memory
    mc.rules.push_back(std::move(d));
  }
  for (auto& [id, ro] : totals.roles) {
    ro.role = id;
    const auto* role = sc.org->find_role(id);
    ro.title = role != nullptr ? role->title : id;
    mc.roles.push_back(std::move(ro));
  }
  return mc;
}

// More threads than cores only add memory (each holds a run): the work is all CPU.
unsigned sweep_threads(unsigned asked, std::int64_t runs) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned wanted = asked == 0 ? cores : std::min(asked, cores);
  return static_cast<unsigned>(std::clamp<std::int64_t>(wanted, 1, runs));
}

// Runs 1 .. runs-1 (run 0 is the detailed run, already done) and folds them. Stops at the
// first problem in run order, which makes the outcome (and its message) the same
// whatever the threads: a run past its own limits, or the sweep passing
// max_sweep_log_records. `first_records` is what run 0 wrote.
sweep_totals run_sweep(const scenario& sc, std::uint64_t seed, std::int64_t runs, unsigned threads,
                       std::uint64_t first_records, sweep_totals first) {
  std::vector<std::uint64_t> records(static_cast<std::size_t>(runs), 0);
  records[0] = first_records;
  std::vector<std::exception_ptr> failures(static_cast<std::size_t>(runs));
  std::atomic<std::int64_t> next{1};
  std::atomic<std::uint64_t> written{first_records};
  std::mutex merge_mutex;
  sweep_totals totals = std::move(first);
  auto worker = [&] {
    sweep_totals mine(sc.expectations.size());
    for (;;) {
      const auto i = next.fetch_add(1);
      if (i >= runs) {
        break;
      }
      try {
        const auto n = sweep_run(sc, seed, i, mine);
        records[static_cast<std::size_t>(i)] = n;
        if (written.fetch_add(n) + n > max_sweep_log_records) {
          next = runs;  // the sweep's total is past its bound whatever runs remain
        }
      } catch (...) {
        failures[static_cast<std::size_t>(i)] = std::current_exception();
        next = runs;  // stop handing out work; the runs already started finish
      }
    }
    std::lock_guard lock(merge_mutex);
    totals.merge(std::move(mine));
  };
  {
    std::vector<std::jthread> pool;  // joined on every path out, even if starting one throws
    for (unsigned t = 1; t < threads; ++t) {
      try {
        pool.emplace_back(worker);
      } catch (const std::system_error&) {
        break;  // fewer threads than asked: the ones running share the work
      }
    }
    worker();
  }
  // Every run below the last one started has finished: the first problem in run order
  // is among them.
  std::uint64_t total = 0;
  for (std::int64_t i = 0; i < runs; ++i) {
    if (failures[static_cast<std::size_t>(i)]) {
      std::rethrow_exception(failures[static_cast<std::size_t>(i)]);
    }
    total += records[static_cast<std::size_t>(i)];
    if (total > max_sweep_log_records) {
      throw limit_exceeded(fmt::format(
          "the Monte Carlo sweep of {} runs passed {} audit-log records in run {} (run 0 wrote {}; runs differ with "
          "the responders' draws); a sweep may write at most {}: lower --runs",
          grouped(static_cast<std::uint64_t>(runs)), grouped(max_sweep_log_records), i, grouped(first_records),
          grouped(max_sweep_log_records)));
    }
  }
  return totals;
}

// Refuses a sweep that run 0 already shows is too big, before any of it runs.
void check_sweep_size(std::int64_t runs, std::uint64_t first_records) {
  const auto n = static_cast<std::uint64_t>(runs);
  if (first_records == 0 || n <= max_sweep_log_records / first_records) {
    return;
  }
  throw limit_exceeded(fmt::format(
      "--runs {}: the detailed run wrote {} audit-log records, so {} runs would write about {}; a Monte Carlo sweep "
      "may write at most {} (about {} runs of this exercise): lower --runs or shorten the exercise",
      grouped(n), grouped(first_records), grouped(n), grouped(n * first_records), grouped(max_sweep_log_records),
      grouped(max_sweep_log_records / first_records)));
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

  std::uint64_t first_records = 0;
  {
    store::memory_store memory;
    store::store& st = o.detail_store != nullptr ? *o.detail_store : memory;
    auto rec = run_exercise(sc, o.seed, 0, st);
    first_records = rec.log_records;
    describe_run(sc, rec, report, true);
  }
  const expectation_checker checker(sc, report);
  for (const auto& e : sc.expectations) {
    auto c = checker.check(e);
    report.expectations.push_back(
        expectation_result{e.text, config::to_string(e.at), c.held, std::move(c.detail), 1, c.held ? 1 : 0, e.min_probability});
  }
  if (o.runs > 1) {
    check_sweep_size(o.runs, first_records);
    // Run 0 of the sweep is the detailed run: folded from the report rather than run again.
    sweep_totals first(sc.expectations.size());
    for (const auto& sp : report.spans) {
      first.add_escalation(sp);
    }
    for (std::size_t x = 0; x < sc.expectations.size(); ++x) {
      const auto& r = report.expectations[x];
      first.add_expectation(x, 0, expectation_check{r.held, r.detail});
    }
    auto totals = run_sweep(sc, o.seed, o.runs, sweep_threads(o.threads, o.runs), first_records, std::move(first));
    report.monte_carlo = finish(sc, o.runs, totals);
    for (std::size_t x = 0; x < report.expectations.size(); ++x) {
      auto& r = report.expectations[x];
      r.runs = o.runs;
      r.held_runs = totals.held[x];
      // Compare counts, not floating shares, so 95% of 20 runs means exactly 19.
      r.held = static_cast<double>(r.held_runs) >= r.min_probability * static_cast<double>(r.runs) - 1e-9;
      if (totals.first_failed_run[x] >= 0) {
        r.detail = fmt::format("first failed in run {}: {}", totals.first_failed_run[x], totals.first_failure[x]);
      }
    }
  }
  report.passed = std::all_of(report.expectations.begin(), report.expectations.end(),
                              [](const expectation_result& r) { return r.held; });
  return report;
}

}  // namespace baton::simulate
