// The `responders` section: how the simulated people answer pages (how fast, how often
// not at all, only in working hours, and when they cannot be reached).
#include <algorithm>
#include <array>

#include "simulate/scenario_state.hpp"

namespace baton::simulate::detail {
namespace {

constexpr std::array<std::string_view, 4> distributions{"fixed", "lognormal", "exponential", "uniform"};

std::string position(const config::mark& m) {
  return m.file + ":" + std::to_string(m.line) + ":" + std::to_string(m.column);
}

// A distribution's parameters as `key: duration` entries of a mapping.
std::optional<duration> parameter(reader& r, const mapping& m, std::string_view key) {
  item v = m.require(key);
  if (v.empty()) {
    return std::nullopt;
  }
  return config::detail::read_duration(r, v);
}

// The factories check what their parameters must satisfy; their words are reported at
// the distribution's value, with the values as written.
std::optional<delay_model> made(reader& r, const item& at, expected<delay_model> model, std::string detail) {
  if (!model) {
    r.error(at.at, at.key + ": " + model.error() + " (" + detail + ")");
    return std::nullopt;
  }
  return *model;
}

std::optional<delay_model> parse_delay(reader& r, const item& value) {
  if (value.present() && value.node.IsScalar()) {
    auto d = config::detail::read_duration(r, value);
    if (!d) {
      return std::nullopt;
    }
    return delay_model::fixed(*d);
  }
  if (!value.present() || !value.node.IsMap()) {
    r.error(value.at, value.key + ": expected a duration such as 5m, or one distribution (fixed, lognormal, "
                                  "exponential or uniform), found " +
                          config::detail::describe(value.node));
    return std::nullopt;
  }
  mapping m(r, value, "delay", std::vector<std::string_view>(distributions.begin(), distributions.end()));
  std::vector<item> given;
  for (auto kind : distributions) {
    if (item v = m.get(kind); v.present()) {
      given.push_back(v);
    }
  }
  if (given.empty()) {
    // An unknown key was reported already; say nothing more then.
    if (value.node.size() == 0) {
      r.error(value.at, "delay: give one distribution: fixed, lognormal, exponential or uniform");
    }
    return std::nullopt;
  }
  if (given.size() > 1) {
    r.error(given[1].at, "delay: one distribution only, found " + given[0].key + " and " + given[1].key);
    return std::nullopt;
  }
  const item& d = given.front();
  if (d.key == "fixed") {
    auto fixed = config::detail::read_duration(r, d);
    if (!fixed) {
      return std::nullopt;
    }
    return delay_model::fixed(*fixed);
  }
  if (d.key == "lognormal") {
    mapping p(r, d, "lognormal delay", {"median", "p90"});
    if (!p.valid()) {
      return std::nullopt;
    }
    auto median = parameter(r, p, "median");
    auto p90 = parameter(r, p, "p90");
    if (!median || !p90) {
      return std::nullopt;
    }
    return made(r, d, delay_model::lognormal(*median, *p90),
                "median " + format_duration(*median) + ", p90 " + format_duration(*p90));
  }
  if (d.key == "exponential") {
    mapping p(r, d, "exponential delay", {"mean"});
    if (!p.valid()) {
      return std::nullopt;
    }
    auto mean = parameter(r, p, "mean");
    if (!mean) {
      return std::nullopt;
    }
    return made(r, d, delay_model::exponential(*mean), "mean " + format_duration(*mean));
  }
  mapping p(r, d, "uniform delay", {"low", "high"});
  if (!p.valid()) {
    return std::nullopt;
  }
  auto low = parameter(r, p, "low");
  auto high = parameter(r, p, "high");
  if (!low || !high) {
    return std::nullopt;
  }
  return made(r, d, delay_model::uniform(*low, *high),
              "low " + format_duration(*low) + ", high " + format_duration(*high));
}

void parse_unavailable(scenario_state& s, const item& value, std::string_view who, responder_spec& out) {
  reader& r = *s.r;
  struct interval {
    unavailability u;
    config::mark at;
    std::string text;  // "from .. until" as written
  };
  std::vector<interval> found;
  for (const auto& element : config::detail::read_list(r, value, "a list of intervals ({from, until, reason})")) {
    mapping m(r, element, "unavailable interval", {"from", "until", "reason"});
    if (!m.valid()) {
      continue;
    }
    item from_item = m.require("from");
    item until_item = m.require("until");
    // Someone may be away since before the exercise and until after it.
    auto from = from_item.empty() ? std::nullopt : s.read_time(from_item, false);
    auto until = until_item.empty() ? std::nullopt : s.read_time(until_item, false);
    interval i;
    i.at = m.at();
    if (item v = m.get("reason"); v.present()) {
      if (auto reason = config::detail::read_string(r, v)) {
        i.u.reason = *reason;
      }
    }
    if (!from || !until) {
      continue;
    }
    if (until->at <= from->at) {
      r.error(until_item.at, "until (" + until->text + ") must be after from (" + from->text + ")");
      continue;
    }
    i.u.from = from->at;
    i.u.until = until->at;
    i.text = from->text + " .. " + until->text;
    found.push_back(std::move(i));
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const interval& a, const interval& b) { return a.u.from < b.u.from; });
  // Sorted by start, an interval overlaps an earlier one exactly when it starts before
  // the latest end so far (half-open intervals: touching is fine).
  const interval* latest = nullptr;
  for (const auto& i : found) {
    if (latest != nullptr && i.u.from < latest->u.until) {
      // Report at the one written later in the file, naming the other.
      bool i_later = std::make_pair(i.at.line, i.at.column) > std::make_pair(latest->at.line, latest->at.column);
      const interval& later = i_later ? i : *latest;
      const interval& other = i_later ? *latest : i;
      r.error(later.at, "unavailable: interval " + later.text + " of " + std::string(who) + " overlaps the one at " +
                            position(other.at) + " (" + other.text + ")");
    }
    if (latest == nullptr || i.u.until > latest->u.until) {
      latest = &i;
    }
  }
  for (auto& i : found) {
    out.unavailable.push_back(std::move(i.u));
  }
}

std::optional<responder_spec> parse_responder(scenario_state& s, const item& value, const std::string& who) {
  reader& r = *s.r;
  mapping m(r, value, who, {"delay", "never", "working_hours_only", "unavailable"});
  if (!m.valid()) {
    return std::nullopt;
  }
  responder_spec spec;
  spec.at = m.at();
  if (item v = m.get("delay"); v.present()) {
    spec.delay = parse_delay(r, v);
  }
  if (item v = m.get("never"); v.present()) {
    spec.never = read_probability(r, v);
  }
  if (item v = m.get("working_hours_only"); v.present()) {
    spec.working_hours_only = config::detail::read_bool(r, v);
  }
  parse_unavailable(s, m.get("unavailable"), who, spec);
  return spec;
}

}  // namespace

void parse_responders(scenario_state& s, const item& value) {
  reader& r = *s.r;
  mapping m(r, value, "responders", {"default", "people"});
  if (!m.valid()) {
    return;
  }
  if (item v = m.get("default"); v.present()) {
    if (auto spec = parse_responder(s, v, "the default responder")) {
      s.sc->default_responder = std::move(*spec);
    }
  }
  item people = m.get("people");
  if (people.empty()) {
    return;
  }
  if (!people.node.IsMap()) {
    r.error(people.at, "people: expected a mapping of person ids to responders, found " +
                           config::detail::describe(people.node));
    return;
  }
  std::map<std::string, config::mark, std::less<>> first;
  for (auto it = people.node.begin(); it != people.node.end(); ++it) {
    // Copies: `it->` yields a proxy that dies at the end of the statement.
    const YAML::Node key_node = it->first;
    const YAML::Node value_node = it->second;
    item key;
    key.node = key_node;
    key.at = r.at(key_node);
    key.key = "people";
    auto id = config::detail::read_id(r, key, "person id");
    if (!id) {
      continue;
    }
    if (auto seen = first.find(id->id); seen != first.end()) {
      r.error(id->at, "duplicate key " + in_quotes(id->id) + " (first given at line " +
                          std::to_string(seen->second.line) + ")");
      continue;
    }
    first.emplace(id->id, id->at);
    bool known = s.known_person(*id, "responders.people");
    auto spec = parse_responder(s, r.make_item(key_node, value_node, id->id), "responder " + id->id);
    if (known && spec) {
      s.sc->responders.emplace(id->id, std::move(*spec));
    }
  }
}

}  // namespace baton::simulate::detail
