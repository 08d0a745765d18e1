#pragma once
// Internal building blocks of the log's canonical encoding, shared by audit_log,
// verify and the exports. Not part of the store's API; docs/log.md is the
// specification these functions implement.
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/text.hpp"  // append_json_string
#include "base/time.hpp"
#include "store/records.hpp"

namespace baton::store::detail {

/// Appends the canonical encoding of `v` to `out` (see canonical_json).
void append_canonical(std::string& out, const boost::json::value& v);
void append_canonical(std::string& out, const boost::json::object& o);

/// Appends the hashed bytes of `r` to `out`: the canonical encoding of
/// [seq, time, actor, kind, incident_id, details, prev_hash]. `r.details` must already be
/// canonical; it is copied verbatim.
void append_preimage(std::string& out, const log_record& r);

/// Lowercase hex SHA-256 of `bytes` (64 characters).
std::string sha256_hex(std::string_view bytes);

/// Parses log details the way verify and compute_hash do (nesting up to 256 levels).
/// Returns false when `text` is not JSON.
bool parse_details(std::string_view text, boost::json::value& out);

}  // namespace baton::store::detail
