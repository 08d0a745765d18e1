#include "app/wiring.hpp"

namespace baton::app {

expected<std::unique_ptr<notifiers::notifier_set>> make_notifiers(const config::organisation& org,
                                                                  const notifiers::registry& reg,
                                                                  const std::filesystem::path& base_dir) {
  auto set = std::make_unique<notifiers::notifier_set>();
  for (const auto& n : org.notifiers) {
    auto made = reg.make({n.id, n.type, n.settings, base_dir});
    if (!made) {
      return unexpected{made.error()};
    }
    set->add(std::move(*made));
  }
  return set;
}

engine::notifier_factory notifiers_by_version(const config::organisation& org,
                                              std::shared_ptr<notifiers::notifier_set> current,
                                              const notifiers::registry& reg, std::filesystem::path base_dir) {
  return [version = org.version, current = std::move(current), &reg,
          base_dir = std::move(base_dir)](const config::organisation& o) -> std::shared_ptr<notifiers::notifier_set> {
    if (o.version == version) {
      return current;
    }
    auto made = make_notifiers(o, reg, base_dir);
    return made ? std::shared_ptr<notifiers::notifier_set>(std::move(*made)) : nullptr;
  };
}

}  // namespace baton::app
