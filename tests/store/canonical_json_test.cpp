// The canonical encoding (store/canonical_json.cpp) and the ISO time text hashed with
// each record (store/log_encoding.cpp).
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <cmath>
#include <limits>
#include <random>

#include "store/audit_log.hpp"
#include "store/log_encoding.hpp"

namespace baton::store {
namespace {

std::string canon(std::string_view json) { return canonical_json(boost::json::parse(json)); }

}  // namespace

TEST_CASE("canonical JSON does not depend on key order or spacing", "[store]") {
  CHECK(canon(R"({"b":1,"a":2})") == R"({"a":2,"b":1})");
  CHECK(canon(R"( { "a" : 2 ,
                    "b" : 1 } )") == R"({"a":2,"b":1})");
  CHECK(canon(R"({"outer":{"z":[3,{"y":1,"x":2}],"a":null}})") == R"({"outer":{"a":null,"z":[3,{"x":2,"y":1}]}})");
  // Arrays keep their order.
  CHECK(canon("[3,1,2]") == "[3,1,2]");
  CHECK(canon("{}") == "{}");
  CHECK(canon("[]") == "[]");
  CHECK(canon(R"({"t":true,"f":false,"n":null})") == R"({"f":false,"n":null,"t":true})");
}

TEST_CASE("canonical JSON sorts keys by their bytes", "[store]") {
  // Uppercase before lowercase, a prefix before its extensions, non-ASCII (UTF-8 lead
  // bytes >= 0xC2) after ASCII, "_" (0x5F) between "Z" and "a".
  CHECK(canon(R"({"b":0,"aa":0,"a":0,"B":0,"_":0,"é":0,"Z":0})") ==
        R"({"B":0,"Z":0,"_":0,"a":0,"aa":0,"b":0,"é":0})");
}

TEST_CASE("canonical JSON escapes strings minimally", "[store]") {
  CHECK(canonical_json("plain") == R"("plain")");
  CHECK(canonical_json("quote \" backslash \\ slash /") == R"("quote \" backslash \\ slash /")");
  CHECK(canonical_json("\b\f\n\r\t") == R"("\b\f\n\r\t")");
  CHECK(canonical_json(boost::json::string(std::string_view("\x00\x01\x1f", 3))) == R"("\u0000\u0001\u001f")");
  // DEL and everything non-ASCII stay as they are.
  CHECK(canonical_json("\x7f") == "\"\x7f\"");
  CHECK(canonical_json("Zürich – 東京 🚀") == "\"Zürich – 東京 🚀\"");
  // Escaped input decodes first, then re-encodes canonically.
  CHECK(canon(R"(["\u00e9\/\u0041\u001F"])") == "[\"\xC3\xA9/A\\u001f\"]");
  // Keys follow the same rules.
  CHECK(canon(R"({"a\nb":1})") == R"({"a\nb":1})");
}

TEST_CASE("canonical JSON replaces bytes that are not UTF-8", "[store]") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(canonical_json("a\xFFz") == "\"a" + fffd + "z\"");
  CHECK(canonical_json("\xC3") == "\"" + fffd + "\"");                   // truncated sequence
  CHECK(canonical_json("\xE2\x82z") == "\"" + fffd + fffd + "z\"");      // one per bad byte
  CHECK(canonical_json("\xC0\xAF") == "\"" + fffd + fffd + "\"");        // overlong "/"
  CHECK(canonical_json("\xED\xA0\x80") == "\"" + fffd + fffd + fffd + "\"");  // a surrogate
  CHECK(canonical_json("\xF4\x90\x80\x80") == "\"" + fffd + fffd + fffd + fffd + "\"");  // > U+10FFFF
  // The result is valid JSON that canonicalises to itself.
  std::string once = canonical_json("x\xFF\x80y");
  CHECK(canon(once) == once);
}

TEST_CASE("canonical JSON writes integers as integers and doubles in shortest form", "[store]") {
  CHECK(canonical_json(std::int64_t{0}) == "0");
  CHECK(canonical_json(std::int64_t{-42}) == "-42");
  CHECK(canonical_json(std::numeric_limits<std::int64_t>::min()) == "-9223372036854775808");
  CHECK(canonical_json(std::numeric_limits<std::uint64_t>::max()) == "18446744073709551615");
  CHECK(canonical_json(1.5) == "1.5E0");
  CHECK(canonical_json(1.0) == "1E0");
  CHECK(canonical_json(0.1) == "1E-1");
  CHECK(canonical_json(-2.5e-7) == "-2.5E-7");
  CHECK(canonical_json(1e300) == "1E300");
  CHECK(canonical_json(std::nan("")) == "null");
  CHECK(canonical_json(std::numeric_limits<double>::infinity()) == "null");
  // Text that parses to a double is written the same way however it was spelled.
  CHECK(canon("[1.0, 1e0, 10E-1, 0.30000000000000004]") == "[1E0,1E0,1E0,3.0000000000000004E-1]");
  CHECK(canon("[1, -0, 100]") == "[1,0,100]");
  // Every canonical double parses back to itself.
  for (double d : {1.5, 0.1, 123456.789, -1e-300, 5e-324, 1.7976931348623157e308}) {
    std::string once = canonical_json(d);
    CHECK(canon(once) == once);
    CHECK(boost::json::parse(once).as_double() == d);
  }
}

TEST_CASE("the record time text is exactly format_iso", "[store]") {
  auto fast = [](std::int64_t ms) {
    std::string out;
    append_iso(out, from_epoch_ms(ms));
    return out;
  };
  CHECK(fast(0) == "1970-01-01T00:00:00Z");
  CHECK(fast(1'772'614'800'000) == "2026-03-04T09:00:00Z");
  CHECK(fast(1'772'614'800'007) == "2026-03-04T09:00:00.007Z");
  std::vector<std::int64_t> samples = {
      0,          1,           999,         1000,          86'399'999,
      951'782'400'000,  // 2000-02-29
      4'107'542'399'999, 253'402'300'799'999, 253'402'300'800'000, -1, -86'400'000, -1'000,
  };
  std::mt19937_64 rng(2026);
  std::uniform_int_distribution<std::int64_t> any(-62'000'000'000'000, 253'402'300'799'999);
  for (int i = 0; i < 2000; ++i) {
    std::int64_t ms = any(rng);
    samples.push_back(ms);
    samples.push_back(ms - ms % 1000);  // whole seconds take the other format_iso branch
  }
  for (std::int64_t ms : samples) {
    INFO(ms);
    CHECK(fast(ms) == format_iso(from_epoch_ms(ms)));
  }
}

}  // namespace baton::store
