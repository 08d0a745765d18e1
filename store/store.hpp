#pragma once
// Where engine state and the audit log are kept. SQLite now (store/sqlite_store.hpp),
// an in-memory store for simulation and benchmarks (store/memory_store.hpp), and later
// PostgreSQL for several nodes, all behind this interface. The engine writes every
// change of one step inside one transaction (store::transaction).
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"

namespace baton::store {

/// A store could not do what was asked: the file cannot be read or written (an I/O
/// error, a damaged page, a lock held too long by another process). what() names the
/// file and the operation; cause() is the reason alone ("database disk image is
/// malformed"), for messages that name the file themselves.
class store_error : public std::runtime_error {
 public:
  store_error(const std::string& what, std::string cause)
      : std::runtime_error(what), cause_(std::move(cause)) {}
  const std::string& cause() const noexcept { return cause_; }

 private:
  std::string cause_;
};

struct log_head {
  std::int64_t seq = 0;
  std::string hash;  // hex; empty log: 64 zeros
};

/// Bounds for reading the log; both inclusive, either optional; `incident_id` (0: any)
/// keeps only the records about one incident (its timeline).
struct log_range {
  std::optional<timestamp> since;
  std::optional<timestamp> until;
  std::int64_t incident_id = 0;
};

/// A page of incidents, newest first: those with an id below `before_id` (0: from the
/// newest), in state `state` ("" any; "open" means not resolved), at most `limit`.
struct incident_page {
  std::string state;
  std::int64_t before_id = 0;
  std::size_t limit = 100;
};

/// Makes every transaction committed before the call durable. Any thread, beside the
/// writer. Throws store_error when it cannot (the commits may then be lost in a power
/// cut: whoever waited for them must be told they failed).
class syncer {
 public:
  virtual ~syncer() = default;
  virtual void sync() = 0;
};

class store {
 public:
  virtual ~store() = default;

  // Transactions. Nested begin() is a programming error.
  virtual void begin() = 0;
  /// Durable when it returns, unless defer_sync() was called.
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  /// From now on commit() only writes (a crash of this process loses nothing, a power
  /// cut may lose the newest commits) and the returned syncer makes commits durable,
  /// so that one thread can build the next batch while another waits for the disk
  /// (group commit). Default: commits are durable already and the syncer does nothing.
  virtual std::shared_ptr<syncer> defer_sync();

  // The audit log. append_log() requires record.seq == head().seq + 1 and
  // record.prev_hash == head().hash; the store also keeps the head in a separate row so
  // that deleting the newest records is detected too.
  virtual void append_log(const log_record& record) = 0;
  /// The stored head. Throws store_error when there is none (see find_head).
  virtual log_head head() = 0;
  /// The stored head, or nullopt when a damaged or tampered file has no head row;
  /// verify reports that instead of failing. Throws store_error when it cannot be read.
  virtual std::optional<log_head> find_head() = 0;
  /// The time of the newest record; nullopt for an empty log.
  virtual std::optional<timestamp> last_log_time() = 0;
  /// Records in sequence order (by seq), filtered by time. An empty range reads every
  /// stored record, whatever its time. Throws store_error when the records cannot be
  /// read, possibly after some were visited; exceptions from `visit` pass through.
  virtual void read_log(const log_range& range, const std::function<void(const log_record&)>& visit) = 0;

  // Engine state. upsert_* insert or replace by id.
  virtual void upsert_incident(const incident_row& row) = 0;
  virtual void upsert_escalation(const escalation_row& row) = 0;
  virtual void put_timer(const timer_row& row) = 0;
  virtual void delete_timer(std::int64_t id) = 0;
  /// Timer ids up to `highest` were handed out (some to timers that never reached the
  /// store): max_timer_id() stays at or above it.
  virtual void keep_timer_ids(std::int64_t highest) = 0;
  virtual void put_notification(const notification_row& row) = 0;  // insert or replace by key
  /// Records an attempt's outcome in the row of `p.idempotency_key`, which must exist
  /// (store_error otherwise).
  virtual void update_notification(const notification_progress& p) = 0;
  virtual void put_config_version(const config_version_row& row) = 0;
  /// Answered requests, by key: kept until forget_requests_before() passes their time,
  /// except the newest, which is always kept (a stream's position survives any pause).
  virtual void put_request(const request_row& row) = 0;
  virtual std::optional<request_row> find_request(std::string_view key) = 0;
  virtual void forget_requests_before(timestamp t) = 0;
  /// The request with the largest key starting with `prefix` (keys compared as bytes).
  virtual std::optional<request_row> last_request(std::string_view prefix) = 0;

  // Reading state back (restart, queries, reports).
  virtual std::optional<incident_row> find_incident(std::int64_t id) = 0;
  /// Each incident (or each not resolved, with `open_only`) by id, handed to `f` one at
  /// a time: a restart reads a million rows without holding them all twice. `f` may
  /// move from the row.
  virtual void each_incident(bool open_only, const std::function<void(incident_row&)>& f) = 0;
  std::vector<incident_row> incidents(bool open_only);
  virtual std::vector<incident_row> incident_page_of(const incident_page& page) = 0;
  virtual std::vector<escalation_row> escalations(std::int64_t incident_id) = 0;  // 0 = all
  /// Escalations of incidents not resolved, by incident, then id (what a restarted
  /// engine rebuilds).
  virtual void each_open_escalation(const std::function<void(escalation_row&)>& f) = 0;
  std::vector<escalation_row> open_escalations();
  /// Pending timers by due time, then id.
  virtual void each_timer(const std::function<void(timer_row&)>& f) = 0;
  std::vector<timer_row> timers();
  virtual std::vector<notification_row> notifications(std::int64_t incident_id) = 0;  // 0 = all
  /// Notifications not yet delivered (state pending), in the order they were first put.
  virtual std::vector<notification_row> pending_notifications() = 0;
  virtual std::optional<config_version_row> find_config_version(std::string_view version) = 0;
  /// The version loaded last (largest loaded_seq), if any was.
  virtual std::optional<config_version_row> current_config_version() = 0;

  /// How many incidents are not resolved: what a restart sizes its tables by.
  virtual std::size_t count_open_incidents() = 0;
  /// Largest ids handed out so far, so a restarted engine continues after them.
  virtual std::int64_t max_incident_id() = 0;
  virtual std::int64_t max_escalation_id() = 0;
  virtual std::int64_t max_timer_id() = 0;
};

/// One RAII transaction: begin() now, rollback() unless commit() was called.
class transaction {
 public:
  explicit transaction(store& s) : store_(s) { store_.begin(); }
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  ~transaction() {
    if (!done_) {
      store_.rollback();
    }
  }
  void commit() {
    store_.commit();
    done_ = true;
  }

 private:
  store& store_;
  bool done_ = false;
};

}  // namespace baton::store
