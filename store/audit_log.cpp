#include "store/audit_log.hpp"

#include <stdexcept>

#include "store/log_encoding.hpp"

namespace baton::store {

const std::string genesis_hash(64, '0');

std::string compute_hash(const log_record& r) {
  boost::json::value details;
  if (!detail::parse_details(r.details, details)) {
    throw std::invalid_argument("compute_hash: the details of record " + std::to_string(r.seq) +
                                " are not JSON");
  }
  log_record canonical = r;
  canonical.details = canonical_json(details);
  std::string preimage;
  detail::append_preimage(preimage, canonical);
  return detail::sha256_hex(preimage);
}

audit_log::audit_log(store& s) : store_(s), head_(s.head()) {}

std::int64_t audit_log::append(timestamp at, std::string_view actor, std::string_view kind,
                               std::int64_t incident_id, const boost::json::object& details) {
  log_record& r = scratch_;
  r.seq = head_.seq + 1;
  r.at = at;
  r.actor.assign(actor);
  r.kind.assign(kind);
  r.incident_id = incident_id;
  r.details.clear();
  detail::append_canonical(r.details, details);
  r.prev_hash = head_.hash;
  preimage_.clear();
  detail::append_preimage(preimage_, r);
  r.hash = detail::sha256_hex(preimage_);
  store_.append_log(r);
  // Only after the store accepted it: a throwing append leaves the head where it was.
  head_.seq = r.seq;
  head_.hash = r.hash;
  if (observer_) {
    observer_(r, details);
  }
  return r.seq;
}

void audit_log::reload_head() { head_ = store_.head(); }

}  // namespace baton::store
