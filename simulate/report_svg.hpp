#pragma once
// The report's pictures as inline SVG: the accountability timeline of the detailed run
// and, for Monte Carlo, one latency CDF per rule. Both are plain markup with no scripts
// and no external references, ready to drop into the HTML report.
#include <cstddef>
#include <string>
#include <string_view>

#include "base/text.hpp"
#include "simulate/report.hpp"

namespace baton::simulate::report_detail {

using baton::escape_markup;  // base/text.hpp

/// The most the timeline picture draws. Past them it would be tens of thousands of
/// pixels tall and take longer to lay out than the run took; the report says so in its
/// place, and every table still lists everything.
inline constexpr std::size_t max_picture_incidents = 200;
inline constexpr std::size_t max_picture_spans = 2'000;
inline constexpr std::size_t max_picture_markers = 10'000;  // notifications and acknowledgements

/// Why the timeline picture is left out (a sentence naming the limit passed), or "" when
/// it is drawn.
std::string timeline_omitted(const exercise_report& r);

/// One <svg> with a lane per role (in `r.roles` order), the incidents above them, bars
/// for accountability spans, markers for notifications and acknowledgements, target
/// lines, a time axis and a legend.
std::string timeline_svg(const exercise_report& r);

/// One <svg>: the share of `d`'s escalations engaged within x, against latency x, with
/// the target and P(met) marked.
std::string cdf_svg(const rule_distribution& d);

}  // namespace baton::simulate::report_detail
