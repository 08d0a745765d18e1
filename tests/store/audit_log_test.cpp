// The hash chain (store/audit_log.cpp, store/log_verify.cpp): appending, verifying, and
// catching every kind of tampering on both stores.
#include <catch2/catch.hpp>

#include <fstream>
#include <limits>

#include "store/log_encoding.hpp"
#include "tests/store/store_fixtures.hpp"

namespace baton::store::testing {
namespace {

/// What an attacker who knows the algorithm would write: the record with a hash that
/// matches its (edited) contents.
log_record rehashed(log_record r) {
  r.hash = compute_hash(r);
  return r;
}

void require_bad(store& s, std::int64_t first_bad, const std::string& reason_part) {
  auto result = verify(s);
  INFO(result.reason);
  CHECK_FALSE(result.ok);
  REQUIRE(result.first_bad);
  CHECK(*result.first_bad == first_bad);
  CHECK_THAT(result.reason, Catch::Contains(reason_part));
}

}  // namespace

TEST_CASE("compute_hash is SHA-256 over the canonical array of the record's fields", "[store]") {
  test::temp_dir dir;
  log_record r;
  r.seq = 1;
  r.at = t0() + std::chrono::milliseconds(250);
  r.actor = "person:ada";
  r.kind = "acknowledged";
  r.incident_id = 42;
  r.details = R"({"note":"on it \"now\"","via":"api"})";
  r.prev_hash = genesis_hash;
  const std::string preimage =
      R"([1,"2026-03-04T09:00:00.250Z","person:ada","acknowledged",42,{"note":"on it \"now\"","via":"api"},")" +
      genesis_hash + R"("])";
  // An independent SHA-256 implementation: the coreutils tool.
  auto file = dir.write("preimage", preimage);
  auto sum = test::run("sha256sum '" + file.string() + "'");
  REQUIRE(sum.exit_code == 0);
  CHECK(compute_hash(r) == sum.out.substr(0, 64));

  // The same as canonical_json of the array spelled out with boost::json.
  boost::json::array fields{r.seq, format_iso(r.at), r.actor, r.kind, r.incident_id,
                            boost::json::parse(r.details), r.prev_hash};
  CHECK(canonical_json(fields) == preimage);

  // Details are hashed in canonical form: key order and spacing in the text do not matter.
  log_record spaced = r;
  spaced.details = R"({ "via" : "api", "note" : "on it \"now\"" })";
  CHECK(compute_hash(spaced) == compute_hash(r));
  spaced.details = "not json";
  CHECK_THROWS_AS(compute_hash(spaced), std::invalid_argument);
}

TEST_CASE("audit_log appends a chain that links each record to the previous one", "[store]") {
  memory_store s;
  audit_log log(s);
  CHECK(log.head().seq == 0);
  CHECK(log.head().hash == genesis_hash);
  CHECK(genesis_hash == std::string(64, '0'));
  CHECK(log.append(t0(), "engine", "event.received", 7, {{"z", 1}, {"a", {{"y", true}, {"b", nullptr}}}}) == 1);
  CHECK(log.append(t0(), "config", "config.loaded", 0, {}) == 2);
  auto records = all_records(s);
  REQUIRE(records.size() == 2);
  CHECK(records[0].details == R"({"a":{"b":null,"y":true},"z":1})");
  CHECK(records[0].prev_hash == genesis_hash);
  CHECK(records[0].hash == compute_hash(records[0]));
  CHECK(records[0].hash.size() == 64);
  CHECK(records[0].hash.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(records[1].details == "{}");
  CHECK(records[1].prev_hash == records[0].hash);
  CHECK(records[1].incident_id == 0);
  CHECK(log.head().hash == records[1].hash);
  CHECK(s.head().hash == records[1].hash);
}

TEMPLATE_TEST_CASE("verify accepts an untouched log", "[store]", sqlite_fixture, memory_fixture) {
  TestType f;
  auto empty = verify(f.get());
  CHECK(empty.ok);
  CHECK(empty.records == 0);
  CHECK_FALSE(empty.first_bad);
  append_records(f.get(), 100);
  f.reopen();
  auto result = verify(f.get());
  CHECK(result.ok);
  CHECK(result.records == 100);
  CHECK_FALSE(result.first_bad);
  CHECK(result.reason.empty());
}

TEMPLATE_TEST_CASE("verify names an edited record", "[store]", sqlite_fixture, memory_fixture) {
  TestType f;
  append_records(f.get(), 100);
  auto r = record_at(f.get(), 5);
  SECTION("details") { r.details = R"({"amount":1})"; }
  SECTION("actor") { r.actor = "person:mallory"; }
  SECTION("kind") { r.kind = "incident.resolved"; }
  SECTION("time") { r.at += std::chrono::milliseconds(1); }
  SECTION("incident") { r.incident_id = 999; }
  SECTION("hash") { r.hash[10] = r.hash[10] == 'a' ? 'b' : 'a'; }
  f.replace(5, r);
  require_bad(f.get(), 5, "record 5: hash does not match its contents (edited?)");
}

TEMPLATE_TEST_CASE("verify catches an edit whose hash the attacker recomputed at the next record",
                   "[store]", sqlite_fixture, memory_fixture) {
  TestType f;
  append_records(f.get(), 100);
  auto r = record_at(f.get(), 5);
  r.details = R"({"amount":1000000})";
  f.replace(5, rehashed(r));
  require_bad(f.get(), 6, "record 6: prev_hash does not match the hash of record 5");
}

TEMPLATE_TEST_CASE("verify catches deleted records", "[store]", sqlite_fixture, memory_fixture) {
  TestType f;
  append_records(f.get(), 100);
  SECTION("one in the middle") {
    f.erase(50);
    require_bad(f.get(), 51, "record 51 follows 49: record 50 is missing (deleted?)");
  }
  SECTION("several in the middle") {
    f.erase_range(50, 52);
    require_bad(f.get(), 53, "record 53 follows 49: records 50 to 52 are missing (deleted?)");
  }
  SECTION("the first") {
    f.erase(1);
    require_bad(f.get(), 2, "the log starts at record 2: record 1 is missing (deleted?)");
  }
  SECTION("the newest, caught by the head") {
    f.erase(100);
    require_bad(f.get(), 100, "the head says the log ends at record 100, but the last record is 99");
  }
  SECTION("the newest ten") {
    f.erase_range(91, 100);
    require_bad(f.get(), 100, "the last record is 90");
  }
  SECTION("all of them") {
    f.erase_range(1, 100);
    require_bad(f.get(), 100, "but the log is empty");
  }
}

TEMPLATE_TEST_CASE("verify catches reordered records", "[store]", sqlite_fixture, memory_fixture) {
  TestType f;
  append_records(f.get(), 100);
  auto r5 = record_at(f.get(), 5);
  auto r6 = record_at(f.get(), 6);
  SECTION("contents swapped, sequence numbers kept") {
    std::swap(r5.seq, r6.seq);
    f.replace(5, r6);
    f.replace(6, r5);
    require_bad(f.get(), 5, "record 5: prev_hash does not match the hash of record 4");
  }
  SECTION("contents swapped and each rehashed under its new number") {
    std::swap(r5.seq, r6.seq);
    std::swap(r5.prev_hash, r6.prev_hash);
    f.replace(5, rehashed(r6));
    f.replace(6, rehashed(r5));
    require_bad(f.get(), 6, "record 6: prev_hash does not match the hash of record 5");
  }
}

TEMPLATE_TEST_CASE("verify catches inserted records", "[store]", sqlite_fixture, memory_fixture) {
  TestType f;
  append_records(f.get(), 100);
  SECTION("in the middle, with a correct link and hash of its own") {
    auto r49 = record_at(f.get(), 49);
    f.shift_up_from(50);
    log_record forged = r49;
    forged.seq = 50;
    forged.kind = "acknowledged";
    forged.details = R"({"by":"mallory"})";
    forged.prev_hash = r49.hash;
    f.insert(rehashed(forged));
    require_bad(f.get(), 51, "record 51: prev_hash does not match the hash of record 50");
  }
  SECTION("after the newest, chained correctly but beyond the head") {
    auto r100 = record_at(f.get(), 100);
    log_record forged = r100;
    forged.seq = 101;
    forged.prev_hash = r100.hash;
    f.insert(rehashed(forged));
    require_bad(f.get(), 101, "record 101 is beyond the head, which says the log ends at record 100");
  }
}

TEMPLATE_TEST_CASE("verify rejects details that are not canonical JSON", "[store]", sqlite_fixture,
                   memory_fixture) {
  TestType f;
  append_records(f.get(), 10);
  auto r = record_at(f.get(), 3);
  SECTION("valid JSON, not canonical (the hash would match after canonicalising)") {
    r.details = R"({"n": 3})";
    f.replace(3, rehashed(r));
    require_bad(f.get(), 3, "record 3: details is not in canonical form (edited?)");
  }
  SECTION("not JSON") {
    r.details = "{broken";
    f.replace(3, r);
    require_bad(f.get(), 3, "record 3: details is not valid JSON (edited?)");
  }
  SECTION("JSON, but not an object") {
    r.details = "[1,2]";
    f.replace(3, rehashed(r));
    require_bad(f.get(), 3, "record 3: details is not a JSON object (edited?)");
  }
}

TEST_CASE("verify on SQLite catches tampering done with plain SQL", "[store]") {
  sqlite_fixture f;
  append_records(f.get(), 20);
  SECTION("an edited details column") {
    f.sql(R"(UPDATE log SET details='{"amount":5}' WHERE seq=5;)");
    require_bad(f.get(), 5, "record 5: hash does not match its contents (edited?)");
  }
  SECTION("two rows swapped by renumbering") {
    f.sql("UPDATE log SET seq=-5 WHERE seq=5; UPDATE log SET seq=5 WHERE seq=6; UPDATE log SET seq=6 WHERE seq=-5;");
    require_bad(f.get(), 5, "record 5: prev_hash does not match the hash of record 4");
  }
  SECTION("a row deleted and the head moved back to hide it") {
    f.sql("DELETE FROM log WHERE seq=20; UPDATE log_head SET seq=19;");
    require_bad(f.get(), 19, "the head's hash does not match record 19 (head or record edited?)");
  }
  SECTION("the head row deleted") {
    f.sql("DELETE FROM log_head;");
    auto result = verify(f.get());
    CHECK_FALSE(result.ok);
    CHECK_FALSE(result.first_bad);
    CHECK(result.readable);
    CHECK(result.records == 20);
    CHECK_FALSE(result.head);
    CHECK(result.reason == "the log_head row is missing (deleted?); the newest records cannot be checked");
  }
  SECTION("a rewritten tail without the head") {
    // Rewriting from record 7 on, each rehashed and relinked: only the head disagrees.
    std::string statements;
    std::string prev = record_at(f.get(), 6).hash;
    for (auto r : all_records(f.get())) {
      if (r.seq < 7) {
        continue;
      }
      if (r.seq == 7) {
        r.actor = "person:mallory";
      }
      r.prev_hash = prev;
      r = rehashed(r);
      prev = r.hash;
      statements += "UPDATE log SET actor=" + sql_quote(r.actor) + ", prev_hash=" + sql_quote(r.prev_hash) +
                    ", hash=" + sql_quote(r.hash) + " WHERE seq=" + std::to_string(r.seq) + ";\n";
    }
    f.sql(statements);
    require_bad(f.get(), 20, "the head's hash does not match record 20");

    // The documented limit: rewriting the head too makes the file consistent again.
    // Only a head hash kept elsewhere (an export, an anchor) shows the difference.
    const std::string anchored = f.get().head().hash;
    f.sql("UPDATE log_head SET hash=" + sql_quote(prev) + ";");
    CHECK(verify(f.get()).ok);
    CHECK(f.get().head().hash != anchored);
    CHECK(record_at(f.get(), 7).actor == "person:mallory");
  }
}

TEST_CASE("verify on memory_store names a record stored twice", "[store]") {
  memory_fixture f;
  append_records(f.get(), 10);
  f.insert(record_at(f.get(), 4));
  require_bad(f.get(), 4, "record 4 appears twice (inserted or reordered?)");
}

TEST_CASE("verify reads a database opened read-only", "[store]") {
  sqlite_fixture f;
  append_records(f.get(), 30);
  auto ro = sqlite_store::open_read_only(f.db);
  CHECK(verify(*ro).ok);
  REQUIRE(record_at(f.get(), 12).kind != "incident.resolved");
  f.sql("UPDATE log SET kind='incident.resolved' WHERE seq=12;");
  ro = sqlite_store::open_read_only(f.db);
  auto result = verify(*ro);
  CHECK_FALSE(result.ok);
  CHECK(result.first_bad == 12);
  CHECK(result.records == 12);
}

TEST_CASE("verify vouches only for the records before a damaged page of the log", "[store]") {
  sqlite_fixture f;
  append_records(f.get(), 200);
  f.s.reset();
  const auto page_size = page_size_of(f.db);
  const auto leaves = leaves_of(f.db, "log");
  REQUIRE(leaves.size() >= 3);

  SECTION("a leaf in the middle zeroed: the records before it verify, the rest are unknown") {
    zero_page(f.db, leaves[1].page, page_size);
    auto ro = sqlite_store::open_read_only(f.db);
    auto result = verify(*ro);
    const std::int64_t good = leaves[0].rows;
    CHECK_FALSE(result.ok);
    CHECK_FALSE(result.readable);
    CHECK(result.records == good);
    CHECK_FALSE(result.first_bad);
    CHECK(result.reason == "cannot read the log after record " + std::to_string(good) +
                               ": the file is damaged (database disk image is malformed); records 1 to " +
                               std::to_string(good) + " verify, the rest cannot be checked");
  }
  SECTION("the root page zeroed: no record can be read") {
    zero_page(f.db, root_page_of(f.db, "log"), page_size);
    auto ro = sqlite_store::open_read_only(f.db);
    auto result = verify(*ro);
    CHECK_FALSE(result.readable);
    CHECK(result.records == 0);
    CHECK_THAT(result.reason, Catch::StartsWith("cannot read the log: the file is damaged"));
    CHECK_THAT(result.reason, Catch::EndsWith("no record could be checked"));
  }
  SECTION("the head's page zeroed: every record verifies, the head cannot be read") {
    zero_page(f.db, root_page_of(f.db, "log_head"), page_size);
    auto ro = sqlite_store::open_read_only(f.db);
    auto result = verify(*ro);
    CHECK_FALSE(result.readable);
    CHECK(result.records == 200);
    CHECK_THAT(result.reason, Catch::StartsWith("cannot read the log head: the file is damaged"));
    CHECK_THAT(result.reason, Catch::Contains("200 records verify"));
  }
  SECTION("a tampered record before the damage is reported as tampering") {
    sqlite3_cli(f.db, "UPDATE log SET actor = 'person:mallory' WHERE seq = 2;");
    zero_page(f.db, leaves[1].page, page_size);
    auto result = verify(*sqlite_store::open_read_only(f.db));
    CHECK(result.readable);
    CHECK(result.first_bad == 2);
  }
}

TEMPLATE_TEST_CASE("verify takes a record whose time is any 64-bit value for an edited record", "[store]",
                   sqlite_fixture, memory_fixture) {
  TestType f;
  append_records(f.get(), 6);
  for (std::int64_t ms : {std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min(),
                          std::int64_t{-1}, std::int64_t{253'402'300'800'000}}) {
    INFO(ms);
    auto r = record_at(f.get(), 4);
    const auto original = r;
    r.at = from_epoch_ms(ms);
    f.replace(4, r);
    require_bad(f.get(), 4, "record 4: hash does not match its contents (edited?)");
    // Rehashed, the record itself holds and the chain breaks at the next one.
    f.replace(4, rehashed(r));
    require_bad(f.get(), 5, "record 5: prev_hash does not match the hash of record 4");
    f.replace(4, original);
  }
  CHECK(verify(f.get()).ok);
}

TEST_CASE("verify reads every row, whatever SQLite type its columns were edited to hold", "[store]") {
  sqlite_fixture f;
  append_records(f.get(), 8);
  // Text and reals compare above every integer in SQLite: a time filter would skip
  // these rows, and verify would call them deleted rather than edited.
  SECTION("a time edited to text") {
    f.sql("UPDATE log SET at_ms = 'yesterday' WHERE seq = 5;");
    require_bad(f.get(), 5, "record 5: hash does not match its contents (edited?)");
  }
  SECTION("a time edited to a huge real") {
    f.sql("UPDATE log SET at_ms = 1.5e300 WHERE seq = 5;");
    require_bad(f.get(), 5, "record 5: hash does not match its contents (edited?)");
  }
  SECTION("text fields edited to blobs that are not UTF-8") {
    f.sql("UPDATE log SET actor = x'ff1b5b33316d', details = x'7b2261223a22ff227d' WHERE seq = 3;");
    require_bad(f.get(), 3, "record 3: details is not valid JSON (edited?)");
  }
  SECTION("a head hash edited to bytes that are not UTF-8") {
    f.sql("UPDATE log_head SET hash = CAST(x'c328' AS TEXT);");
    auto result = verify(f.get());
    CHECK_FALSE(result.ok);
    CHECK(result.first_bad == 8);
    REQUIRE(result.head);
    CHECK(result.head->hash == "\xc3\x28");
  }
}

}  // namespace baton::store::testing
