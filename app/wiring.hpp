#pragma once
// Builds the runtime pieces a configuration names: its notifiers.
#include <filesystem>
#include <memory>
#include <ostream>
#include <string_view>

#include "base/expected.hpp"
#include "config/loader.hpp"
#include "config/organisation.hpp"
#include "engine/engine.hpp"
#include "notifiers/notifier.hpp"
#include "notifiers/registry.hpp"
#include "store/sqlite_store.hpp"
#include "store/writer_lock.hpp"

namespace baton::app {

/// One notifier per configured entry, made by `reg`; relative paths are relative to
/// `base_dir` (the root config file's folder).
expected<std::unique_ptr<notifiers::notifier_set>> make_notifiers(const config::organisation& org,
                                                                  const notifiers::registry& reg,
                                                                  const std::filesystem::path& base_dir);

/// The database a command writes, held for it alone: the lock first, so a second
/// process on the file refuses before reading anything.
struct writer {
  std::unique_ptr<store::writer_lock> lock;
  std::unique_ptr<store::sqlite_store> db;
};
/// Null members, with the reason printed to `err` after `command`, when the file is
/// locked by another process or cannot be opened as a baton database.
writer open_writer(const std::filesystem::path& db, std::string_view command, std::ostream& err);

/// `config` (made absolute, see load_runtime) loaded as of `now`; null, with its errors
/// printed to `err` and then `command`: `invalid`, when it is not valid.
std::shared_ptr<const config::organisation> load_or_say_why(const std::filesystem::path& config,
                                                            const config::load_options& options,
                                                            timestamp now, std::string_view command, std::string_view invalid,
                                                            std::ostream& err);

/// A configuration loaded for a command that runs the engine, with its notifiers.
struct runtime {
  std::shared_ptr<const config::organisation> org;
  notifiers::registry registry;
  /// The notifiers of each version (notifiers_by_version); refers to `registry`.
  engine::notifier_factory notifiers;
};
/// Loads `config` as of `now` and makes the notifiers it names. On failure prints the
/// configuration's errors (or the notifier's) to `err`, each line prefixed by
/// `command` ("baton serve"), and returns null.
std::unique_ptr<runtime> load_runtime(const std::filesystem::path& config, const config::load_options& options,
                                      timestamp now, std::string_view command, std::ostream& err);

/// The notifiers of each configuration version: `current` for `org`'s version (made
/// already, so that a notifier the current configuration cannot make is an error at
/// startup), made on demand for an older version an open incident runs under (none, its
/// deliveries failing and logged, when it cannot be made). `reg` must outlive the result.
engine::notifier_factory notifiers_by_version(const config::organisation& org,
                                              std::shared_ptr<notifiers::notifier_set> current,
                                              const notifiers::registry& reg, std::filesystem::path base_dir);

}  // namespace baton::app
