#pragma once
// A real SQLite store that counts what the engine asks of it and fails on request: for
// the batch tests (what reaches the store, once) and the restart tests (a commit that
// fails, then a restart).
#include <atomic>
#include <filesystem>
#include <memory>
#include <map>

#include "store/sqlite_store.hpp"

namespace baton::test {

class counting_store final : public baton::store::store {
 public:
  explicit counting_store(const std::filesystem::path& path) : inner_(path) {}

  int commits = 0;
  std::map<std::int64_t, int> incident_writes;
  std::map<std::int64_t, int> escalation_writes;
  std::map<std::int64_t, int> timers_put;
  std::map<std::int64_t, int> timers_deleted;
  bool fail_commit = false;
  int fail_after_appends = -1;  // >= 0: append_log throws once this many more succeeded

  void begin() override { inner_.begin(); }
  void commit() override {
    if (fail_commit) {
      throw baton::store::store_error("test.db: commit failed: disk I/O error", "disk I/O error");
    }
    inner_.commit();
    ++commits;
  }
  void rollback() noexcept override { inner_.rollback(); }

  // Deferred durability (engine_service): the real WAL syncer, counted, failing on request.
  std::atomic<bool> fail_sync{false};
  std::atomic<int> syncs{0};
  std::shared_ptr<baton::store::syncer> defer_sync() override {
    struct counted final : baton::store::syncer {
      counted(counting_store& o, std::shared_ptr<baton::store::syncer> s) : owner(o), inner(std::move(s)) {}
      counting_store& owner;
      std::shared_ptr<baton::store::syncer> inner;
      void sync() override {
        if (owner.fail_sync) {
          throw baton::store::store_error("test.db-wal: fdatasync: Input/output error", "Input/output error");
        }
        inner->sync();
        ++owner.syncs;
      }
    };
    return std::make_shared<counted>(*this, inner_.defer_sync());
  }
  void append_log(const baton::store::log_record& r) override {
    if (fail_after_appends == 0) {
      throw baton::store::store_error("test.db: append failed: database or disk is full", "database or disk is full");
    }
    if (fail_after_appends > 0) {
      --fail_after_appends;
    }
    inner_.append_log(r);
  }
  baton::store::log_head head() override { return inner_.head(); }
  std::optional<baton::store::log_head> find_head() override { return inner_.find_head(); }
  std::optional<timestamp> last_log_time() override { return inner_.last_log_time(); }
  void read_log(const baton::store::log_range& range,
                const std::function<void(const baton::store::log_record&)>& visit) override {
    inner_.read_log(range, visit);
  }
  void upsert_incident(const baton::store::incident_row& row) override {
    ++incident_writes[row.id];
    inner_.upsert_incident(row);
  }
  void upsert_escalation(const baton::store::escalation_row& row) override {
    ++escalation_writes[row.id];
    inner_.upsert_escalation(row);
  }
  void put_timer(const baton::store::timer_row& row) override {
    ++timers_put[row.id];
    inner_.put_timer(row);
  }
  void delete_timer(std::int64_t id) override {
    ++timers_deleted[id];
    inner_.delete_timer(id);
  }
  void keep_timer_ids(std::int64_t highest) override { inner_.keep_timer_ids(highest); }
  void put_request(const baton::store::request_row& row) override { inner_.put_request(row); }
  std::optional<baton::store::request_row> find_request(std::string_view key) override {
    return inner_.find_request(key);
  }
  void forget_requests_before(timestamp t) override { inner_.forget_requests_before(t); }
  std::optional<baton::store::request_row> last_request(std::string_view prefix) override {
    return inner_.last_request(prefix);
  }
  void put_notification(const baton::store::notification_row& row) override { inner_.put_notification(row); }
  void update_notification(const baton::store::notification_progress& p) override {
    inner_.update_notification(p);
  }
  void put_config_version(const baton::store::config_version_row& row) override { inner_.put_config_version(row); }
  std::optional<baton::store::incident_row> find_incident(std::int64_t id) override { return inner_.find_incident(id); }
  void each_incident(bool open_only, const std::function<void(baton::store::incident_row&)>& f) override {
    inner_.each_incident(open_only, f);
  }
  std::vector<baton::store::incident_row> incident_page_of(const baton::store::incident_page& p) override {
    return inner_.incident_page_of(p);
  }
  std::vector<baton::store::escalation_row> escalations(std::int64_t id) override { return inner_.escalations(id); }
  void each_open_escalation(const std::function<void(baton::store::escalation_row&)>& f) override {
    inner_.each_open_escalation(f);
  }
  void each_timer(const std::function<void(baton::store::timer_row&)>& f) override { inner_.each_timer(f); }
  std::vector<baton::store::notification_row> notifications(std::int64_t id) override {
    return inner_.notifications(id);
  }
  std::vector<baton::store::notification_row> pending_notifications() override {
    return inner_.pending_notifications();
  }
  std::optional<baton::store::config_version_row> find_config_version(std::string_view v) override {
    return inner_.find_config_version(v);
  }
  std::optional<baton::store::config_version_row> current_config_version() override {
    return inner_.current_config_version();
  }
  std::size_t count_open_incidents() override { return inner_.count_open_incidents(); }
  std::int64_t max_incident_id() override { return inner_.max_incident_id(); }
  std::int64_t max_escalation_id() override { return inner_.max_escalation_id(); }
  std::int64_t max_timer_id() override { return inner_.max_timer_id(); }

 private:
  baton::store::sqlite_store inner_;
};

}  // namespace baton::test
