#pragma once
// The SQLite schema as an ordered list of migrations. Internal to store/.
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace SQLite { class Database; }

namespace baton::store::detail {

struct migration {
  int version;              // 1, 2, 3, ... in order; never renumbered once released
  const char* description;  // for error messages
  const char* sql;          // run in one transaction with the schema_migrations row
};

/// Every migration, oldest first. Released entries are never edited: a schema change is
/// a new entry at the end.
std::span<const migration> migrations();

/// The highest version in migrations().
int latest_schema_version();

/// Highest applied version, 0 for a database without schema_migrations. A damaged or
/// foreign file may hold any value, hence 64 bits.
std::int64_t applied_schema_version(SQLite::Database& db);

/// Why `db` cannot be read as a baton log, or nullopt when it can: it must hold
/// schema_migrations (with at least one version, none newer than this build knows) and
/// the tables log and log_head with every column the store reads, stored in the file
/// rather than computed when read. The answer is a phrase to follow the file's name:
/// "is not a baton log: table log has no column at_ms". Throws SQLite::Exception when
/// the schema itself cannot be read (not a SQLite file, a damaged first page).
std::optional<std::string> log_schema_problem(SQLite::Database& db);

/// Creates schema_migrations when needed and applies the pending migrations, each in its
/// own BEGIN IMMEDIATE transaction. Throws std::runtime_error when the database was
/// written by a newer baton (a version this build does not know).
void migrate(SQLite::Database& db);

}  // namespace baton::store::detail
