#include "store/sqlite_schema.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <stdexcept>

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
};

}  // namespace

std::span<const migration> migrations() { return all_migrations; }

int latest_schema_version() { return all_migrations[std::size(all_migrations) - 1].version; }

int applied_schema_version(SQLite::Database& db) {
  if (!db.tableExists("schema_migrations")) {
    return 0;
  }
  return db.execAndGet("SELECT coalesce(max(version), 0) FROM schema_migrations").getInt();
}

namespace {

void refuse_newer(int applied) {
  if (applied > latest_schema_version()) {
    throw std::runtime_error(fmt::format(
        "the database has schema version {}, newer than this baton knows ({}); use a newer baton",
        applied, latest_schema_version()));
  }
}

}  // namespace

void migrate(SQLite::Database& db) {
  int applied = applied_schema_version(db);
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
