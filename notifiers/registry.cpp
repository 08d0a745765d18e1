#include "notifiers/registry.hpp"

#include <exception>

#include "notifiers/jsonl_file_notifier.hpp"
#include "notifiers/recording_notifier.hpp"

namespace baton::notifiers {

void registry::add(std::string type, factory f) { factories_[std::move(type)] = std::move(f); }

bool registry::knows(std::string_view type) const { return factories_.find(type) != factories_.end(); }

expected<std::unique_ptr<notifier>> registry::make(const notifier_spec& spec) const {
  auto it = factories_.find(spec.type);
  if (it == factories_.end()) {
    return unexpected{"notifier " + spec.id + ": unknown type " + spec.type};
  }
  return it->second(spec);
}

void register_builtin_notifiers(registry& r) {
  r.add("jsonl_file", [](const notifier_spec& spec) -> expected<std::unique_ptr<notifier>> {
    auto it = spec.settings.find("path");
    if (it == spec.settings.end() || it->second.empty()) {
      return unexpected{"notifier " + spec.id + ": jsonl_file needs a path"};
    }
    std::filesystem::path p = it->second;
    if (p.is_relative()) {
      p = spec.base_dir / p;
    }
    try {
      return std::unique_ptr<notifier>(std::make_unique<jsonl_file_notifier>(spec.id, p));
    } catch (const std::exception& e) {
      return unexpected{"notifier " + spec.id + ": " + e.what()};
    }
  });
  r.add("recorder", [](const notifier_spec& spec) -> expected<std::unique_ptr<notifier>> {
    return std::unique_ptr<notifier>(std::make_unique<recording_notifier>(spec.id));
  });
}

}  // namespace baton::notifiers
