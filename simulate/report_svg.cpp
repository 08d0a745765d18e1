#include "simulate/report_svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <iterator>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "base/text.hpp"
#include "simulate/report_format.hpp"

namespace baton::simulate::report_detail {
namespace {

using namespace std::chrono_literals;

// The four span states differ in lightness as well as hue, and unowned bars are also
// hatched, so the picture still reads printed in greyscale or with red-green colour
// blindness.
constexpr std::string_view amber = "#f2b233";
constexpr std::string_view green = "#1f8a4c";
constexpr std::string_view red = "#c8372d";
constexpr std::string_view grey = "#b9bec5";
constexpr std::string_view ink = "#1d232b";
constexpr std::string_view muted = "#5f6b78";
constexpr std::string_view blue = "#2f6db5";
constexpr std::string_view grid = "#e1e5ea";

// Text widths are estimated, not measured: nothing runs when the file is opened. An
// average sans-serif glyph is narrower than 0.58em, so layouts based on this estimate
// leave labels room rather than letting them collide.
double text_px(std::string_view s, double font_px) { return static_cast<double>(text_width(s)) * font_px * 0.58; }

// Cuts UTF-8 text at a code point boundary so its estimated width fits `px`.
std::string fit(std::string_view s, double px, double font_px) {
  if (text_px(s, font_px) <= px) {
    return std::string{s};
  }
  const auto keep = static_cast<std::size_t>(std::max(0.0, px / (font_px * 0.58) - 1));
  std::string out;
  std::size_t points = 0;
  for (char c : s) {
    const bool starts = (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
    if (starts && points++ == keep) {
      break;
    }
    out += c;
  }
  return out + "…";
}

std::string num(double v) { return fmt::format("{:.1f}", v); }

void text(std::string& out, double x, double y, std::string_view s, std::string_view attrs = {}) {
  fmt::format_to(std::back_inserter(out), R"(<text x="{}" y="{}"{}{}>{}</text>)", num(x), num(y),
                 attrs.empty() ? "" : " ", attrs, escape_markup(s));
  out += '\n';
}

// Labels drawn over bars and lines keep a white halo so they read on any colour.
constexpr std::string_view halo = R"(paint-order="stroke" stroke="#ffffff" stroke-width="3" stroke-linejoin="round")";

// ---- the timeline ----

constexpr double width = 1200;
constexpr double label_x = 12;
constexpr double plot_x0 = 230;
constexpr double plot_x1 = 1160;
constexpr double row_h = 32;
constexpr double bar_top = 11;
constexpr double bar_h = 14;
constexpr double incident_row_h = 22;
constexpr double font = 11;

struct time_axis {
  timestamp t0;
  timestamp t1;
  duration step{1h};
  bool clipped = false;  // the exercise goes on past t1

  double x(timestamp t) const {
    const double f = static_cast<double>((t - t0).count()) / static_cast<double>((t1 - t0).count());
    return plot_x0 + std::clamp(f, 0.0, 1.0) * (plot_x1 - plot_x0);
  }
};

// Tick steps a person counts in; the first that keeps ticks `min_gap` pixels apart wins.
duration pick_step(duration span, double px, double min_gap) {
  static constexpr std::array<std::int64_t, 14> minutes = {1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440,
                                                           2880, 10080};
  const double max_ticks = std::max(1.0, std::floor(px / min_gap));
  for (auto m : minutes) {
    const duration step = std::chrono::minutes{m};
    if (static_cast<double>(span.count()) / static_cast<double>(step.count()) <= max_ticks) {
      return step;
    }
  }
  const auto week = duration{std::chrono::hours{24 * 7}};
  const auto weeks = static_cast<std::int64_t>(
      std::ceil(static_cast<double>(span.count()) / (max_ticks * static_cast<double>(week.count()))));
  return week * weeks;
}

duration round_up(duration d, duration step) { return step * ((d.count() + step.count() - 1) / step.count()); }

// The last moment something happened before the exercise stopped. Spans that run to the
// end and engagement targets are not events: counting them would stretch a seven-day
// exercise whose action fills three hours over the whole week.
timestamp action_end(const exercise_report& r) {
  timestamp last = r.start;
  auto see = [&](timestamp t) {
    if (t < r.end) {
      last = std::max(last, t);
    }
  };
  for (const auto& i : r.incidents) {
    see(i.opened_at);
    if (i.resolved_at) {
      see(*i.resolved_at);
    }
  }
  for (const auto& e : r.timeline) {
    see(e.at);
  }
  for (const auto& s : r.spans) {
    see(s.from);
    see(s.until);
    if (s.engaged_at) {
      see(*s.engaged_at);
    }
    if (s.unowned_at) {
      see(*s.unowned_at);
    }
    for (const auto& p : s.pages) {
      see(p.at);
    }
  }
  for (const auto& n : r.notifications) {
    see(n.at);
  }
  for (const auto& a : r.acknowledgements) {
    see(a.at);
  }
  for (const auto& g : r.gaps) {
    see(g.at);
  }
  return last;
}

time_axis make_axis(const exercise_report& r) {
  const double px = plot_x1 - plot_x0;
  constexpr double min_gap = 84;  // room for "+12h30m" and "Tue 24 Nov"
  const duration whole = std::max(r.end - r.start, duration{0});
  duration shown = action_end(r) - r.start;
  shown += std::max(shown / 20, duration{10min});
  duration step = pick_step(shown, px, min_gap);
  shown = round_up(shown, step);
  time_axis a;
  a.t0 = r.start;
  if (whole > duration{0} && (whole <= shown * 3 / 2 || whole <= duration{1h})) {
    // Mostly action, or short anyway: show the exercise as it was, end included.
    shown = whole;
    step = pick_step(shown, px, min_gap);
  }
  a.t1 = r.start + shown;
  a.step = step;
  a.clipped = a.t1 < r.end;
  return a;
}

struct bar {
  const accountability_span* span = nullptr;
  double x_from = 0;
  double x_to = 0;
  std::optional<double> x_change;  // where paging gave way to engaged or unowned
  bool continues = false;  // runs past the right edge
  std::string label;
  double label_x = 0;
  std::size_t row = 0;
};

struct lane {
  std::string role;
  std::string title;
  bool told_only = false;  // notified but never accountable
  std::vector<bar> bars;
  std::vector<double> row_end;  // rightmost pixel in use, per row
  std::vector<double> marks;    // x of every marker drawn in the lane, sorted, for labels
  std::unordered_map<std::int64_t, std::vector<std::size_t>> bars_of_incident;  // indexes into bars
  double y = 0;

  std::size_t rows() const { return std::max<std::size_t>(1, row_end.size()); }
  double height() const { return static_cast<double>(rows()) * row_h; }
  double row_y(std::size_t row) const { return y + static_cast<double>(row) * row_h; }
};

std::string bar_label(const report_index& x, const accountability_span& s, bool several_incidents) {
  std::string what;
  switch (s.end) {
    case span_end::engaged: {
      auto name = x.person_name(s.engaged_by);
      what = name.empty() ? (s.engaged_by.empty() ? "engaged" : s.engaged_by) : std::string{name};
      break;
    }
    case span_end::unowned:
      what = "unowned";
      break;
    case span_end::ended:
      what = "nobody engaged";
      break;
    case span_end::open:
      what = "paging";
      break;
  }
  return several_incidents ? fmt::format("#{} {}", s.incident_id, what) : what;
}

// Places a bar and its label, then packs it into the first row of its lane where it
// does not overlap what is already there (bars and labels both).
void place(lane& l, bar b) {
  const double w = text_px(b.label, font) + 4;
  const double bar_end = b.x_to + (b.continues ? 10 : 0);
  // Inside the bar, on its final state and clear of the acknowledgement diamond at the
  // engagement, when it fits.
  if (b.x_change && b.x_to - *b.x_change >= w + 10) {
    b.label_x = *b.x_change + 8;
  } else if (b.x_to - b.x_from >= w + 8) {
    b.label_x = b.x_from + 5;
  } else {
    // Beside the bar, moved past any marker it would hide. One pass from the first
    // mark that can be in the way suffices: the marks are sorted and the label only
    // moves right, so a mark past its right end ends the search.
    b.label_x = bar_end + 4;
    for (auto m = std::upper_bound(l.marks.begin(), l.marks.end(), b.label_x - 7);
         m != l.marks.end() && *m < b.label_x + w + 7; ++m) {
      if (*m > b.label_x - 7) {
        b.label_x = *m + 8;
      }
    }
  }
  const double extent = std::max(bar_end, b.label_x + w) + 8;
  std::size_t row = 0;
  while (row < l.row_end.size() && l.row_end[row] > b.x_from) {
    ++row;
  }
  if (row == l.row_end.size()) {
    l.row_end.push_back(0);
  }
  l.row_end[row] = extent;
  b.row = row;
  l.bars_of_incident[b.span->incident_id].push_back(l.bars.size());
  l.bars.push_back(std::move(b));
}

// The row of lane `l` where a marker about `incident` at `t` belongs: the bar it falls
// on, else any bar of that incident, else the first row.
std::size_t marker_row(const lane& l, std::int64_t incident, timestamp t) {
  auto bars = l.bars_of_incident.find(incident);
  if (bars == l.bars_of_incident.end()) {
    return 0;
  }
  for (auto i : bars->second) {
    const auto& b = l.bars[i];
    if (b.span->from <= t && t <= b.span->until) {
      return b.row;
    }
  }
  return l.bars[bars->second.front()].row;
}

struct legend_item {
  std::string_view swatch;
  std::string_view label;
};

// Draws one legend swatch centred on (x + 8, y); shared with the picture's own markers.
void swatch(std::string& out, std::string_view kind, double x, double y) {
  auto o = std::back_inserter(out);
  const double cx = x + 8;
  if (kind == "paging" || kind == "engaged" || kind == "ended") {
    const auto fill = kind == "paging" ? amber : kind == "engaged" ? green : grey;
    fmt::format_to(o, R"(<rect x="{}" y="{}" width="16" height="10" rx="2" fill="{}"/>)", num(x), num(y - 5), fill);
  } else if (kind == "unowned") {
    fmt::format_to(o, R"~(<rect x="{}" y="{}" width="16" height="10" rx="2" fill="url(#baton-hatch)"/>)~", num(x),
                   num(y - 5));
  } else if (kind == "page" || kind == "reminder" || kind == "failed") {
    const auto fill = kind == "page" ? ink : kind == "failed" ? red : std::string_view{"#ffffff"};
    fmt::format_to(o, R"(<path d="M{} {}h10l-5 8z" fill="{}" stroke="{}" stroke-width="1.2"/>)", num(cx - 5),
                   num(y - 4), fill, kind == "failed" ? red : ink);
  } else if (kind == "inform") {
    fmt::format_to(o, R"(<circle cx="{}" cy="{}" r="4" fill="{}"/>)", num(cx), num(y), blue);
  } else if (kind == "notice") {
    fmt::format_to(o, R"(<path d="M{} {}l7 7m0 -7l-7 7" stroke="{}" stroke-width="2.2"/>)", num(cx - 3.5),
                   num(y - 3.5), red);
  } else if (kind == "ack" || kind == "rejected") {
    fmt::format_to(o, R"(<path d="M{} {}l5 5l-5 5l-5 -5z" fill="{}" stroke="{}" stroke-width="1.4"/>)", num(cx),
                   num(y - 5), kind == "ack" ? "#0b3d22" : "#ffffff", kind == "ack" ? "#ffffff" : ink);
  } else if (kind == "target" || kind == "breached") {
    fmt::format_to(o, R"(<path d="M{} {}v14" stroke="{}" stroke-width="1.6" stroke-dasharray="3 2"/>)", num(cx),
                   num(y - 7), kind == "target" ? ink : red);
  }
  out += '\n';
}

void marker(std::string& out, std::string_view kind, double x, double row_top, std::string_view tip) {
  out += "<g><title>";
  out += escape_markup(tip);
  out += "</title>";
  if (kind == "ack" || kind == "rejected") {
    swatch(out, kind, x - 8, row_top + bar_top + bar_h / 2);
  } else {
    swatch(out, kind, x - 8, row_top + 6);
  }
  out += "</g>\n";
}

std::string notice_kind(const notification_entry& n) {
  if (n.outcome.starts_with("failed")) {
    return "failed";
  }
  if (n.kind == "page" || n.kind == "reminder" || n.kind == "inform") {
    return n.kind;
  }
  return "notice";
}

std::string weekday_date(local_timestamp t) {
  using namespace std::chrono;
  static constexpr std::array<std::string_view, 7> days = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto day = floor<std::chrono::days>(t);
  const year_month_day ymd{day};
  const weekday wd{day};
  return fmt::format("{} {} {}", days[wd.c_encoding()], static_cast<unsigned>(ymd.day()),
                     months[static_cast<unsigned>(ymd.month()) - 1]);
}

// The timeline picture, drawn in layers: lane backgrounds and labels, the time grid,
// incidents, bars, bar labels, then markers on top (a marker hidden under a label would
// be lost; a label with a marker over one letter still reads).
class timeline_picture {
 public:
  explicit timeline_picture(const exercise_report& r) : r_(r), x_(r), axis_(make_axis(r)) {
    // The role a person was first paged as in each incident, for refused
    // acknowledgements (which engage nobody) to be drawn in.
    for (const auto& s : r_.spans) {
      for (const auto& p : s.pages) {
        paged_as_.try_emplace(std::pair<std::int64_t, std::string_view>{s.incident_id, p.person}, s.role);
      }
    }
    make_lanes();
    place_bars();
  }

  std::string draw() {
    std::string legend;
    const double legend_bottom = draw_legend(legend);
    layout(legend_bottom);
    open_svg();
    out_ += legend;
    draw_lanes();
    draw_axis();
    draw_incidents();
    draw_bars();
    draw_markers();
    if (axis_.clipped) {
      text(out_, label_x, plot_bottom_ + 20,
           fmt::format("Shown: {} to {} of the exercise's {}; a bar ending in › goes on past the right edge.",
                       offset(r_, axis_.t0), offset(r_, axis_.t1), format_duration(r_.end - r_.start)),
           fmt::format(R"(fill="{}")", muted));
    }
    out_ += "</svg>\n";
    return std::move(out_);
  }

 private:
  // Lanes: the report's roles in order, then roles that held spans or were told without
  // being listed, so no span or notification goes undrawn.
  void make_lanes() {
    auto add = [&](std::string_view role) {
      if (!role.empty() && find_lane(role) == nullptr) {
        lane_of_.emplace(std::string{role}, lanes_.size());
        lanes_.push_back(lane{std::string{role}, std::string{x_.role_title(role)}, false, {}, {}, {}, {}, 0});
      }
    };
    for (const auto& role : r_.roles) {
      add(role);
    }
    for (const auto& s : r_.spans) {
      add(s.role);
    }
    for (const auto& n : r_.notifications) {
      add(n.role);
    }
    // Where markers will go, so labels beside bars can keep clear of them.
    for (const auto& n : r_.notifications) {
      if (auto* l = find_lane(n.role); l != nullptr && n.at <= axis_.t1) {
        l->marks.push_back(axis_.x(n.at));
      }
    }
    for (const auto& a : r_.acknowledgements) {
      for (const auto& role : ack_roles(a)) {
        if (auto* l = find_lane(role); l != nullptr && a.at <= axis_.t1) {
          l->marks.push_back(axis_.x(a.at));
        }
      }
    }
    for (auto& l : lanes_) {
      std::sort(l.marks.begin(), l.marks.end());
    }
  }

  void place_bars() {
    std::vector<const accountability_span*> spans;
    for (const auto& s : r_.spans) {
      spans.push_back(&s);
    }
    std::stable_sort(spans.begin(), spans.end(), [](const auto* a, const auto* b) { return a->from < b->from; });
    const bool several = r_.incidents.size() > 1;
    for (const auto* s : spans) {
      if (s->from > axis_.t1) {
        continue;
      }
      bar b;
      b.span = s;
      b.x_from = axis_.x(s->from);
      b.x_to = std::max(axis_.x(std::min(s->until, axis_.t1)), b.x_from + 3);
      b.continues = s->until > axis_.t1;
      const auto change = s->end == span_end::engaged   ? s->engaged_at
                          : s->end == span_end::unowned ? s->unowned_at
                                                        : std::nullopt;
      if (change && *change <= axis_.t1) {
        b.x_change = std::clamp(axis_.x(*change), b.x_from, b.x_to);
      }
      b.label = bar_label(x_, *s, several);
      place(*find_lane(s->role), std::move(b));
    }
    // A lane with no bar belongs to a role that was only told (informed).
    for (auto& l : lanes_) {
      l.told_only = l.bars.empty();
    }
  }

  // The legend, wrapped to the width; returns the y below it.
  static double draw_legend(std::string& out) {
    static constexpr std::array<legend_item, 13> items = {{{"paging", "paging, not yet engaged"},
                                                           {"engaged", "engaged"},
                                                           {"unowned", "unowned: every rung spent"},
                                                           {"ended", "ended before anyone engaged"},
                                                           {"page", "page"},
                                                           {"reminder", "reminder"},
                                                           {"inform", "inform"},
                                                           {"notice", "unowned or breach notice"},
                                                           {"failed", "delivery failed"},
                                                           {"ack", "acknowledged"},
                                                           {"rejected", "acknowledgement refused"},
                                                           {"target", "engagement target"},
                                                           {"breached", "target breached"}}};
    double x = label_x;
    double y = 16;
    for (const auto& item : items) {
      const double w = 22 + text_px(item.label, font) + 16;
      if (x + w > width - 8) {
        x = label_x;
        y += 20;
      }
      swatch(out, item.swatch, x, y);
      text(out, x + 22, y + 4, item.label, R"(font-size="11")");
      x += w;
    }
    return y + 18;
  }

  void layout(double top) {
    axis_top_ = top;
    axis_bottom_ = axis_top_ + 46;
    double y = axis_bottom_ + 6;
    incidents_head_ = y;
    if (!r_.incidents.empty()) {
      y += 16;
    }
    incidents_top_ = y;
    y += static_cast<double>(r_.incidents.size()) * incident_row_h;
    if (!r_.incidents.empty()) {
      y += 8;
    }
    roles_head_ = y;
    y += 16;
    lanes_top_ = y;
    for (auto& l : lanes_) {
      l.y = y;
      y += l.height();
    }
    if (lanes_.empty()) {
      y += row_h;
    }
    plot_bottom_ = y;
  }

  void open_svg() {
    const double height = plot_bottom_ + (axis_.clipped ? 30 : 12);
    auto o = std::back_inserter(out_);
    fmt::format_to(o,
                   R"(<svg class="timeline" role="img" viewBox="0 0 {} {}" width="{}" height="{}" )"
                   R"(font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif" font-size="{}" )"
                   R"(aria-labelledby="timeline-title">)"
                   "\n",
                   num(width), num(height), num(width), num(height), num(font));
    fmt::format_to(o, "<title id=\"timeline-title\">{}</title>\n",
                   escape_markup(fmt::format("Who was accountable when in exercise {}: one lane per role, {} to {}",
                                             r_.name, offset(r_, axis_.t0), offset(r_, axis_.t1))));
    fmt::format_to(o,
                   "<defs><pattern id=\"baton-hatch\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" "
                   "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"{}\"/>"
                   "<path d=\"M0 0v6\" stroke=\"#7d1d16\" stroke-width=\"2.5\"/></pattern></defs>\n",
                   red);
  }

  // Lane backgrounds and the left column.
  void draw_lanes() {
    const auto heading = fmt::format(R"(font-size="10" font-weight="600" letter-spacing="0.6" fill="{}")", muted);
    if (!r_.incidents.empty()) {
      text(out_, label_x, incidents_head_ + 12, "INCIDENTS", heading);
    }
    text(out_, label_x, roles_head_ + 12, "ACCOUNTABLE ROLES", heading);
    const double label_w = plot_x0 - label_x - 12;
    for (std::size_t i = 0; i < lanes_.size(); ++i) {
      const auto& l = lanes_[i];
      fmt::format_to(std::back_inserter(out_), R"(<rect x="4" y="{}" width="{}" height="{}" fill="{}"/>)", num(l.y),
                     num(plot_x1 - 4), num(l.height()), i % 2 == 0 ? "#f5f7f9" : "#ffffff");
      out_ += '\n';
      text(out_, label_x, l.y + 14, fit(l.role, label_w, 12), R"(font-size="12" font-weight="600")");
      const std::string sub = l.told_only ? std::string{"told only, never accountable"} : l.title;
      if (!sub.empty()) {
        text(out_, label_x, l.y + 27, fit(sub, label_w, 10.5), fmt::format(R"(font-size="10.5" fill="{}")", muted));
      }
    }
    if (lanes_.empty()) {
      text(out_, plot_x0 + 8, lanes_top_ + 20, "Nobody was made accountable.", fmt::format(R"(fill="{}")", muted));
    }
  }

  // Grid and tick labels: the offset from the start, then the local clock time, then
  // the local date wherever it changes.
  void draw_axis() {
    auto o = std::back_inserter(out_);
    std::optional<std::chrono::sys_days> last_day;
    for (duration d{0}; axis_.t0 + d <= axis_.t1; d += axis_.step) {
      const timestamp t = axis_.t0 + d;
      const double x = axis_.x(t);
      fmt::format_to(o, R"(<path d="M{} {}V{}" stroke="{}" stroke-width="1"/>)", num(x), num(axis_bottom_ - 4),
                     num(plot_bottom_), grid);
      out_ += '\n';
      text(out_, x, axis_top_ + 12, "+" + format_duration(d), R"(text-anchor="middle" font-weight="600")");
      const local_timestamp lt = r_.zone != nullptr ? to_local(t, *r_.zone) : local_timestamp{t.time_since_epoch()};
      const auto day = std::chrono::floor<std::chrono::days>(lt);
      const std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::minutes>(lt - day)};
      text(out_, x, axis_top_ + 25, fmt::format("{:02}:{:02}", hms.hours().count(), hms.minutes().count()),
           fmt::format(R"(text-anchor="middle" fill="{}")", muted));
      const std::chrono::sys_days sday{day.time_since_epoch()};
      if (!last_day || *last_day != sday) {
        text(out_, x, axis_top_ + 38, weekday_date(lt), fmt::format(R"(text-anchor="middle" fill="{}")", muted));
        last_day = sday;
      }
    }
    if (!axis_.clipped && r_.end > r_.start) {
      fmt::format_to(o, R"(<path d="M{} {}V{}" stroke="{}" stroke-width="1.5"/>)", num(axis_.x(r_.end)),
                     num(axis_bottom_ - 4), num(plot_bottom_), muted);
      out_ += '\n';
    }
  }

  // Incidents: a dot when opened, a line while open, a square when resolved.
  void draw_incidents() {
    auto o = std::back_inserter(out_);
    for (std::size_t i = 0; i < r_.incidents.size(); ++i) {
      const auto& inc = r_.incidents[i];
      const double top = incidents_top_ + static_cast<double>(i) * incident_row_h;
      text(out_, label_x, top + 14, fit(incident_label(x_, inc.id), plot_x0 - label_x - 12, font),
           R"(font-weight="600")");
      if (inc.opened_at > axis_.t1) {
        continue;
      }
      const bool resolved_in_view = inc.resolved_at && *inc.resolved_at <= axis_.t1;
      const double x0 = axis_.x(inc.opened_at);
      const double x1 = std::max(axis_.x(resolved_in_view ? *inc.resolved_at : axis_.t1), x0 + 3);
      std::string tip = fmt::format("{}: opened {}", incident_label(x_, inc.id), when(r_, inc.opened_at));
      tip += inc.resolved_at ? fmt::format(", resolved {}", when(r_, *inc.resolved_at)) : ", still open at the end";
      if (!inc.summary.empty()) {
        tip += ". " + inc.summary;
      }
      fmt::format_to(o, R"(<g><title>{}</title><rect x="{}" y="{}" width="{}" height="6" rx="3" fill="#4a5563"/>)",
                     escape_markup(tip), num(x0), num(top + 8), num(x1 - x0));
      fmt::format_to(o, R"(<circle cx="{}" cy="{}" r="4" fill="#4a5563"/>)", num(x0), num(top + 11));
      if (resolved_in_view) {
        fmt::format_to(o, R"(<rect x="{}" y="{}" width="7" height="7" fill="#4a5563"/>)", num(x1 - 3.5),
                       num(top + 7.5));
      } else if (axis_.clipped) {
        fmt::format_to(o, R"(<path d="M{} {}l5 5l-5 5" fill="none" stroke="{}" stroke-width="2"/>)", num(x1 + 2),
                       num(top + 6), muted);
      }
      out_ += "</g>\n";
      if (resolved_in_view) {
        text(out_, x1 + 8, top + 15, "resolved", fmt::format(R"(font-size="10.5" fill="{}")", muted));
      }
    }
  }

  // Bars coloured by state, their target lines, then their labels over both.
  void draw_bars() {
    auto o = std::back_inserter(out_);
    std::string labels;
    for (const auto& l : lanes_) {
      for (const auto& b : l.bars) {
        const auto& s = *b.span;
        const double top = l.row_y(b.row) + bar_top;
        const std::string tip = fmt::format("{} for {}, {}: {}. {}; {}.", role_label(x_, s.role),
                                            incident_label(x_, s.incident_id), rule_phrase(s.rule),
                                            span_interval(r_, s), span_outcome(x_, s), span_target(r_, s));
        fmt::format_to(o, "<g><title>{}</title>", escape_markup(tip));
        auto rect = [&](double x0, double x1, std::string_view fill) {
          fmt::format_to(o, R"(<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{}"/>)", num(x0), num(top),
                         num(std::max(x1 - x0, 0.0)), num(bar_h), fill);
        };
        // Amber until the state changed (engaged or unowned), then the state's colour.
        const std::string_view final_fill = s.end == span_end::engaged   ? green
                                            : s.end == span_end::unowned ? std::string_view{"url(#baton-hatch)"}
                                            : s.end == span_end::ended   ? grey
                                                                         : amber;
        if (b.x_change) {
          rect(b.x_from, *b.x_change, amber);
          rect(*b.x_change, b.x_to, final_fill);
        } else {
          rect(b.x_from, b.x_to, s.end == span_end::engaged ? amber : final_fill);
        }
        if (b.continues) {
          fmt::format_to(o, R"(<path d="M{} {}l6 {}l-6 {}" fill="none" stroke="{}" stroke-width="2"/>)",
                         num(b.x_to + 2), num(top + 1), num(bar_h / 2 - 1), num(bar_h / 2 - 1), muted);
        }
        out_ += "</g>\n";
        text(labels, b.label_x, top + bar_h - 3, b.label, halo);
        if (s.target_at && *s.target_at <= axis_.t1) {
          fmt::format_to(o,
                         R"(<g><title>{}</title><path d="M{} {}V{}" stroke="{}" stroke-width="1.6" )"
                         R"(stroke-dasharray="3 2"/></g>)"
                         "\n",
                         escape_markup(span_target(r_, s)), num(axis_.x(*s.target_at)), num(l.row_y(b.row) + 2),
                         num(l.row_y(b.row) + row_h - 2), s.breached ? red : ink);
        }
      }
    }
    out_ += labels;
  }

  // Notifications above the bars, acknowledgements on them. Markers that would land on
  // one another (a page and a notice in the same minute) are set side by side.
  void draw_markers() {
    std::map<std::tuple<const lane*, std::size_t, bool>, std::vector<double>> taken;  // sorted x, per row
    auto free_x = [&](const lane* l, std::size_t row, bool on_bar, double x) {
      auto& xs = taken[{l, row, on_bar}];
      for (auto it = std::lower_bound(xs.begin(), xs.end(), x - 9); it != xs.end() && *it < x + 9; ++it) {
        x = *it + 10;
      }
      xs.insert(std::upper_bound(xs.begin(), xs.end(), x), x);
      return x;
    };
    for (const auto& n : r_.notifications) {
      if (n.at > axis_.t1) {
        continue;
      }
      const lane* l = find_lane(n.role);
      if (l == nullptr) {
        continue;
      }
      std::string tip = fmt::format("{} {} to {}", n.kind, when(r_, n.at), person_label(x_, n.person));
      if (!n.role.empty()) {
        tip += " as " + n.role;
      }
      tip += ": " + (n.outcome.empty() ? std::string{"–"} : n.outcome);
      if (!n.response.empty()) {
        tip += "; " + n.response;
      }
      const std::size_t row = marker_row(*l, n.incident_id, n.at);
      marker(out_, notice_kind(n), free_x(l, row, false, axis_.x(n.at)), l->row_y(row), tip);
    }
    for (const auto& a : r_.acknowledgements) {
      if (a.at > axis_.t1) {
        continue;
      }
      std::string tip = fmt::format("{} acknowledged {}", person_label(x_, a.person), when(r_, a.at));
      if (!a.accepted) {
        tip += a.detail.empty() ? ": refused" : ": refused, " + a.detail;
      }
      for (const auto& role : ack_roles(a)) {
        if (const lane* l = find_lane(role)) {
          const std::size_t row = marker_row(*l, a.incident_id, a.at);
          marker(out_, a.accepted ? "ack" : "rejected", free_x(l, row, true, axis_.x(a.at)), l->row_y(row), tip);
        }
      }
    }
  }

  lane* find_lane(std::string_view role) {
    auto it = lane_of_.find(std::string{role});
    return it == lane_of_.end() ? nullptr : &lanes_[it->second];
  }

  // The lanes an acknowledgement is drawn in: the roles it engaged, or, for a refused
  // one, the role the person was paged for in that incident.
  std::vector<std::string> ack_roles(const acknowledgement_entry& a) const {
    if (a.accepted) {
      return a.engaged_roles;
    }
    auto it = paged_as_.find(std::pair<std::int64_t, std::string_view>{a.incident_id, a.person});
    return it == paged_as_.end() ? std::vector<std::string>{} : std::vector<std::string>{std::string{it->second}};
  }

  const exercise_report& r_;
  report_index x_;
  time_axis axis_;
  std::vector<lane> lanes_;
  std::unordered_map<std::string, std::size_t> lane_of_;
  std::map<std::pair<std::int64_t, std::string_view>, std::string_view> paged_as_;
  std::string out_;
  double axis_top_ = 0;
  double axis_bottom_ = 0;
  double incidents_head_ = 0;
  double incidents_top_ = 0;
  double roles_head_ = 0;
  double lanes_top_ = 0;
  double plot_bottom_ = 0;
};


}  // namespace


std::string timeline_omitted(const exercise_report& r) {
  const std::size_t markers = r.notifications.size() + r.acknowledgements.size();
  if (r.incidents.size() <= max_picture_incidents && r.spans.size() <= max_picture_spans &&
      markers <= max_picture_markers) {
    return {};
  }
  return fmt::format(
      "The picture is left out: this run has {} incidents, {} accountability spans and {} notifications and "
      "acknowledgements, and the picture draws at most {} incidents, {} spans and {} markers. The tables below "
      "list everything.",
      r.incidents.size(), r.spans.size(), markers, max_picture_incidents, max_picture_spans, max_picture_markers);
}

std::string timeline_svg(const exercise_report& r) { return timeline_picture{r}.draw(); }

std::string cdf_svg(const rule_distribution& d) {
  constexpr double w = 520;
  constexpr double h = 316;
  constexpr double x0 = 64;
  constexpr double x1 = w - 28;
  constexpr double y0 = h - 56;  // the axis: share 0
  constexpr double y1 = 46;      // share 1; above: the engaged share, then the target

  duration reach = d.cdf.empty() ? duration{0} : d.cdf.back();
  if (d.target) {
    // Room right of the target for the P(met) label.
    reach = std::max(reach, *d.target + *d.target / 3);
  }
  reach = std::max(reach + reach / 12, duration{1min});
  static constexpr std::array<std::int64_t, 21> seconds = {1,    2,    5,     10,    15,    30,    60,
                                                           120,  300,  600,   900,   1800,  3600,  7200,
                                                           10800, 21600, 43200, 86400, 172800, 604800, 2419200};
  duration step = std::chrono::seconds{seconds.back()};
  for (auto s : seconds) {
    if (reach / duration{std::chrono::seconds{s}} <= 5) {
      step = std::chrono::seconds{s};
      break;
    }
  }
  const duration span = round_up(reach, step);
  auto x = [&](duration v) {
    return x0 + std::clamp(static_cast<double>(v.count()) / static_cast<double>(span.count()), 0.0, 1.0) * (x1 - x0);
  };
  auto y = [&](double share) { return y0 - std::clamp(share, 0.0, 1.0) * (y0 - y1); };
  const double engaged_share =
      d.escalations > 0 ? static_cast<double>(d.engaged) / static_cast<double>(d.escalations) : 0.0;

  std::string out;
  auto o = std::back_inserter(out);
  const std::string name = rule_label(d.rule);
  fmt::format_to(o,
                 R"(<svg class="cdf" role="img" viewBox="0 0 {} {}" width="{}" height="{}" )"
                 R"(font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif" font-size="11">)"
                 "\n",
                 num(w), num(h), num(w), num(h));
  fmt::format_to(
      o, "<title>{}</title>\n",
      escape_markup(fmt::format("Latency of rule {}: share of {} escalations engaged within a given time; P(met) {}",
                                name, d.escalations, d.escalations > 0 ? percent(d.p_met) : "–")));

  // The engaged share heads the chart: the curve levels off there, and the gap above it
  // is the share never engaged.
  text(out, x0, 16,
       d.escalations > 0
           ? fmt::format("engaged: {} of {} escalations; never engaged: {}", percent(engaged_share), d.escalations,
                         percent(1 - engaged_share))
           : std::string{"no escalations"},
       fmt::format(R"(fill="{}")", blue));

  // Axes, grid and ticks.
  for (int i = 0; i <= 4; ++i) {
    const double share = i / 4.0;
    fmt::format_to(o, R"(<path d="M{} {}H{}" stroke="{}"/>)", num(x0), num(y(share)), num(x1), grid);
    text(out, x0 - 6, y(share) + 4, fmt::format("{}%", i * 25), R"(text-anchor="end")");
  }
  for (duration v{0}; v <= span; v += step) {
    fmt::format_to(o, R"(<path d="M{} {}V{}" stroke="{}"/>)", num(x(v)), num(y1), num(y0 + 4), grid);
    text(out, x(v), y0 + 17, format_duration(v), R"(text-anchor="middle")");
  }
  fmt::format_to(o, R"(<path d="M{} {}V{}H{}" fill="none" stroke="{}" stroke-width="1.2"/>)", num(x0), num(y1),
                 num(y0), num(x1), ink);
  out += '\n';
  text(out, (x0 + x1) / 2, h - 14, "latency: from the escalation to its engagement", R"(text-anchor="middle")");
  fmt::format_to(o, R"~(<text x="16" y="{}" text-anchor="middle" transform="rotate(-90 16 {})">{}</text>)~",
                 num((y0 + y1) / 2), num((y0 + y1) / 2), "share of escalations engaged");
  out += '\n';

  // The curve: a step up of engaged/escalations ÷ n at each of the n stored latencies, so
  // it levels off at the engaged share and the gap above it is the never-engaged share.
  if (!d.cdf.empty()) {
    const double n = static_cast<double>(d.cdf.size());
    std::string path = fmt::format("M{} {}", num(x0), num(y(0)));
    for (std::size_t i = 0; i < d.cdf.size(); ++i) {
      path += fmt::format("H{}V{}", num(x(d.cdf[i])), num(y(static_cast<double>(i + 1) / n * engaged_share)));
    }
    path += "H" + num(x1);
    fmt::format_to(o, R"(<path d="{}" fill="none" stroke="{}" stroke-width="2.2" stroke-linejoin="round"/>)", path,
                   blue);
    out += '\n';
    fmt::format_to(o, R"(<path d="M{} {}H{}" stroke="{}" stroke-width="1" stroke-dasharray="1 3"/>)", num(x0),
                   num(y(engaged_share)), num(x1), blue);
    out += '\n';
  } else {
    text(out, (x0 + x1) / 2, (y0 + y1) / 2, "no escalation of this rule was engaged",
         fmt::format(R"(text-anchor="middle" fill="{}")", muted));
  }

  // The target and P(met).
  if (d.target) {
    const double tx = x(*d.target);
    const double py = y(d.p_met);
    fmt::format_to(o, R"(<path d="M{} {}V{}" stroke="{}" stroke-width="1.8" stroke-dasharray="5 3"/>)", num(tx),
                   num(y1 - 6), num(y0), red);
    fmt::format_to(o, R"(<path d="M{} {}H{}" stroke="{}" stroke-width="1.2" stroke-dasharray="2 3"/>)", num(x0),
                   num(py), num(tx), red);
    fmt::format_to(o, R"(<circle cx="{}" cy="{}" r="3.5" fill="{}"/>)", num(tx), num(py), red);
    out += '\n';
    const std::string target = fmt::format("target {}", d.target_spec.empty() ? format_duration(*d.target)
                                                                               : d.target_spec);
    const bool left = x1 - tx < text_px(target, font) + 8;
    text(out, left ? tx - 4 : tx + 4, y1 - 10, target,
         fmt::format(R"(text-anchor="{}" fill="{}" font-weight="600")", left ? "end" : "start", red));
    const std::string met = fmt::format("P(met) {}", percent(d.p_met));
    // Right of the target the curve is at or above P(met), left of it at or below: the
    // label goes under the line on the right, or over it on the left, clear of the curve.
    const double met_w = text_px(met, font) + 10;
    const bool below_fits = py + 15 <= y0 - 3;
    if (x1 - tx >= met_w && below_fits) {
      text(out, tx + 6, py + 15, met, fmt::format(R"(fill="{}" font-weight="600" {})", red, halo));
    } else if (tx - x0 >= met_w) {
      text(out, tx - 6, py - 6, met, fmt::format(R"(text-anchor="end" fill="{}" font-weight="600" {})", red, halo));
    } else {
      text(out, tx + 6, py - 6, met, fmt::format(R"(fill="{}" font-weight="600" {})", red, halo));
    }
  } else {
    const std::string note = d.target_spec.empty()
                                 ? fmt::format("no target; P(met) = engaged share = {}", percent(d.p_met))
                                 : fmt::format("target {} (varies by day, not drawn); P(met) {}", d.target_spec,
                                               percent(d.p_met));
    text(out, x0, y1 - 10, note, fmt::format(R"(fill="{}" font-weight="600")", red));
  }
  out += "</svg>\n";
  return out;
}

}  // namespace baton::simulate::report_detail
