#pragma once
// The tamper-evident log: each record's hash is SHA-256 over a canonical encoding of the
// record and the previous record's hash, so editing, deleting, inserting or reordering
// any record breaks the chain from that point. See docs/log.md.
#include <boost/json/value.hpp>

#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "store/records.hpp"
#include "store/store.hpp"

namespace baton::store {

/// 64 zeros: the prev_hash of record 1.
extern const std::string genesis_hash;

/// JSON with object keys sorted (byte order), no whitespace, integers as integers,
/// strings escaped minimally; the same value always gives the same bytes.
std::string canonical_json(const boost::json::value& v);

/// Hex SHA-256 over the canonical encoding of `r` (every field except `hash`).
std::string compute_hash(const log_record& r);

/// Appends records to a store's log, keeping the chain head in memory.
class audit_log {
 public:
  explicit audit_log(store& s);

  /// Builds, hashes and appends a record; returns its sequence number. Call inside the
  /// step's transaction. `details` must be a JSON object.
  std::int64_t append(timestamp at, std::string_view actor, std::string_view kind,
                      std::int64_t incident_id, const boost::json::object& details);

  /// After a rolled-back transaction: re-read the head from the store.
  void reload_head();

  /// Called with each record the store has accepted and the details it was made from
  /// (metrics fold them). It runs inside the step's transaction, on the appending
  /// thread, and must not append.
  using observer = std::function<void(const log_record&, const boost::json::object& details)>;
  void observe(observer f) { observer_ = std::move(f); }

  const log_head& head() const noexcept { return head_; }

 private:
  store& store_;
  log_head head_;
  log_record scratch_;    // reused between appends to keep their buffers
  std::string preimage_;  // likewise
  observer observer_;
};

struct verify_result {
  bool ok = true;                         // every record and the head held
  bool readable = true;                   // false: the store could not read on; `reason` says
                                          // where, and records 1 to `records` all held
  std::int64_t records = 0;               // records checked
  std::optional<std::int64_t> first_bad;  // sequence number of the first bad record
  std::string reason;                     // what is wrong there
  std::optional<log_head> head;           // the stored head, when there is one and it was read
};

/// Walks the whole log of `s` and checks sequence numbers, links and hashes, and the
/// stored head. A store that cannot be read (store_error) gives readable == false
/// rather than an exception, after the records it could read were checked.
verify_result verify(store& s);

struct export_result {
  std::int64_t records = 0;              // records written
  std::optional<std::int64_t> last_seq;  // seq of the last record written
  std::string error;                     // why the export stopped early; empty: complete

  bool complete() const noexcept { return error.empty(); }
};

/// Writes the records in `range` as CSV (header: seq,time,actor,kind,incident,details,
/// prev_hash,hash) or as a JSON array of objects. They do not verify anything. When the
/// store cannot be read on (store_error) or `out` fails, they stop there and say why in
/// the result; what was written stays written, and the JSON array is left unclosed so
/// that no JSON reader takes a partial export for a whole one.
export_result export_csv(store& s, const log_range& range, std::ostream& out);
export_result export_json(store& s, const log_range& range, std::ostream& out);

}  // namespace baton::store
