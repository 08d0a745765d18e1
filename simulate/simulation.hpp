#pragma once
// `baton simulate`: one detailed run of a scenario, and with runs > 1 a Monte Carlo
// sweep of responder behaviour, folded into one after-action report.
#include <cstdint>

#include "simulate/report.hpp"
#include "simulate/scenario.hpp"
#include "store/store.hpp"

namespace baton::simulate {

struct simulation_options {
  std::uint64_t seed = 1;
  std::int64_t runs = 1;     // > 1: Monte Carlo over runs 0 .. runs-1
  unsigned threads = 0;      // 0: one per core
  store::store* detail_store = nullptr;  // where run 0 writes its state and log; null: in memory
};

/// Runs the scenario and builds the report. Run i draws from rng(seed, i), so the report
/// (and its JSON) depends on the seed and the number of runs only, never on threads.
exercise_report simulate_scenario(const scenario& sc, const simulation_options& o);

}  // namespace baton::simulate
