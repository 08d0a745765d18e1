// The `overrides` section: explicit delegations in force for a time.
#include "config/load_state.hpp"

namespace baton::config::detail {

void parse_overrides(reader& r, const item& section, load_state& s) {
  for (const auto& element : read_list(r, section, "a list of overrides")) {
    mapping m(r, element, "override", {"role", "business_unit", "person", "from", "until", "reason"});
    if (!m.valid()) {
      continue;
    }
    override_entry o;
    o.at = m.at();
    auto role = read_id(r, m.require("role"), "role id");
    auto who = read_id(r, m.require("person"), "person id");
    std::optional<located_id> unit;
    if (item v = m.get("business_unit"); v.present()) {
      unit = read_id(r, v, "business unit id");
    }
    // Organisation-wide entries have no person whose zone would apply.
    item from_item = m.require("from");
    item until_item = m.require("until");
    auto from = from_item.empty() ? std::nullopt : read_instant(r, from_item, s.org_zone());
    auto until = until_item.empty() ? std::nullopt : read_instant(r, until_item, s.org_zone());
    if (item v = m.get("reason"); v.present()) {
      if (auto reason = read_string(r, v)) {
        o.reason = *reason;
      }
    }
    if (from && until && *until <= *from) {
      r.error(until_item.at, "until (" + format_iso(*until) + ") must be after from (" + format_iso(*from) + ")");
      continue;
    }
    if (!role || !who || !from || !until) {
      continue;
    }
    std::string where = "override of " + role->id;
    s.refer(ref_kind::role, *role, where);
    s.refer(ref_kind::person, *who, where);
    if (unit) {
      s.refer(ref_kind::business_unit, *unit, where);
      o.business_unit = unit->id;
    }
    o.role = role->id;
    o.person = who->id;
    o.from = *from;
    o.until = *until;
    s.org.overrides.push_back(std::move(o));
  }
}

}  // namespace baton::config::detail
