#pragma once
// The CLI's commands as functions over streams, so tests can run them in process.
// Exit statuses: 0 success, 1 the answer is "no" (invalid, tampered), 2 usage or I/O error.
#include <filesystem>
#include <istream>
#include <optional>
#include <ostream>
#include <string>

#include "base/time.hpp"

namespace baton::app {

struct who_options {
  std::string role;
  std::filesystem::path config;
  std::string system;             // "" = no scope
  std::optional<std::string> at;  // ISO 8601; default: now
  std::string format = "text";    // text | json
  bool working_hours_only = false;
  std::filesystem::path include_root;  // --include-root; empty: the config file's folder
};
int who_command(const who_options& o, timestamp now, std::ostream& out, std::ostream& err);

int log_verify_command(const std::filesystem::path& db, std::string_view format, std::ostream& out,
                       std::ostream& err);

struct log_export_options {
  std::filesystem::path db;
  std::string format;  // csv | json
  std::optional<std::string> since;
  std::optional<std::string> until;
};
int log_export_command(const log_export_options& o, std::ostream& out, std::ostream& err);

struct demo_options {
  std::filesystem::path config;
  std::filesystem::path db;             // SQLite file for the demo's log
  std::optional<std::string> start;     // ISO 8601 start of the virtual clock
  std::optional<std::filesystem::path> notifications;  // JSON lines of what was sent
  std::filesystem::path include_root;  // --include-root; empty: the config file's folder
};
int demo_command(const demo_options& o, std::ostream& out, std::ostream& err);

struct simulate_options {
  std::filesystem::path scenario;
  std::optional<std::filesystem::path> report;  // .md, .html or .json; none: Markdown to `out`
  std::optional<std::string> runs;              // as given, checked by the command
  std::optional<std::string> seed;
  std::optional<std::string> threads;
  std::optional<std::filesystem::path> db;      // SQLite file for the detailed run's log
};
/// 0: every expectation held; 1: some failed; 2: bad scenario, options or I/O.
int simulate_command(const simulate_options& o, std::ostream& out, std::ostream& err);

struct report_latency_options {
  std::filesystem::path db;
  std::optional<std::string> since;  // escalations triggered at or after
  std::optional<std::string> until;  // ... and at or before
  std::string format = "text";       // text | json | csv
};
/// Latency per rule and role from the escalations `db` holds. 0, or 2 when the file
/// cannot be read as a baton database.
int report_latency_command(const report_latency_options& o, std::ostream& out, std::ostream& err);

struct apply_options {
  std::filesystem::path config;
  std::filesystem::path db;
  std::filesystem::path ops;           // JSON lines; "-" or empty: standard input
  std::size_t batch = 64;              // most operations of one instant per commit
  std::filesystem::path include_root;  // --include-root; empty: the config file's folder
};
/// Runs a recorded stream of operations through the engine on `db`, resuming after the
/// last line an earlier run answered. 0: every line answered; 2: bad input, options,
/// configuration or a store error.
int apply_command(const apply_options& o, std::istream& in, std::ostream& out, std::ostream& err);

struct serve_options {
  std::filesystem::path config;
  /// --db and --listen; when not given, the configuration's storage.sqlite and
  /// server.listen, else baton.db and 127.0.0.1:8080.
  std::optional<std::filesystem::path> db;
  std::optional<std::string> listen;  // HOST:PORT; port 0: any free one (printed)
  std::filesystem::path include_root;     // --include-root; empty: the config file's folder
};
/// Serves the HTTP API until SIGINT or SIGTERM (docs/http.md). 0 after a clean stop; 1
/// when the engine had stopped after a store error; 2 when it cannot start.
int serve_command(const serve_options& o, std::ostream& out, std::ostream& err);

}  // namespace baton::app
