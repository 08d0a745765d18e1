#include "base/text.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace baton {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // One row of the dynamic-programming table is enough: each cell needs only its left,
  // upper and upper-left neighbours.
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

void append_hex_escape(std::string& out, char prefix, unsigned value, int digits) {
  out += '\\';
  out += prefix;
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    out += hex_digits[(value >> shift) & 0xfu];
  }
}

unsigned byte_at(std::string_view s, std::size_t i) noexcept { return static_cast<unsigned char>(s[i]); }

// The code point of the well-formed sequence of `length` bytes at s[i].
unsigned decode(std::string_view s, std::size_t i, std::size_t length) noexcept {
  unsigned lead = byte_at(s, i);
  unsigned cp = length == 1 ? lead : length == 2 ? lead & 0x1fu : length == 3 ? lead & 0x0fu : lead & 0x07u;
  for (std::size_t k = 1; k < length; ++k) {
    cp = (cp << 6) | (byte_at(s, i + k) & 0x3fu);
  }
  return cp;
}

bool is_bidi_control(unsigned cp) noexcept {
  return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
  unsigned b0 = byte_at(s, i);
  if (b0 < 0x80) {
    return 1;
  }
  // The ranges of RFC 3629 section 4: the second byte's range depends on the first so
  // overlong forms, surrogates and code points past U+10FFFF are all refused.
  std::size_t length = 0;
  unsigned lo = 0x80;
  unsigned hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    length = 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    length = 3;
    lo = b0 == 0xe0 ? 0xa0 : 0x80;
    hi = b0 == 0xed ? 0x9f : 0xbf;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    length = 4;
    lo = b0 == 0xf0 ? 0x90 : 0x80;
    hi = b0 == 0xf4 ? 0x8f : 0xbf;
  } else {
    return 0;
  }
  if (s.size() - i < length) {
    return 0;
  }
  unsigned b1 = byte_at(s, i + 1);
  if (b1 < lo || b1 > hi) {
    return 0;
  }
  for (std::size_t k = 2; k < length; ++k) {
    unsigned b = byte_at(s, i + k);
    if (b < 0x80 || b > 0xbf) {
      return 0;
    }
  }
  return length;
}

std::string shortened(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) {
    return std::string(s);
  }
  std::size_t cut = max_bytes - 3;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0u) == 0x80u) {
    --cut;  // a continuation byte: the character started earlier
  }
  std::string out(s.substr(0, cut));
  out += "...";
  return out;
}

bool is_valid_utf8(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      return false;
    }
    i += n;
  }
  return true;
}

std::string valid_utf8(std::string_view s) {
  if (is_valid_utf8(s)) {
    return std::string(s);
  }
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      out += "\xef\xbf\xbd";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(s.data() + i, n);
      i += n;
    }
  }
  return out;
}

void append_printable(std::string& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned b = byte_at(s, i);
    if (b >= 0x20 && b < 0x7f) {
      out += static_cast<char>(b);
      ++i;
      continue;
    }
    std::size_t n = utf8_sequence_length(s, i);
    if (n <= 1) {
      append_hex_escape(out, 'x', b, 2);  // C0 control, DEL, or a byte that is not UTF-8
      ++i;
      continue;
    }
    unsigned cp = decode(s, i, n);
    if ((cp >= 0x80 && cp <= 0x9f) || is_bidi_control(cp)) {
      append_hex_escape(out, 'u', cp, 4);
    } else {
      out.append(s.data() + i, n);
    }
    i += n;
  }
}

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_printable(out, s);
  return out;
}

std::string printable_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t line = 0; line <= s.size();) {
    std::size_t end = s.find('\n', line);
    if (end == std::string_view::npos) {
      append_printable(out, s.substr(line));
      break;
    }
    append_printable(out, s.substr(line, end - line));
    out += '\n';
    line = end + 1;
  }
  return out;
}

std::size_t bounded_edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
  // A distance never exceeds the longer length, so a larger limit changes nothing (and
  // limit + 1 below cannot overflow).
  limit = std::min(limit, std::max(a.size(), b.size()));
  const std::size_t over = limit + 1;
  if (a.size() > b.size()) {
    a.swap(b);  // one row per character of the shorter string
  }
  if (b.size() - a.size() > limit) {
    return over;  // every path has at least the length difference in insertions
  }
  // Ukkonen's band: cell (i, j) costs at least |i - j|, so only the diagonals within
  // `limit` of the main one can end at or under the limit. current[k] holds cell
  // (i, i + k - limit) of row i, previous[k] the same diagonal of row i - 1; cells
  // outside the table or the band count as `over`.
  const std::size_t width = 2 * limit + 1;
  std::vector<std::size_t> previous(width, over);
  std::vector<std::size_t> current(width, over);
  for (std::size_t k = limit; k < width && k - limit <= b.size(); ++k) {
    previous[k] = k - limit;  // row 0: j insertions
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t row_min = over;
    for (std::size_t k = 0; k < width; ++k) {
      // Column j = i + k - limit, kept unsigned: i + k >= limit means j >= 0.
      if (i + k < limit || i + k - limit > b.size()) {
        current[k] = over;
        continue;
      }
      std::size_t j = i + k - limit;
      std::size_t cell = over;
      if (j == 0) {
        cell = std::min(i, over);
      } else {
        std::size_t substitution = previous[k] + (a[i - 1] == b[j - 1] ? 0 : 1);
        std::size_t deletion = (k + 1 < width ? previous[k + 1] : over) + 1;
        std::size_t insertion = (k > 0 ? current[k - 1] : over) + 1;
        cell = std::min({substitution, deletion, insertion, over});
      }
      current[k] = cell;
      row_min = std::min(row_min, cell);
    }
    if (row_min >= over) {
      return over;  // no cell of a later row can come back under the limit
    }
    std::swap(previous, current);
  }
  return std::min(previous[b.size() - a.size() + limit], over);  // cell (|a|, |b|)
}

namespace {

// Bytes a JSON string can carry unchanged: printable ASCII except '"' and '\\'. A table
// keeps the common case (plain ASCII) to one load and compare per byte.
constexpr std::array<bool, 256> json_plain_bytes = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) {
    t[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  }
  return t;
}();

constexpr char json_hex_digits[] = "0123456789abcdef";

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  std::size_t run_start = 0;
  std::size_t i = 0;
  auto flush = [&] { out.append(s.data() + run_start, i - run_start); };
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (json_plain_bytes[c]) {
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
        out += json_hex_digits[c >> 4];
        out += json_hex_digits[c & 0xF];
        break;
    }
    run_start = ++i;
  }
  flush();
  out += '"';
}


std::string escape_markup(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&#39;";
          break;
        default:
          // Control characters are not allowed in XML and have no business in a report.
          out += (b < 0x20 && c != '\n' && c != '\t') || b == 0x7f ? ' ' : c;
      }
      ++i;
      continue;
    }
    // The file says it is UTF-8: a byte that is not part of a UTF-8 sequence becomes
    // U+FFFD, as a browser would show it, so the file stays valid.
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      out += "\xef\xbf\xbd";
      ++i;
      continue;
    }
    const std::string_view seq = s.substr(i, n);
    i += n;
    // C1 controls (U+0080..U+009F) and the bidirectional overrides, which can make text
    // read differently from what it is, are shown as their code points.
    const auto b1 = static_cast<unsigned char>(seq[1]);
    const bool c1 = b == 0xc2 && b1 >= 0x80 && b1 <= 0x9f;
    const bool bidi = b == 0xe2 && ((b1 == 0x80 && static_cast<unsigned char>(seq[2]) >= 0xaa &&
                                     static_cast<unsigned char>(seq[2]) <= 0xae) ||
                                    (b1 == 0x81 && static_cast<unsigned char>(seq[2]) >= 0xa6 &&
                                     static_cast<unsigned char>(seq[2]) <= 0xa9));
    if (c1 || bidi) {
      out += printable(seq);
    } else {
      out += seq;
    }
  }
  return out;
}

}  // namespace baton
