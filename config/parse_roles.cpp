// The `roles` section: who holds each governance role and where its chain goes.
#include "config/load_state.hpp"

namespace baton::config::detail {
namespace {

void read_backups(reader& r, const item& value, holders& h, const std::string& where, load_state& s) {
  for (auto& id : read_id_list(r, value, "person id", false)) {
    s.refer(ref_kind::person, id, "backups of " + where);
    h.backups.push_back(std::move(id.id));
  }
}

}  // namespace

void parse_roles(reader& r, const item& section, load_state& s) {
  for (const auto& element : read_list(r, section, "a list of roles")) {
    mapping m(r, element, "role", {"id", "title", "scope", "primary", "backups", "committee", "escalates_to",
                                   "ack_timeout", "repeat"});
    if (!m.valid()) {
      continue;
    }
    auto id = read_id(r, m.require("id"), "role id");
    if (!id || !s.claim_id("role", *id)) {
      continue;
    }
    role ro;
    ro.id = id->id;
    ro.title = ro.id;
    ro.at = m.at();
    std::string where = "role " + ro.id;
    if (item v = m.get("title"); v.present()) {
      if (auto title = read_string(r, v)) {
        ro.title = *title;
      }
    }
    if (item v = m.get("scope"); v.present()) {
      if (auto scope = read_string(r, v)) {
        if (*scope == "business_unit") {
          ro.scope = role_scope::business_unit;
        } else if (*scope != "organisation") {
          r.error(v.at, "scope: unknown scope \"" + *scope + "\" (expected organisation or business_unit)");
        }
      }
    }
    item primary = m.get("primary");
    item committee = m.get("committee");
    item backups = m.get("backups");
    if (ro.scope == role_scope::business_unit) {
      // One set of holders per unit: holders given here would be ambiguous.
      for (const item* given : {&primary, &backups, &committee}) {
        if (given->present()) {
          r.error(given->at, given->key + ": role " + ro.id +
                                 " is scoped to business units; give its holders under business_units[].holders");
        }
      }
    } else {
      if (committee.present()) {
        ro.committee = true;
        mapping c(r, committee, "committee", {"chair", "members"});
        if (c.valid()) {
          if (auto chair = read_id(r, c.require("chair"), "person id")) {
            s.refer(ref_kind::person, *chair, "committee chair of " + where);
            ro.held_by.primary = chair->id;
          }
          for (auto& member : read_id_list(r, c.get("members"), "person id", false)) {
            s.refer(ref_kind::person, member, "committee members of " + where);
            ro.members.push_back(std::move(member.id));
          }
        }
        if (primary.present()) {
          r.error(primary.at, "primary: the primary of committee " + ro.id + " is its chair (committee.chair)");
        }
      } else if (primary.present()) {
        if (auto p = read_id(r, primary, "person id")) {
          s.refer(ref_kind::person, *p, "primary of " + where);
          ro.held_by.primary = p->id;
        }
      } else {
        r.error(m.at(), "role " + ro.id +
                            " has no primary (give primary, or committee.chair, or scope: business_unit)");
      }
      read_backups(r, backups, ro.held_by, where, s);
    }
    if (item v = m.get("escalates_to"); v.present()) {
      if (auto target = read_id(r, v, "role id")) {
        s.refer(ref_kind::role, *target, "escalates_to of " + where);
        s.escalates_at[ro.id] = target->at;
        ro.escalates_to = target->id;
      }
    }
    if (item v = m.get("ack_timeout"); v.present()) {
      if (auto t = read_duration_at_least(r, v, min_ack_timeout, ack_timeout_reason)) {
        ro.ack_timeout = *t;
      }
    }
    if (item v = m.get("repeat"); v.present()) {
      ro.repeat = read_int(r, v, 0, 100);
    }
    s.org.roles.push_back(std::move(ro));
  }
}

}  // namespace baton::config::detail
