// Auditor-facing exports of the log: CSV (RFC 4180) and a JSON array. Both carry every
// hashed field exactly as hashed, so an auditor can recompute the chain from the export
// alone (docs/log.md).
#include <string>

#include "store/audit_log.hpp"
#include "store/log_encoding.hpp"

namespace baton::store {
namespace {

// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. Other
// control characters (only a tampered row has them) are quoted too, so that no field
// with a terminal escape or a NUL stands bare between commas; the bytes are kept.
void append_csv_field(std::string& out, std::string_view field) {
  bool quote = false;
  for (char c : field) {
    auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F || c == ',' || c == '"') {
      quote = true;
      break;
    }
  }
  if (!quote) {
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

// Thrown from the read_log visitor when the output failed: nothing more can be written.
struct output_failed {};

// Runs one export: `write_record` appends a record's text to `line`, which is written
// out after each record so the export streams.
template <typename F>
export_result run_export(store& s, const log_range& range, std::ostream& out, F&& write_record) {
  export_result result;
  std::string line;
  try {
    s.read_log(range, [&](const log_record& r) {
      line.clear();
      write_record(line, r);
      out << line;
      if (!out) {
        throw output_failed{};
      }
      ++result.records;
      result.last_seq = r.seq;
    });
  } catch (const store_error& e) {
    result.error = "cannot read the log: " + e.cause();
  } catch (const output_failed&) {
    result.error = "cannot write the output";
  }
  return result;
}

}  // namespace

export_result export_csv(store& s, const log_range& range, std::ostream& out) {
  out << "seq,time,actor,kind,incident,details,prev_hash,hash\r\n";
  auto result = run_export(s, range, out, [](std::string& line, const log_record& r) {
    line += std::to_string(r.seq);
    line += ',';
    append_iso(line, r.at);
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
  });
  out.flush();
  if (result.complete() && !out) {
    result.error = "cannot write the output";
  }
  return result;
}

export_result export_json(store& s, const log_range& range, std::ostream& out) {
  // One record per line inside the array: readable, diffable, and streamable without
  // holding the whole log in memory.
  bool first = true;
  boost::json::value parsed;
  out << '[';
  auto result = run_export(s, range, out, [&](std::string& line, const log_record& r) {
    line += first ? "\n" : ",\n";
    first = false;
    line += "{\"seq\":";
    line += std::to_string(r.seq);
    line += ",\"time\":\"";
    append_iso(line, r.at);
    // Strings go through the same escaping as the hashed encoding, which also replaces
    // bytes that are not UTF-8 (only a tampered row has them): the output is valid JSON.
    line += "\",\"actor\":";
    append_json_string(line, r.actor);
    line += ",\"kind\":";
    append_json_string(line, r.kind);
    line += ",\"incident\":";
    line += std::to_string(r.incident_id);
    line += ",\"details\":";
    // Stored details are copied byte for byte so the export re-hashes; the JSON parser
    // accepts only valid UTF-8, so such a copy is. A damaged row whose details are not
    // JSON is exported as a string rather than breaking the file.
    if (detail::parse_details(r.details, parsed)) {
      line += r.details;
    } else {
      append_json_string(line, r.details);
    }
    line += ",\"prev_hash\":";
    append_json_string(line, r.prev_hash);
    line += ",\"hash\":";
    append_json_string(line, r.hash);
    line += '}';
  });
  if (result.complete()) {
    out << (first ? "]\n" : "\n]\n");
  }
  out.flush();
  if (result.complete() && !out) {
    result.error = "cannot write the output";
  }
  return result;
}

}  // namespace baton::store
