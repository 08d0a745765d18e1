#pragma once
// The tamper-evident log: each record's hash is SHA-256 over a canonical encoding of the
// record and the previous record's hash, so editing, deleting, inserting or reordering
// any record breaks the chain from that point. See docs/log.md.
#include <boost/json/value.hpp>

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

  const log_head& head() const noexcept { return head_; }

 private:
  store& store_;
  log_head head_;
  log_record scratch_;    // reused between appends to keep their buffers
  std::string preimage_;  // likewise
};

struct verify_result {
  bool ok = true;
  std::int64_t records = 0;                 // records checked
  std::optional<std::int64_t> first_bad;    // sequence number of the first bad record
  std::string reason;                       // what is wrong there
};

/// Walks the whole log of `s` and checks sequence numbers, links and hashes, and the
/// stored head.
verify_result verify(store& s);

/// Writes the records in `range` as CSV (header: seq,time,actor,kind,incident,details,
/// prev_hash,hash) or as a JSON array of objects.
void export_csv(store& s, const log_range& range, std::ostream& out);
void export_json(store& s, const log_range& range, std::ostream& out);

}  // namespace baton::store
