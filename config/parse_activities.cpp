// The `activities` section: the RACI matrix, one row per activity.
#include "config/load_state.hpp"

namespace baton::config::detail {
namespace {

std::vector<std::string> read_roles(reader& r, const item& value, const std::string& where, load_state& s) {
  std::vector<std::string> out;
  for (auto& id : read_id_list(r, value, "role id", true)) {
    s.refer(ref_kind::role, id, value.key + " of " + where, true);
    out.push_back(std::move(id.id));
  }
  return out;
}

}  // namespace

void parse_activities(reader& r, const item& section, load_state& s) {
  for (const auto& element : read_list(r, section, "a list of activities")) {
    mapping m(r, element, "activity", {"id", "name", "phase", "r", "a", "c", "i"});
    if (!m.valid()) {
      continue;
    }
    auto id = read_id(r, m.require("id"), "activity id");
    if (!id || !s.claim_id("activity", *id)) {
      continue;
    }
    activity act;
    act.id = id->id;
    act.name = act.id;
    act.at = m.at();
    std::string where = "activity " + act.id;
    if (item v = m.get("name"); v.present()) {
      if (auto name = read_string(r, v)) {
        act.name = *name;
      }
    }
    if (item v = m.get("phase"); v.present()) {
      if (auto phase = read_string(r, v)) {
        act.phase = *phase;
      }
    }
    act.responsible = read_roles(r, m.get("r"), where, s);
    act.consulted = read_roles(r, m.get("c"), where, s);
    act.informed = read_roles(r, m.get("i"), where, s);

    item a = m.get("a");
    if (a.empty()) {
      r.error(a.present() ? a.at : m.at(), "activity " + act.id + " has no accountable role (a: exactly one role id)");
    } else if (a.node.IsScalar() || a.node.IsSequence()) {
      std::vector<located_id> ids = read_id_list(r, a, "role id", true);
      if (ids.size() == 1) {
        s.refer(ref_kind::role, ids.front(), "a of " + where);
        act.accountable.push_back(ids.front().id);
      } else if (ids.size() > 1 || a.node.size() > 1) {
        std::string names;
        for (const auto& x : ids) {
          names += names.empty() ? x.id : ", " + x.id;
        }
        r.error(a.at, "activity " + act.id + " must have exactly one accountable role, found " +
                          std::to_string(a.node.size()) + " (" + names + ")");
        for (const auto& x : ids) {
          act.accountable.push_back(x.id);
        }
      } else if (a.node.IsSequence() && a.node.size() == 0) {
        r.error(a.at, "activity " + act.id + " has no accountable role (a: exactly one role id)");
      }
    } else {
      r.error(a.at, "a: expected one role id, found " + describe(a.node));
    }
    s.org.activities.push_back(std::move(act));
  }
}

}  // namespace baton::config::detail
