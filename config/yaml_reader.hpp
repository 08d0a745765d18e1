#pragma once
// Walking yaml-cpp nodes with positions. yaml-cpp's convert<T> can only say yes or no,
// so every accessor here reports what it expected and what it found at the node's
// file:line:column, and returns nullopt so the caller carries on: one pass collects
// every problem of a file.
#include <yaml-cpp/yaml.h>

#include <array>
#include <cstddef>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.hpp"
#include "config/organisation.hpp"

namespace baton::config::detail {

/// One configuration file as read: the name used in messages, its bytes and its parse.
struct source_file {
  std::string name;                  // as shown in messages
  std::filesystem::path canonical;   // for include-cycle detection
  std::string text;
  YAML::Node root;
  std::vector<std::size_t> line_starts;  // byte offset of each line's first character

  /// 1-based line and column of a byte offset into `text`.
  config::mark position_at(std::size_t offset) const;
};

/// A value in a document with the position to report problems about it at. yaml-cpp
/// marks an empty value (`key:` and nothing) at the next token, possibly lines further
/// down, so for those `at` is the key's position instead.
struct item {
  YAML::Node node;     // undefined when the key is absent
  config::mark at;
  std::string key;     // names the value in messages ("backups", "contacts")
  bool found = true;   // false for a key that is not there (a default Node is a null, not absent)
  bool reported = false;  // already reported as missing: readers stay quiet about it

  bool present() const { return found && node.IsDefined(); }
  /// Absent, or written as an empty value / `null`.
  bool empty() const { return !present() || node.IsNull(); }
};

/// An id with where it was written, for references checked once everything is parsed.
struct located_id {
  std::string id;
  config::mark at;
};

/// Reads values of one file, reporting problems into a shared diagnostics.
class reader {
 public:
  reader(const source_file& file, diagnostics& diags) : file_(&file), diags_(&diags) {}

  const source_file& file() const noexcept { return *file_; }
  config::diagnostics& diags() noexcept { return *diags_; }

  /// 1-based position of a node; the file's start when yaml-cpp has none.
  config::mark at(const YAML::Node& node) const;
  /// The item for a value found under `key` (a mapping entry or list element).
  item make_item(const YAML::Node& key_node, const YAML::Node& value, std::string key) const;

  void error(const config::mark& at, std::string message) { diags_->error(at, std::move(message)); }
  void warning(const config::mark& at, std::string message) { diags_->warning(at, std::move(message)); }

 private:
  const source_file* file_;
  config::diagnostics* diags_;
};

/// A mapping whose keys were checked against the allowed set when it was made.
class mapping {
 public:
  /// Reports a value that is not a mapping ("expected <what>, found a list"), keys that
  /// are not allowed (naming them and listing the allowed ones) and keys given twice.
  mapping(reader& r, const item& value, std::string_view what, const std::vector<std::string_view>& allowed);

  /// False when the value was not a mapping (already reported).
  bool valid() const noexcept { return valid_; }
  const config::mark& at() const noexcept { return at_; }

  /// The value under `key`; absent keys give an item that is not present(), marked at
  /// the mapping.
  item get(std::string_view key) const;
  /// As get(), reporting "missing required key" when the key is absent or empty.
  item require(std::string_view key) const;
  bool has(std::string_view key) const { return get(key).present(); }

 private:
  struct entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
  };
  reader* reader_;
  std::string what_;
  config::mark at_;
  std::vector<entry> entries_;
  bool valid_ = false;
};

/// "a mapping", "a list", "nothing", "the string \"x\"": what a node is, for messages.
std::string describe(const YAML::Node& node);

/// "did you mean \"caio\"?" when one candidate is close, else "known: a, b, c" (the
/// first dozen), else "none are defined".
std::string suggest(std::string_view wrong, const std::vector<std::string>& known, std::string_view plural);

/// True for ids: letters, digits, `_`, `-`, `.`, not empty. The length is read_id's
/// concern (max_id_length), so that it can say which rule an id breaks.
bool valid_id(std::string_view text) noexcept;

/// The longest id read_id accepts, in characters: far more than a name needs.
inline constexpr std::size_t max_id_length = 128;

/// Reports a value of the wrong kind ("key: expected EXPECTED, found a list"), once.
void wrong_type(reader& r, const item& value, std::string_view expected);
/// The elements of a list. An empty value is an empty list; anything else that is not
/// a list is reported as "<key>: expected <of_what>, found ...".
std::vector<item> read_list(reader& r, const item& value, std::string_view of_what);

/// A scalar as text; reports mappings, lists and empty values.
std::optional<std::string> read_string(reader& r, const item& value);
/// A scalar that is a valid id of at most max_id_length characters; `kind` names it in
/// messages ("role id"), which quote at most 40 characters of a wrong one.
std::optional<located_id> read_id(reader& r, const item& value, std::string_view kind);
/// A list of ids, or with `allow_single` also one id written as a scalar.
std::vector<located_id> read_id_list(reader& r, const item& value, std::string_view kind, bool allow_single);
std::optional<bool> read_bool(reader& r, const item& value);
std::optional<int> read_int(reader& r, const item& value, int min, int max);
std::optional<duration> read_duration(reader& r, const item& value);
/// A duration of at least `min`; `why` ends the message about a shorter one ("the
/// shortest ack timeout ...").
/// Why ack timeouts have a minimum, for read_duration_at_least.
inline constexpr std::string_view ack_timeout_reason =
    "the shortest ack timeout: a shorter one pages the next holder before the first could read the page";
std::optional<duration> read_duration_at_least(reader& r, const item& value, duration min, std::string_view why);
/// A bound of read_duration_within and why it is there ("retries need time to happen").
struct duration_bound {
  duration value;
  std::string_view why;
};
/// A duration from `min` to `max`; outside them an error saying which bound and why.
std::optional<duration> read_duration_within(reader& r, const item& value, duration_bound min, duration_bound max);
std::optional<deadline_spec> read_deadline(reader& r, const item& value);
/// "2026-12-25" as days since 1970-01-01.
std::optional<civil_day> read_day(reader& r, const item& value);
/// An instant; text without an offset is local in `zone`.
std::optional<timestamp> read_instant(reader& r, const item& value, const date::time_zone& zone);
/// "09:00" as minutes since midnight; "24:00" is allowed as an end of day.
std::optional<std::chrono::minutes> read_time_of_day(reader& r, const item& value);
/// A list of weekday names (`mon` ... `sun`) as flags indexed by weekday.
std::optional<std::array<bool, 7>> read_weekdays(reader& r, const item& value);
/// An IANA zone name; reports unknown zones.
const date::time_zone* read_zone(reader& r, const item& value, std::string* name);

/// "2026-12-25" for a civil day, for messages.
std::string format_day(civil_day day);

}  // namespace baton::config::detail
