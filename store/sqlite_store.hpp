#pragma once
// The store on one SQLite file (WAL mode), with versioned schema migrations.
#include <filesystem>
#include <memory>
#include <string>

#include "store/store.hpp"

namespace SQLite { class Database; }

namespace baton::store {

/// Used by one thread at a time: a store may pass from thread to thread, but two threads
/// never use one at once (its connection runs without SQLite's own mutex).
class sqlite_store final : public store {
 public:
  /// Opens or creates the database at `path` and applies pending migrations.
  /// Throws std::runtime_error with the path and SQLite's message when it cannot.
  explicit sqlite_store(const std::filesystem::path& path);
  ~sqlite_store() override;

  /// Opens an existing database read-only for `log verify` / `log export`, creating
  /// nothing beside it. Throws store_error, with the path and the reason, when the file
  /// does not exist, cannot be read or is not a baton log (the tables and columns the
  /// log is read from are checked here, so later reads fail only on damaged contents).
  static std::unique_ptr<sqlite_store> open_read_only(const std::filesystem::path& path);

  /// A read-only connection beside the writer of the same process (`baton serve`'s
  /// GET requests): WAL lets it read the last committed state while the writer is in a
  /// transaction, without waiting for it. The file must be one the writer has opened.
  static std::unique_ptr<sqlite_store> open_reader(const std::filesystem::path& path);

  /// For a store from open_read_only: true when the file was written since it was
  /// opened in a way that may have made the reads inconsistent (a writer started and
  /// checkpointed beside a reader that could not take SQLite's locks without creating
  /// files; see open_read_only). Read again from a new open_read_only then.
  bool changed_underneath() const;

  /// The schema version after migrations.
  int schema_version();

  /// The newest schema version this build knows (what a new file is migrated to).
  static int latest_schema_version();

  /// Test hook: the value of `PRAGMA name` on this store's connection.
  std::string pragma_for_test(const std::string& name);

  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  /// synchronous=NORMAL from now on, and a wal_syncer for the log.
  std::shared_ptr<syncer> defer_sync() override;
  void append_log(const log_record& record) override;
  log_head head() override;
  std::optional<log_head> find_head() override;
  std::optional<timestamp> last_log_time() override;
  void read_log(const log_range& range, const std::function<void(const log_record&)>& visit) override;
  void upsert_incident(const incident_row& row) override;
  void upsert_escalation(const escalation_row& row) override;
  void put_timer(const timer_row& row) override;
  void delete_timer(std::int64_t id) override;
  void keep_timer_ids(std::int64_t highest) override;
  void put_notification(const notification_row& row) override;
  void update_notification(const notification_progress& p) override;
  void put_config_version(const config_version_row& row) override;
  void put_request(const request_row& row) override;
  std::optional<request_row> find_request(std::string_view key) override;
  void forget_requests_before(timestamp t) override;
  std::optional<request_row> last_request(std::string_view prefix) override;
  std::optional<incident_row> find_incident(std::int64_t id) override;
  void each_incident(bool open_only, const std::function<void(incident_row&)>& f) override;
  std::vector<incident_row> incident_page_of(const incident_page& page) override;
  std::vector<escalation_row> escalations(std::int64_t incident_id) override;
  void each_open_escalation(const std::function<void(escalation_row&)>& f) override;
  void each_timer(const std::function<void(timer_row&)>& f) override;
  std::vector<notification_row> notifications(std::int64_t incident_id) override;
  std::vector<notification_row> pending_notifications() override;
  std::optional<config_version_row> find_config_version(std::string_view version) override;
  std::optional<config_version_row> current_config_version() override;
  std::size_t count_open_incidents() override;
  std::int64_t max_incident_id() override;
  std::int64_t max_escalation_id() override;
  std::int64_t max_timer_id() override;

 private:
  struct impl;
  sqlite_store(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace baton::store
