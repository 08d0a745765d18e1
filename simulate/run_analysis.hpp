#pragma once
// Reading one run back: from the audit log (what the engine did, as an auditor would
// read it) and the simulator's own record (what responders did) to the report's
// incidents, accountability spans, notifications, latencies and gaps.
#include "simulate/exercise.hpp"
#include "simulate/report.hpp"
#include "simulate/scenario.hpp"

namespace baton::simulate {

/// Fills the run-detail fields of `out` (incidents, roles, spans, notifications,
/// acknowledgements, latencies, gaps; the timeline only when `with_timeline`, as Monte
/// Carlo runs do not need its text).
void describe_run(const scenario& sc, const run_record& rec, exercise_report& out, bool with_timeline);

/// One readable sentence for an audit-log record's kind and details (canonical JSON).
std::string describe_record(std::string_view kind, std::string_view details);

}  // namespace baton::simulate
