#pragma once
// What the commands that read a database share: one boundary that turns every exception
// into a message naming the file and exit status 2 (the database may be anything an
// attacker or a failing disk left behind), and the --since / --until bounds.
#include <fmt/format.h>

#include <exception>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "base/text.hpp"
#include "base/time.hpp"
#include "store/store.hpp"

namespace baton::app {

/// Runs `body`, answering any exception it lets escape with a message naming `db` and
/// exit status 2. `body` reports the outcomes it expects itself. `command` is as typed
/// after "baton" ("log verify").
template <typename F>
int at_boundary(std::string_view command, const std::filesystem::path& db, std::ostream& err, F&& body) noexcept {
  try {
    try {
      return body();
    } catch (const store::store_error& e) {
      // Already names the file and what failed.
      err << fmt::format("baton {}: {}\n", command, printable(e.what()));
    } catch (const std::exception& e) {
      err << fmt::format("baton {}: {}: {}\n", command, printable(db.string()), printable(e.what()));
    } catch (...) {
      err << fmt::format("baton {}: {}: an unknown error stopped the command\n", command, printable(db.string()));
    }
  } catch (...) {
    // Writing the message failed too (e.g. out of memory): the status still tells.
  }
  return 2;
}

/// --since / --until: parse_iso refuses what is not a time in years 1..9999 as well.
inline std::optional<timestamp> parse_bound(const std::string& text) { return parse_iso(text, find_zone("UTC")); }

inline int bad_bound(std::ostream& err, std::string_view command, std::string_view option, const std::string& text) {
  err << fmt::format(
      "baton {}: --{} \"{}\" is not an ISO 8601 time from 0001-01-01 to 9999-12-31 (a date or time "
      "without an offset is UTC)\n",
      command, option, printable(text));
  return 2;
}

}  // namespace baton::app
