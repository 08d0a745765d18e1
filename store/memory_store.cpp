#include "store/memory_store.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <variant>

namespace baton::store {
namespace {

// One undo step: the key a write touched and what was there before (nullopt = nothing).
template <typename Key, typename Row>
struct prior {
  Key key;
  std::optional<Row> row;
};

using undo_entry = std::variant<prior<std::int64_t, incident_row>, prior<std::int64_t, escalation_row>,
                                prior<std::int64_t, timer_row>, prior<std::string, notification_row>,
                                prior<std::string, config_version_row>, prior<std::string, request_row>,
                                notification_progress>;

template <typename Map>
auto find_row(const Map& m, const typename Map::key_type& key) -> std::optional<typename Map::mapped_type> {
  auto it = m.find(key);
  if (it == m.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::runtime_error out_of_order(const log_record& r, const log_head& head) {
  return std::runtime_error("append_log: record " + std::to_string(r.seq) +
                            " does not follow the log head (record " + std::to_string(head.seq) +
                            ", hash " + head.hash + ")");
}

}  // namespace

struct memory_store::impl {
  log_retention retention;
  bool in_transaction = false;

  std::map<std::int64_t, incident_row> incidents;
  std::map<std::int64_t, escalation_row> escalations;
  std::set<std::pair<std::int64_t, std::int64_t>> escalations_by_incident;  // (incident, id)
  std::map<std::int64_t, timer_row> timers;
  std::set<std::pair<std::int64_t, std::int64_t>> timers_by_due;  // (due ms, id)
  std::int64_t timer_high_water = 0;  // deleted timers keep their ids spent
  // Hashed: keys share long prefixes ("i12-e3-page-..."), which an ordered map compares
  // again at every level. Listings sort what they return.
  std::unordered_map<std::string, notification_row> notifications;
  std::unordered_map<std::string, std::int64_t> notification_order;  // key -> when first put
  std::unordered_map<std::int64_t, std::vector<std::string>> notifications_by_incident;
  std::map<std::string, config_version_row, std::less<>> config_versions;
  std::map<std::string, request_row, std::less<>> requests;

  std::vector<log_record> log;  // sorted by seq; empty with head_only retention
  log_head head{0, std::string(64, '0')};
  std::optional<timestamp> last_at;

  // Rolling back replays `journal` backwards; the log and the scalars only need their
  // value at begin(), which is O(1) to keep.
  std::vector<undo_entry> journal;
  std::size_t log_size_at_begin = 0;
  log_head head_at_begin;
  std::optional<timestamp> last_at_at_begin;
  std::int64_t timer_high_water_at_begin = 0;

  explicit impl(log_retention r) : retention(r) {}


  void set(std::int64_t id, std::optional<incident_row> row) {
    if (row) {
      incidents.insert_or_assign(id, std::move(*row));
    } else {
      incidents.erase(id);
    }
  }

  // The secondary indexes are touched only when the indexed field changes: most
  // upserts rewrite a row in place.
  void set(std::int64_t id, std::optional<escalation_row> row) {
    auto it = escalations.find(id);
    if (it != escalations.end() && row && it->second.incident_id == row->incident_id) {
      it->second = std::move(*row);
      return;
    }
    if (it != escalations.end()) {
      escalations_by_incident.erase({it->second.incident_id, id});
      escalations.erase(it);
    }
    if (row) {
      escalations_by_incident.emplace(row->incident_id, id);
      escalations.emplace(id, std::move(*row));
    }
  }

  void set(std::int64_t id, std::optional<timer_row> row) {
    auto it = timers.find(id);
    if (it != timers.end() && row && it->second.due == row->due) {
      it->second = std::move(*row);
      return;
    }
    if (it != timers.end()) {
      timers_by_due.erase({to_epoch_ms(it->second.due), id});
      timers.erase(it);
    }
    if (row) {
      timers_by_due.emplace(to_epoch_ms(row->due), id);
      timers.emplace(id, std::move(*row));
    }
  }

  void set(const std::string& key, std::optional<notification_row> row) {
    auto it = notifications.find(key);
    if (it != notifications.end() && row && it->second.incident_id == row->incident_id) {
      it->second = std::move(*row);
      return;
    }
    if (it != notifications.end()) {
      auto by = notifications_by_incident.find(it->second.incident_id);
      std::erase(by->second, key);
      if (by->second.empty()) {
        notifications_by_incident.erase(by);
      }
      notifications.erase(it);
    }
    if (row) {
      notifications_by_incident[row->incident_id].push_back(key);
      notifications.emplace(key, std::move(*row));
    }
  }

  void set(const std::string& key, std::optional<config_version_row> row) {
    if (row) {
      config_versions.insert_or_assign(key, std::move(*row));
    } else {
      config_versions.erase(key);
    }
  }

  void set(const std::string& key, std::optional<request_row> row) {
    if (row) {
      requests.insert_or_assign(key, std::move(*row));
    } else {
      requests.erase(key);
    }
  }

  // The progress of a notification: its row exists (update_notification checked).
  void set(notification_progress p) {
    auto& row = notifications.at(p.idempotency_key);
    row.state = std::move(p.state);
    row.attempts = p.attempts;
    row.next_attempt_at = p.next_attempt_at;
    row.last_error = std::move(p.last_error);
  }

  template <typename Map, typename Key, typename Row>
  void write(Map& map, const Key& key, const Row& row) {
    auto it = map.find(key);
    if (in_transaction) {
      // The row it replaces moves into the journal rather than being copied: set() only
      // reads its key fields (ids, times), which a move leaves in place.
      journal.emplace_back(
          prior<Key, Row>{key, it == map.end() ? std::nullopt : std::optional<Row>(std::move(it->second))});
    }
    set(key, std::optional<Row>(row));
  }

  void sort_log() {
    std::stable_sort(log.begin(), log.end(),
                     [](const log_record& a, const log_record& b) { return a.seq < b.seq; });
  }
};

memory_store::memory_store(log_retention retention) : impl_(std::make_unique<impl>(retention)) {}

memory_store::~memory_store() = default;

void memory_store::begin() {
  if (impl_->in_transaction) {
    throw std::logic_error("memory_store::begin: a transaction is already open");
  }
  impl_->in_transaction = true;
  impl_->journal.clear();
  impl_->log_size_at_begin = impl_->log.size();
  impl_->head_at_begin = impl_->head;
  impl_->last_at_at_begin = impl_->last_at;
  impl_->timer_high_water_at_begin = impl_->timer_high_water;
}

void memory_store::commit() {
  if (!impl_->in_transaction) {
    throw std::logic_error("memory_store::commit: no transaction is open");
  }
  impl_->in_transaction = false;
  impl_->journal.clear();
}

void memory_store::rollback() noexcept {
  impl& d = *impl_;
  if (!d.in_transaction) {
    return;
  }
  for (auto it = d.journal.rbegin(); it != d.journal.rend(); ++it) {
    std::visit(
        [&](auto& entry) {
          if constexpr (std::is_same_v<std::decay_t<decltype(entry)>, notification_progress>) {
            d.set(std::move(entry));
          } else {
            d.set(entry.key, std::move(entry.row));
          }
        },
        *it);
  }
  d.journal.clear();
  if (d.log.size() > d.log_size_at_begin) {
    d.log.erase(d.log.begin() + static_cast<std::ptrdiff_t>(d.log_size_at_begin), d.log.end());
  }
  d.head = std::move(d.head_at_begin);
  d.last_at = d.last_at_at_begin;
  d.timer_high_water = d.timer_high_water_at_begin;
  d.in_transaction = false;
}

void memory_store::append_log(const log_record& record) {
  impl& d = *impl_;
  if (record.seq != d.head.seq + 1 || record.prev_hash != d.head.hash) {
    throw out_of_order(record, d.head);
  }
  if (d.retention == log_retention::all_records) {
    d.log.push_back(record);
  }
  d.head.seq = record.seq;
  d.head.hash = record.hash;
  d.last_at = record.at;
}

log_head memory_store::head() { return impl_->head; }

std::optional<log_head> memory_store::find_head() { return impl_->head; }

void memory_store::read_log(const log_range& range, const std::function<void(const log_record&)>& visit) {
  for (const auto& r : impl_->log) {
    if ((range.since && r.at < *range.since) || (range.until && r.at > *range.until) ||
        (range.incident_id != 0 && r.incident_id != range.incident_id)) {
      continue;
    }
    visit(r);
  }
}

void memory_store::upsert_incident(const incident_row& row) { impl_->write(impl_->incidents, row.id, row); }

void memory_store::upsert_escalation(const escalation_row& row) {
  impl_->write(impl_->escalations, row.id, row);
}

void memory_store::put_timer(const timer_row& row) {
  impl_->write(impl_->timers, row.id, row);
  impl_->timer_high_water = std::max(impl_->timer_high_water, row.id);
}

void memory_store::delete_timer(std::int64_t id) {
  impl& d = *impl_;
  auto it = d.timers.find(id);
  if (it == d.timers.end()) {
    return;
  }
  if (d.in_transaction) {
    d.journal.emplace_back(prior<std::int64_t, timer_row>{id, it->second});
  }
  d.set(id, std::optional<timer_row>{});
}

void memory_store::put_notification(const notification_row& row) {
  // The order rows were first put in, as SQLite's rowid keeps it (kept past a rollback:
  // it only orders rows that exist).
  impl_->notification_order.try_emplace(row.idempotency_key, static_cast<std::int64_t>(impl_->notification_order.size()));
  impl_->write(impl_->notifications, row.idempotency_key, row);
}

void memory_store::update_notification(const notification_progress& p) {
  impl& d = *impl_;
  auto it = d.notifications.find(p.idempotency_key);
  if (it == d.notifications.end()) {
    throw store_error("memory store: update_notification: no queued notification " + p.idempotency_key,
                      "no queued notification " + p.idempotency_key);
  }
  if (d.in_transaction) {
    d.journal.emplace_back(progress_of(it->second));
  }
  d.set(p);
}

void memory_store::put_config_version(const config_version_row& row) {
  impl_->write(impl_->config_versions, row.version, row);
}

void memory_store::put_request(const request_row& row) { impl_->write(impl_->requests, row.key, row); }

std::optional<request_row> memory_store::find_request(std::string_view key) {
  auto it = impl_->requests.find(key);
  return it == impl_->requests.end() ? std::nullopt : std::optional<request_row>(it->second);
}

void memory_store::forget_requests_before(timestamp t) {
  impl& d = *impl_;
  std::vector<std::string> old;
  std::optional<timestamp> newest;
  for (const auto& [key, row] : d.requests) {
    newest = newest ? std::max(*newest, row.at) : row.at;
  }
  for (const auto& [key, row] : d.requests) {
    if (row.at < t && row.at < *newest) {
      old.push_back(key);
    }
  }
  for (const auto& key : old) {
    if (d.in_transaction) {
      d.journal.emplace_back(prior<std::string, request_row>{key, d.requests.at(key)});
    }
    d.set(key, std::optional<request_row>{});
  }
}

std::optional<request_row> memory_store::last_request(std::string_view prefix) {
  const auto& r = impl_->requests;
  // The last key at or above `prefix` and below every key after the prefixed ones.
  auto it = r.lower_bound(prefix);
  std::optional<request_row> found;
  for (; it != r.end() && std::string_view(it->first).starts_with(prefix); ++it) {
    found = it->second;
  }
  return found;
}

std::optional<timestamp> memory_store::last_log_time() { return impl_->last_at; }

std::optional<incident_row> memory_store::find_incident(std::int64_t id) {
  return find_row(impl_->incidents, id);
}

void memory_store::each_incident(bool open_only, const std::function<void(incident_row&)>& f) {
  for (const auto& [id, row] : impl_->incidents) {
    if (!open_only || row.state != "resolved") {
      incident_row copy = row;
      f(copy);
    }
  }
}

std::vector<incident_row> memory_store::incident_page_of(const incident_page& page) {
  std::vector<incident_row> out;
  for (auto it = impl_->incidents.rbegin(); it != impl_->incidents.rend() && out.size() < page.limit; ++it) {
    const auto& row = it->second;
    if (page.before_id != 0 && row.id >= page.before_id) {
      continue;
    }
    if (page.state.empty() || row.state == page.state || (page.state == "open" && row.state != "resolved")) {
      out.push_back(row);
    }
  }
  return out;
}

std::vector<escalation_row> memory_store::escalations(std::int64_t incident_id) {
  impl& d = *impl_;
  std::vector<escalation_row> out;
  if (incident_id == 0) {
    out.reserve(d.escalations.size());
    for (const auto& [id, row] : d.escalations) {
      out.push_back(row);
    }
    return out;
  }
  for (auto it = d.escalations_by_incident.lower_bound({incident_id, std::numeric_limits<std::int64_t>::min()});
       it != d.escalations_by_incident.end() && it->first == incident_id; ++it) {
    out.push_back(d.escalations.at(it->second));
  }
  return out;
}

void memory_store::each_timer(const std::function<void(timer_row&)>& f) {
  impl& d = *impl_;
  for (const auto& [due, id] : d.timers_by_due) {
    timer_row copy = d.timers.at(id);
    f(copy);
  }
}

std::vector<notification_row> memory_store::notifications(std::int64_t incident_id) {
  impl& d = *impl_;
  std::vector<notification_row> out;
  if (incident_id == 0) {
    out.reserve(d.notifications.size());
    for (const auto& [key, row] : d.notifications) {
      out.push_back(row);
    }
  } else if (auto by = d.notifications_by_incident.find(incident_id); by != d.notifications_by_incident.end()) {
    for (const auto& key : by->second) {
      out.push_back(d.notifications.at(key));
    }
  }
  // SQLite's order: by creation, then key.
  std::sort(out.begin(), out.end(), [](const notification_row& a, const notification_row& b) {
    return std::tie(a.created_at, a.idempotency_key) < std::tie(b.created_at, b.idempotency_key);
  });
  return out;
}

void memory_store::each_open_escalation(const std::function<void(escalation_row&)>& f) {
  impl& d = *impl_;
  for (const auto& [incident_id, id] : d.escalations_by_incident) {
    auto inc = d.incidents.find(incident_id);
    if (inc != d.incidents.end() && inc->second.state != "resolved") {
      escalation_row copy = d.escalations.at(id);
      f(copy);
    }
  }
}

std::vector<notification_row> memory_store::pending_notifications() {
  std::vector<std::pair<std::int64_t, const notification_row*>> pending;
  for (const auto& [key, row] : impl_->notifications) {
    if (row.state == "pending") {
      pending.emplace_back(impl_->notification_order.at(key), &row);
    }
  }
  std::sort(pending.begin(), pending.end());
  std::vector<notification_row> out;
  for (const auto& [order, row] : pending) {
    out.push_back(*row);
  }
  return out;
}

std::optional<config_version_row> memory_store::current_config_version() {
  const config_version_row* best = nullptr;
  for (const auto& [version, row] : impl_->config_versions) {
    if (best == nullptr || row.loaded_seq > best->loaded_seq) {
      best = &row;
    }
  }
  return best == nullptr ? std::nullopt : std::optional<config_version_row>(*best);
}

std::optional<config_version_row> memory_store::find_config_version(std::string_view version) {
  auto it = impl_->config_versions.find(version);
  if (it == impl_->config_versions.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::size_t memory_store::count_open_incidents() {
  return static_cast<std::size_t>(std::count_if(impl_->incidents.begin(), impl_->incidents.end(),
                                                [](const auto& entry) { return entry.second.state != "resolved"; }));
}

std::int64_t memory_store::max_incident_id() {
  return impl_->incidents.empty() ? 0 : std::max<std::int64_t>(0, impl_->incidents.rbegin()->first);
}

std::int64_t memory_store::max_escalation_id() {
  return impl_->escalations.empty() ? 0 : std::max<std::int64_t>(0, impl_->escalations.rbegin()->first);
}

void memory_store::keep_timer_ids(std::int64_t highest) {
  impl_->timer_high_water = std::max(impl_->timer_high_water, highest);
}

std::int64_t memory_store::max_timer_id() {
  std::int64_t live = impl_->timers.empty() ? 0 : impl_->timers.rbegin()->first;
  return std::max({std::int64_t{0}, live, impl_->timer_high_water});
}

void memory_store::tamper_for_test(std::int64_t seq, const log_record& replacement) {
  auto& log = impl_->log;
  auto it = std::find_if(log.begin(), log.end(), [&](const log_record& r) { return r.seq == seq; });
  if (it == log.end()) {
    throw std::out_of_range("tamper_for_test: no record " + std::to_string(seq));
  }
  *it = replacement;
  impl_->sort_log();
}

void memory_store::erase_log_for_test(std::int64_t seq) {
  auto& log = impl_->log;
  auto it = std::find_if(log.begin(), log.end(), [&](const log_record& r) { return r.seq == seq; });
  if (it == log.end()) {
    throw std::out_of_range("erase_log_for_test: no record " + std::to_string(seq));
  }
  log.erase(it);
}

void memory_store::insert_log_for_test(const log_record& record) {
  impl_->log.push_back(record);
  impl_->sort_log();
}

}  // namespace baton::store
