// verify(): walks the whole log once and names the first record where the chain breaks.
#include <fmt/format.h>

#include <stdexcept>

#include "store/audit_log.hpp"
#include "store/log_encoding.hpp"

namespace baton::store {
namespace {

// Thrown from inside the read_log visitor to stop the walk at the first bad record;
// the store interface has no other way to end a read early.
struct stop_walk {};

class chain_checker {
 public:
  explicit chain_checker(verify_result& result) : result_(result) {}

  void check(const log_record& r) {
    ++result_.records;
    if (r.seq > expected_seq_) {
      fail(r.seq, missing_message(r.seq));
    }
    if (r.seq < expected_seq_) {
      fail(r.seq, r.seq == last_seq_
                      ? fmt::format("record {} appears twice (inserted or reordered?)", r.seq)
                      : fmt::format("record {} follows record {}: sequence numbers must increase "
                                    "by one (reordered or inserted?)",
                                    r.seq, last_seq_));
    }
    if (r.prev_hash != prev_hash_) {
      fail(r.seq, last_seq_ == 0
                      ? fmt::format("record {}: prev_hash is not the genesis hash (edited, or "
                                    "records before it deleted?)",
                                    r.seq)
                      : fmt::format("record {}: prev_hash does not match the hash of record {} "
                                    "(record {} edited, or records reordered or inserted?)",
                                    r.seq, last_seq_, last_seq_));
    }
    if (!detail::parse_details(r.details, details_)) {
      fail(r.seq, fmt::format("record {}: details is not valid JSON (edited?)", r.seq));
    }
    if (!details_.is_object()) {
      fail(r.seq, fmt::format("record {}: details is not a JSON object (edited?)", r.seq));
    }
    canonical_.clear();
    detail::append_canonical(canonical_, details_);
    if (canonical_ != r.details) {
      fail(r.seq, fmt::format("record {}: details is not in canonical form (edited?)", r.seq));
    }
    preimage_.clear();
    detail::append_preimage(preimage_, r);
    if (detail::sha256_hex(preimage_) != r.hash) {
      fail(r.seq, fmt::format("record {}: hash does not match its contents (edited?)", r.seq));
    }
    prev_hash_ = r.hash;
    last_seq_ = r.seq;
    expected_seq_ = r.seq + 1;
  }

  /// No head row: nothing vouches for the end of the log.
  [[noreturn]] void fail_no_head() {
    fail(std::nullopt, "the log_head row is missing (deleted?); the newest records cannot be checked");
  }

  /// The store could not read on. Not a verdict on the records: every one read so far
  /// held, and the rest are unknown.
  void fail_read(const store_error& e) {
    unreadable(last_seq_ == 0 ? fmt::format("cannot read the log: {}; no record could be checked", e.cause())
                              : fmt::format("cannot read the log after record {}: {}; records 1 to {} verify, "
                                            "the rest cannot be checked",
                                            last_seq_, e.cause(), last_seq_));
  }

  void fail_read_head(const store_error& e) {
    unreadable(fmt::format("cannot read the log head: {}; {} records verify, but the head that would show "
                           "whether newer ones were deleted cannot be checked",
                           e.cause(), last_seq_));
  }

  void check_head(const log_head& head) {
    if (head.seq > last_seq_) {
      fail(head.seq,
           last_seq_ == 0
               ? fmt::format("the head says the log ends at record {}, but the log is empty "
                             "(records deleted?)",
                             head.seq)
               : fmt::format("the head says the log ends at record {}, but the last record is {} "
                             "(newest records deleted?)",
                             head.seq, last_seq_));
    }
    if (head.seq < last_seq_) {
      fail(head.seq + 1, fmt::format("record {} is beyond the head, which says the log ends at "
                                     "record {} (appended outside baton?)",
                                     head.seq + 1, head.seq));
    }
    if (head.hash != prev_hash_) {
      fail(head.seq, head.seq == 0
                         ? std::string("the head of the empty log is not the genesis hash "
                                       "(head edited?)")
                         : fmt::format("the head's hash does not match record {} (head or "
                                       "record edited?)",
                                       head.seq));
    }
  }

 private:
  std::string missing_message(std::int64_t seq) const {
    std::string missing = seq - 1 == expected_seq_
                              ? fmt::format("record {} is missing", expected_seq_)
                              : fmt::format("records {} to {} are missing", expected_seq_, seq - 1);
    if (last_seq_ == 0) {
      return fmt::format("the log starts at record {}: {} (deleted?)", seq, missing);
    }
    return fmt::format("record {} follows {}: {} (deleted?)", seq, last_seq_, missing);
  }

  void unreadable(std::string reason) {
    result_.ok = false;
    result_.readable = false;
    result_.first_bad.reset();
    result_.reason = std::move(reason);
  }

  [[noreturn]] void fail(std::optional<std::int64_t> seq, std::string reason) {
    result_.ok = false;
    result_.first_bad = seq;
    result_.reason = std::move(reason);
    throw stop_walk{};
  }

  verify_result& result_;
  std::int64_t expected_seq_ = 1;
  std::int64_t last_seq_ = 0;
  std::string prev_hash_ = genesis_hash;
  boost::json::value details_;
  std::string canonical_;
  std::string preimage_;
};

}  // namespace

verify_result verify(store& s) {
  verify_result result;
  chain_checker checker(result);
  try {
    s.read_log({}, [&](const log_record& r) { checker.check(r); });
  } catch (const stop_walk&) {
    // result describes the first bad record; the head is still shown beside it
  } catch (const store_error& e) {
    checker.fail_read(e);
    return result;
  }
  try {
    result.head = s.find_head();
  } catch (const store_error& e) {
    if (result.ok) {
      checker.fail_read_head(e);
    }
    return result;
  }
  if (!result.ok) {
    return result;
  }
  try {
    if (!result.head) {
      checker.fail_no_head();
    }
    checker.check_head(*result.head);
  } catch (const stop_walk&) {
    // result already describes the problem
  }
  return result;
}

}  // namespace baton::store
