// `baton log verify` and `baton log export` on a damaged database. Each process builds
// one small valid baton database; each input is a list of edits, one a line, applied to
// a fresh copy of it, as someone with access to the file could make them:
//
//   set TABLE.COLUMN ROWID|* VALUE   UPDATE one row (by rowid; log's rowid is seq) or all
//   delete TABLE ROWID|*             DELETE one row or all
//   copy FROM TO                     a copy of log record FROM as record TO
//   insert TABLE                     INSERT INTO TABLE DEFAULT VALUES
//   drop TABLE                       DROP TABLE
//   create TABLE COLUMNS             DROP and CREATE TABLE with other columns ("a, b int")
//   rehash                           recompute every hash and the head, as a forger would
//                                    (details that are JSON are made canonical first)
//   poke OFFSET HEX                  overwrite bytes of the file at OFFSET
//   zero PAGE                        overwrite page PAGE (counted from 1) with zeros
//   truncate SIZE                    cut the file to SIZE bytes
//   since TIME / until TIME          the export's --since / --until
//
// VALUE is null, an integer, a real, x'HEX' (a blob), or text ("..." or bare, with the
// \n \t \xNN escapes). Names are letters, digits and '_' only, so no edit is more than
// the one statement it names. Unknown lines are ignored.
#include <sqlite3.h>

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "app/commands.hpp"
#include "fuzz/fuzz_support.hpp"
#include "fuzz/fuzz_targets.hpp"
#include "store/audit_log.hpp"
#include "store/sqlite_store.hpp"

namespace baton::fuzz {
namespace log_input {

constexpr std::string_view target = "log";

// 2026-03-04T09:00:00Z, the store tests' usual start.
constexpr std::int64_t t0_ms = 1'772'614'800'000;

// Records of the shapes the engine writes, plus text a printer must escape: enough of
// them that the log table spans several pages and an interior b-tree page.
boost::json::object details_of(std::int64_t i) {
  static const char* const summaries[] = {
      "customer harm reported; regulator notification required",
      "Zürich – Überweisung ✓ (non-ASCII)",
      "bell \a and escape \x1b[31m red \x1b[0m",
      "a \"quoted\" summary, with, commas\nand a second line",
      "",
  };
  boost::json::object d{{"event", {{"type", "incident"}, {"system", "credit-scoring-v3"},
                                   {"severity", i % 3 == 0 ? "high" : "medium"}}},
                        {"rule", "T" + std::to_string(i % 10 + 1)},
                        {"to", boost::json::array{"caio", "general_counsel"}},
                        {"summary", summaries[i % std::size(summaries)]},
                        {"n", i}};
  if (i % 7 == 0) {
    d["amount"] = 2.5e6;
    d["nested"] = boost::json::object{{"list", boost::json::array{1, -2, nullptr, true, "x"}}};
  }
  return d;
}

std::string make_base_database() {
  static const char* const kinds[] = {"event.received", "rule.fired", "accountability.moved", "holder.resolved",
                                      "notification.sent", "incident.acknowledged"};
  const auto dir = fresh_directory("log-base");
  const auto path = dir / "base.db";
  {
    store::sqlite_store st(path);
    store::audit_log log(st);
    store::transaction tx(st);
    for (std::int64_t i = 1; i <= 40; ++i) {
      log.append(from_epoch_ms(t0_ms + i * 61'000), i % 4 == 0 ? "person:ada" : "engine",
                 kinds[i % std::size(kinds)], i % 7, details_of(i));
    }
    tx.commit();
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  check(!bytes.empty(), target, "the base database could not be built");
  return bytes;
}

bool is_name(std::string_view s) {
  if (s.empty() || s.size() > 64) {
    return false;
  }
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

// Column definitions for `create`: names, types, commas and spaces, nothing that could
// end the statement.
bool is_column_list(std::string_view s) {
  for (char c : s) {
    if (c != ',' && c != ' ' && !is_name(std::string_view(&c, 1))) {
      return false;
    }
  }
  return !s.empty();
}

std::optional<std::int64_t> integer_of(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) {
    return std::nullopt;
  }
  return v;
}

// Splits off the first space-separated word of `line`.
std::string_view next_word(std::string_view& line) {
  const auto sp = line.find(' ');
  const auto word = line.substr(0, sp);
  line = sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
  return word;
}

std::string bytes_of_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    const int hi = hex_digit(hex[i]);
    const int lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      break;
    }
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

// One SQLite connection for a run of SQL edits; closed before the file's bytes are
// edited, so nothing of it lingers in a -wal file.
class connection {
 public:
  explicit connection(const std::filesystem::path& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      sqlite3_close(db_);
      db_ = nullptr;
    }
  }
  ~connection() { sqlite3_close(db_); }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Runs `sql` with `value` bound to its one parameter (if any); failures are ignored:
  /// an edit that SQLite refuses on a damaged file simply does not happen.
  void run(const std::string& sql, std::string_view value = {}, bool bind = false) {
    sqlite3_stmt* stmt = prepare(sql);
    if (stmt == nullptr) {
      return;
    }
    if (bind) {
      bind_value(stmt, 1, value);
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
    }
    sqlite3_finalize(stmt);
  }

  void rehash() {
    struct row {
      std::int64_t rowid;
      store::log_record r;
      bool json;  // details parse: the record can be hashed (else it keeps its hash)
    };
    std::vector<row> rows;
    sqlite3_stmt* read = prepare("SELECT rowid, seq, at_ms, actor, kind, incident_id, details, hash FROM log ORDER BY seq");
    if (read == nullptr) {
      return;
    }
    while (sqlite3_step(read) == SQLITE_ROW) {
      row x;
      x.rowid = sqlite3_column_int64(read, 0);
      x.r.seq = sqlite3_column_int64(read, 1);
      x.r.at = from_epoch_ms(sqlite3_column_int64(read, 2));
      x.r.actor = text(read, 3);
      x.r.kind = text(read, 4);
      x.r.incident_id = sqlite3_column_int64(read, 5);
      x.r.details = text(read, 6);
      x.r.hash = text(read, 7);
      boost::system::error_code ec;
      const boost::json::value parsed = boost::json::parse(x.r.details, ec);
      x.json = !ec;
      if (x.json) {
        x.r.details = store::canonical_json(parsed);
      }
      rows.push_back(std::move(x));
    }
    sqlite3_finalize(read);
    std::string prev = store::genesis_hash;
    std::int64_t last = 0;
    for (auto& x : rows) {
      x.r.prev_hash = prev;
      if (x.json) {
        x.r.hash = store::compute_hash(x.r);
      }
      sqlite3_stmt* w = prepare("UPDATE log SET details = ?, prev_hash = ?, hash = ? WHERE rowid = ?");
      if (w == nullptr) {
        return;
      }
      sqlite3_bind_text(w, 1, x.r.details.data(), static_cast<int>(x.r.details.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(w, 2, x.r.prev_hash.data(), static_cast<int>(x.r.prev_hash.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(w, 3, x.r.hash.data(), static_cast<int>(x.r.hash.size()), SQLITE_TRANSIENT);
      sqlite3_bind_int64(w, 4, x.rowid);
      sqlite3_step(w);
      sqlite3_finalize(w);
      prev = x.r.hash;
      last = x.r.seq;
    }
    sqlite3_stmt* head = prepare("UPDATE log_head SET seq = ?, hash = ?");
    if (head != nullptr) {
      sqlite3_bind_int64(head, 1, last);
      sqlite3_bind_text(head, 2, prev.data(), static_cast<int>(prev.size()), SQLITE_TRANSIENT);
      sqlite3_step(head);
      sqlite3_finalize(head);
    }
  }

 private:
  sqlite3_stmt* prepare(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (db_ == nullptr || sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return nullptr;
    }
    return stmt;
  }

  static std::string text(sqlite3_stmt* stmt, int column) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_blob(stmt, column));
    return p == nullptr ? std::string{} : std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt, column)));
  }

  static void bind_value(sqlite3_stmt* stmt, int i, std::string_view v) {
    if (v == "null") {
      sqlite3_bind_null(stmt, i);
      return;
    }
    if (auto n = integer_of(v)) {
      sqlite3_bind_int64(stmt, i, *n);
      return;
    }
    double real = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), real);
    if (ec == std::errc{} && end == v.data() + v.size() && !v.empty()) {
      sqlite3_bind_double(stmt, i, real);
      return;
    }
    if (v.size() >= 3 && (v[0] == 'x' || v[0] == 'X') && v[1] == '\'' && v.back() == '\'') {
      const std::string blob = bytes_of_hex(v.substr(2, v.size() - 3));
      sqlite3_bind_blob(stmt, i, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
      return;
    }
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
      v = v.substr(1, v.size() - 2);
    }
    const std::string t = unescape(v);
    sqlite3_bind_text(stmt, i, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
  }

  sqlite3* db_ = nullptr;
};

std::string quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

// Applies one SQL edit; false when the line is not one.
bool apply_sql(connection& db, std::string_view op, std::string_view rest) {
  if (op == "set") {
    const auto what = next_word(rest);
    const auto row = next_word(rest);
    const auto dot = what.find('.');
    if (dot == std::string_view::npos) {
      return true;
    }
    const auto table = what.substr(0, dot);
    const auto column = what.substr(dot + 1);
    if (!is_name(table) || !is_name(column)) {
      return true;
    }
    std::string sql = "UPDATE " + quoted(table) + " SET " + quoted(column) + " = ?";
    if (row != "*") {
      const auto id = integer_of(row);
      if (!id) {
        return true;
      }
      sql += " WHERE rowid = " + std::to_string(*id);
    }
    db.run(sql, rest, true);
  } else if (op == "delete") {
    const auto table = next_word(rest);
    const auto row = next_word(rest);
    if (!is_name(table)) {
      return true;
    }
    std::string sql = "DELETE FROM " + quoted(table);
    if (row != "*") {
      const auto id = integer_of(row);
      if (!id) {
        return true;
      }
      sql += " WHERE rowid = " + std::to_string(*id);
    }
    db.run(sql);
  } else if (op == "copy") {
    const auto from = integer_of(next_word(rest));
    const auto to = integer_of(next_word(rest));
    if (from && to) {
      db.run("INSERT OR REPLACE INTO log SELECT " + std::to_string(*to) +
             ", at_ms, actor, kind, incident_id, details, prev_hash, hash FROM log WHERE seq = " +
             std::to_string(*from));
    }
  } else if (op == "insert") {
    const auto table = next_word(rest);
    if (is_name(table)) {
      db.run("INSERT INTO " + quoted(table) + " DEFAULT VALUES");
    }
  } else if (op == "drop") {
    const auto table = next_word(rest);
    if (is_name(table)) {
      db.run("DROP TABLE " + quoted(table));
    }
  } else if (op == "create") {
    const auto table = next_word(rest);
    if (is_name(table) && is_column_list(rest)) {
      db.run("DROP TABLE IF EXISTS " + quoted(table));
      db.run("CREATE TABLE " + quoted(table) + " (" + std::string(rest) + ")");
    }
  } else if (op == "rehash") {
    db.rehash();
  } else {
    return false;
  }
  return true;
}

// Applies one edit of the file's bytes.
void apply_bytes(std::string& file, std::string_view op, std::string_view rest) {
  if (op == "poke") {
    const auto offset = integer_of(next_word(rest));
    if (!offset || *offset < 0) {
      return;
    }
    const std::string bytes = bytes_of_hex(rest);
    const auto at = static_cast<std::size_t>(*offset) % (file.size() + 1);
    const auto n = std::min(bytes.size(), file.size() - at);
    file.replace(at, n, bytes.substr(0, n));
  } else if (op == "zero") {
    const auto page = integer_of(next_word(rest));
    // The page size is bytes 16-17 of the header (big-endian; 1 means 65536).
    std::size_t size = 4096;
    if (file.size() >= 18) {
      size = static_cast<unsigned char>(file[16]) * 256U + static_cast<unsigned char>(file[17]);
      size = size == 1 ? 65536 : size;
    }
    if (!page || *page < 1 || size < 512) {
      return;
    }
    const std::size_t pages = (file.size() + size - 1) / size;
    const std::size_t first = (static_cast<std::size_t>(*page - 1) % std::max<std::size_t>(pages, 1)) * size;
    if (first < file.size()) {
      std::fill(file.begin() + static_cast<std::ptrdiff_t>(first),
                file.begin() + static_cast<std::ptrdiff_t>(std::min(file.size(), first + size)), '\0');
    }
  } else if (op == "truncate") {
    const auto size = integer_of(next_word(rest));
    if (size && *size >= 0 && static_cast<std::size_t>(*size) < file.size()) {
      file.resize(static_cast<std::size_t>(*size));
    }
  }
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void remove_journals(const std::filesystem::path& db) {
  std::error_code ec;
  std::filesystem::remove(db.string() + "-wal", ec);
  std::filesystem::remove(db.string() + "-shm", ec);
  std::filesystem::remove(db.string() + "-journal", ec);
}

struct command_output {
  int status = 0;
  std::string out;
  std::string err;
};

command_output verify(const std::filesystem::path& db, std::string_view format) {
  std::ostringstream out;
  std::ostringstream err;
  command_output r;
  r.status = app::log_verify_command(db, format, out, err);
  r.out = std::move(out).str();
  r.err = std::move(err).str();
  return r;
}

command_output export_log(app::log_export_options o) {
  std::ostringstream out;
  std::ostringstream err;
  command_output r;
  r.status = app::log_export_command(o, out, err);
  r.out = std::move(out).str();
  r.err = std::move(err).str();
  return r;
}

void check_status(const command_output& r, std::string_view what) {
  check_terminal_text(r.err, target, std::string(what) + "'s messages");
  if (r.status < 0 || r.status > 2) {
    invariant_failed(target, std::string(what) + " exited " + std::to_string(r.status) + "; expected 0, 1 or 2",
                     r.err);
  }
  if (r.status != 0 && r.err.empty() && r.out.find("TAMPERED") == std::string::npos) {
    invariant_failed(target, std::string(what) + " failed without saying why", r.out);
  }
}

}  // namespace log_input

void log_one_input(std::string_view data) {
  using namespace log_input;
  static const std::string base = make_base_database();

  const auto dir = fresh_directory(target);
  const auto db_path = dir / "baton.db";
  write_file(db_path, base);

  app::log_export_options range;
  range.db = db_path;
  bool edited = false;
  std::optional<connection> db;
  std::string file;  // the file's bytes while byte edits run; empty otherwise
  for (std::string_view line : lines(data)) {
    const auto op = next_word(line);
    if (op == "since" || op == "until") {
      (op == "since" ? range.since : range.until) = unescape(line);
      continue;
    }
    if (op == "poke" || op == "zero" || op == "truncate") {
      db.reset();
      if (file.empty()) {
        remove_journals(db_path);
        file = read_all(db_path);
      }
      apply_bytes(file, op, line);
      write_file(db_path, file);
      edited = true;
      continue;
    }
    file.clear();
    if (!db) {
      db.emplace(db_path);
    }
    edited = apply_sql(*db, op, line) || edited;
  }
  db.reset();

  const command_output text = verify(db_path, "text");
  const command_output json = verify(db_path, "json");
  check_status(text, "log verify");
  check(text.status == json.status, target, "log verify's exit status depends on the output format");
  if (!edited) {
    check(text.status == 0, target, "log verify refused the undamaged database");
  }
  check_terminal_text(text.out, target, "log verify's text output");
  if (text.status == 1) {
    check(text.out.find("TAMPERED") != std::string::npos, target, "log verify exited 1 without TAMPERED");
  }
  if (json.status != 2) {
    const auto doc = parse_json_output(json.out, target, "log verify --format json");
    const auto* ok = doc.is_object() ? doc.as_object().if_contains("ok") : nullptr;
    check(ok != nullptr && ok->is_bool() && ok->as_bool() == (json.status == 0), target,
          "log verify --format json: \"ok\" disagrees with the exit status");
  }

  for (const char* format : {"csv", "json"}) {
    app::log_export_options o = range;
    o.format = format;
    const command_output r = export_log(o);
    check_status(r, std::string("log export --format ") + format);
    if (r.status == 0) {
      check(r.err.empty(), target, "log export succeeded but wrote to stderr");
      if (o.format == "json") {
        check(parse_json_output(r.out, target, "log export --format json").is_array(), target,
              "log export --format json is not an array");
      }
    }
    if (text.status == 0 && !range.since && !range.until) {
      check(r.status == 0, target, "log verify says ok but log export fails");
    }
  }
}

}  // namespace baton::fuzz
