// The organisation-wide sections: organisation (name, zone, calendar), defaults,
// routing, event_types, and the service sections storage and server.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "base/text.hpp"

#include "config/load_state.hpp"

namespace baton::config::detail {
namespace {

void parse_calendar(reader& r, const item& value, load_state& s) {
  mapping m(r, value, "calendar", {"work_days", "holidays"});
  if (!m.valid()) {
    return;
  }
  business_calendar& cal = s.org.calendar;
  if (item days = m.get("work_days"); days.present()) {
    if (auto flags = read_weekdays(r, days)) {
      // With no work day a business-day deadline would never end.
      if (std::none_of(flags->begin(), flags->end(), [](bool b) { return b; })) {
        r.error(days.at, "work_days: at least one work day is needed for business-day deadlines");
      } else {
        cal.work_days = *flags;
      }
    }
  }
  for (const auto& element : read_list(r, m.get("holidays"), "a list of dates (YYYY-MM-DD)")) {
    if (auto day = read_day(r, element)) {
      cal.holidays.push_back(*day);
    }
  }
  std::sort(cal.holidays.begin(), cal.holidays.end());
  cal.holidays.erase(std::unique(cal.holidays.begin(), cal.holidays.end()), cal.holidays.end());
}

}  // namespace

void parse_organisation(reader& r, const item& section, load_state& s) {
  mapping m(r, section, "organisation", {"name", "time_zone", "raci_version", "calendar"});
  if (!m.valid()) {
    return;
  }
  if (auto name = read_string(r, m.require("name"))) {
    s.org.name = *name;
  }
  item zone = m.require("time_zone");
  if (!zone.empty()) {
    s.org.zone = read_zone(r, zone, &s.org.zone_name);
  }
  if (item v = m.get("raci_version"); v.present()) {
    if (auto version = read_string(r, v)) {
      s.org.raci_version = *version;
    }
  }
  if (item cal = m.get("calendar"); cal.present()) {
    parse_calendar(r, cal, s);
  }
}

void parse_defaults(reader& r, const item& section, load_state& s) {
  mapping m(r, section, "defaults", {"ack_timeout", "repeat", "reminder_interval", "governance_owner"});
  if (!m.valid()) {
    return;
  }
  escalation_defaults& d = s.org.defaults;
  if (item v = m.get("ack_timeout"); v.present()) {
    if (auto t = read_duration_at_least(r, v, min_ack_timeout, ack_timeout_reason)) {
      d.ack_timeout = *t;
    }
  }
  if (item v = m.get("repeat"); v.present()) {
    if (auto n = read_int(r, v, 0, 100)) {
      d.repeat = *n;
    }
  }
  if (item v = m.get("reminder_interval"); v.present()) {
    if (auto t = read_duration(r, v)) {
      if (t->count() != 0 && *t < min_reminder_interval) {
        r.error(v.at, "reminder_interval: " + format_duration(*t) + " is shorter than " +
                          format_duration(min_reminder_interval) +
                          ", the shortest interval between reminders (0s turns them off)");
      } else {
        d.reminder_interval = *t;
      }
    }
  }
  if (item v = m.get("governance_owner"); v.present()) {
    if (auto id = read_id(r, v, "role id")) {
      d.governance_owner = id->id;
      s.governance_owner_given = true;
      s.refer(ref_kind::role, *id, "defaults.governance_owner");
    }
  }
}

void parse_routing(reader& r, const item& section, load_state& s) {
  mapping m(r, section, "routing", {"default_role", "by_event_type"});
  if (!m.valid()) {
    return;
  }
  if (item v = m.get("default_role"); v.present()) {
    if (auto id = read_id(r, v, "role id")) {
      s.org.route.default_role = id->id;
      s.default_role_given = true;
      s.refer(ref_kind::role, *id, "routing.default_role");
    }
  }
  item by_type = m.get("by_event_type");
  if (by_type.empty()) {
    return;
  }
  if (!by_type.node.IsMap()) {
    r.error(by_type.at, "by_event_type: expected a mapping of event type to role id, found " + describe(by_type.node));
    return;
  }
  for (auto it = by_type.node.begin(); it != by_type.node.end(); ++it) {
    item key = r.make_item(it->first, it->first, "by_event_type");
    item value = r.make_item(it->first, it->second, "by_event_type");
    auto type = read_id(r, key, "event type");
    auto role = read_id(r, value, "role id");
    if (!type || !role) {
      continue;
    }
    if (!s.org.route.by_event_type.emplace(type->id, role->id).second) {
      r.error(type->at, "by_event_type: event type \"" + type->id + "\" is routed twice");
      continue;
    }
    s.refer(ref_kind::event_type, *type, "routing.by_event_type");
    s.refer(ref_kind::role, *role, "routing.by_event_type." + type->id);
  }
}

void parse_event_types(reader& r, const item& section, load_state& s) {
  for (const auto& element : read_list(r, section, "a list of event type names")) {
    auto type = read_id(r, element, "event type");
    if (type && s.claim_id("event type", *type)) {
      s.org.event_types.push_back(type->id);
    }
  }
}

// The service sections, read by `baton serve` (a command-line flag wins over them).
// Each limit has bounds: a value outside them would make the service useless (a body
// limit no Alertmanager group fits) or let one client hold it (an hour-long read).
void parse_storage(reader& r, const item& section, load_state& s) {
  mapping m(r, section, "storage", {"sqlite"});
  if (!m.valid() || !m.has("sqlite")) {
    return;
  }
  const item v = m.get("sqlite");
  if (auto path = read_string(r, v)) {
    if (path->empty()) {
      r.error(v.at, "sqlite: the database path is empty");
      return;
    }
    std::filesystem::path p(*path);
    s.org.service.sqlite = p.is_relative() ? (s.root_dir / p).lexically_normal() : p;
  }
}

namespace {

struct size_bound {
  std::size_t min;
  std::size_t max;
};

// A size in bytes: a whole number, or one with a unit (512KiB, 10MiB, 1GiB).
std::optional<std::size_t> read_size(reader& r, const item& value, size_bound bound) {
  const std::string expected = fmt::format("a size from {} to {} bytes (a number of bytes, or with KiB, MiB or GiB)",
                                           bound.min, bound.max);
  if (!value.node.IsDefined() || !value.node.IsScalar()) {
    wrong_type(r, value, expected);
    return std::nullopt;
  }
  const std::string& text = value.node.Scalar();
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  const std::string_view unit(end, text.data() + text.size() - end);
  std::uint64_t scale = 0;
  for (const auto& [name, factor] : {std::pair<std::string_view, std::uint64_t>{"", 1}, {"B", 1}, {"KiB", 1ULL << 10},
                                     {"MiB", 1ULL << 20}, {"GiB", 1ULL << 30}}) {
    if (unit == name) {
      scale = factor;
    }
  }
  if (ec != std::errc{} || end == text.data() || scale == 0) {
    wrong_type(r, value, expected);
    return std::nullopt;
  }
  if (n > bound.max / scale || n * scale < bound.min || n * scale > bound.max) {
    r.error(value.at, fmt::format("{}: \"{}\" is outside {} to {} bytes, the sizes baton serve accepts", value.key,
                                  printable(text), bound.min, bound.max));
    return std::nullopt;
  }
  return static_cast<std::size_t>(n * scale);
}

}  // namespace

void parse_server(reader& r, const item& section, load_state& s) {
  mapping m(r, section, "server",
            {"listen", "body_limit", "header_limit", "read_timeout", "max_connections", "queue_capacity"});
  if (!m.valid()) {
    return;
  }
  service_settings& out = s.org.service;
  if (item v = m.get("listen"); v.present()) {
    if (auto text = read_string(r, v)) {
      if (parse_listen_address(*text)) {
        out.listen = *text;
      } else {
        r.error(v.at,
                fmt::format("listen: \"{}\" is not ADDRESS:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)", printable(*text)));
      }
    }
  }
  // An Alertmanager group of many alerts must fit: it never retries a 413.
  if (item v = m.get("body_limit"); v.present()) {
    out.body_limit = read_size(r, v, {64 * 1024, std::size_t{1} << 30});
  }
  if (item v = m.get("header_limit"); v.present()) {
    out.header_limit = read_size(r, v, {1024, 1024 * 1024});
  }
  if (item v = m.get("read_timeout"); v.present()) {
    if (auto d = read_duration_within(r, v, {std::chrono::seconds{1}, "a request needs time to arrive"},
                                      {std::chrono::minutes{10}, "a slow client would hold a connection that long"})) {
      out.read_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
    }
  }
  if (item v = m.get("max_connections"); v.present()) {
    if (auto n = read_int(r, v, 1, 1'000'000)) {
      out.max_connections = static_cast<std::size_t>(*n);
    }
  }
  // A request waits in the queue for its batch: a few batches' worth is enough, and
  // beyond millions it is memory, not throughput.
  if (item v = m.get("queue_capacity"); v.present()) {
    if (auto n = read_int(r, v, 1, 10'000'000)) {
      out.queue_capacity = static_cast<std::size_t>(*n);
    }
  }
}

}  // namespace baton::config::detail
