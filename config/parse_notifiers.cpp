// The `notifiers` section: each notifier's id, type and the keys its type takes.
#include <algorithm>

#include "config/load_state.hpp"

namespace baton::config::detail {
namespace {

struct notifier_type {
  std::string_view name;
  std::vector<std::string_view> required;
  std::vector<std::string_view> optional;
  std::vector<std::string_view> paths;  // keys holding file paths, resolved against the root's folder
};

// One row per notifier type the loader accepts; a new notifier adds its row here.
const std::vector<notifier_type>& notifier_types() {
  static const std::vector<notifier_type> types{
      {"jsonl_file", {"path"}, {}, {"path"}},
      {"recorder", {}, {}, {}},
  };
  return types;
}

}  // namespace

void parse_notifiers(reader& r, const item& section, load_state& s) {
  for (const auto& element : read_list(r, section, "a list of notifiers")) {
    // The type decides which other keys are allowed, so it is read first.
    const notifier_type* type = nullptr;
    std::vector<std::string_view> allowed{"id", "type", "max_attempts", "give_up_after", "attempt_timeout"};
    if (element.node.IsMap() && element.node["type"].IsDefined() && element.node["type"].IsScalar()) {
      const std::string& name = element.node["type"].Scalar();
      const auto& types = notifier_types();
      auto found = std::find_if(types.begin(), types.end(), [&](const notifier_type& t) { return t.name == name; });
      if (found != types.end()) {
        type = &*found;
        allowed.insert(allowed.end(), type->required.begin(), type->required.end());
        allowed.insert(allowed.end(), type->optional.begin(), type->optional.end());
      } else {
        std::vector<std::string> names;
        for (const auto& t : types) {
          names.emplace_back(t.name);
        }
        r.error(r.at(element.node["type"]), "type: unknown notifier type \"" + name + "\" (" +
                                                suggest(name, names, "types") + ")");
        continue;
      }
    }
    mapping m(r, element, "notifier", allowed);
    if (!m.valid()) {
      continue;
    }
    notifier_config n;
    n.at = m.at();
    auto id = read_id(r, m.require("id"), "notifier id");
    read_string(r, m.require("type"));
    if (type == nullptr) {
      continue;
    }
    n.type = std::string(type->name);
    bool ok = true;
    auto read_setting = [&](std::string_view key, bool required) {
      item v = required ? m.require(key) : m.get(key);
      if (!v.present() || (required && v.empty())) {
        ok = ok && !required;
        return;
      }
      auto text = read_string(r, v);
      if (!text) {
        ok = false;
        return;
      }
      std::string value = *text;
      if (std::find(type->paths.begin(), type->paths.end(), key) != type->paths.end()) {
        std::filesystem::path p(value);
        if (p.is_relative()) {
          value = (s.root_dir / p).lexically_normal().string();
        }
      }
      n.settings.emplace(std::string(key), std::move(value));
    };
    for (auto key : type->required) {
      read_setting(key, true);
    }
    for (auto key : type->optional) {
      read_setting(key, false);
    }
    // Every notifier's retry bounds (docs/config.md). A bad one is reported and the
    // notifier kept with the default, so its contacts raise no errors of their own.
    if (item v = m.get("max_attempts"); v.present()) {
      if (auto n_attempts = read_int(r, v, 1, 100)) {
        n.max_attempts = *n_attempts;
      }
    }
    if (item v = m.get("give_up_after"); v.present()) {
      if (auto d = read_duration_within(r, v, {std::chrono::minutes{1}, "retries need time to happen"},
                                        {std::chrono::days{7}, "a notification that old is no longer news"})) {
        n.give_up_after = *d;
      }
    }
    if (item v = m.get("attempt_timeout"); v.present()) {
      if (auto d = read_duration_within(r, v, {std::chrono::milliseconds{100}, "too short for a receiver to answer"},
                                        {std::chrono::minutes{10}, "a page that slow to go out is a failed page"})) {
        n.attempt_timeout = *d;
      }
    }
    if (!id || !ok || !s.claim_id("notifier", *id)) {
      continue;
    }
    n.id = id->id;
    s.org.notifiers.push_back(std::move(n));
  }
}

}  // namespace baton::config::detail
