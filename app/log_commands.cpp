// `baton log verify` and `baton log export`. The database may be anything an attacker or
// a failing disk left behind, so each command has one boundary that turns every
// exception into a message naming the file and exit status 2; the store reports read
// failures in its results so the commands can say how far they got.
#include <boost/json.hpp>
#include <fmt/format.h>

#include <exception>

#include "app/commands.hpp"
#include "app/db_boundary.hpp"
#include "base/text.hpp"
#include "store/audit_log.hpp"
#include "store/sqlite_store.hpp"

namespace baton::app {
namespace {

void print_verify_json(const store::verify_result& r, std::ostream& out) {
  boost::json::object j;
  j["ok"] = r.ok;
  j["records"] = r.records;
  if (r.first_bad) {
    j["first_bad"] = *r.first_bad;
  } else {
    j["first_bad"] = nullptr;
  }
  // Boost.JSON escapes control characters but copies other bytes as they are; a head
  // edited to hold bytes that are not UTF-8 must not make the output invalid JSON.
  j["reason"] = valid_utf8(r.reason);
  if (r.head) {
    j["head"] = {{"seq", r.head->seq}, {"hash", valid_utf8(r.head->hash)}};
  } else {
    j["head"] = nullptr;
  }
  out << boost::json::serialize(j) << '\n';
}

void print_verify_text(const store::verify_result& r, std::ostream& out) {
  if (r.ok) {  // ok means the head was read and matched
    out << fmt::format("ok: {} records, head {} {}\n", r.records, r.head->seq, printable(r.head->hash));
    return;
  }
  if (r.first_bad) {
    out << fmt::format("TAMPERED at record {}: {}\n", *r.first_bad, printable(r.reason));
  } else {
    out << fmt::format("TAMPERED: {}\n", printable(r.reason));
  }
  out << fmt::format("({} records checked)\n", r.records);
}

}  // namespace

int log_verify_command(const std::filesystem::path& db, std::string_view format, std::ostream& out,
                       std::ostream& err) {
  return at_boundary("log verify", db, err, [&] {
    auto st = store::sqlite_store::open_read_only(db);
    store::verify_result r = store::verify(*st);
    if (st->changed_underneath()) {
      // A writer started during the read; opened again, the file is read through the
      // writer's -wal with SQLite's locks, as beside a running baton.
      st = store::sqlite_store::open_read_only(db);
      r = store::verify(*st);
      if (st->changed_underneath()) {
        err << fmt::format("baton log verify: {}: the database was written to while it was read, twice; run "
                           "verify again\n",
                           printable(db.string()));
        return 2;
      }
    }
    if (!r.readable) {
      // Not a verdict: what could be read held, the rest is unknown (docs/log.md).
      err << fmt::format("baton log verify: {}: {}\n", printable(db.string()), printable(r.reason));
      return 2;
    }
    if (format == "json") {
      print_verify_json(r, out);
    } else {
      print_verify_text(r, out);
    }
    return r.ok ? 0 : 1;
  });
}

int log_export_command(const log_export_options& o, std::ostream& out, std::ostream& err) {
  return at_boundary("log export", o.db, err, [&] {
    store::log_range range;
    if (o.since && !(range.since = parse_bound(*o.since))) {
      return bad_bound(err, "log export", "since", *o.since);
    }
    if (o.until && !(range.until = parse_bound(*o.until))) {
      return bad_bound(err, "log export", "until", *o.until);
    }
    if (o.format != "csv" && o.format != "json") {
      err << "baton log export: --format must be csv or json\n";
      return 2;
    }
    auto st = store::sqlite_store::open_read_only(o.db);
    auto r = o.format == "csv" ? store::export_csv(*st, range, out) : store::export_json(*st, range, out);
    if (r.complete() && st->changed_underneath()) {
      // What was written may mix two states of the file; it cannot be taken back.
      err << fmt::format("baton log export: {}: the database was written to while it was exported; the output "
                         "above may be inconsistent; run the export again\n",
                         printable(o.db.string()));
      return 2;
    }
    if (!r.complete()) {
      err << fmt::format("baton log export: {}: stopped {}: {}; the output above is incomplete\n",
                         printable(o.db.string()),
                         r.last_seq ? fmt::format("after record {} ({} written)", *r.last_seq, r.records)
                                    : std::string("before the first record"),
                         printable(r.error));
      return 2;
    }
    return 0;
  });
}

}  // namespace baton::app
