// Auditor-facing exports of the log: CSV (RFC 4180) and a JSON array. Both carry every
// hashed field exactly as hashed, so an auditor can recompute the chain from the export
// alone (docs/log.md).
#include <string>

#include "store/audit_log.hpp"
#include "store/log_encoding.hpp"

namespace baton::store {
namespace {

// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
void append_csv_field(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') {
      out += '"';
    }
    out += c;
  }
  out += '"';
}

}  // namespace

void export_csv(store& s, const log_range& range, std::ostream& out) {
  std::string line = "seq,time,actor,kind,incident,details,prev_hash,hash\r\n";
  out << line;
  s.read_log(range, [&](const log_record& r) {
    line.clear();
    line += std::to_string(r.seq);
    line += ',';
    detail::append_iso(line, r.at);
    line += ',';
    append_csv_field(line, r.actor);
    line += ',';
    append_csv_field(line, r.kind);
    line += ',';
    line += std::to_string(r.incident_id);
    line += ',';
    append_csv_field(line, r.details);
    line += ',';
    append_csv_field(line, r.prev_hash);
    line += ',';
    append_csv_field(line, r.hash);
    line += "\r\n";  // RFC 4180 line ends
    out << line;
  });
}

void export_json(store& s, const log_range& range, std::ostream& out) {
  // One record per line inside the array: readable, diffable, and streamable without
  // holding the whole log in memory.
  std::string line;
  bool first = true;
  boost::json::value parsed;
  out << '[';
  s.read_log(range, [&](const log_record& r) {
    line.clear();
    line += first ? "\n" : ",\n";
    first = false;
    line += "{\"seq\":";
    line += std::to_string(r.seq);
    line += ",\"time\":\"";
    detail::append_iso(line, r.at);
    line += "\",\"actor\":";
    detail::append_json_string(line, r.actor);
    line += ",\"kind\":";
    detail::append_json_string(line, r.kind);
    line += ",\"incident\":";
    line += std::to_string(r.incident_id);
    line += ",\"details\":";
    // Stored details are copied byte for byte so the export re-hashes; a damaged row
    // whose details are not JSON is exported as a string rather than breaking the file.
    if (detail::parse_details(r.details, parsed)) {
      line += r.details;
    } else {
      detail::append_json_string(line, r.details);
    }
    line += ",\"prev_hash\":";
    detail::append_json_string(line, r.prev_hash);
    line += ",\"hash\":";
    detail::append_json_string(line, r.hash);
    line += '}';
    out << line;
  });
  out << (first ? "]\n" : "\n]\n");
}

}  // namespace baton::store
