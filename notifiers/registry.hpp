#pragma once
// Notifier factories by type. main() registers the built-in ones explicitly
// (register_builtin_notifiers), so a static-library link cannot silently drop one.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "base/expected.hpp"
#include "notifiers/notifier.hpp"

namespace baton::notifiers {

/// A notifier's configuration as the config layer read it (already key-checked).
struct notifier_spec {
  std::string id;
  std::string type;
  std::map<std::string, std::string, std::less<>> settings;
  std::filesystem::path base_dir;  // relative paths are relative to this
};

class registry {
 public:
  using factory = std::function<expected<std::unique_ptr<notifier>>(const notifier_spec&)>;

  void add(std::string type, factory f);
  expected<std::unique_ptr<notifier>> make(const notifier_spec& spec) const;
  bool knows(std::string_view type) const;

 private:
  std::map<std::string, factory, std::less<>> factories_;
};

/// jsonl_file (setting: path) and recorder (no settings).
void register_builtin_notifiers(registry& r);

}  // namespace baton::notifiers
