// The `systems` section: the AI systems events are about.
#include "config/load_state.hpp"

namespace baton::config::detail {

void parse_systems(reader& r, const item& section, load_state& s) {
  for (const auto& element : read_list(r, section, "a list of AI systems")) {
    mapping m(r, element, "system", {"id", "name", "business_unit", "risk_tier", "data", "domain", "vendor"});
    if (!m.valid()) {
      continue;
    }
    auto id = read_id(r, m.require("id"), "system id");
    if (!id || !s.claim_id("system", *id)) {
      continue;
    }
    ai_system sys;
    sys.id = id->id;
    sys.name = sys.id;
    sys.at = m.at();
    if (item v = m.get("name"); v.present()) {
      if (auto name = read_string(r, v)) {
        sys.name = *name;
      }
    }
    if (auto bu = read_id(r, m.require("business_unit"), "business unit id")) {
      s.refer(ref_kind::business_unit, *bu, "business_unit of system " + sys.id);
      sys.business_unit = bu->id;
    }
    if (item v = m.get("risk_tier"); v.present()) {
      if (auto tier = read_string(r, v)) {
        if (*tier == "minimal" || *tier == "limited" || *tier == "high" || *tier == "unacceptable") {
          sys.risk_tier = *tier;
        } else if (*tier == "prohibited") {
          // The EU AI Act says "prohibited", the reference tables "unacceptable".
          sys.risk_tier = "unacceptable";
        } else {
          r.error(v.at, "risk_tier: unknown risk tier \"" + *tier +
                            "\" (expected minimal, limited, high or unacceptable; prohibited is an alias)");
        }
      }
    }
    for (const auto& category : read_list(r, m.get("data"), "a list of data categories")) {
      if (auto text = read_string(r, category)) {
        sys.data.push_back(*text);
      }
    }
    if (item v = m.get("domain"); v.present()) {
      if (auto text = read_string(r, v)) {
        sys.domain = *text;
      }
    }
    if (item v = m.get("vendor"); v.present()) {
      if (auto text = read_string(r, v)) {
        sys.vendor = *text;
      }
    }
    s.org.systems.push_back(std::move(sys));
  }
}

}  // namespace baton::config::detail
