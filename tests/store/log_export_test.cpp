// export_csv and export_json (store/log_export.cpp).
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <sstream>
#include <streambuf>

#include "base/text.hpp"

#include "store/log_encoding.hpp"
#include "tests/store/store_fixtures.hpp"

namespace baton::store::testing {
namespace {

using std::chrono::minutes;

// Three records with the awkward characters an export must carry intact.
void append_awkward(store& s) {
  audit_log log(s);
  log.append(t0(), "engine", "event.received", 7, {{"summary", "drift, \"severe\"\nsecond line"}});
  log.append(t0() + minutes(1), "person:ada", "acknowledged", 7, {{"note", "ok"}});
  log.append(t0() + minutes(2) + std::chrono::milliseconds(5), "config", "config.loaded", 0,
             {{"version", "v2"}});
}

std::string csv(store& s, const log_range& range = {}) {
  std::ostringstream out;
  export_csv(s, range, out);
  return out.str();
}

std::string json(store& s, const log_range& range = {}) {
  std::ostringstream out;
  export_json(s, range, out);
  return out.str();
}

}  // namespace

TEMPLATE_TEST_CASE("export_csv writes RFC 4180 CSV", "[store]", sqlite_fixture, memory_fixture) {
  TestType f;
  append_awkward(f.get());
  auto r = all_records(f.get());
  REQUIRE(r.size() == 3);
  const std::string expected =
      "seq,time,actor,kind,incident,details,prev_hash,hash\r\n"
      "1,2026-03-04T09:00:00Z,engine,event.received,7,"
      "\"{\"\"summary\"\":\"\"drift, \\\"\"severe\\\"\"\\nsecond line\"\"}\"," +
      genesis_hash + "," + r[0].hash + "\r\n" +
      "2,2026-03-04T09:01:00Z,person:ada,acknowledged,7,\"{\"\"note\"\":\"\"ok\"\"}\"," + r[0].hash + "," +
      r[1].hash + "\r\n" +
      "3,2026-03-04T09:02:00.005Z,config,config.loaded,0,\"{\"\"version\"\":\"\"v2\"\"}\"," + r[1].hash +
      "," + r[2].hash + "\r\n";
  CHECK(csv(f.get()) == expected);
}

TEMPLATE_TEST_CASE("exports filter by time, both bounds inclusive", "[store]", sqlite_fixture, memory_fixture) {
  TestType f;
  append_awkward(f.get());
  auto seqs_in_csv = [](const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      out.push_back(line.substr(0, line.find(',')));
    }
    return out;
  };
  auto seqs_in_json = [](const std::string& text) {
    std::vector<std::int64_t> out;
    boost::json::value parsed = boost::json::parse(text);
    for (const auto& v : parsed.as_array()) {
      out.push_back(v.at("seq").as_int64());
    }
    return out;
  };
  log_range middle{t0() + minutes(1), t0() + minutes(1)};
  CHECK(seqs_in_csv(csv(f.get(), middle)) == std::vector<std::string>{"seq", "2"});
  CHECK(seqs_in_json(json(f.get(), middle)) == std::vector<std::int64_t>{2});
  log_range from_second{t0() + minutes(1), std::nullopt};
  CHECK(seqs_in_json(json(f.get(), from_second)) == std::vector<std::int64_t>{2, 3});
  log_range until_second{std::nullopt, t0() + minutes(1)};
  CHECK(seqs_in_json(json(f.get(), until_second)) == std::vector<std::int64_t>{1, 2});
  log_range none{t0() + minutes(10), std::nullopt};
  CHECK(csv(f.get(), none) == "seq,time,actor,kind,incident,details,prev_hash,hash\r\n");
  CHECK(json(f.get(), none) == "[]\n");
}

TEMPLATE_TEST_CASE("export_json writes an array an auditor can re-hash", "[store]", sqlite_fixture,
                   memory_fixture) {
  TestType f;
  append_awkward(f.get());
  const std::string text = json(f.get());
  CHECK(text.front() == '[');
  CHECK(text.substr(text.size() - 3) == "\n]\n");
  auto records = boost::json::parse(text).as_array();
  REQUIRE(records.size() == 3);

  const auto& first = records[0].as_object();
  CHECK(first.size() == 8);
  CHECK(first.at("seq").as_int64() == 1);
  CHECK(first.at("time").as_string() == "2026-03-04T09:00:00Z");
  CHECK(first.at("actor").as_string() == "engine");
  CHECK(first.at("kind").as_string() == "event.received");
  CHECK(first.at("incident").as_int64() == 7);
  CHECK(first.at("details").as_object().at("summary").as_string() == "drift, \"severe\"\nsecond line");
  CHECK(first.at("prev_hash").as_string() == genesis_hash);
  CHECK(records[2].at("time").as_string() == "2026-03-04T09:02:00.005Z");

  // The recipe in docs/log.md: SHA-256 of the canonical array of the exported fields.
  std::string prev = genesis_hash;
  for (const auto& v : records) {
    const auto& o = v.as_object();
    boost::json::array preimage{o.at("seq"), o.at("time"), o.at("actor"), o.at("kind"),
                                o.at("incident"), o.at("details"), o.at("prev_hash")};
    CHECK(o.at("prev_hash").as_string() == prev);
    CHECK(detail::sha256_hex(canonical_json(preimage)) == o.at("hash").as_string());
    prev = std::string(o.at("hash").as_string());
  }
  CHECK(prev == f.get().head().hash);
}

TEST_CASE("export_json keeps damaged details readable as a string", "[store]") {
  memory_fixture f;
  append_awkward(f.get());
  auto r = record_at(f.get(), 2);
  r.details = "{not json";
  f.replace(2, r);
  auto records = boost::json::parse(json(f.get())).as_array();
  CHECK(records[1].at("details").as_string() == "{not json");
}

namespace {

// An output that refuses every byte, like a full disk or a closed pipe.
struct failing_buffer : std::streambuf {
  int_type overflow(int_type) override { return traits_type::eof(); }
  std::streamsize xsputn(const char*, std::streamsize) override { return 0; }
};

}  // namespace

TEST_CASE("exports stop at a damaged page and say after which record", "[store]") {
  sqlite_fixture f;
  append_records(f.get(), 200);
  f.s.reset();
  const auto leaves = leaves_of(f.db, "log");
  REQUIRE(leaves.size() >= 3);
  zero_page(f.db, leaves[1].page, page_size_of(f.db));
  auto ro = sqlite_store::open_read_only(f.db);
  const std::int64_t good = leaves[0].rows;

  std::ostringstream csv_out;
  auto c = export_csv(*ro, {}, csv_out);
  CHECK_FALSE(c.complete());
  CHECK(c.records == good);
  CHECK(c.last_seq == good);
  CHECK(c.error == "cannot read the log: the file is damaged (database disk image is malformed)");
  const std::string text = csv_out.str();
  CHECK(std::count(text.begin(), text.end(), '\n') == good + 1);  // the header and each record read

  std::ostringstream json_out;
  auto j = export_json(*ro, {}, json_out);
  CHECK_FALSE(j.complete());
  CHECK(j.last_seq == good);
  // Left unclosed, so that no JSON reader takes it for the whole log.
  boost::system::error_code ec;
  boost::json::parse(json_out.str(), ec);
  CHECK(ec);
  CHECK_THAT(json_out.str(), Catch::EndsWith("}"));

  // With a range the same damage stops the export the same way.
  std::ostringstream ranged;
  auto r = export_json(*ro, {t0(), std::nullopt}, ranged);
  CHECK_FALSE(r.complete());
}

TEMPLATE_TEST_CASE("exports report an output that fails", "[store]", sqlite_fixture, memory_fixture) {
  TestType f;
  append_awkward(f.get());
  failing_buffer buffer;
  std::ostream out(&buffer);
  auto c = export_csv(f.get(), {}, out);
  CHECK(c.error == "cannot write the output");
  CHECK(c.records == 0);
  out.clear();
  auto j = export_json(f.get(), {}, out);
  CHECK(j.error == "cannot write the output");
  CHECK_FALSE(j.last_seq);
}

TEST_CASE("export_json is valid UTF-8 even for records edited to hold bytes that are not", "[store]") {
  sqlite_fixture f;
  audit_log log(f.get());
  log.append(t0(), "person:zoë", "acknowledged", 1, {{"note", "café \u00e9 \u2028 done"}});
  log.append(t0(), "engine", "rule.fired", 1, {{"rule", "T1"}});
  log.append(t0(), "engine", "rule.fired", 1, {{"rule", "T2"}});
  const std::string valid_details = record_at(f.get(), 1).details;
  f.sql("UPDATE log SET actor = x'ff1b5b33316d', prev_hash = x'c328' WHERE seq = 2;"
        "UPDATE log SET details = x'7b2272756c65223a22ff227d' WHERE seq = 3;");
  const std::string text = json(f.get());
  CHECK(is_valid_utf8(text));
  auto records = boost::json::parse(text).as_array();  // the parser also insists on UTF-8
  REQUIRE(records.size() == 3);
  // Valid details are the stored bytes, so the export re-hashes.
  CHECK(text.find(valid_details) != std::string::npos);
  CHECK(records[1].at("actor").as_string() == "\xEF\xBF\xBD\x1b[31m");
  CHECK(records[1].at("prev_hash").as_string() == "\xEF\xBF\xBD(");
  CHECK(records[2].at("details").as_string() == "{\"rule\":\"\xEF\xBF\xBD\"}");

  // CSV carries the stored bytes unchanged; the control character puts the field in quotes.
  const std::string table = csv(f.get());
  CHECK(table.find(",\"\xff\x1b[31m\",") != std::string::npos);
  CHECK(table.find(",\xc3(,") != std::string::npos);
}

TEMPLATE_TEST_CASE("exports write any 64-bit time in ISO 8601's expanded form", "[store]", sqlite_fixture,
                   memory_fixture) {
  TestType f;
  append_awkward(f.get());
  auto r = record_at(f.get(), 2);
  r.at = from_epoch_ms(std::numeric_limits<std::int64_t>::max());
  f.replace(2, r);
  r = record_at(f.get(), 3);
  r.at = from_epoch_ms(std::numeric_limits<std::int64_t>::min());
  f.replace(3, r);
  auto records = boost::json::parse(json(f.get())).as_array();
  CHECK(records[1].at("time").as_string() == "+292278994-08-17T07:12:55.807Z");
  CHECK(records[2].at("time").as_string() == format_iso(from_epoch_ms(std::numeric_limits<std::int64_t>::min())));
  CHECK_THAT(csv(f.get()), Catch::Contains("\r\n2,+292278994-08-17T07:12:55.807Z,person:ada,"));
}

}  // namespace baton::store::testing
