#pragma once
// Reading the root configuration file and, depth first, the files it includes.
#include <filesystem>
#include <string>
#include <vector>

#include "config/diagnostics.hpp"
#include "config/yaml_reader.hpp"

namespace baton::config::detail {

struct sources {
  /// Every file read and parsed, root first, then each include depth first in the order
  /// written: the order list sections are concatenated in.
  std::vector<source_file> files;
  /// Paths of every file read, in the same order, including those that did not parse.
  std::vector<std::string> names;
  /// False when a file could not be read or parsed: cross-file checks would then report
  /// references to whatever the missing file defines.
  bool complete = true;
};

/// Reads `root` and its includes. Problems (unreadable file, YAML syntax, include cycle,
/// a file that is not a mapping of sections) are reported into `d`.
sources read_sources(const std::filesystem::path& root, diagnostics& d);

/// The configuration version: the first 16 hex digits of SHA-256 over each file's name
/// (relative to the root's folder, so the version does not depend on where baton runs),
/// size and bytes, in read order.
std::string content_version(const std::vector<source_file>& files, const std::filesystem::path& root_dir);

}  // namespace baton::config::detail
