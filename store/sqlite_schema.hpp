#pragma once
// The SQLite schema as an ordered list of migrations. Internal to store/.
#include <span>

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

/// Highest applied version, 0 for a database without schema_migrations.
int applied_schema_version(SQLite::Database& db);

/// Creates schema_migrations when needed and applies the pending migrations, each in its
/// own BEGIN IMMEDIATE transaction. Throws std::runtime_error when the database was
/// written by a newer baton (a version this build does not know).
void migrate(SQLite::Database& db);

}  // namespace baton::store::detail
