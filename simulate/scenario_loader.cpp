// load_scenario(): read the file, load the configuration it names (every reference is
// checked against that organisation), set the exercise's clock (zone, start, length,
// seed), then read the responders, the timeline and the expectations.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <system_error>
#include <tuple>
#include <utility>

#include "config/loader.hpp"
#include "config/sources.hpp"
#include "engine/holder_resolver.hpp"
#include "simulate/limits.hpp"
#include "simulate/scenario_state.hpp"

namespace baton::simulate {
namespace detail {
namespace {

// The ids of a section, listed once per load however many references are wrong: a
// timeline of many misspelt names must not copy every id list once per mistake.
template <class T>
const std::vector<std::string>& ids_of(std::optional<std::vector<std::string>>& cache, const std::vector<T>& items) {
  if (!cache) {
    cache.emplace();
    cache->reserve(items.size());
    for (const auto& x : items) {
      cache->push_back(x.id);
    }
  }
  return *cache;
}

void report_unknown(reader& r, const located_id& id, std::string_view noun, std::string_view plural,
                    const std::vector<std::string>& known, std::string_view where) {
  r.error(id.at, "unknown " + std::string(noun) + " " + in_quotes(id.id) + " in " + std::string(where) + " (" +
                     config::detail::suggest(id.id, known, plural) + ")");
}

constexpr std::string_view time_forms =
    "+<duration> after the start such as +90m or +1d2h, or an instant such as 2026-11-23T11:00 or "
    "2026-11-23T10:00:00Z";

}  // namespace

std::string in_quotes(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

std::optional<scenario_time> scenario_state::read_time(const item& value, bool bounded) {
  if (!value.node.IsDefined() || !value.node.IsScalar()) {
    if (!value.reported) {
      r->error(value.at, value.key + ": expected a time (" + std::string(time_forms) + "), found " +
                             config::detail::describe(value.node));
    }
    return std::nullopt;
  }
  const std::string& text = value.node.Scalar();
  scenario_time t;
  t.text = text;
  if (text.starts_with('+')) {
    bool too_long = false;
    auto offset = parse_duration(std::string_view(text).substr(1), &too_long);
    if (!offset) {
      if (too_long) {
        r->error(value.at, value.key + ": " + in_quotes(text) + " is longer than the longest duration baton accepts (" +
                               format_duration(max_duration) + ")");
      } else {
        r->error(value.at, value.key + ": bad time " + in_quotes(text) + " (expected " + std::string(time_forms) + ")");
      }
      return std::nullopt;
    }
    auto at = checked_add(sc->start, *offset);
    if (!at) {
      r->error(value.at, value.key + ": " + text + " is after " + format_iso(max_time) +
                             ", the last instant baton handles");
      return std::nullopt;
    }
    t.offset = *offset;
    t.at = *at;
  } else {
    auto at = parse_iso(text, zone);
    if (!at) {
      r->error(value.at, value.key + ": bad time " + in_quotes(text) + " (expected " + std::string(time_forms) + ")");
      return std::nullopt;
    }
    t.at = *at;
    t.offset = *at - sc->start;
  }
  if (start_known && bounded) {
    if (t.at < sc->start) {
      r->error(value.at, value.key + ": " + text + " is before the exercise starts (" +
                             engine::format_local(sc->start, zone) + ")");
    } else if (t.at > sc->end()) {
      r->error(value.at, value.key + ": " + text + " is after the exercise ends (start + length " +
                             format_duration(sc->length) + " = " + engine::format_local(sc->end(), zone) + ")");
    }
  }
  return t;
}

bool scenario_state::known_person(const located_id& id, std::string_view where) {
  if (org == nullptr || org->find_person(id.id) != nullptr) {
    return true;
  }
  report_unknown(*r, id, "person", "people", ids_of(people_ids_, org->people), where);
  return false;
}

bool scenario_state::known_role(const located_id& id, std::string_view where) {
  if (org == nullptr || org->find_role(id.id) != nullptr) {
    return true;
  }
  report_unknown(*r, id, "role", "roles", ids_of(role_ids_, org->roles), where);
  return false;
}

bool scenario_state::known_business_unit(const located_id& id, std::string_view where) {
  if (org == nullptr || org->find_business_unit(id.id) != nullptr) {
    return true;
  }
  report_unknown(*r, id, "business unit", "business units", ids_of(business_unit_ids_, org->business_units), where);
  return false;
}

bool scenario_state::known_system(const located_id& id, std::string_view where) {
  if (org == nullptr || org->find_system(id.id) != nullptr) {
    return true;
  }
  report_unknown(*r, id, "system", "systems", ids_of(system_ids_, org->systems), where);
  return false;
}

bool scenario_state::known_rule(const located_id& id, std::string_view where) {
  if (org == nullptr || find_rule(id.id) != nullptr) {
    return true;
  }
  report_unknown(*r, id, "rule", "rules", ids_of(rule_ids_, org->rules), where);
  return false;
}

bool scenario_state::known_incident(const located_id& id, std::string_view where) {
  if (incidents.contains(id.id)) {
    return true;
  }
  if (!incident_names_) {
    incident_names_.emplace();
    incident_names_->reserve(incidents.size());
    for (const auto& [name, info] : incidents) {
      incident_names_->push_back(name);
    }
  }
  r->error(id.at, "unknown incident " + in_quotes(id.id) + " in " + std::string(where) +
                      ": no event of the timeline opens it (" +
                      config::detail::suggest(id.id, *incident_names_, "incidents") + ")");
  return false;
}

const config::rule* scenario_state::find_rule(std::string_view id) {
  if (org == nullptr) {
    return nullptr;
  }
  if (rules_by_id_.empty()) {
    for (const auto& ru : org->rules) {
      rules_by_id_.emplace(ru.id, &ru);
    }
  }
  auto it = rules_by_id_.find(id);
  return it == rules_by_id_.end() ? nullptr : it->second;
}

bool scenario_state::known_event_type(std::string_view type) {
  // As in the configuration: an organisation that lists no event types accepts any.
  if (org == nullptr || org->event_types.empty()) {
    return true;
  }
  if (event_types_.empty()) {
    event_types_.insert(org->event_types.begin(), org->event_types.end());
  }
  return event_types_.contains(type);
}

std::optional<double> read_probability(reader& r, const item& value) {
  std::string expected = "a probability such as 95% or 0.95";
  if (value.node.IsDefined() && value.node.IsScalar()) {
    std::string_view text = value.node.Scalar();
    bool percent = text.ends_with('%');
    if (percent) {
      text.remove_suffix(1);
    }
    double v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc{} && ptr == text.data() + text.size() && !text.empty() && std::isfinite(v)) {
      double p = percent ? v / 100 : v;
      if (p >= 0 && p <= 1) {
        return p;
      }
      r.error(value.at, value.key + ": " + value.node.Scalar() + " is out of range (" +
                            (percent ? "0% to 100%" : "0 to 1, or a percentage such as 95%") + ")");
      return std::nullopt;
    }
  }
  if (!value.reported) {
    r.error(value.at, value.key + ": expected " + expected + ", found " + config::detail::describe(value.node));
  }
  return std::nullopt;
}

}  // namespace detail

namespace {

using detail::item;
using detail::mapping;
using detail::reader;

std::optional<std::uint64_t> read_seed(reader& r, const item& value) {
  if (value.node.IsDefined() && value.node.IsScalar()) {
    const std::string& s = value.node.Scalar();
    std::uint64_t n = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc{} && ptr == s.data() + s.size() && !s.empty()) {
      return n;
    }
  }
  r.error(value.at, value.key + ": expected a whole number from 0 to 18446744073709551615, found " +
                        config::detail::describe(value.node));
  return std::nullopt;
}

// How deeply the scenario may nest, aliases expanded. The YAML loader refuses deeper
// text; this catches an alias inside the node it names, which yaml-cpp builds into a
// cycle that would otherwise be walked without end.
constexpr std::size_t max_scenario_depth = 64;

// Counts the document as the loader will read it, aliases expanded, stopping at the
// first limit passed: an anchored part repeated many times would otherwise be copied
// into the scenario that many times. Iterative, so no nesting costs stack.
bool within_size_limits(reader& r, const YAML::Node& root) {
  struct frame {
    YAML::Node node;
    YAML::const_iterator it;
    YAML::const_iterator end;
    std::size_t depth;
  };
  std::vector<frame> open;
  std::size_t nodes = 0;
  std::size_t text = 0;
  auto visit = [&](const YAML::Node& n, std::size_t depth) {
    if (++nodes > max_scenario_nodes) {
      r.error(r.at(n), "the scenario has more than " + grouped(max_scenario_nodes) +
                           " YAML nodes once aliases are expanded (each *alias counts what its anchor names "
                           "again); a scenario may have at most " + grouped(max_scenario_nodes));
      return false;
    }
    if (n.IsScalar()) {
      text += n.Scalar().size();
      if (text > max_scenario_text_bytes) {
        r.error(r.at(n), "the scenario holds more than " + std::to_string(max_scenario_text_bytes >> 20) +
                             " MiB of text once aliases are expanded (each *alias counts its anchor's text again); "
                             "a scenario may hold at most " + std::to_string(max_scenario_text_bytes >> 20) + " MiB");
        return false;
      }
    } else if (n.IsSequence() || n.IsMap()) {
      if (depth > max_scenario_depth) {
        r.error(r.at(n), "the scenario nests more than " + std::to_string(max_scenario_depth) +
                             " levels deep once aliases are expanded (is an alias inside the node it names?)");
        return false;
      }
      open.push_back(frame{n, n.begin(), n.end(), depth});
    }
    return true;
  };
  if (!visit(root, 1)) {
    return false;
  }
  while (!open.empty()) {
    frame& f = open.back();
    if (f.it == f.end) {
      open.pop_back();
      continue;
    }
    const std::size_t depth = f.depth + 1;
    bool ok = true;
    if (f.node.IsMap()) {
      const YAML::Node key = f.it->first;
      const YAML::Node value = f.it->second;
      ++f.it;  // before visiting: a visit may grow `open` and move `f`
      ok = visit(key, depth) && visit(value, depth);
    } else {
      const YAML::Node element = *f.it;
      ++f.it;
      ok = visit(element, depth);
    }
    if (!ok) {
      return false;
    }
  }
  return true;
}

// Scenario problems in the order of the file, whichever part found them first.
void append_sorted(const config::diagnostics& found, config::diagnostics& out) {
  std::vector<config::diagnostic> items = found.items();
  std::stable_sort(items.begin(), items.end(), [](const config::diagnostic& a, const config::diagnostic& b) {
    return std::make_pair(a.at.line, a.at.column) < std::make_pair(b.at.line, b.at.column);
  });
  for (auto& d : items) {
    if (d.level == config::severity::error) {
      out.error(d.at, std::move(d.message));
    } else {
      out.warning(d.at, std::move(d.message));
    }
  }
}

void append(const config::diagnostics& from, config::diagnostics& out) {
  for (const auto& d : from.items()) {
    if (d.level == config::severity::error) {
      out.error(d.at, d.message);
    } else {
      out.warning(d.at, d.message);
    }
  }
}

}  // namespace

scenario_result load_scenario(const std::filesystem::path& path) {
  scenario_result result;
  config::detail::source_file file;
  file.name = path.string();
  std::string why;
  if (!config::detail::read_file(path, "scenario file", file, why)) {
    result.diagnostics.error(config::mark{file.name, 0, 0}, "scenario file " + file.name + " " + why);
    return result;
  }
  if (!config::detail::parse_document(file, result.diagnostics)) {
    return result;
  }

  config::diagnostics found;  // the scenario's own problems
  reader r(file, found);
  item root;
  root.node = file.root;
  root.key = "the scenario";
  root.at = config::mark{file.name, 1, 1};
  if (!file.root.IsMap()) {
    r.error(r.at(file.root), "expected a mapping of scenario keys (name, config, start, timeline, expect, ...), "
                             "found " + config::detail::describe(file.root));
    append_sorted(found, result.diagnostics);
    return result;
  }
  if (!within_size_limits(r, file.root)) {
    append_sorted(found, result.diagnostics);
    return result;
  }
  mapping top(r, root, "the scenario",
              {"name", "description", "config", "start", "zone", "seed", "length", "responders", "timeline", "expect"});

  scenario sc;
  sc.path = path;
  detail::scenario_state s(r, sc);

  if (auto name = config::detail::read_string(r, top.require("name"))) {
    sc.name = *name;
  }
  if (item v = top.get("description"); v.present()) {
    if (auto text = config::detail::read_string(r, v)) {
      sc.description = *text;
    }
  }

  // The zone and start come before the configuration is loaded: the organisation is
  // loaded "as of" the start (training records expire), yet a start written without
  // an offset is local in the organisation's zone when the scenario names none.
  const date::time_zone* utc = find_zone("UTC");
  const date::time_zone* own_zone = nullptr;
  if (item v = top.get("zone"); v.present()) {
    own_zone = config::detail::read_zone(r, v, &sc.zone_name);
  }
  item start_item = top.require("start");
  std::optional<std::string> start_text;
  if (!start_item.empty()) {
    start_text = config::detail::read_string(r, start_item);
  }

  item config_item = top.require("config");
  std::optional<std::string> config_text;
  if (!config_item.empty()) {
    config_text = config::detail::read_string(r, config_item);
  }
  config::load_result loaded;
  bool config_loaded = false;
  if (config_text) {
    std::filesystem::path written(*config_text);
    sc.config_path = written.is_absolute() ? written : (path.parent_path() / written).lexically_normal();
    std::error_code ec;
    if (!std::filesystem::exists(sc.config_path, ec)) {
      r.error(config_item.at, "config: configuration file " + sc.config_path.string() + " does not exist");
    } else {
      // Without a zone of the scenario's own the start is read as UTC for now: off by
      // the organisation's offset at most, and loaded again as of the true start below.
      timestamp as_of{};
      if (start_text) {
        as_of = parse_iso(*start_text, own_zone != nullptr ? own_zone : utc).value_or(timestamp{});
      }
      loaded = config::load(sc.config_path, as_of);
      if (loaded.org != nullptr && own_zone == nullptr && start_text && loaded.org->zone != nullptr) {
        auto exact = parse_iso(*start_text, loaded.org->zone);
        if (exact && *exact != as_of) {
          loaded = config::load(sc.config_path, *exact);
        }
      }
      config_loaded = true;
      // Positioned in the configuration's files already: passed on as they are.
      append(loaded.diagnostics, result.diagnostics);
    }
  }
  if (config_loaded && loaded.org == nullptr) {
    std::size_t n = loaded.diagnostics.error_count();
    r.error(config_item.at, "config: the configuration " + sc.config_path.string() + " has " + std::to_string(n) +
                                (n == 1 ? " error" : " errors") + "; the scenario cannot run against it");
  }
  sc.org = loaded.org;
  s.org = sc.org.get();

  if (own_zone != nullptr) {
    sc.zone = own_zone;
  } else if (s.org != nullptr && s.org->zone != nullptr) {
    sc.zone = s.org->zone;
    sc.zone_name = s.org->zone_name;
  } else {
    sc.zone = utc;
    sc.zone_name = "UTC";
  }
  s.zone = sc.zone;

  bool start_ok = false;
  if (start_text) {
    if (auto t = config::detail::read_instant(r, start_item, *s.zone)) {
      sc.start = *t;
      start_ok = true;
    }
  }
  bool length_ok = true;
  item length_item = top.get("length");
  if (length_item.present()) {
    auto d = config::detail::read_duration(r, length_item);
    if (d && d->count() <= 0) {
      r.error(length_item.at, "length: the exercise must last longer than 0s");
      d.reset();
    } else if (d && *d > max_length) {
      r.error(length_item.at, "length: " + length_item.node.Scalar() + " is longer than the longest exercise (" +
                                  format_duration(max_length) + "); rehearse a longer period as several exercises");
      d.reset();
    }
    if (d) {
      sc.length = *d;
    } else {
      length_ok = false;
    }
  }
  if (start_ok && length_ok && !checked_add(sc.start, sc.length)) {
    // The clock must be able to reach the end: every time of the exercise lies before it.
    const item& at = length_item.present() ? length_item : start_item;
    r.error(at.at, std::string(length_item.present() ? "length" : "start") + ": start + length (" +
                       format_duration(sc.length) + ") is after " + format_iso(max_time) +
                       ", the last instant baton handles");
    length_ok = false;
  }
  s.start_known = start_ok && length_ok;
  if (item v = top.get("seed"); v.present()) {
    if (auto seed = read_seed(r, v)) {
      sc.seed = *seed;
      sc.seed_given = true;
    }
  }

  if (item v = top.get("responders"); v.present()) {
    detail::parse_responders(s, v);
  }
  detail::parse_timeline(s, top.require("timeline"));
  detail::parse_expectations(s, top.get("expect"));

  append_sorted(found, result.diagnostics);
  if (!result.diagnostics.has_errors()) {
    result.value = std::move(sc);
  }
  return result;
}

}  // namespace baton::simulate
