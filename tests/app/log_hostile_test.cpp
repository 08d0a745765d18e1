// `baton log verify` and `baton log export` on damaged, foreign and corrupt files, as an
// auditor runs them: the real binary on a database `baton demo` wrote, damaged with
// SQL or by overwriting pages. Each gets an exit status and a message naming the file,
// never an abort (the damaged databases of issue 7).
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <boost/json.hpp>

#include <algorithm>
#include <limits>
#include <random>
#include <sstream>

#include "app/commands.hpp"
#include "base/text.hpp"
#include "tests/store/store_fixtures.hpp"
#include "tests/support/test_support.hpp"

using namespace baton;
using baton::store::testing::leaves_of;
using baton::store::testing::page_size_of;
using baton::store::testing::root_page_of;
using baton::store::testing::sqlite3_cli;
using baton::store::testing::zero_page;

namespace {

namespace fs = std::filesystem;

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

struct outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// A temporary directory holding a database `baton demo` wrote (48 records over several
/// leaf pages of the log's b-tree), and a way to run baton with stdout and stderr apart.
struct demo_fixture {
  test::temp_dir dir;
  fs::path db = dir.path() / "demo.db";

  demo_fixture() {
    auto r = test::run_baton("demo --config " + q(test::compel_config()) + " --db " + q(db) + " > /dev/null");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
  }

  outcome baton(const std::string& args) const {
    const auto out = dir.path() / "stdout.txt";
    const auto err = dir.path() / "stderr.txt";
    // The braces keep run()'s trailing 2>&1 from joining the two streams again.
    auto r = test::run("{ " + std::string(BATON_BINARY) + " " + args + " > " + q(out) + " 2> " + q(err) + "; }");
    return {r.exit_code, test::read_file(out), test::read_file(err)};
  }

  /// A copy of the demo database to damage.
  fs::path copy(const std::string& name) const {
    auto p = dir.path() / name;
    fs::copy_file(db, p);
    return p;
  }
};

/// What every answer must be: a documented status, and for 2 a message on stderr that
/// names the command and the file, with nothing on stdout from verify.
void check_refused(const outcome& r, const std::string& command, const fs::path& file) {
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::StartsWith("baton log " + command + ": "));
  CHECK_THAT(r.err, Catch::Contains(file.filename().string()));
  CHECK_THAT(r.err, !Catch::Contains("terminate"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

/// Every way of reading `file` is refused the same way, with `message` in the reason.
void check_all_refused(const demo_fixture& f, const fs::path& file, const std::string& message) {
  for (const std::string args : {"log verify --db ", "log verify --format json --db "}) {
    auto r = f.baton(args + q(file));
    INFO(args);
    check_refused(r, "verify", file);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains(message));
  }
  for (const std::string format : {"csv", "json"}) {
    auto r = f.baton("log export --format " + format + " --db " + q(file));
    INFO(format);
    check_refused(r, "export", file);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains(message));
  }
}

}  // namespace

TEST_CASE("log verify calls a deleted log_head row tampering, not an abort", "[app]") {
  demo_fixture f;
  sqlite3_cli(f.db, "DELETE FROM log_head;");
  auto text = f.baton("log verify --db " + q(f.db));
  INFO(text.out << text.err);
  CHECK(text.exit_code == 1);
  CHECK(text.out ==
        "TAMPERED: the log_head row is missing (deleted?); the newest records cannot be checked\n"
        "(48 records checked)\n");
  CHECK(text.err.empty());

  auto json = f.baton("log verify --format json --db " + q(f.db));
  CHECK(json.exit_code == 1);
  auto v = boost::json::parse(json.out);
  CHECK(v.at("ok").as_bool() == false);
  CHECK(v.at("first_bad").is_null());
  CHECK(v.at("records").as_int64() == 48);
  CHECK(v.at("head").is_null());

  // Export does not verify: the records are all there.
  auto csv = f.baton("log export --format csv --db " + q(f.db));
  CHECK(csv.exit_code == 0);
  CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 49);
}

TEST_CASE("a zeroed page of the log's b-tree: verify names the last good record, export where it stopped",
          "[app]") {
  demo_fixture f;
  const auto page_size = page_size_of(f.db);
  const auto leaves = leaves_of(f.db, "log");
  REQUIRE(leaves.size() >= 3);
  const std::string good = std::to_string(leaves[0].rows);

  SECTION("a leaf after the first") {
    auto db = f.copy("leaf.db");
    zero_page(db, leaves[1].page, page_size);
    for (const std::string format : {"text", "json"}) {
      auto r = f.baton("log verify --format " + format + " --db " + q(db));
      check_refused(r, "verify", db);
      CHECK(r.out.empty());
      CHECK(r.err == "baton log verify: " + db.string() + ": cannot read the log after record " + good +
                         ": the file is damaged (database disk image is malformed); records 1 to " + good +
                         " verify, the rest cannot be checked\n");
    }
    const std::string stopped = "baton log export: " + db.string() + ": stopped after record " + good + " (" +
                                good + " written): cannot read the log: the file is damaged (database disk "
                                       "image is malformed); the output above is incomplete\n";
    auto csv = f.baton("log export --format csv --db " + q(db));
    check_refused(csv, "export", db);
    CHECK(csv.err == stopped);
    CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == leaves[0].rows + 1);
    auto json = f.baton("log export --format json --db " + q(db));
    check_refused(json, "export", db);
    CHECK(json.err == stopped);
    boost::system::error_code ec;
    boost::json::parse(json.out, ec);
    CHECK(ec);  // unclosed on purpose: no reader takes it for the whole log
  }
  SECTION("the root page") {
    auto db = f.copy("root.db");
    zero_page(db, root_page_of(db, "log"), page_size);
    auto r = f.baton("log verify --db " + q(db));
    check_refused(r, "verify", db);
    CHECK_THAT(r.err, Catch::EndsWith("cannot read the log: the file is damaged (database disk image is "
                                      "malformed); no record could be checked\n"));
    auto csv = f.baton("log export --format csv --db " + q(db));
    check_refused(csv, "export", db);
    CHECK_THAT(csv.err, Catch::Contains(": stopped before the first record: cannot read the log: "));
    CHECK(csv.out == "seq,time,actor,kind,incident,details,prev_hash,hash\r\n");
  }
}

TEST_CASE("log verify and export refuse log tables with other columns, naming the column", "[app]") {
  demo_fixture f;
  auto db = f.copy("columns.db");
  sqlite3_cli(db, "DROP TABLE log; DROP TABLE log_head; CREATE TABLE log (id INTEGER PRIMARY KEY, entry TEXT);"
                  "CREATE TABLE log_head (id INTEGER PRIMARY KEY, position INTEGER);");
  check_all_refused(f, db, db.string() + " is not a baton log: table log has no column seq\n");

  auto head_only = f.copy("head.db");
  sqlite3_cli(head_only, "ALTER TABLE log_head RENAME COLUMN seq TO position;");
  check_all_refused(f, head_only, "is not a baton log: table log_head has no column seq\n");
}

TEST_CASE("a record's time set to any 64-bit value is a tampered record, printed without overflow", "[app]") {
  demo_fixture f;
  for (std::int64_t ms : {std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
    INFO(ms);
    auto db = f.copy("time" + std::to_string(ms) + ".db");
    sqlite3_cli(db, "UPDATE log SET at_ms = " + std::to_string(ms) + " WHERE seq = 7;");
    auto text = f.baton("log verify --db " + q(db));
    CHECK(text.exit_code == 1);
    CHECK(text.out == "TAMPERED at record 7: record 7: hash does not match its contents (edited?)\n"
                      "(7 records checked)\n");
    auto json = f.baton("log verify --format json --db " + q(db));
    CHECK(json.exit_code == 1);
    CHECK(boost::json::parse(json.out).at("first_bad").as_int64() == 7);
    auto csv = f.baton("log export --format csv --db " + q(db));
    CHECK(csv.exit_code == 0);
    CHECK_THAT(csv.out, Catch::Contains("\r\n7," + format_iso(from_epoch_ms(ms)) + ","));
    CHECK_THAT(format_iso(from_epoch_ms(ms)), Catch::StartsWith(ms > 0 ? "+292278994-" : "-292275055-"));
  }
}

TEST_CASE("log verify and export answer files that are not a baton database", "[app]") {
  demo_fixture f;
  const auto& dir = f.dir.path();

  auto empty = f.dir.write("empty.db", "");
  check_all_refused(f, empty, "no baton database at " + empty.string() + ": the file is empty\n");

  std::mt19937 random(20261123);  // fixed: the same bytes every run
  std::string noise(16384, '\0');
  for (auto& c : noise) {
    c = static_cast<char>(random() & 0xFF);
  }
  auto bytes = f.dir.write("random.db", noise);
  check_all_refused(f, bytes, bytes.string() + " cannot be read as a baton database: file is not a database\n");

  auto yaml = test::compel_config();
  check_all_refused(f, yaml, "cannot be read as a baton database: file is not a database\n");

  auto no_tables = dir / "no-tables.db";
  sqlite3_cli(no_tables, "PRAGMA user_version = 7; VACUUM;");
  check_all_refused(f, no_tables, "is not a baton database: it has none of baton's tables");

  auto other_program = dir / "places.sqlite";
  sqlite3_cli(other_program, "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT);"
                             "INSERT INTO moz_places (url) VALUES ('https://example.org/');");
  check_all_refused(f, other_program, "is not a baton database: it has none of baton's tables (schema_migrations, "
                                      "log, log_head); a SQLite database from another program?\n");

  const std::string whole = test::read_file(f.db);
  auto truncated = f.dir.write("truncated.db", whole.substr(0, whole.size() / 2));
  check_all_refused(f, truncated, "the file is damaged (database disk image is malformed)");

  check_all_refused(f, dir, "no baton database at " + dir.string() + ": it is a directory, not a file\n");

  auto missing = dir / "missing.db";
  check_all_refused(f, missing, "no baton database at " + missing.string() + ": the file does not exist\n");
  CHECK_FALSE(fs::exists(missing));
}

TEST_CASE("log export refuses --since and --until outside years 1 to 9999", "[app]") {
  demo_fixture f;
  for (const std::string bound : {"--since 0000-12-31", "--until 10000-01-01", "--since +10000-01-01",
                                  "--until -0001-01-01", "--since 9999-12-31T23:59:59-01:00"}) {
    auto r = f.baton("log export --format csv --db " + q(f.db) + " " + bound);
    INFO(bound << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains("is not an ISO 8601 time from 0001-01-01 to 9999-12-31"));
  }
  auto edge = f.baton("log export --format json --db " + q(f.db) + " --since 0001-01-01 --until 9999-12-31T23:59:59.999Z");
  CHECK(edge.exit_code == 0);
  CHECK(boost::json::parse(edge.out).as_array().size() == 48);
}

TEST_CASE("JSON from log verify and export stays valid UTF-8 when a record holds bytes that are not", "[app]") {
  demo_fixture f;
  sqlite3_cli(f.db, "UPDATE log SET actor = x'ff1b5d303b7469746c6507' WHERE seq = 3;"
                    "UPDATE log_head SET hash = CAST(x'c328e280ae' AS TEXT);");
  auto verify = f.baton("log verify --format json --db " + q(f.db));
  CHECK(verify.exit_code == 1);
  CHECK(is_valid_utf8(verify.out));
  CHECK(boost::json::parse(verify.out).at("head").at("hash").as_string() == "\xEF\xBF\xBD(\xE2\x80\xAE");
  auto text = f.baton("log verify --db " + q(f.db));
  CHECK(text.exit_code == 1);
  auto json = f.baton("log export --format json --db " + q(f.db));
  CHECK(json.exit_code == 0);
  CHECK(is_valid_utf8(json.out));
  CHECK(boost::json::parse(json.out).as_array()[2].at("actor").as_string() == "\xEF\xBF\xBD\x1b]0;title\a");
}

TEST_CASE("log verify answers within a bounded wait when another connection locks the database", "[app]") {
  demo_fixture f;
  sqlite3_cli(f.db, "PRAGMA journal_mode = DELETE;");  // a writer's lock keeps readers out
  SQLite::Database holder(f.db.string(), SQLite::OPEN_READWRITE);
  holder.exec("BEGIN EXCLUSIVE");
  auto r = f.baton("log verify --db " + q(f.db));
  holder.exec("ROLLBACK");
  check_refused(r, "verify", f.db);
  CHECK_THAT(r.err, Catch::Contains("another connection holds a lock on the file; gave up after 2000 ms"));
  CHECK(f.baton("log verify --db " + q(f.db)).exit_code == 0);
}

TEST_CASE("log verify and export create nothing beside the database and leave its bytes alone", "[app]") {
  demo_fixture f;
  const std::string before = test::read_file(f.db);
  auto listing = [&] {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(f.dir.path())) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  };
  REQUIRE(listing() == std::vector<std::string>{"demo.db"});
  CHECK(f.baton("log verify --db " + q(f.db)).exit_code == 0);
  CHECK(f.baton("log export --format json --db " + q(f.db)).exit_code == 0);
  auto names = listing();
  names.erase(std::remove_if(names.begin(), names.end(), [](const auto& n) { return n.starts_with("std"); }),
              names.end());
  CHECK(names == std::vector<std::string>{"demo.db"});
  CHECK(test::read_file(f.db) == before);
}

namespace {

// The entry points a fuzz target calls, in process, on one file: each must return a
// documented status and explain a 2, whatever the bytes.
void check_in_process(const fs::path& file) {
  INFO(file.filename());
  for (std::string_view format : {"text", "json"}) {
    std::ostringstream out, err;
    int status = app::log_verify_command(file, format, out, err);
    INFO(format << " verify: " << err.str());
    CHECK((status == 0 || status == 1 || status == 2));
    if (status == 2) {
      CHECK(out.str().empty());
      CHECK_THAT(err.str(), Catch::StartsWith("baton log verify: "));
    } else {
      CHECK(err.str().empty());
      CHECK(is_valid_utf8(out.str()));
      if (format == "json") {
        CHECK(boost::json::parse(out.str()).at("ok").as_bool() == (status == 0));
      }
    }
  }
  for (std::string format : {"csv", "json"}) {
    std::ostringstream out, err;
    int status = app::log_export_command({file, format, std::nullopt, std::nullopt}, out, err);
    INFO(format << " export: " << err.str());
    CHECK((status == 0 || status == 2));
    if (status == 2) {
      CHECK_THAT(err.str(), Catch::StartsWith("baton log export: "));
      if (!out.str().empty()) {
        CHECK_THAT(err.str(), Catch::EndsWith("the output above is incomplete\n"));
      }
    } else if (format == "json") {
      CHECK(is_valid_utf8(out.str()));
      CHECK(boost::json::parse(out.str()).is_array());
    }
  }
}

}  // namespace

TEST_CASE("log verify and export answer a real database with any one page zeroed or cut short", "[app]") {
  demo_fixture f;
  const auto page_size = page_size_of(f.db);
  const std::string whole = test::read_file(f.db);
  const auto pages = static_cast<std::int64_t>(whole.size()) / page_size;
  REQUIRE(pages > 10);
  for (std::int64_t page = 1; page <= pages; ++page) {
    auto db = f.dir.write("page" + std::to_string(page) + ".db", whole);
    zero_page(db, page, page_size);
    check_in_process(db);
    fs::remove(db);
    auto cut = f.dir.write("cut" + std::to_string(page) + ".db",
                           whole.substr(0, static_cast<std::size_t>((page - 1) * page_size + page_size / 3)));
    check_in_process(cut);
    fs::remove(cut);
  }
}

TEST_CASE("log verify and export answer a real database with random bytes overwritten", "[app]") {
  demo_fixture f;
  const std::string whole = test::read_file(f.db);
  std::mt19937_64 random(7);  // fixed: the same damage every run
  for (int round = 0; round < 60; ++round) {
    std::string damaged = whole;
    for (int k = 0; k < 1 + round % 12; ++k) {
      damaged[random() % damaged.size()] = static_cast<char>(random() & 0xFF);
    }
    auto db = f.dir.write("random" + std::to_string(round) + ".db", damaged);
    check_in_process(db);
    fs::remove(db);
  }
}
