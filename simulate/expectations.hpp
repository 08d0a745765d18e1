#pragma once
// Checking a scenario's expectations against one run, read back from its log.
#include <memory>
#include <string>

#include "simulate/report.hpp"
#include "simulate/scenario.hpp"

namespace baton::simulate {

struct expectation_check {
  bool held = false;
  std::string detail;  // what was seen: why it failed, or what satisfied it
};

/// Judges expectations against a run described by describe_run(). Positive forms about
/// accountable, engaged and notified roles hold when some incident (or the named one)
/// satisfies them; latency and reachable hold when every incident (or the named one)
/// does. `negated` flips the answer.
///
/// The lookups (spans, notifications, latencies and gaps by incident) are built once,
/// so each expectation costs time in proportion to the incidents it is about and what
/// happened to them, never a scan of the whole run per incident. A failure's detail
/// names at most a few incidents or escalations and says how many more there were.
/// `sc` and `run` must outlive the checker.
class expectation_checker {
 public:
  expectation_checker(const scenario& sc, const exercise_report& run);
  ~expectation_checker();
  expectation_checker(const expectation_checker&) = delete;
  expectation_checker& operator=(const expectation_checker&) = delete;

  expectation_check check(const expectation& e) const;

  struct index;  // the lookups; defined in expectations.cpp

 private:
  const scenario* sc_;
  const exercise_report* run_;
  std::unique_ptr<const index> index_;
};

/// One expectation; builds the checker's lookups for this call alone.
expectation_check check(const expectation& e, const scenario& sc, const exercise_report& run);

}  // namespace baton::simulate
