// The `rules` section: escalation rules (thresholds). Each `when` is compiled here, at
// load, against the organisation's event types; errors and warnings from the compiler
// are reported at the file position of the offending character.
#include "config/load_state.hpp"
#include "config/scalar_positions.hpp"

namespace baton::config::detail {
namespace {

void parse_notify(reader& r, const item& value, rule& ru, load_state& s) {
  std::string where = "notify of rule " + ru.id;
  for (const auto& element : read_list(r, value, "a list of {role, within}")) {
    notify_entry entry;
    if (element.node.IsScalar()) {
      // A bare role id: notify at once, with no deadline shown.
      if (auto id = read_id(r, element, "role id")) {
        s.refer(ref_kind::role, *id, where);
        entry.role = id->id;
        ru.notify.push_back(std::move(entry));
      }
      continue;
    }
    mapping m(r, element, "notify entry", {"role", "within"});
    if (!m.valid()) {
      continue;
    }
    auto id = read_id(r, m.require("role"), "role id");
    if (item v = m.get("within"); v.present()) {
      if (auto d = read_deadline(r, v)) {
        entry.within = *d;
      }
    }
    if (id) {
      s.refer(ref_kind::role, *id, where);
      entry.role = id->id;
      ru.notify.push_back(std::move(entry));
    }
  }
}

// The load's schema, made when the first rule needs it. The loader parses event_types
// before rules (config/loader.cpp), so every event type is in it by then.
const rules::schema& rule_schema(load_state& s) {
  if (!s.rule_schema) {
    s.rule_schema.emplace();
    s.rule_schema->event_types = rules::value_set(s.org.event_types);
  }
  return *s.rule_schema;
}

void compile_when(reader& r, const item& value, rule& ru, load_state& s) {
  auto source = read_string(r, value);
  if (!source) {
    return;
  }
  scalar_positions positions(r.file(), value.node);
  ru.when_source = *source;
  ru.when_at = positions.at_offset(0);
  auto compiled = rules::compile(*source, rule_schema(s));
  if (!compiled) {
    const rules::compile_error& e = compiled.error();
    r.error(positions.at_offset(e.position.offset), "when: " + e.message);
    return;
  }
  ru.when = *compiled;
  std::string prefix = "rule " + ru.id;
  if (ru.when.never_true()) {
    if (ru.when.warnings().empty()) {
      r.warning(ru.when_at, prefix + " can never fire: its condition is always false");
    }
    for (const auto& w : ru.when.warnings()) {
      r.warning(positions.at_offset(w.position.offset), prefix + " can never fire: " + w.message);
    }
    return;
  }
  for (const auto& w : ru.when.warnings()) {
    r.warning(positions.at_offset(w.position.offset),
              prefix + ": part of its condition can never be true: " + w.message);
  }
}

}  // namespace

void parse_rules(reader& r, const item& section, load_state& s) {
  for (const auto& element : read_list(r, section, "a list of rules")) {
    mapping m(r, element, "rule", {"id", "threshold", "description", "timing", "when", "from", "to", "notify", "target",
                                   "ack_timeout", "working_hours_only"});
    if (!m.valid()) {
      continue;
    }
    auto id = read_id(r, m.require("id"), "rule id");
    if (!id || !s.claim_id("rule", *id)) {
      continue;
    }
    rule ru;
    ru.id = id->id;
    ru.at = m.at();
    std::string where = "rule " + ru.id;
    if (item v = m.get("threshold"); v.present()) {
      if (auto text = read_string(r, v)) {
        ru.threshold = *text;
      }
    }
    if (item v = m.get("description"); v.present()) {
      if (auto text = read_string(r, v)) {
        ru.description = *text;
      }
    }
    if (item v = m.get("timing"); v.present()) {
      if (auto text = read_string(r, v)) {
        ru.timing = *text;
      }
    }
    if (item when = m.require("when"); !when.empty()) {
      compile_when(r, when, ru, s);
    }
    if (item v = m.get("from"); v.present()) {
      if (auto from = read_id(r, v, "role id")) {
        s.refer(ref_kind::role, *from, "from of " + where);
        ru.from = from->id;
      }
    }
    item to = m.require("to");
    for (auto& target : read_id_list(r, to, "role id", true)) {
      s.refer(ref_kind::role, target, "to of " + where);
      ru.to.push_back(std::move(target.id));
    }
    if (to.present() && to.node.IsSequence() && to.node.size() == 0) {
      r.error(to.at, "to: rule " + ru.id + " must move accountability to at least one role");
    }
    parse_notify(r, m.get("notify"), ru, s);
    if (item v = m.get("target"); v.present()) {
      if (auto d = read_deadline(r, v)) {
        ru.target = *d;
      }
    }
    if (item v = m.get("ack_timeout"); v.present()) {
      if (auto t = read_duration_at_least(r, v, min_ack_timeout, ack_timeout_reason)) {
        ru.ack_timeout = *t;
      }
    }
    if (item v = m.get("working_hours_only"); v.present()) {
      if (auto b = read_bool(r, v)) {
        ru.working_hours_only = *b;
      }
    }
    s.org.rules.push_back(std::move(ru));
  }
}

}  // namespace baton::config::detail
