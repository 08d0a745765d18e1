// The `business_units` section: units and the holders of the scoped roles in each.
#include "config/load_state.hpp"

namespace baton::config::detail {

void parse_business_units(reader& r, const item& section, load_state& s) {
  for (const auto& element : read_list(r, section, "a list of business units")) {
    mapping m(r, element, "business unit", {"id", "name", "holders"});
    if (!m.valid()) {
      continue;
    }
    auto id = read_id(r, m.require("id"), "business unit id");
    if (!id || !s.claim_id("business unit", *id)) {
      continue;
    }
    business_unit bu;
    bu.id = id->id;
    bu.name = bu.id;
    bu.at = m.at();
    if (item v = m.get("name"); v.present()) {
      if (auto name = read_string(r, v)) {
        bu.name = *name;
      }
    }
    item held = m.get("holders");
    if (!held.empty() && !held.node.IsMap()) {
      r.error(held.at, "holders: expected a mapping of scoped role id to {primary, backups}, found " +
                           describe(held.node));
    } else if (!held.empty()) {
      for (auto it = held.node.begin(); it != held.node.end(); ++it) {
        item key = r.make_item(it->first, it->first, "holders");
        auto role_id = read_id(r, key, "role id");
        if (!role_id) {
          continue;
        }
        std::string where = "role " + role_id->id + " in business unit " + bu.id;
        item value = r.make_item(it->first, it->second, role_id->id);
        mapping h(r, value, "holders of " + role_id->id, {"primary", "backups"});
        if (!h.valid()) {
          continue;
        }
        holders entry;
        if (auto p = read_id(r, h.require("primary"), "person id")) {
          s.refer(ref_kind::person, *p, "primary of " + where);
          entry.primary = p->id;
        }
        for (auto& b : read_id_list(r, h.get("backups"), "person id", false)) {
          s.refer(ref_kind::person, b, "backups of " + where);
          entry.backups.push_back(std::move(b.id));
        }
        if (!bu.holders_by_role.emplace(role_id->id, std::move(entry)).second) {
          r.error(role_id->at, "holders: role " + role_id->id + " is given twice in business unit " + bu.id);
          continue;
        }
        s.refer(ref_kind::role, *role_id, "holders of business unit " + bu.id);
        s.holders_at[{bu.id, role_id->id}] = role_id->at;
      }
    }
    s.org.business_units.push_back(std::move(bu));
  }
}

}  // namespace baton::config::detail
