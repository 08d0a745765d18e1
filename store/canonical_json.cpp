// The canonical JSON encoding the log's hashes are computed over. docs/log.md specifies
// it byte by byte; any change here changes every hash and breaks existing logs.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <vector>

#include "base/text.hpp"
#include "store/audit_log.hpp"
#include "store/log_encoding.hpp"

namespace baton::store {
namespace detail {
namespace {

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
