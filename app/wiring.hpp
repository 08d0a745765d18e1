#pragma once
// Builds the runtime pieces a configuration names: its notifiers.
#include <filesystem>

#include "base/expected.hpp"
#include "config/organisation.hpp"
#include "notifiers/notifier.hpp"
#include "notifiers/registry.hpp"

namespace baton::app {

/// One notifier per configured entry, made by `reg`; relative paths are relative to
/// `base_dir` (the root config file's folder).
expected<std::unique_ptr<notifiers::notifier_set>> make_notifiers(const config::organisation& org,
                                                                  const notifiers::registry& reg,
                                                                  const std::filesystem::path& base_dir);

}  // namespace baton::app
