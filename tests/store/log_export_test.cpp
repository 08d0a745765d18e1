// export_csv and export_json (store/log_export.cpp).
#include <catch2/catch.hpp>

#include <sstream>

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

}  // namespace baton::store::testing
