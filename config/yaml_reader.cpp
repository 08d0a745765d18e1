#include "config/yaml_reader.hpp"

#include <date/date.h>

#include <algorithm>
#include <charconv>

#include "base/text.hpp"
#include "base/time.hpp"
#include "config/loader.hpp"

namespace baton::config::detail {
namespace {

constexpr std::array<std::string_view, 7> weekday_names{"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

// Quotes text from the input for a message, cut to a length a terminal can show: a
// value or key may be megabytes long.
std::string in_quotes(std::string_view s) {
  constexpr std::size_t max_quoted = 80;
  if (s.size() > max_quoted) {
    return in_quotes(shortened(s, max_quoted));
  }
  std::string out = "\"";
  out += s;
  out += '"';
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) {
      out += separator;
    }
    out += s;
  }
  return out;
}

}  // namespace

void wrong_type(reader& r, const item& value, std::string_view expected) {
  if (value.reported) {
    return;
  }
  r.error(value.at, value.key + ": expected " + std::string(expected) + ", found " + describe(value.node));
}

config::mark source_file::position_at(std::size_t offset) const {
  auto it = std::upper_bound(line_starts.begin(), line_starts.end(), offset);
  std::size_t line = it == line_starts.begin() ? 0 : static_cast<std::size_t>(it - line_starts.begin()) - 1;
  std::size_t start = line_starts.empty() ? 0 : line_starts[line];
  return config::mark{name, static_cast<int>(line + 1), static_cast<int>(offset - start + 1)};
}

config::mark reader::at(const YAML::Node& node) const {
  if (!node.IsDefined()) {
    return config::mark{file_->name, 1, 1};
  }
  YAML::Mark m = node.Mark();
  if (m.is_null()) {
    return config::mark{file_->name, 1, 1};
  }
  return config::mark{file_->name, m.line + 1, m.column + 1};
}

item reader::make_item(const YAML::Node& key_node, const YAML::Node& value, std::string key) const {
  item it;
  it.node = value;
  it.key = std::move(key);
  it.at = value.IsNull() ? at(key_node) : at(value);
  return it;
}

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) {
    return "nothing";
  }
  if (node.IsMap()) {
    return "a mapping";
  }
  if (node.IsSequence()) {
    return "a list";
  }
  return in_quotes(shortened(node.Scalar(), 40));
}

namespace {

// A typo is at most this many edits away (and fewer than half the letters).
constexpr std::size_t typo_edits = 2;
// Ids in a "known: ..." list are cut to this many characters: twelve ids of a megabyte
// each must not make every message twelve megabytes.
constexpr std::size_t shown_id_length = 40;

std::string shown_id(std::string_view id) { return shortened(id, shown_id_length); }

}  // namespace

std::string suggest(std::string_view wrong, const std::vector<std::string>& known, std::string_view plural) {
  if (known.empty()) {
    return "no " + std::string(plural) + " are defined";
  }
  // The first of the closest candidates, among those at most typo_edits away: an id
  // whose length differs by more cannot be one, and the others need only a comparison
  // bounded by the best distance so far, so this is linear in the known ids.
  const std::string* best = nullptr;
  std::size_t best_distance = typo_edits + 1;
  for (const auto& k : known) {
    std::size_t gap = k.size() > wrong.size() ? k.size() - wrong.size() : wrong.size() - k.size();
    if (gap >= best_distance) {
      continue;
    }
    std::size_t d = bounded_edit_distance(wrong, k, best_distance - 1);
    if (d < best_distance) {
      best = &k;
      best_distance = d;
      if (d == 0) {
        break;
      }
    }
  }
  if (best != nullptr && best_distance * 2 < std::max(wrong.size(), best->size())) {
    return "did you mean " + in_quotes(*best) + "?";
  }
  std::size_t count = std::min<std::size_t>(known.size(), 12);
  std::string out = "known " + std::string(plural) + ": ";
  for (std::size_t i = 0; i < count; ++i) {
    out += (i > 0 ? ", " : "") + shown_id(known[i]);
  }
  if (known.size() > count) {
    out += ", ... (" + std::to_string(known.size()) + " in all)";
  }
  return out;
}

bool valid_id(std::string_view text) noexcept {
  if (text.empty()) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

mapping::mapping(reader& r, const item& value, std::string_view what, const std::vector<std::string_view>& allowed)
    : reader_(&r), what_(what), at_(value.at) {
  if (!value.node.IsDefined() || !value.node.IsMap()) {
    wrong_type(r, value, "a mapping (" + what_ + ")");
    return;
  }
  valid_ = true;
  for (auto it = value.node.begin(); it != value.node.end(); ++it) {
    // A copy: `it->` yields a proxy that dies at the end of the statement.
    const YAML::Node key_node = it->first;
    if (!key_node.IsScalar()) {
      r.error(r.at(key_node), "expected a key name, found " + describe(key_node));
      continue;
    }
    const std::string& key = key_node.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::vector<std::string> names(allowed.begin(), allowed.end());
      std::string message = "unknown key " + in_quotes(key) + " in " + what_ + " (allowed: " + join(names, ", ") + ")";
      std::string hint = suggest(key, names, "keys");
      if (hint.starts_with("did you mean")) {
        message += "; " + hint;
      }
      r.error(r.at(key_node), std::move(message));
      continue;
    }
    auto first = std::find_if(entries_.begin(), entries_.end(), [&](const entry& e) { return e.key == key; });
    if (first != entries_.end()) {
      config::mark was = r.at(first->key_node);
      r.error(r.at(key_node), "duplicate key " + in_quotes(key) + " (first given at line " + std::to_string(was.line) + ")");
      continue;
    }
    entries_.push_back(entry{key, key_node, it->second});
  }
}

item mapping::get(std::string_view key) const {
  for (const auto& e : entries_) {
    if (e.key == key) {
      return reader_->make_item(e.key_node, e.value, e.key);
    }
  }
  item absent;
  absent.found = false;
  absent.at = at_;
  absent.key = std::string(key);
  return absent;
}

item mapping::require(std::string_view key) const {
  item value = get(key);
  if (valid_ && value.empty()) {
    if (value.present()) {
      reader_->error(value.at, "missing value for required key " + in_quotes(key) + " in " + what_);
    } else {
      reader_->error(at_, "missing required key " + in_quotes(key) + " in " + what_);
    }
    value.reported = true;
  }
  return value;
}

std::vector<item> read_list(reader& r, const item& value, std::string_view of_what) {
  std::vector<item> out;
  if (value.empty()) {
    return out;
  }
  if (!value.node.IsSequence()) {
    wrong_type(r, value, of_what);
    return out;
  }
  out.reserve(value.node.size());
  for (auto element_it = value.node.begin(); element_it != value.node.end(); ++element_it) {
    const YAML::Node element = *element_it;
    item it;
    it.node = element;
    it.key = value.key;
    // An empty element ("- ") is marked at the next token too; the list is closer.
    it.at = element.IsNull() ? value.at : r.at(element);
    out.push_back(std::move(it));
  }
  return out;
}

std::optional<std::string> read_string(reader& r, const item& value) {
  if (!value.node.IsDefined() || !value.node.IsScalar()) {
    wrong_type(r, value, "a string");
    return std::nullopt;
  }
  return value.node.Scalar();
}

std::optional<located_id> read_id(reader& r, const item& value, std::string_view kind) {
  if (!value.node.IsDefined() || !value.node.IsScalar()) {
    wrong_type(r, value, "a " + std::string(kind));
    return std::nullopt;
  }
  // The text is quoted shortened: it may be anything, of any length.
  const std::string& text = value.node.Scalar();
  if (!valid_id(text)) {
    r.error(value.at, value.key + ": " + in_quotes(shown_id(text)) + " is not a valid " + std::string(kind) +
                          " (letters, digits, '_', '-' and '.' only)");
    return std::nullopt;
  }
  // Every reference to an id, and every message about one, carries a copy: a role with
  // a 100,000-character id and 2,000 unknown backups made 200 MB of messages. Valid ids
  // are ASCII, so the length in bytes is the length in characters.
  if (text.size() > max_id_length) {
    r.error(value.at, value.key + ": " + std::string(kind) + " " + in_quotes(shown_id(text)) + " is " +
                          std::to_string(text.size()) + " characters long; ids have at most " +
                          std::to_string(max_id_length));
    return std::nullopt;
  }
  return located_id{text, value.at};
}

std::vector<located_id> read_id_list(reader& r, const item& value, std::string_view kind, bool allow_single) {
  std::vector<located_id> out;
  if (value.empty()) {
    return out;
  }
  if (allow_single && value.node.IsScalar()) {
    if (auto id = read_id(r, value, kind)) {
      out.push_back(std::move(*id));
    }
    return out;
  }
  std::string expected = "a list of " + std::string(kind) + "s";
  if (allow_single) {
    expected = "a " + std::string(kind) + " or " + expected;
  }
  for (const auto& element : read_list(r, value, expected)) {
    if (auto id = read_id(r, element, kind)) {
      out.push_back(std::move(*id));
    }
  }
  return out;
}

std::optional<bool> read_bool(reader& r, const item& value) {
  if (value.node.IsDefined() && value.node.IsScalar()) {
    const std::string& s = value.node.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") {
      return true;
    }
    if (s == "false" || s == "False" || s == "FALSE") {
      return false;
    }
  }
  wrong_type(r, value, "true or false");
  return std::nullopt;
}

std::optional<int> read_int(reader& r, const item& value, int min, int max) {
  std::string expected = "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
  if (value.node.IsDefined() && value.node.IsScalar()) {
    const std::string& s = value.node.Scalar();
    int n = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc{} && ptr == s.data() + s.size() && !s.empty() && n >= min && n <= max) {
      return n;
    }
  }
  wrong_type(r, value, expected);
  return std::nullopt;
}

std::optional<duration> read_duration(reader& r, const item& value) {
  if (value.node.IsDefined() && value.node.IsScalar()) {
    bool too_long = false;
    if (auto d = parse_duration(value.node.Scalar(), &too_long)) {
      return d;
    }
    if (too_long) {
      r.error(value.at, value.key + ": duration " + in_quotes(value.node.Scalar()) + " is longer than " +
                            format_duration(max_duration) + ", the longest baton accepts");
      return std::nullopt;
    }
    r.error(value.at, value.key + ": bad duration " + in_quotes(value.node.Scalar()) +
                          " (expected a number and unit, largest first: 90s, 15m, 24h, 1h30m, 2d, 1w)");
    return std::nullopt;
  }
  wrong_type(r, value, "a duration such as 15m or 24h");
  return std::nullopt;
}

std::optional<duration> read_duration_at_least(reader& r, const item& value, duration min, std::string_view why) {
  auto d = read_duration(r, value);
  if (d && *d < min) {
    r.error(value.at, value.key + ": " + format_duration(*d) + " is shorter than " + format_duration(min) + ", " +
                          std::string(why));
    return std::nullopt;
  }
  return d;
}

std::optional<duration> read_duration_within(reader& r, const item& value, duration_bound min, duration_bound max) {
  auto d = read_duration_at_least(r, value, min.value, min.why);
  if (d && *d > max.value) {
    r.error(value.at, value.key + ": " + format_duration(*d) + " is longer than " + format_duration(max.value) + "; " +
                          std::string(max.why));
    return std::nullopt;
  }
  return d;
}

std::optional<deadline_spec> read_deadline(reader& r, const item& value) {
  if (value.node.IsDefined() && value.node.IsScalar()) {
    if (auto d = parse_deadline(value.node.Scalar())) {
      return d;
    }
    bool too_long = false;
    if (!parse_duration(value.node.Scalar(), &too_long) && too_long) {
      r.error(value.at, value.key + ": deadline " + in_quotes(value.node.Scalar()) + " is longer than " +
                            format_duration(max_duration) + ", the longest duration baton accepts");
      return std::nullopt;
    }
    r.error(value.at, value.key + ": bad deadline " + in_quotes(value.node.Scalar()) +
                          " (expected a duration such as 24h, or business days such as \"5 business days\" or 5bd)");
    return std::nullopt;
  }
  wrong_type(r, value, "a deadline such as 24h or \"5 business days\"");
  return std::nullopt;
}

std::optional<civil_day> read_day(reader& r, const item& value) {
  if (value.node.IsDefined() && value.node.IsScalar()) {
    const std::string& s = value.node.Scalar();
    // parse_iso in UTC reads the date strictly (month and day ranges included); the
    // length check keeps times out.
    if (s.size() == 10) {
      if (auto t = parse_iso(s, find_zone("UTC"))) {
        auto days = std::chrono::floor<std::chrono::days>(*t);
        return static_cast<civil_day>(days.time_since_epoch().count());
      }
    }
    r.error(value.at, value.key + ": bad date " + in_quotes(s) + " (expected YYYY-MM-DD, e.g. 2026-12-25)");
    return std::nullopt;
  }
  wrong_type(r, value, "a date (YYYY-MM-DD)");
  return std::nullopt;
}

std::optional<timestamp> read_instant(reader& r, const item& value, const date::time_zone& zone) {
  if (value.node.IsDefined() && value.node.IsScalar()) {
    const std::string& s = value.node.Scalar();
    if (auto t = parse_iso(s, &zone)) {
      return t;
    }
    r.error(value.at, value.key + ": bad instant " + in_quotes(s) +
                          " (expected a date or date and time: 2026-03-04, 2026-03-04T10:00, "
                          "2026-03-04T09:00:00Z, 2026-03-04T10:00:00+01:00)");
    return std::nullopt;
  }
  wrong_type(r, value, "a date or instant such as 2026-03-04T10:00");
  return std::nullopt;
}

std::optional<std::chrono::minutes> read_time_of_day(reader& r, const item& value) {
  if (value.node.IsDefined() && value.node.IsScalar()) {
    const std::string& s = value.node.Scalar();
    auto colon = s.find(':');
    int h = -1;
    int m = -1;
    if (colon != std::string::npos && (colon == 1 || colon == 2) && s.size() == colon + 3) {
      auto [p1, e1] = std::from_chars(s.data(), s.data() + colon, h);
      auto [p2, e2] = std::from_chars(s.data() + colon + 1, s.data() + s.size(), m);
      if (e1 != std::errc{} || p1 != s.data() + colon || e2 != std::errc{} || p2 != s.data() + s.size()) {
        h = -1;
      }
    }
    if (h >= 0 && m >= 0 && m < 60 && (h < 24 || (h == 24 && m == 0))) {
      return std::chrono::minutes{h * 60 + m};
    }
    r.error(value.at, value.key + ": bad time of day " + in_quotes(s) + " (expected HH:MM, e.g. \"09:00\")");
    return std::nullopt;
  }
  wrong_type(r, value, "a time of day such as \"09:00\"");
  return std::nullopt;
}

std::optional<std::array<bool, 7>> read_weekdays(reader& r, const item& value) {
  std::array<bool, 7> days{};
  bool ok = value.present() && value.node.IsSequence();
  for (const auto& element : read_list(r, value, "a list of weekdays (mon, tue, ...)")) {
    auto name = read_string(r, element);
    if (!name) {
      ok = false;
      continue;
    }
    auto found = std::find(weekday_names.begin(), weekday_names.end(), *name);
    if (found == weekday_names.end()) {
      r.error(element.at, value.key + ": unknown weekday " + in_quotes(*name) + " (expected mon, tue, wed, thu, fri, sat or sun)");
      ok = false;
      continue;
    }
    days[static_cast<std::size_t>(found - weekday_names.begin())] = true;
  }
  if (!ok) {
    return std::nullopt;
  }
  return days;
}

const date::time_zone* read_zone(reader& r, const item& value, std::string* name) {
  auto text = read_string(r, value);
  if (!text) {
    return nullptr;
  }
  const date::time_zone* zone = find_zone(*text);
  if (zone == nullptr && is_host_dependent_zone(*text)) {
    r.error(value.at, value.key + ": " + in_quotes(*text) +
                          " is whatever zone the machine running baton is set to, so the same file would mean "
                          "different times on different machines; name the zone, e.g. Europe/Berlin or UTC");
    return nullptr;
  }
  if (zone == nullptr) {
    r.error(value.at, value.key + ": unknown time zone " + in_quotes(*text) +
                          " (expected an IANA zone name such as Europe/Berlin or UTC)");
    return nullptr;
  }
  if (name != nullptr) {
    *name = *text;
  }
  return zone;
}

std::string format_day(civil_day day) {
  date::year_month_day ymd{date::sys_days{date::days{day}}};
  return date::format("%F", ymd);
}

}  // namespace baton::config::detail
