#pragma once
// The report's pictures as inline SVG: the accountability timeline of the detailed run
// and, for Monte Carlo, one latency CDF per rule. Both are plain markup with no scripts
// and no external references, ready to drop into the HTML report.
#include <string>
#include <string_view>

#include "simulate/report.hpp"

namespace baton::simulate::report_detail {

/// Text made safe for HTML and SVG element content and attribute values: & < > " ' are
/// escaped and control characters (other than tab and newline) become spaces.
std::string escape_markup(std::string_view s);

/// One <svg> with a lane per role (in `r.roles` order), the incidents above them, bars
/// for accountability spans, markers for notifications and acknowledgements, target
/// lines, a time axis and a legend.
std::string timeline_svg(const exercise_report& r);

/// One <svg>: the share of `d`'s escalations engaged within x, against latency x, with
/// the target and P(met) marked.
std::string cdf_svg(const rule_distribution& d);

}  // namespace baton::simulate::report_detail
