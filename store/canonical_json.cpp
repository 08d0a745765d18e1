// The canonical JSON encoding the log's hashes are computed over. docs/log.md specifies
// it byte by byte; any change here changes every hash and breaks existing logs.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <vector>

#include "store/audit_log.hpp"
#include "store/log_encoding.hpp"

namespace baton::store {
namespace detail {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

// Bytes a string can be copied through unchanged: printable ASCII except '"' and '\\'.
// A table keeps the common case (plain ASCII) to one load and compare per byte.
constexpr std::array<bool, 256> plain_bytes = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) {
    t[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  }
  return t;
}();

// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0 when there is none.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  auto cont = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return k < s.size() && byte(k) >= lo && byte(k) <= hi;
  };
  unsigned char b = byte(i);
  if (b < 0x80) {
    return 1;
  }
  if (b >= 0xC2 && b <= 0xDF) {
    return cont(i + 1) ? 2 : 0;
  }
  if (b == 0xE0) {
    return cont(i + 1, 0xA0, 0xBF) && cont(i + 2) ? 3 : 0;
  }
  if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
    return cont(i + 1) && cont(i + 2) ? 3 : 0;
  }
  if (b == 0xED) {  // excludes the UTF-16 surrogates D800..DFFF
    return cont(i + 1, 0x80, 0x9F) && cont(i + 2) ? 3 : 0;
  }
  if (b == 0xF0) {
    return cont(i + 1, 0x90, 0xBF) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  if (b >= 0xF1 && b <= 0xF3) {
    return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  if (b == 0xF4) {
    return cont(i + 1, 0x80, 0x8F) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

template <typename Int>
void append_integer(std::string& out, Int n) {
  std::array<char, 24> buf{};
  auto res = std::to_chars(buf.data(), buf.data() + buf.size(), n);
  out.append(buf.data(), res.ptr);
}

void append_double(std::string& out, double d) {
  // NaN and the infinities have no JSON spelling; Boost.JSON would write the
  // non-standard tokens NaN/Infinity, which no JSON parser reads back.
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  out += boost::json::serialize(boost::json::value(d));
}

}  // namespace

void append_canonical(std::string& out, const boost::json::object& o) {
  // Objects in details are small: sort pointers on the stack when they fit.
  constexpr std::size_t inline_capacity = 16;
  std::array<const boost::json::key_value_pair*, inline_capacity> small{};
  std::vector<const boost::json::key_value_pair*> large;
  const boost::json::key_value_pair** first = small.data();
  if (o.size() > inline_capacity) {
    large.resize(o.size());
    first = large.data();
  }
  std::size_t n = 0;
  for (const auto& kv : o) {
    first[n++] = &kv;
  }
  // string_view compares with char_traits<char>, which orders as unsigned bytes.
  std::sort(first, first + n, [](const auto* a, const auto* b) { return a->key() < b->key(); });
  out += '{';
  for (std::size_t i = 0; i < n; ++i) {
    if (i != 0) {
      out += ',';
    }
    append_json_string(out, first[i]->key());
    out += ':';
    append_canonical(out, first[i]->value());
  }
  out += '}';
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  std::size_t run_start = 0;
  std::size_t i = 0;
  auto flush = [&] { out.append(s.data() + run_start, i - run_start); };
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (plain_bytes[c]) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      std::size_t len = utf8_sequence_length(s, i);
      if (len != 0) {
        i += len;
        continue;
      }
      flush();
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      run_start = ++i;
      continue;
    }
    flush();
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += hex_digits[c >> 4];
        out += hex_digits[c & 0xF];
        break;
    }
    run_start = ++i;
  }
  flush();
  out += '"';
}

void append_canonical(std::string& out, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: out += "null"; break;
    case boost::json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
    case boost::json::kind::int64: append_integer(out, v.get_int64()); break;
    case boost::json::kind::uint64: append_integer(out, v.get_uint64()); break;
    case boost::json::kind::double_: append_double(out, v.get_double()); break;
    case boost::json::kind::string: append_json_string(out, v.get_string()); break;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) {
          out += ',';
        }
        first = false;
        append_canonical(out, e);
      }
      out += ']';
      break;
    }
    case boost::json::kind::object: append_canonical(out, v.get_object()); break;
  }
}

bool parse_details(std::string_view text, boost::json::value& out) {
  boost::json::parse_options options;
  options.max_depth = 256;
  boost::system::error_code ec;
  out = boost::json::parse(boost::json::string_view(text.data(), text.size()), ec, {}, options);
  return !ec;
}

}  // namespace detail

std::string canonical_json(const boost::json::value& v) {
  std::string out;
  detail::append_canonical(out, v);
  return out;
}

}  // namespace baton::store
