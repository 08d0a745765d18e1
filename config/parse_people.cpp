// The `people` section: contacts, zone, working hours, out-of-office intervals,
// acceptance of the RACI and training.
#include <algorithm>

#include "config/load_state.hpp"

namespace baton::config::detail {
namespace {

std::string position(const config::mark& m) {
  return m.file + ":" + std::to_string(m.line) + ":" + std::to_string(m.column);
}

void parse_contacts(reader& r, const item& value, person& p, load_state& s) {
  for (const auto& element : read_list(r, value, "a list of contacts ({notifier, address})")) {
    mapping m(r, element, "contact", {"notifier", "address"});
    if (!m.valid()) {
      continue;
    }
    auto notifier = read_id(r, m.require("notifier"), "notifier id");
    auto address = read_string(r, m.require("address"));
    if (!notifier || !address) {
      continue;
    }
    s.refer(ref_kind::notifier, *notifier, "contact of " + p.id);
    p.contacts.push_back(contact{notifier->id, *address});
  }
}

std::optional<working_hours> parse_working_hours(reader& r, const item& value) {
  mapping m(r, value, "working_hours", {"days", "start", "end"});
  if (!m.valid()) {
    return std::nullopt;
  }
  working_hours h;
  bool ok = true;
  if (item days = m.get("days"); days.present()) {
    if (auto flags = read_weekdays(r, days)) {
      h.days = *flags;
    } else {
      ok = false;
    }
  }
  if (item start = m.get("start"); start.present()) {
    if (auto t = read_time_of_day(r, start)) {
      h.start = *t;
    } else {
      ok = false;
    }
  }
  item end = m.get("end");
  if (end.present()) {
    if (auto t = read_time_of_day(r, end)) {
      h.end = *t;
    } else {
      ok = false;
    }
  }
  if (ok && h.end <= h.start) {
    // Shifts across midnight would need the day they belong to; not supported yet.
    r.error(end.present() ? end.at : m.at(), "working_hours: end must be after start on the same day");
    ok = false;
  }
  if (!ok) {
    return std::nullopt;
  }
  return h;
}

void parse_out_of_office(reader& r, const item& value, person& p, const date::time_zone& zone, load_state& s) {
  for (const auto& element : read_list(r, value, "a list of out-of-office intervals ({from, until})")) {
    mapping m(r, element, "out_of_office interval", {"from", "until", "delegate", "reason"});
    if (!m.valid()) {
      continue;
    }
    absence a;
    a.at = m.at();
    item from_item = m.require("from");
    item until_item = m.require("until");
    auto from = from_item.empty() ? std::nullopt : read_instant(r, from_item, zone);
    auto until = until_item.empty() ? std::nullopt : read_instant(r, until_item, zone);
    if (item v = m.get("delegate"); v.present()) {
      if (auto d = read_id(r, v, "person id")) {
        if (d->id == p.id) {
          r.error(d->at, "delegate: " + p.id + " cannot delegate to themselves");
        } else {
          s.refer(ref_kind::person, *d, "out_of_office delegate of " + p.id);
          a.delegate = d->id;
        }
      }
    }
    if (item v = m.get("reason"); v.present()) {
      if (auto reason = read_string(r, v)) {
        a.reason = *reason;
      }
    }
    if (!from || !until) {
      continue;
    }
    if (*until <= *from) {
      r.error(until_item.at, "out_of_office: until (" + format_iso(*until) + ") must be after from (" +
                                 format_iso(*from) + ")");
      continue;
    }
    a.from = *from;
    a.until = *until;
    p.out_of_office.push_back(std::move(a));
  }
  std::stable_sort(p.out_of_office.begin(), p.out_of_office.end(),
                   [](const absence& x, const absence& y) { return x.from < y.from; });
  // Sorted by start, an interval overlaps an earlier one exactly when it starts before
  // the latest end so far (half-open intervals: touching is fine).
  const absence* latest = nullptr;
  for (const auto& a : p.out_of_office) {
    if (latest != nullptr && a.from < latest->until) {
      // Report at the one written later in the file, naming the other.
      bool a_later = std::make_pair(a.at.line, a.at.column) > std::make_pair(latest->at.line, latest->at.column);
      const absence& later = a_later ? a : *latest;
      const absence& other = a_later ? *latest : a;
      r.error(later.at, "out_of_office: interval " + format_iso(later.from) + " .. " + format_iso(later.until) +
                            " of " + p.id + " overlaps the one at " + position(other.at) + " (" +
                            format_iso(other.from) + " .. " + format_iso(other.until) + ")");
    }
    if (latest == nullptr || a.until > latest->until) {
      latest = &a;
    }
  }
}

}  // namespace

void parse_people(reader& r, const item& section, load_state& s) {
  for (const auto& element : read_list(r, section, "a list of people")) {
    mapping m(r, element, "person", {"id", "name", "time_zone", "contacts", "working_hours", "out_of_office",
                                     "accepted", "training"});
    if (!m.valid()) {
      continue;
    }
    auto id = read_id(r, m.require("id"), "person id");
    if (!id || !s.claim_id("person", *id)) {
      continue;
    }
    person p;
    p.id = id->id;
    p.at = m.at();
    p.name = p.id;
    if (item v = m.get("name"); v.present()) {
      if (auto name = read_string(r, v)) {
        p.name = *name;
      }
    }
    // A person without a zone of their own lives in the organisation's; filling it in
    // here saves every user of the model the fallback.
    p.zone = s.org.zone;
    p.zone_name = s.org.zone_name;
    if (item v = m.get("time_zone"); v.present()) {
      std::string name;
      if (const date::time_zone* zone = read_zone(r, v, &name)) {
        p.zone = zone;
        p.zone_name = name;
      }
    }
    const date::time_zone& zone = p.zone != nullptr ? *p.zone : s.org_zone();

    item contacts = m.get("contacts");
    parse_contacts(r, contacts, p, s);
    // Only an absent or empty list: entries that are wrong are reported on their own.
    if (contacts.empty() || (contacts.node.IsSequence() && contacts.node.size() == 0)) {
      r.error(contacts.present() ? contacts.at : m.at(),
              "person " + p.id + " has no contact method (contacts: at least one {notifier, address})");
    }
    if (item v = m.get("working_hours"); v.present()) {
      p.hours = parse_working_hours(r, v);
    }
    parse_out_of_office(r, m.get("out_of_office"), p, zone, s);

    person_marks marks{m.at(), m.at()};
    if (item v = m.get("accepted"); v.present()) {
      marks.accepted = v.at;
      marks.accepted_given = true;
      mapping a(r, v, "accepted", {"date", "version"});
      if (a.valid()) {
        auto day = read_day(r, a.require("date"));
        auto version = read_string(r, a.require("version"));
        if (day && version) {
          p.accepted = role_acceptance{*day, *version};
        }
      }
    }
    if (item v = m.get("training"); v.present()) {
      marks.training = v.at;
      marks.training_given = true;
      mapping t(r, v, "training", {"completed", "expires"});
      if (t.valid()) {
        auto completed = read_day(r, t.require("completed"));
        std::optional<civil_day> expires;
        bool ok = completed.has_value();
        if (item e = t.get("expires"); e.present()) {
          expires = read_day(r, e);
          ok = ok && expires.has_value();
          if (ok && *expires <= *completed) {
            r.error(e.at, "training: expires (" + format_day(*expires) + ") must be after completed (" +
                              format_day(*completed) + ")");
            ok = false;
          }
        }
        if (ok) {
          p.training = training_record{*completed, expires};
        }
      }
    }
    s.person_at[p.id] = marks;
    s.org.people.push_back(std::move(p));
  }
}

}  // namespace baton::config::detail
