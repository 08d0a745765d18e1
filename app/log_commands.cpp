#include <boost/json.hpp>
#include <fmt/format.h>

#include <exception>

#include "app/commands.hpp"
#include "store/audit_log.hpp"
#include "store/sqlite_store.hpp"

namespace baton::app {

int log_verify_command(const std::filesystem::path& db, std::string_view format, std::ostream& out,
                       std::ostream& err) {
  std::unique_ptr<store::sqlite_store> st;
  try {
    st = store::sqlite_store::open_read_only(db);
  } catch (const std::exception& e) {
    err << "baton log verify: " << e.what() << '\n';
    return 2;
  }
  store::verify_result r = store::verify(*st);
  const store::log_head head = st->head();
  if (format == "json") {
    boost::json::object j;
    j["ok"] = r.ok;
    j["records"] = r.records;
    if (r.first_bad) {
      j["first_bad"] = *r.first_bad;
    } else {
      j["first_bad"] = nullptr;
    }
    j["reason"] = r.reason;
    j["head"] = {{"seq", head.seq}, {"hash", head.hash}};
    out << boost::json::serialize(j) << '\n';
  } else if (r.ok) {
    out << fmt::format("ok: {} records, head {} {}\n", r.records, head.seq, head.hash);
  } else {
    if (r.first_bad) {
      out << fmt::format("TAMPERED at record {}: {}\n", *r.first_bad, r.reason);
    } else {
      out << fmt::format("TAMPERED: {}\n", r.reason);
    }
    out << fmt::format("({} records checked)\n", r.records);
  }
  return r.ok ? 0 : 1;
}

int log_export_command(const log_export_options& o, std::ostream& out, std::ostream& err) {
  store::log_range range;
  if (o.since) {
    range.since = parse_iso(*o.since, find_zone("UTC"));
    if (!range.since) {
      err << fmt::format("baton log export: --since \"{}\" is not an ISO 8601 time (a date or time without an offset is UTC)\n", *o.since);
      return 2;
    }
  }
  if (o.until) {
    range.until = parse_iso(*o.until, find_zone("UTC"));
    if (!range.until) {
      err << fmt::format("baton log export: --until \"{}\" is not an ISO 8601 time (a date or time without an offset is UTC)\n", *o.until);
      return 2;
    }
  }
  if (o.format != "csv" && o.format != "json") {
    err << "baton log export: --format must be csv or json\n";
    return 2;
  }
  std::unique_ptr<store::sqlite_store> st;
  try {
    st = store::sqlite_store::open_read_only(o.db);
  } catch (const std::exception& e) {
    err << "baton log export: " << e.what() << '\n';
    return 2;
  }
  if (o.format == "csv") {
    store::export_csv(*st, range, out);
  } else {
    store::export_json(*st, range, out);
  }
  return 0;
}

}  // namespace baton::app
