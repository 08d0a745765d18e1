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

}  // namespace baton::app
