// The `expect` section: what the governance team expects the exercise to show, each
// expectation with a one-line phrasing for the report.
#include <algorithm>
#include <array>
#include <unordered_set>

#include "simulate/limits.hpp"
#include "simulate/scenario_state.hpp"

namespace baton::simulate::detail {
namespace {

struct form {
  std::string_view key;
  expectation::kind kind;
  // The modifiers it takes besides `probability` (and `incident`, which all take).
  std::vector<std::string_view> modifiers;
};

const std::vector<form>& forms() {
  static const std::vector<form> all{
      {"accountable", expectation::kind::accountable, {"at", "by", "exactly"}},
      {"engaged", expectation::kind::engaged, {"by"}},
      {"notified", expectation::kind::notified, {"by", "within"}},
      {"latency", expectation::kind::latency, {"within"}},
      {"reachable", expectation::kind::reachable, {}},
  };
  return all;
}

constexpr std::array<std::string_view, 5> all_modifiers{"at", "by", "within", "exactly", "probability"};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    out += (out.empty() ? "" : ", ") + s;
  }
  return out;
}

// "accountable by +24h on chat-1: exactly caio, gc", "board notified within 24h of
// opening", "latency of t6 within its target", "every role reachable".
std::string phrase(const expectation& e, const std::string& within_text) {
  std::string on = e.incident.empty() ? std::string{} : " on " + e.incident;
  std::string when;
  if (e.time) {
    when = (e.when == expectation::timing::at ? " at " : " by ") + e.time->text;
  }
  std::string roles = join(e.roles);
  std::string text;
  switch (e.type) {
    case expectation::kind::accountable:
      text = "accountable" + when + on + ": " + (e.exactly ? "exactly " : "including ") + roles;
      break;
    case expectation::kind::engaged:
      text = roles + " engaged" + when + on;
      break;
    case expectation::kind::notified:
      if (e.within) {
        text = roles + " notified within " + within_text + " of opening" +
               (e.incident.empty() ? std::string{} : " " + e.incident);
      } else {
        text = roles + " notified" + when + on;
      }
      break;
    case expectation::kind::latency:
      text = "latency of " + (e.rule.empty() ? std::string{"every escalation"} : e.rule) + " within " +
             (e.within ? within_text : std::string{"its target"}) + on;
      break;
    case expectation::kind::reachable:
      text = (e.roles.empty() ? std::string{"every role"} : roles) + " reachable" + on;
      break;
  }
  return text;
}

// A list of roles (or one written alone); each defined, none twice.
bool read_roles(scenario_state& s, const item& value, std::string_view form_key, std::vector<std::string>& out) {
  reader& r = *s.r;
  if (value.empty()) {
    r.error(value.at, std::string(form_key) + ": name at least one role");
    return false;
  }
  bool ok = true;
  bool any = false;
  std::unordered_set<std::string> listed;
  for (const auto& id : config::detail::read_id_list(r, value, "role id", true)) {
    any = true;
    if (!s.known_role(id, form_key)) {
      ok = false;
      continue;
    }
    if (!listed.insert(id.id).second) {
      r.error(id.at, std::string(form_key) + ": role " + id.id + " is listed twice");
      ok = false;
      continue;
    }
    out.push_back(id.id);
  }
  if (!any && value.node.IsSequence()) {
    r.error(value.at, std::string(form_key) + ": name at least one role");
  }
  return ok && !out.empty();
}

std::optional<expectation> parse_expectation(scenario_state& s, const item& value, bool inside_not) {
  reader& r = *s.r;
  std::vector<std::string_view> keys{"not", "incident"};
  for (const auto& f : forms()) {
    keys.push_back(f.key);
  }
  keys.insert(keys.end(), all_modifiers.begin(), all_modifiers.end());
  mapping m(r, value, inside_not ? "not" : "expectation", keys);
  if (!m.valid()) {
    return std::nullopt;
  }

  if (item negated = m.get("not"); negated.present()) {
    if (inside_not) {
      r.error(negated.at, "not: a not inside a not is not allowed (write the expectation itself)");
      return std::nullopt;
    }
    bool ok = true;
    for (auto key : keys) {
      if (key != "not" && key != "probability" && m.has(key)) {
        item v = m.get(key);
        r.error(v.at, std::string(key) + ": belongs inside not (not: {..., " + std::string(key) + ": ...})");
        ok = false;
      }
    }
    auto inner = parse_expectation(s, negated, true);
    if (!inner || !ok) {
      return std::nullopt;
    }
    inner->negated = true;
    inner->at = m.at();
    if (item v = m.get("probability"); v.present()) {
      auto p = read_probability(r, v);
      if (!p) {
        return std::nullopt;
      }
      inner->min_probability = *p;
    }
    inner->text = "not: " + inner->text;
    return inner;
  }

  std::vector<const form*> given;
  for (const auto& f : forms()) {
    if (m.has(f.key)) {
      given.push_back(&f);
    }
  }
  if (given.empty()) {
    r.error(m.at(), std::string(inside_not ? "not" : "expectation") +
                        ": give one of accountable, engaged, notified, latency, reachable" +
                        (inside_not ? "" : " or not"));
    return std::nullopt;
  }
  if (given.size() > 1) {
    r.error(m.get(given[1]->key).at, "expectation has two forms (" + std::string(given[0]->key) + " and " +
                                         std::string(given[1]->key) + "); give each its own entry");
    return std::nullopt;
  }
  const form& f = *given.front();
  expectation e;
  e.type = f.kind;
  e.at = m.at();
  bool ok = true;

  for (auto key : all_modifiers) {
    item v = m.get(key);
    if (!v.present()) {
      continue;
    }
    if (key == "probability") {
      if (inside_not) {
        r.error(v.at, "probability: goes beside not, not inside it");
        ok = false;
      }
      continue;
    }
    if (std::find(f.modifiers.begin(), f.modifiers.end(), key) == f.modifiers.end()) {
      std::string takes;
      for (auto mod : f.modifiers) {
        takes += std::string(mod) + ", ";
      }
      r.error(v.at, std::string(key) + ": does not apply to " + std::string(f.key) + " (it takes " + takes +
                        "incident and probability)");
      ok = false;
    }
  }

  item what = m.get(f.key);
  switch (f.kind) {
    case expectation::kind::accountable:
    case expectation::kind::engaged:
    case expectation::kind::notified:
      ok = read_roles(s, what, f.key, e.roles) && ok;
      break;
    case expectation::kind::reachable:
      if (what.present() && what.node.IsScalar() && what.node.Scalar() == "all") {
        break;
      }
      ok = read_roles(s, what, f.key, e.roles) && ok;
      break;
    case expectation::kind::latency: {
      if (what.present() && what.node.IsScalar() && what.node.Scalar() == "all") {
        break;
      }
      auto rule = config::detail::read_id(r, what, "rule id (or all)");
      if (!rule || !s.known_rule(*rule, "latency")) {
        ok = false;
        break;
      }
      e.rule = rule->id;
      break;
    }
  }

  item at_item = m.get("at");
  item by_item = m.get("by");
  item within_item = m.get("within");
  std::string within_text;
  if (within_item.present()) {
    if (auto d = config::detail::read_duration(r, within_item)) {
      e.within = *d;
      within_text = within_item.node.Scalar();
    } else {
      ok = false;
    }
  }
  // Only the modifiers the form takes: the others are reported above.
  auto takes = [&](std::string_view key) {
    return std::find(f.modifiers.begin(), f.modifiers.end(), key) != f.modifiers.end();
  };
  const item* time_item = nullptr;
  if (takes("at") && at_item.present()) {
    e.when = expectation::timing::at;
    time_item = &at_item;
  }
  if (takes("by") && by_item.present()) {
    if (time_item != nullptr) {
      r.error(by_item.at, "by: give at or by, not both");
      ok = false;
    }
    e.when = expectation::timing::by;
    time_item = &by_item;
  }
  switch (f.kind) {
    case expectation::kind::accountable:
      if (!at_item.present() && !by_item.present()) {
        r.error(m.at(), "accountable: give at (accountable at that moment) or by (at some moment up to then)");
        ok = false;
      }
      break;
    case expectation::kind::engaged:
      if (!by_item.present()) {
        r.error(m.at(), "engaged: give by (the time by which the roles must have acknowledged)");
        ok = false;
      }
      break;
    case expectation::kind::notified:
      if (by_item.present() == within_item.present()) {
        r.error(by_item.present() ? within_item.at : m.at(),
                "notified: give by (a time of the exercise) or within (a duration after the incident opened), "
                "exactly one of them");
        ok = false;
      }
      break;
    case expectation::kind::latency:
      if (!e.rule.empty() && !e.within && s.org != nullptr) {
        const config::rule* rule = s.find_rule(e.rule);
        if (rule != nullptr && rule->target.empty()) {
          r.error(what.at, "latency: rule " + e.rule + " has no target; give within");
          ok = false;
        }
      }
      break;
    case expectation::kind::reachable:
      break;
  }
  if (time_item != nullptr && time_item->present()) {
    e.time = s.read_time(*time_item);
    ok = e.time.has_value() && ok;
  }

  if (item v = m.get("incident"); v.present()) {
    auto id = config::detail::read_id(r, v, "incident name");
    if (!id || !s.known_incident(*id, f.key)) {
      ok = false;
    } else {
      e.incident = id->id;
    }
  }
  if (item v = m.get("exactly"); v.present() && takes("exactly")) {
    if (auto b = config::detail::read_bool(r, v)) {
      e.exactly = *b;
    } else {
      ok = false;
    }
  }
  if (item v = m.get("probability"); v.present() && !inside_not) {
    if (auto p = read_probability(r, v)) {
      e.min_probability = *p;
    } else {
      ok = false;
    }
  }
  if (!ok) {
    return std::nullopt;
  }
  e.text = phrase(e, within_text);
  return e;
}

}  // namespace

void parse_expectations(scenario_state& s, const item& value) {
  if (value.present() && value.node.IsSequence() && value.node.size() > max_expectations) {
    s.r->error(value.at, "expect: " + grouped(value.node.size()) + " expectations (aliases counted); an exercise may "
                                                                    "have at most " + grouped(max_expectations));
    return;
  }
  for (const auto& element : config::detail::read_list(*s.r, value, "a list of expectations")) {
    if (auto e = parse_expectation(s, element, false)) {
      s.sc->expectations.push_back(std::move(*e));
    }
  }
}

}  // namespace baton::simulate::detail
