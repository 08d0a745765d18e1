#pragma once
// A small command-line parser: positional words and `--name value` / `--flag` options.
// Unknown options are errors, so a typo is never silently ignored.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/expected.hpp"

namespace baton::app {

struct args {
  std::vector<std::string> positional;
  std::map<std::string, std::string, std::less<>> options;  // name (without --) -> value
  std::set<std::string, std::less<>> flags;

  std::optional<std::string> get(std::string_view name) const;
  bool has_flag(std::string_view name) const { return flags.contains(name); }
};

/// Parses argv[first..argc). `with_value` lists options that take a value; `flags` lists
/// those that take none.
expected<args> parse_args(int argc, char** argv, int first, const std::set<std::string, std::less<>>& with_value,
                          const std::set<std::string, std::less<>>& flag_names);

}  // namespace baton::app
