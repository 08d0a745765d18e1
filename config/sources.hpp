#pragma once
// Reading YAML files: any one file, or the root configuration file and, depth first, the
// files it includes.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
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

/// The largest file baton reads. A whole organisation is tens of kilobytes; a file far
/// larger is a mistake (or /dev/zero) and must not exhaust memory before anything can be
/// reported.
inline constexpr std::uintmax_t max_file_bytes = 16u << 20;

/// All files of one configuration together: a thousand files at the limit above would
/// be 16 GiB.
inline constexpr std::uintmax_t max_total_bytes = 64u << 20;

/// How deeply includes may nest (the root is depth 0) and how many files a
/// configuration may have. Real ones use one or two levels and a dozen files.
inline constexpr std::size_t max_include_depth = 16;
inline constexpr std::size_t max_files = 1000;

/// How deeply mappings and lists may nest inside each other in one YAML document,
/// counting what aliases expand to. baton's own formats need fewer than ten levels.
inline constexpr std::size_t max_yaml_depth = 64;

/// How many nodes aliases (`*name`) may repeat in one document in all. An alias is
/// walked as if its anchor's node were written out again, so a few kilobytes of nested
/// aliases can stand for gigabytes ("billion laughs").
inline constexpr std::uint64_t max_alias_nodes = 100'000;
/// And how many bytes of scalar text they may repeat: an alias of a long string is
/// copied wherever it is read.
inline constexpr std::uint64_t max_alias_bytes = 16u << 20;

/// Where included files may come from.
struct include_policy {
  /// Included files must resolve (symbolic links followed) to a path below this folder.
  /// Empty: the folder of the root file.
  std::filesystem::path root;
};

/// Reads one file's bytes into `file.text` and fills `file.line_starts` (`file.name` is
/// left to the caller). A directory, anything that is not a regular file and a file over
/// max_file_bytes are refused before reading. On failure returns false and `why`
/// finishes a sentence about the file: "does not exist", "is a directory", "is N bytes;
/// a <kind> may have at most M bytes".
bool read_file(const std::filesystem::path& path, std::string_view kind, source_file& file, std::string& why);

/// Parses `file.text` as one YAML document into `file.root`; an empty file gives an
/// empty mapping. YAML syntax errors, a second document (or a stray ',' after the
/// first), an unterminated quoted string, nesting deeper than max_yaml_depth and aliases
/// repeating more than max_alias_nodes are reported in the file at their position, and
/// make it return false. The root's kind is the caller's to check.
bool parse_document(source_file& file, diagnostics& d);

/// Reads `root` and its includes, depth first without recursion. Problems (unreadable
/// file, YAML syntax, include cycle, an include outside the policy's folder, nesting past
/// max_include_depth, more than max_files or max_total_bytes, a file that is not a mapping
/// of sections) are reported into `d`. A file that is not a baton configuration is never
/// quoted in a message: an include may point at anything on disk.
sources read_sources(const std::filesystem::path& root, diagnostics& d, const include_policy& policy = {});

/// The configuration version: the first 16 hex digits of SHA-256 over each file's name
/// (relative to the root's folder, so the version does not depend on where baton runs),
/// size and bytes, in read order.
std::string content_version(const std::vector<source_file>& files, const std::filesystem::path& root_dir);

/// `file`'s name relative to the root's folder, with '/' separators, as content_version
/// hashes it.
std::string relative_name(const source_file& file, const std::filesystem::path& root_dir);

}  // namespace baton::config::detail
