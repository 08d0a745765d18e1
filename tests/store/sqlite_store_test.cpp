// What only the SQLite store has: the file, its schema migrations, its durability
// settings and read-only opening (store/sqlite_store.cpp, store/sqlite_schema.cpp).
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "tests/store/store_fixtures.hpp"

namespace baton::store::testing {
namespace {

/// Runs one query with the sqlite3 CLI and returns its output.
std::string query(const std::filesystem::path& db, const std::string& sql) {
  auto result = test::run("sqlite3 '" + db.string() + "' \"" + sql + "\"");
  INFO(result.out);
  REQUIRE(result.exit_code == 0);
  return result.out;
}

std::string open_error(const std::filesystem::path& p) {
  try {
    sqlite_store::open_read_only(p);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  FAIL("open_read_only(" << p << ") did not throw");
  return {};
}

}  // namespace

TEST_CASE("a new SQLite file gets the whole schema through the migrations", "[store]") {
  sqlite_fixture f;
  CHECK(f.s->schema_version() == sqlite_store::latest_schema_version());
  CHECK(sqlite_store::latest_schema_version() == 6);
  f.s.reset();
  CHECK(query(f.db, "SELECT version FROM schema_migrations ORDER BY version") == "1\n2\n3\n4\n5\n6\n");
  CHECK(query(f.db, "SELECT count(*) FROM schema_migrations WHERE length(description) > 0") == "6\n");
  CHECK(query(f.db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") ==
        "config_versions\nescalations\nid_high_water\nincidents\nlog\nlog_head\nnotifications\n"
        "requests\nschema_migrations\ntimers\n");
  CHECK(query(f.db, "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name") ==
        "escalations_by_incident\nincidents_by_state\nlog_by_incident\nnotifications_by_incident\n"
        "notifications_pending\nrequests_by_time\ntimers_by_due\n");
  CHECK(query(f.db, "SELECT seq, hash FROM log_head") == "0|" + genesis_hash + "\n");
  CHECK(query(f.db, "PRAGMA journal_mode") == "wal\n");
}

TEST_CASE("reopening a SQLite file is idempotent and keeps its data", "[store]") {
  sqlite_fixture f;
  append_records(f.get(), 5);
  f.get().put_timer({1, t0(), "ack_timeout", 1, 0});
  f.s.reset();
  const std::string migrations_before = query(f.db, "SELECT version, description FROM schema_migrations");
  for (int i = 0; i < 3; ++i) {
    f.reopen();
  }
  CHECK(f.s->schema_version() == 6);
  CHECK(f.get().head().seq == 5);
  CHECK(f.get().timers().size() == 1);
  CHECK(verify(f.get()).ok);
  f.s.reset();
  CHECK(query(f.db, "SELECT version, description FROM schema_migrations") == migrations_before);
}

TEST_CASE("a SQLite file at an older schema version is migrated forward", "[store]") {
  sqlite_fixture f;
  f.get().put_config_version({"v1", t0(), "{}"});
  escalation_row e;
  e.id = 7;
  e.incident_id = 1;
  e.role = "caio";
  e.state = "paging";
  e.triggered_at = t0();
  e.rung = 2;
  f.get().upsert_escalation(e);
  // Back to version 2, as the previous baton left its files: no reminder count, no
  // load order of configuration versions, the ladder position still called step.
  f.sql("DROP INDEX log_by_incident; DROP INDEX incidents_by_state; "
        "DROP INDEX notifications_pending; ALTER TABLE incidents DROP COLUMN opened_by; "
        "ALTER TABLE escalations RENAME COLUMN rung TO step; "
        "ALTER TABLE incidents DROP COLUMN reminders_sent; ALTER TABLE config_versions DROP COLUMN loaded_seq; "
        "DROP TABLE requests; DELETE FROM schema_migrations WHERE version >= 3;");
  CHECK(f.s->schema_version() == 6);
  REQUIRE(f.get().escalations(1).size() == 1);
  CHECK(f.get().escalations(1)[0].rung == 2);
  CHECK(f.get().find_config_version("v1")->loaded_seq == 0);
  // Back to version 1: the state tables stay, the log tables go.
  f.sql("DROP INDEX incidents_by_state; DROP INDEX notifications_pending; ALTER TABLE incidents DROP COLUMN opened_by; "
        "ALTER TABLE escalations RENAME COLUMN rung TO step; ALTER TABLE incidents DROP COLUMN reminders_sent; "
        "ALTER TABLE config_versions DROP COLUMN loaded_seq; DROP TABLE requests; DROP TABLE log; DROP TABLE log_head; "
        "DELETE FROM schema_migrations WHERE version >= 2;");
  CHECK(f.s->schema_version() == 6);
  CHECK(f.get().find_config_version("v1"));
  CHECK(f.get().head().seq == 0);
  append_records(f.get(), 3);
  CHECK(verify(f.get()).ok);
}

TEST_CASE("a SQLite file from a newer baton is refused", "[store]") {
  sqlite_fixture f;
  f.s.reset();
  query(f.db, "INSERT INTO schema_migrations VALUES (99, 'later')");
  try {
    sqlite_store s(f.db);
    FAIL("opened a database with schema version 99");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("schema version 99, newer than this baton knows (6)"));
    CHECK_THAT(e.what(), Catch::Contains(f.db.string()));
  }
  CHECK_THAT(open_error(f.db), Catch::Contains("newer than this baton knows"));
}

TEST_CASE("the SQLite store commits durably in WAL mode", "[store]") {
  sqlite_fixture f;
  CHECK(f.s->pragma_for_test("journal_mode") == "wal");
  CHECK(f.s->pragma_for_test("synchronous") == "2");  // FULL
  CHECK(f.s->pragma_for_test("busy_timeout") == "5000");
}

TEST_CASE("deferred durability: commits write, the WAL syncer makes them durable, and says when it cannot",
          "[store]") {
  sqlite_fixture f;
  auto syncer = f.s->defer_sync();
  REQUIRE(syncer != nullptr);
  CHECK(f.s->pragma_for_test("synchronous") == "1");  // NORMAL: the commit does not sync
  append_records(f.get(), 3);
  syncer->sync();
  syncer->sync();  // nothing new: harmless
  // Another process's view: the commits are there.
  {
    auto reader = sqlite_store::open_read_only(f.db);
    CHECK(reader->head().seq == 3);
  }
  // The log file replaced under it (as when the last connection deleted it and a new
  // one made it): the syncer follows the path to the new file, and a file that cannot
  // be synced is a store_error naming it, not a silent success.
  const std::filesystem::path wal = f.db.string() + "-wal";
  REQUIRE(std::filesystem::exists(wal));
  const std::filesystem::path kept = f.db.string() + "-wal.kept";
  std::filesystem::rename(wal, kept);
  std::filesystem::create_symlink("/proc/self/stat", wal);  // fdatasync on procfs fails
  try {
    syncer->sync();
    FAIL("synced a file that cannot be synced");
  } catch (const store_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("cannot make the commits durable"));
    CHECK_THAT(e.what(), Catch::Contains("-wal"));
  }
  std::filesystem::remove(wal);
  std::filesystem::rename(kept, wal);
  syncer->sync();
}

TEST_CASE("the SQLite store stores times as epoch ms and absent ones as NULL", "[store]") {
  sqlite_fixture f;
  incident_row r;
  r.id = 1;
  r.state = "open";
  r.opened_at = t0();
  r.updated_at = t0() + std::chrono::milliseconds(1);
  f.get().upsert_incident(r);
  f.s.reset();
  CHECK(query(f.db, "SELECT opened_at_ms, updated_at_ms, resolved_at_ms IS NULL FROM incidents") ==
        "1772614800000|1772614800001|1\n");
}

TEST_CASE("open_read_only refuses what is not a baton database, creating nothing", "[store]") {
  test::temp_dir dir;
  auto missing = dir.path() / "missing.db";
  std::string message = open_error(missing);
  CHECK_THAT(message, Catch::Contains("no baton database at"));
  CHECK_THAT(message, Catch::Contains("missing.db"));
  CHECK_THAT(message, Catch::Contains("does not exist"));
  CHECK_FALSE(std::filesystem::exists(missing));

  auto other = dir.path() / "other.db";
  query(other, "CREATE TABLE t (x INTEGER)");
  CHECK_THAT(open_error(other), Catch::Contains("other.db is not a baton database: it has none of baton's tables"));

  auto garbage = dir.write("garbage.db", std::string(4096, 'x'));
  CHECK_THAT(open_error(garbage), Catch::Contains("garbage.db cannot be read as a baton database: file is not a database"));

  auto empty = dir.write("empty.db", "");
  CHECK_THAT(open_error(empty), Catch::Contains("no baton database at"));
  CHECK_THAT(open_error(empty), Catch::Contains("the file is empty"));
  CHECK(std::filesystem::file_size(empty) == 0);

  CHECK_THAT(open_error(dir.path()), Catch::Contains("it is a directory"));

  // Nothing was created beside any of them: no journal, no -wal, no -shm.
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"empty.db", "garbage.db", "other.db"});
}

TEST_CASE("open_read_only names the table or column a foreign schema lacks", "[store]") {
  sqlite_fixture f;
  append_records(f.get(), 3);
  f.s.reset();
  SECTION("tables with other columns") {
    query(f.db, "DROP TABLE log; DROP TABLE log_head; CREATE TABLE log (a, b); CREATE TABLE log_head (x);");
    CHECK_THAT(open_error(f.db), Catch::EndsWith("baton.db is not a baton log: table log has no column seq"));
  }
  SECTION("one column missing, names compared as SQLite does, ignoring case") {
    query(f.db, "ALTER TABLE log RENAME COLUMN at_ms TO AT_MS; ALTER TABLE log_head DROP COLUMN hash;");
    CHECK_THAT(open_error(f.db), Catch::EndsWith("is not a baton log: table log_head has no column hash"));
  }
  SECTION("no log_head table") {
    query(f.db, "DROP TABLE log_head;");
    CHECK_THAT(open_error(f.db), Catch::EndsWith("is not a baton log: it has no table log_head"));
  }
  SECTION("a column computed when read") {
    query(f.db, "ALTER TABLE log RENAME TO old_log; CREATE TABLE log (seq INTEGER PRIMARY KEY, at_ms, actor, kind, "
                "incident_id, details AS (printf('%.*c', 1000, 'x')), prev_hash, hash);");
    CHECK_THAT(open_error(f.db), Catch::EndsWith("is not a baton log: column log.details is computed when read, "
                                                 "not stored"));
  }
  SECTION("a virtual table") {
    query(f.db, "DROP TABLE log; CREATE VIRTUAL TABLE log USING fts5(seq, at_ms, actor, kind, incident_id, "
                "details, prev_hash, hash);");
    CHECK_THAT(open_error(f.db), Catch::EndsWith("is not a baton log: table log is a virtual table"));
  }
  SECTION("no schema version") {
    query(f.db, "DELETE FROM schema_migrations;");
    CHECK_THAT(open_error(f.db), Catch::EndsWith("is not a baton database: schema_migrations holds no schema "
                                                 "version"));
  }
  SECTION("a schema version from a newer baton, however large") {
    query(f.db, "INSERT INTO schema_migrations VALUES (9223372036854775807, 'future');");
    CHECK_THAT(open_error(f.db), Catch::Contains("has schema version 9223372036854775807, newer than this baton "
                                                 "knows (6)"));
  }
}

TEST_CASE("open_read_only reads a closed WAL database without creating files or writing it", "[store]") {
  sqlite_fixture f;
  append_records(f.get(), 40);
  f.s.reset();  // the last connection closes: the -wal is folded into the file and deleted
  auto listing = [&] {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(f.dir.path())) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  };
  const auto before = listing();
  REQUIRE(before == std::vector<std::string>{"baton.db"});
  const std::string bytes = test::read_file(f.db);
  {
    auto ro = sqlite_store::open_read_only(f.db);
    CHECK(verify(*ro).ok);
    std::ostringstream out;
    CHECK(export_csv(*ro, {}, out).records == 40);
    CHECK(listing() == before);
    CHECK_FALSE(ro->changed_underneath());
  }
  CHECK(listing() == before);
  CHECK(test::read_file(f.db) == bytes);

  // Names that mean something in a URI are still this file.
  const auto odd = f.dir.path() / "odd ?name#%41.db";
  std::filesystem::copy_file(f.db, odd);
  CHECK(verify(*sqlite_store::open_read_only(odd)).records == 40);
  CHECK(verify(*sqlite_store::open_read_only("/" + odd.string())).records == 40);  // "//tmp/...": no host
  std::filesystem::remove(odd);

  // In rollback-journal mode SQLite's read-only connection creates nothing either.
  query(f.db, "PRAGMA journal_mode = DELETE;");
  const std::string rollback_bytes = test::read_file(f.db);
  {
    auto ro = sqlite_store::open_read_only(f.db);
    CHECK(verify(*ro).ok);
  }
  CHECK(listing() == before);
  CHECK(test::read_file(f.db) == rollback_bytes);
}

TEST_CASE("a read-only store notices a writer that changed the file while it read without locks", "[store]") {
  sqlite_fixture f;
  append_records(f.get(), 5);
  f.s.reset();
  auto ro = sqlite_store::open_read_only(f.db);
  CHECK(verify(*ro).ok);
  CHECK_FALSE(ro->changed_underneath());
  {
    sqlite_store writer(f.db);
    append_records(writer, 5);
  }  // closing checkpoints the new records into the file
  CHECK(ro->changed_underneath());
  // Opened again, now as the file is, it reads the new records.
  ro = sqlite_store::open_read_only(f.db);
  CHECK(verify(*ro).records == 10);

  // Beside a writer that has the file open, reads take SQLite's locks as usual.
  f.reopen();
  ro = sqlite_store::open_read_only(f.db);
  append_records(f.get(), 2);
  CHECK(verify(*ro).records == 12);
  CHECK_FALSE(ro->changed_underneath());
}

TEST_CASE("open_read_only gives up on a database locked by another connection after a bounded wait", "[store]") {
  sqlite_fixture f;
  append_records(f.get(), 3);
  f.s.reset();
  query(f.db, "PRAGMA journal_mode = DELETE;");  // where a writer's lock keeps readers out
  SQLite::Database holder(f.db.string(), SQLite::OPEN_READWRITE);
  holder.exec("BEGIN EXCLUSIVE");
  std::string message = open_error(f.db);
  holder.exec("ROLLBACK");
  CHECK_THAT(message, Catch::Contains("baton.db cannot be read as a baton database: another connection holds a "
                                      "lock on the file; gave up after 2000 ms (database is locked)"));
  CHECK(verify(*sqlite_store::open_read_only(f.db)).ok);
}

TEST_CASE("a read-only SQLite store reads but never writes", "[store]") {
  sqlite_fixture f;
  append_records(f.get(), 4);
  auto ro = sqlite_store::open_read_only(f.db);  // beside the open writer: WAL allows it
  CHECK(ro->head().seq == 4);
  CHECK(all_records(*ro).size() == 4);
  CHECK(ro->schema_version() == 6);
  incident_row r;
  r.id = 1;
  CHECK_THROWS_AS(ro->upsert_incident(r), std::runtime_error);
  CHECK_FALSE(f.get().find_incident(1));
}

TEST_CASE("the SQLite store reports failures with the file and SQLite's message", "[store]") {
  test::temp_dir dir;
  auto nowhere = dir.path() / "no" / "such" / "dir" / "baton.db";
  try {
    sqlite_store s(nowhere);
    FAIL("opened a database in a missing directory");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("cannot open database"));
    CHECK_THAT(e.what(), Catch::Contains(nowhere.string()));
    CHECK_THAT(e.what(), Catch::Contains("unable to open database file"));
  }

  // A second writer waits busy_timeout for the lock, then gets SQLite's message.
  sqlite_fixture f;
  sqlite_store other(f.db);
  f.get().begin();
  f.get().put_timer({1, t0(), "ack_timeout", 1, 0});
  try {
    other.begin();
    FAIL("two write transactions at once");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("begin"));
    CHECK_THAT(e.what(), Catch::Contains("database is locked"));
  }
  f.get().commit();
  CHECK(other.timers().size() == 1);
}

}  // namespace baton::store::testing
