#pragma once
// Internal building blocks of the log's canonical encoding, shared by audit_log,
// verify and the exports. Not part of the store's API; docs/log.md is the
// specification these functions implement.
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/time.hpp"
#include "store/records.hpp"

namespace baton::store::detail {

/// Appends the canonical encoding of `v` to `out` (see canonical_json).
void append_canonical(std::string& out, const boost::json::value& v);
void append_canonical(std::string& out, const boost::json::object& o);

/// Appends `s` as a canonical JSON string: quotes, minimal escapes, and every byte that
/// does not start a well-formed UTF-8 sequence replaced by U+FFFD.
void append_json_string(std::string& out, std::string_view s);

/// Appends format_iso(t) to `out`; years 1970..9999 take a fast path that does not go
/// through iostreams (format_iso is the definition; a test holds them equal).
void append_iso(std::string& out, timestamp t);

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
