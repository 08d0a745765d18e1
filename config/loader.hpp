#pragma once
// Loads the organisation from a root YAML file and the files it includes, checks it
// across fields and compiles the rule conditions. Nothing is returned unless every
// check passes; every problem found is reported with its file:line:column.
#include <filesystem>
#include <memory>

#include "config/diagnostics.hpp"
#include "config/organisation.hpp"

namespace baton::config {

/// Coverage figures printed by `baton validate`.
struct coverage {
  int activities = 0;
  int activities_with_one_accountable = 0;
  int roles = 0;
  int roles_with_primary_and_backup = 0;  // scoped roles count once per business unit
  int holders = 0;                        // distinct people holding some role
  int holders_accepted = 0;               // accepted the current RACI version
  int holders_trained = 0;                // training current at `now`
};

struct load_result {
  std::shared_ptr<const organisation> org;  // null when there are errors
  config::diagnostics diagnostics;          // errors and warnings (gaps)
  config::coverage coverage;                // filled whenever parsing got far enough
};

struct load_options {
  /// Included files must lie below this folder (symbolic links followed); empty means
  /// the root file's own folder. `--include-root DIR` on the command line.
  std::filesystem::path include_root;
  /// Token and routing-key files and variables must be there: an error when one is
  /// not (`baton serve`). Otherwise a warning, so that `baton validate` runs in CI
  /// where the service's secrets are not.
  bool require_secrets = false;
};

/// Reads `root` and its includes. `now` decides which training records have expired
/// (a warning, never an error).
load_result load(const std::filesystem::path& root, timestamp now, const load_options& options = {});

/// Parses a duration or business-day deadline: "24h", "30m", "5 business days", "5bd".
std::optional<deadline_spec> parse_deadline(std::string_view text);

/// "24h" / "5 business days".
std::string to_string(const deadline_spec& d);

}  // namespace baton::config
