#include "store/sqlite_schema.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <sqlite3.h>

#include <initializer_list>
#include <stdexcept>
#include <vector>

namespace baton::store::detail {
namespace {

// Times are epoch milliseconds (INTEGER, *_ms columns); absent optional times are NULL.
// Tables are written with ON CONFLICT upserts, so their rowids stay stable.
constexpr migration all_migrations[] = {
    {1, "engine state",
     R"sql(
CREATE TABLE incidents (
  id             INTEGER PRIMARY KEY,
  dedup_key      TEXT    NOT NULL,
  system         TEXT    NOT NULL,
  event_type     TEXT    NOT NULL,
  severity       TEXT    NOT NULL,
  summary        TEXT    NOT NULL,
  state          TEXT    NOT NULL,
  config_version TEXT    NOT NULL,
  opened_at_ms   INTEGER NOT NULL,
  updated_at_ms  INTEGER NOT NULL,
  resolved_at_ms INTEGER,
  event_count    INTEGER NOT NULL,
  accountable    TEXT    NOT NULL,
  fired_rules    TEXT    NOT NULL
);
CREATE TABLE escalations (
  id              INTEGER PRIMARY KEY,
  incident_id     INTEGER NOT NULL,
  role            TEXT    NOT NULL,
  rule            TEXT    NOT NULL,
  state           TEXT    NOT NULL,
  triggered_at_ms INTEGER NOT NULL,
  target_at_ms    INTEGER,
  engaged_at_ms   INTEGER,
  engaged_by      TEXT    NOT NULL,
  step            INTEGER NOT NULL,
  round           INTEGER NOT NULL,
  paged           TEXT    NOT NULL,
  breached        INTEGER NOT NULL
);
CREATE INDEX escalations_by_incident ON escalations (incident_id);
CREATE TABLE timers (
  id            INTEGER PRIMARY KEY,
  due_ms        INTEGER NOT NULL,
  kind          TEXT    NOT NULL,
  incident_id   INTEGER NOT NULL,
  escalation_id INTEGER NOT NULL
);
CREATE INDEX timers_by_due ON timers (due_ms, id);
-- Pending timers are deleted once fired; their ids must still never be handed out
-- again, so the largest deleted id is kept here (max_timer_id()).
CREATE TABLE id_high_water (
  name  TEXT    PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO id_high_water (name, value) VALUES ('timer', 0);
CREATE TRIGGER timers_keep_high_water AFTER DELETE ON timers BEGIN
  UPDATE id_high_water SET value = max(value, OLD.id) WHERE name = 'timer';
END;
CREATE TABLE notifications (
  idempotency_key    TEXT    NOT NULL UNIQUE,
  incident_id        INTEGER NOT NULL,
  escalation_id      INTEGER NOT NULL,
  kind               TEXT    NOT NULL,
  person             TEXT    NOT NULL,
  role               TEXT    NOT NULL,
  notifier           TEXT    NOT NULL,
  address            TEXT    NOT NULL,
  payload            TEXT    NOT NULL,
  state              TEXT    NOT NULL,
  attempts           INTEGER NOT NULL,
  created_at_ms      INTEGER NOT NULL,
  next_attempt_at_ms INTEGER,
  last_error         TEXT    NOT NULL
);
CREATE INDEX notifications_by_incident ON notifications (incident_id, created_at_ms);
CREATE TABLE config_versions (
  version      TEXT    PRIMARY KEY,
  loaded_at_ms INTEGER NOT NULL,
  sources      TEXT    NOT NULL
);
)sql"},
    {2, "audit log",
     R"sql(
CREATE TABLE log (
  seq         INTEGER PRIMARY KEY,
  at_ms       INTEGER NOT NULL,
  actor       TEXT    NOT NULL,
  kind        TEXT    NOT NULL,
  incident_id INTEGER NOT NULL,
  details     TEXT    NOT NULL,
  prev_hash   TEXT    NOT NULL,
  hash        TEXT    NOT NULL
);
-- The chain head, rewritten with every append in the same transaction: deleting the
-- newest records leaves it pointing past the end, which verify reports.
CREATE TABLE log_head (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  INTEGER NOT NULL,
  hash TEXT    NOT NULL
);
INSERT INTO log_head (id, seq, hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
)sql"},
    {3, "recovery",
     R"sql(
ALTER TABLE escalations RENAME COLUMN step TO rung;
ALTER TABLE incidents ADD COLUMN reminders_sent INTEGER NOT NULL DEFAULT 0;
-- The log record of each version's latest load: the largest is the current version.
ALTER TABLE config_versions ADD COLUMN loaded_seq INTEGER NOT NULL DEFAULT 0;
-- Requests answered, by the caller's key, so that a retry is answered the same way.
CREATE TABLE requests (
  key     TEXT    PRIMARY KEY,
  at_ms   INTEGER NOT NULL,
  outcome TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX requests_by_time ON requests (at_ms);
)sql"},
    {4, "resolution authority",
     R"sql(
-- Who opened each incident (the actor of its first event): an integration may resolve
-- what it opened.
ALTER TABLE incidents ADD COLUMN opened_by TEXT NOT NULL DEFAULT '';
)sql"},
    {5, "outbox",
     R"sql(
-- Notifications are queued as rows (state pending) with the state change that caused
-- them and delivered after its commit; a restart finds the undelivered ones here.
CREATE INDEX notifications_pending ON notifications (state) WHERE state = 'pending';
)sql"},
    {6, "reads beside the writer",
     R"sql(
-- GET /v1/incidents/{id}: an incident's timeline without reading the whole log.
CREATE INDEX log_by_incident ON log (incident_id, seq);
-- GET /v1/incidents?state=open: the newest open incidents without a scan.
CREATE INDEX incidents_by_state ON incidents (state, id);
)sql"},
};

}  // namespace

std::span<const migration> migrations() { return all_migrations; }

int latest_schema_version() { return all_migrations[std::size(all_migrations) - 1].version; }

namespace {

// The columns the log reader and the version check use, by table. Extra columns are
// allowed (a later migration may add some); missing ones make every read fail.
struct required_table {
  const char* name;
  std::initializer_list<const char*> columns;
};

const required_table log_tables[] = {
    {"schema_migrations", {"version"}},
    {"log", {"seq", "at_ms", "actor", "kind", "incident_id", "details", "prev_hash", "hash"}},
    {"log_head", {"id", "seq", "hash"}},
};

// SQLite compares table and column names without regard to ASCII case, so a table
// created as LOG is the one `FROM log` reads; the checks do the same.
std::optional<std::string> table_sql(SQLite::Database& db, const char* table) {
  SQLite::Statement s(db, "SELECT coalesce(sql, '') FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE");
  s.bind(1, table);
  if (!s.executeStep()) {
    return std::nullopt;
  }
  return s.getColumn(0).getString();
}

std::optional<std::string> table_problem(SQLite::Database& db, const required_table& t) {
  auto sql = table_sql(db, t.name);
  if (!sql) {
    return fmt::format("it has no table {}", t.name);
  }
  // A virtual table's rows come from a module's code rather than from the file.
  if (sql->size() >= 20 && sqlite3_strnicmp(sql->c_str(), "CREATE VIRTUAL TABLE", 20) == 0) {
    return fmt::format("table {} is a virtual table", t.name);
  }
  // One read of the table's columns. `hidden` of PRAGMA table_xinfo: 0 a plain column,
  // 1 hidden (of a virtual table), 2 generated and computed when read, 3 generated and
  // stored. A name listed twice counts as its first listing, as a prepared read sees it.
  std::vector<std::optional<int>> kinds(t.columns.size());
  SQLite::Statement s(db, "SELECT name, hidden FROM pragma_table_xinfo(?1)");
  s.bind(1, t.name);
  while (s.executeStep()) {
    const std::string name = s.getColumn(0).getString();
    std::size_t i = 0;
    for (const char* column : t.columns) {
      if (!kinds[i] && sqlite3_stricmp(name.c_str(), column) == 0) {
        kinds[i] = s.getColumn(1).getInt();
      }
      ++i;
    }
  }
  std::size_t i = 0;
  for (const char* column : t.columns) {
    const auto kind = kinds[i++];
    if (!kind) {
      return fmt::format("table {} has no column {}", t.name, column);
    }
    // Computed on every read, by an expression anyone who can write the file chose.
    if (*kind == 1 || *kind == 2) {
      return fmt::format("column {}.{} is computed when read, not stored", t.name, column);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> log_schema_problem(SQLite::Database& db) {
  const bool any = db.execAndGet("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                  "name COLLATE NOCASE IN ('schema_migrations', 'log', 'log_head')")
                        .getInt64() > 0;
  if (!any) {
    return std::string("is not a baton database: it has none of baton's tables (schema_migrations, log, "
                       "log_head); a SQLite database from another program?");
  }
  if (auto problem = table_problem(db, log_tables[0])) {
    return "is not a baton database: " + *problem;
  }
  std::int64_t version = applied_schema_version(db);
  if (version <= 0) {
    return std::string("is not a baton database: schema_migrations holds no schema version");
  }
  if (version > latest_schema_version()) {
    return fmt::format("has schema version {}, newer than this baton knows ({}); use a newer baton", version,
                       latest_schema_version());
  }
  for (const auto& t : std::span(log_tables).subspan(1)) {
    if (auto problem = table_problem(db, t)) {
      return "is not a baton log: " + *problem;
    }
  }
  return std::nullopt;
}

std::int64_t applied_schema_version(SQLite::Database& db) {
  if (!table_sql(db, "schema_migrations")) {
    return 0;
  }
  return db.execAndGet("SELECT coalesce(max(version), 0) FROM schema_migrations").getInt64();
}

namespace {

void refuse_newer(std::int64_t applied) {
  if (applied > latest_schema_version()) {
    throw std::runtime_error(fmt::format(
        "the database has schema version {}, newer than this baton knows ({}); use a newer baton",
        applied, latest_schema_version()));
  }
}

}  // namespace

void migrate(SQLite::Database& db) {
  std::int64_t applied = applied_schema_version(db);
  refuse_newer(applied);
  if (applied == latest_schema_version()) {
    return;  // the common case: no write lock taken at all
  }
  for (const migration& m : migrations()) {
    // The version is read again inside the write lock so that two processes opening a
    // new file at once apply each step exactly once.
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT)");
    applied = applied_schema_version(db);
    refuse_newer(applied);
    if (m.version <= applied) {
      continue;  // tx rolls back: nothing was written
    }
    try {
      db.exec(m.sql);
    } catch (const SQLite::Exception& e) {
      throw std::runtime_error(
          fmt::format("schema migration {} ({}) failed: {}", m.version, m.description, e.what()));
    }
    // No timestamp: baton never reads a clock outside real_clock, not even SQLite's.
    // When a migration ran is in the audit log's config.loaded records around it.
    SQLite::Statement record(db, "INSERT INTO schema_migrations (version, description) VALUES (?, ?)");
    record.bind(1, m.version);
    record.bind(2, m.description);
    record.exec();
    tx.commit();
  }
}

}  // namespace baton::store::detail
