#pragma once
// Fixtures shared by the store tests: each store kind behind the same small interface,
// so one conformance suite (TEMPLATE_TEST_CASE over the fixtures) keeps sqlite_store and
// memory_store equivalent, plus the tampering an attacker with file access could do.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "store/audit_log.hpp"
#include "store/memory_store.hpp"
#include "store/sqlite_store.hpp"
#include "tests/support/test_support.hpp"

namespace baton::store::testing {

inline timestamp at(std::int64_t epoch_ms) { return from_epoch_ms(epoch_ms); }

/// 2026-03-04T09:00:00Z, the tests' usual start.
inline timestamp t0() { return from_epoch_ms(1'772'614'800'000); }

inline std::string sql_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') {
      out += '\'';
    }
  }
  return out + "'";
}

inline auto fields(const incident_row& r) {
  return std::tie(r.id, r.dedup_key, r.system, r.event_type, r.severity, r.summary, r.state,
                  r.config_version, r.opened_at, r.updated_at, r.resolved_at, r.event_count,
                  r.accountable, r.fired_rules, r.reminders_sent, r.opened_by);
}
inline auto fields(const escalation_row& r) {
  return std::tie(r.id, r.incident_id, r.role, r.rule, r.state, r.triggered_at, r.target_at,
                  r.engaged_at, r.engaged_by, r.rung, r.round, r.paged, r.breached);
}
inline auto fields(const timer_row& r) {
  return std::tie(r.id, r.due, r.kind, r.incident_id, r.escalation_id);
}
inline auto fields(const notification_row& r) {
  return std::tie(r.idempotency_key, r.incident_id, r.escalation_id, r.kind, r.person, r.role,
                  r.notifier, r.address, r.payload, r.state, r.attempts, r.created_at,
                  r.next_attempt_at, r.last_error);
}
inline auto fields(const config_version_row& r) {
  return std::tie(r.version, r.loaded_at, r.sources, r.loaded_seq);
}
inline auto fields(const log_record& r) {
  return std::tie(r.seq, r.at, r.actor, r.kind, r.incident_id, r.details, r.prev_hash, r.hash);
}

template <typename Row>
bool same(const Row& a, const Row& b) {
  return fields(a) == fields(b);
}

template <typename Row>
bool same(const std::vector<Row>& a, const std::vector<Row>& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same(a[i], b[i])) {
      return false;
    }
  }
  return true;
}

inline std::vector<log_record> all_records(store& s, const log_range& range = {}) {
  std::vector<log_record> out;
  s.read_log(range, [&](const log_record& r) { out.push_back(r); });
  return out;
}

inline log_record record_at(store& s, std::int64_t seq) {
  for (auto& r : all_records(s)) {
    if (r.seq == seq) {
      return r;
    }
  }
  FAIL("no record " << seq);
  return {};
}

/// Details of the size the engine writes (~200 bytes).
inline boost::json::object sample_details(std::int64_t i) {
  return boost::json::object{{"event", {{"type", "incident"}, {"system", "credit-scoring-v3"},
                                        {"severity", i % 3 == 0 ? "high" : "medium"}}},
                             {"rule", "T" + std::to_string(i % 10 + 1)},
                             {"from", "bu_owner"},
                             {"to", boost::json::array{"caio", "general_counsel"}},
                             {"why", "customer harm reported; regulator notification required"},
                             {"n", i}};
}

/// Appends `n` records through audit_log in one transaction.
inline void append_records(store& s, std::int64_t n) {
  static const char* kinds[] = {"event.received", "rule.fired", "accountability.moved",
                                "holder.resolved", "notification.sent"};
  audit_log log(s);
  transaction tx(s);
  for (std::int64_t i = 1; i <= n; ++i) {
    log.append(t0() + std::chrono::seconds(i), i % 4 == 0 ? "person:ada" : "engine",
               kinds[i % 5], i % 7, sample_details(i));
  }
  tx.commit();
}

/// Runs `sql` with the sqlite3 command-line tool on `db` (with no store open on it) and
/// returns what it printed. The script goes through a file beside `db`, so any quoting
/// survives.
inline std::string sqlite3_cli(const std::filesystem::path& db, const std::string& sql) {
  auto script = db.parent_path() / "cli.sql";
  {
    std::ofstream out(script, std::ios::binary);
    out << sql;
  }
  auto result = test::run("sqlite3 '" + db.string() + "' < '" + script.string() + "'");
  INFO(sql << "\n" << result.out);
  REQUIRE(result.exit_code == 0);
  std::filesystem::remove(script);
  return result.out;
}

/// The page size of `db`, in bytes.
inline std::int64_t page_size_of(const std::filesystem::path& db) {
  return std::stoll(sqlite3_cli(db, "PRAGMA page_size;"));
}

/// A leaf page of a table's b-tree: its number (1-based) and how many rows it holds.
struct leaf_page {
  std::int64_t page = 0;
  std::int64_t rows = 0;
};

/// The leaves of `table`'s b-tree in key order (for `log`, by seq), from SQLite's
/// dbstat table, whose `path` orders pages as a walk of the tree visits them.
inline std::vector<leaf_page> leaves_of(const std::filesystem::path& db, const std::string& table) {
  std::istringstream in(sqlite3_cli(db, "SELECT pageno, ncell FROM dbstat WHERE name = " + sql_quote(table) +
                                            " AND pagetype = 'leaf' ORDER BY path;"));
  std::vector<leaf_page> leaves;
  std::string line;
  while (std::getline(in, line)) {
    auto bar = line.find('|');
    leaves.push_back({std::stoll(line.substr(0, bar)), std::stoll(line.substr(bar + 1))});
  }
  return leaves;
}

/// The root page of `table`'s b-tree.
inline std::int64_t root_page_of(const std::filesystem::path& db, const std::string& table) {
  return std::stoll(sqlite3_cli(db, "SELECT rootpage FROM sqlite_master WHERE name = " + sql_quote(table) + ";"));
}

/// Overwrites page `page` (1-based) of the file with zeros, as a failing disk or a `dd`
/// would: SQLite is not involved, so nothing checks or repairs it.
inline void zero_page(const std::filesystem::path& db, std::int64_t page, std::int64_t page_size) {
  std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(f);
  f.seekp(static_cast<std::streamoff>((page - 1) * page_size));
  const std::string zeros(static_cast<std::size_t>(page_size), '\0');
  f.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
  REQUIRE(f);
}

/// A real SQLite file in a temporary directory; tampering goes through the sqlite3
/// command-line tool on that file, as an attacker with file access would.
struct sqlite_fixture {
  static constexpr const char* name = "sqlite";
  test::temp_dir dir;
  std::filesystem::path db = dir.path() / "baton.db";
  std::unique_ptr<sqlite_store> s = std::make_unique<sqlite_store>(db);

  store& get() { return *s; }
  void reopen() {
    s.reset();
    s = std::make_unique<sqlite_store>(db);
  }

  /// Runs `statements` with the sqlite3 CLI while the store is closed.
  void sql(const std::string& statements) {
    s.reset();
    auto script = dir.write("tamper.sql", statements);
    auto result = test::run("sqlite3 '" + db.string() + "' < '" + script.string() + "'");
    INFO(statements);
    REQUIRE(result.out == "");
    REQUIRE(result.exit_code == 0);
    s = std::make_unique<sqlite_store>(db);
  }

  static std::string values(const log_record& r) {
    return std::to_string(r.seq) + ", " + std::to_string(to_epoch_ms(r.at)) + ", " + sql_quote(r.actor) +
           ", " + sql_quote(r.kind) + ", " + std::to_string(r.incident_id) + ", " + sql_quote(r.details) +
           ", " + sql_quote(r.prev_hash) + ", " + sql_quote(r.hash);
  }

  void replace(std::int64_t seq, const log_record& r) {
    sql("UPDATE log SET (seq, at_ms, actor, kind, incident_id, details, prev_hash, hash) = (" + values(r) +
        ") WHERE seq = " + std::to_string(seq) + ";");
  }
  void erase(std::int64_t seq) { sql("DELETE FROM log WHERE seq = " + std::to_string(seq) + ";"); }
  void erase_range(std::int64_t first, std::int64_t last) {
    sql("DELETE FROM log WHERE seq BETWEEN " + std::to_string(first) + " AND " + std::to_string(last) + ";");
  }
  void insert(const log_record& r) { sql("INSERT INTO log VALUES (" + values(r) + ");"); }
  /// Moves records seq.. up by one, leaving a hole at seq.
  void shift_up_from(std::int64_t seq) {
    sql("UPDATE log SET seq = seq + 1000000 WHERE seq >= " + std::to_string(seq) +
        "; UPDATE log SET seq = seq - 999999 WHERE seq >= 1000000;");
  }
};

/// memory_store with every record kept; tampering through its _for_test hooks.
struct memory_fixture {
  static constexpr const char* name = "memory";
  std::unique_ptr<memory_store> s = std::make_unique<memory_store>();

  store& get() { return *s; }
  void reopen() {}  // nothing to reopen: the same object is the store

  void replace(std::int64_t seq, const log_record& r) { s->tamper_for_test(seq, r); }
  void erase(std::int64_t seq) { s->erase_log_for_test(seq); }
  void erase_range(std::int64_t first, std::int64_t last) {
    for (std::int64_t seq = first; seq <= last; ++seq) {
      s->erase_log_for_test(seq);
    }
  }
  void insert(const log_record& r) { s->insert_log_for_test(r); }
  void shift_up_from(std::int64_t seq) {
    auto records = all_records(*s);
    // Highest first, so a moved record never lands on one still to be moved.
    for (auto it = records.rbegin(); it != records.rend(); ++it) {
      log_record r = *it;
      if (r.seq >= seq) {
        s->erase_log_for_test(r.seq);
        ++r.seq;
        s->insert_log_for_test(r);
      }
    }
  }
};

}  // namespace baton::store::testing
