#pragma once
// Checking a scenario's expectations against one run, read back from its log.
#include <string>

#include "simulate/report.hpp"
#include "simulate/scenario.hpp"

namespace baton::simulate {

struct expectation_check {
  bool held = false;
  std::string detail;  // what was seen: why it failed, or what satisfied it
};

/// Checks `e` against a run described by describe_run(). Positive forms about
/// accountable, engaged and notified roles hold when some incident (or the named one)
/// satisfies them; latency and reachable hold when every incident (or the named one)
/// does. `negated` flips the answer.
expectation_check check(const expectation& e, const scenario& sc, const exercise_report& run);

}  // namespace baton::simulate
