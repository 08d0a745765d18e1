#pragma once
// Shared by the fuzz targets: invariant checks that abort (so libFuzzer records the input
// and the replay test fails), a per-process scratch directory for the files a target
// writes, and the small text conventions of the input formats.
#include <boost/json/value.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "http/server.hpp"

namespace baton::fuzz {

/// Prints which invariant of which target broke, with `detail` (shown as printable
/// text), and aborts. Never returns.
[[noreturn]] void invariant_failed(std::string_view target, std::string_view what, std::string_view detail = {});

/// invariant_failed(target, what) unless `ok`.
inline void check(bool ok, std::string_view target, std::string_view what) {
  if (!ok) {
    invariant_failed(target, what);
  }
}

/// `text` is valid UTF-8 and one JSON document; returns it parsed. Aborts otherwise,
/// naming `what` (e.g. "validate --format json").
boost::json::value parse_json_output(std::string_view text, std::string_view target, std::string_view what);

/// `r` is a 4xx whose body is one JSON object {"error": {"code", "message"}}, both
/// non-empty strings: how baton's HTTP API refuses a request. Aborts otherwise.
void check_error_answer(const http::response& r, std::string_view target);

/// `text` is fit for a terminal, as issue 7 asks of every text output: valid UTF-8 with
/// no control characters but '\n' (no C0, DEL or C1 controls) and no bidirectional
/// overrides, i.e. everything from the input went through printable(). Aborts otherwise.
void check_terminal_text(std::string_view text, std::string_view target, std::string_view what);

/// A directory of this process's own, emptied and created afresh on each call, under
/// /dev/shm when it is usable (the targets write files for every input) and the system
/// temporary directory otherwise. The whole per-process tree (baton-fuzz-<pid>-<random>)
/// is removed at exit, or by the next process when this one ends without running its
/// destructors (a finding, libFuzzer's -fork mode).
std::filesystem::path fresh_directory(std::string_view name);

/// Writes `content` to `path`, replacing it; aborts when the file cannot be written
/// (the scratch directory is ours, so that is the harness's bug, not baton's).
void write_file(const std::filesystem::path& path, std::string_view content);

/// `data` cut at each `separator`, into at most `max_parts` parts; the last part keeps
/// the rest, separators included.
std::vector<std::string_view> split(std::string_view data, std::string_view separator, std::size_t max_parts);

/// The lines of `text` (without their '\n').
std::vector<std::string_view> lines(std::string_view text);

/// Decodes the escapes the text input formats use to carry any byte: \n, \t, \r, \0,
/// \\ and \xNN. Anything else is kept as it is.
std::string unescape(std::string_view text);

/// The value of one hexadecimal digit, or -1 for any other character.
int hex_digit(char c);

/// A stable hash of the input (FNV-1a), for choices that must be the same every time
/// the same input runs: which inputs also get a Monte Carlo run, a determinism check.
std::uint64_t input_hash(std::string_view data) noexcept;

}  // namespace baton::fuzz
