#pragma once
// The store in memory, for simulation and benchmarks. Same contract as sqlite_store,
// including transactions (rollback restores the state at begin()).
#include <map>
#include <memory>

#include "store/store.hpp"

namespace baton::store {

class memory_store final : public store {
 public:
  /// What the store keeps of the audit log: every record (default), or only the chain
  /// head (large simulations and benchmarks, where the records are not read back).
  enum class log_retention : std::uint8_t { all_records, head_only };

  explicit memory_store(log_retention retention = log_retention::all_records);
  ~memory_store() override;

  void begin() override;
  void commit() override;
  void rollback() noexcept override;
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

  /// Test hook: replaces a stored log record as an attacker with file access would.
  void tamper_for_test(std::int64_t seq, const log_record& replacement);
  /// Test hook: deletes the stored record `seq` (the head is left alone, as on disk).
  void erase_log_for_test(std::int64_t seq);
  /// Test hook: stores `record` among the others by its seq, even beside an equal one.
  void insert_log_for_test(const log_record& record);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace baton::store
