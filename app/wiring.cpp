#include "app/wiring.hpp"

#include "base/text.hpp"
#include "config/loader.hpp"

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

writer open_writer(const std::filesystem::path& db, std::string_view command, std::ostream& err) {
  writer w;
  try {
    w.lock = std::make_unique<store::writer_lock>(db);
    w.db = std::make_unique<store::sqlite_store>(db);
  } catch (const std::exception& e) {
    err << command << ": " << printable(e.what()) << '\n';
    return {};
  }
  return w;
}

std::shared_ptr<const config::organisation> load_or_say_why(const std::filesystem::path& config,
                                                            const config::load_options& options,
                                                            timestamp now, std::string_view command, std::string_view invalid,
                                                            std::ostream& err) {
  // Absolute, so that every version's notifier paths end up in one folder: the loader
  // resolves a fresh load's relative paths against the root file's folder, while a
  // version rebuilt from the store keeps them relative, for `base_dir` to resolve.
  auto loaded = config::load(std::filesystem::absolute(config), now, options);
  if (loaded.org == nullptr) {
    for (const auto& d : loaded.diagnostics.items()) {
      if (d.level == config::severity::error) {
        err << printable(config::to_string(d)) << '\n';
      }
    }
    err << command << ": " << invalid << '\n';
  }
  return loaded.org;
}

std::unique_ptr<runtime> load_runtime(const std::filesystem::path& given, const config::load_options& options,
                                      timestamp now, std::string_view command, std::ostream& err) {
  const auto config = std::filesystem::absolute(given);
  auto org = load_or_say_why(config, options, now, command, "the configuration is invalid", err);
  if (org == nullptr) {
    return nullptr;
  }
  auto rt = std::make_unique<runtime>();
  rt->org = std::move(org);
  notifiers::register_builtin_notifiers(rt->registry);
  // The current configuration's notifiers must be made; an older version's (for an
  // incident opened under it) that cannot be made leaves its deliveries failing, logged.
  const auto base_dir = config.parent_path();
  auto made = make_notifiers(*rt->org, rt->registry, base_dir);
  if (!made) {
    err << command << ": " << printable(made.error()) << '\n';
    return nullptr;
  }
  rt->notifiers = notifiers_by_version(*rt->org, std::move(*made), rt->registry, base_dir);
  return rt;
}

}  // namespace baton::app
