#include "rules/lexer.hpp"

#include <algorithm>
#include <charconv>
#include <string>

#include "base/text.hpp"
#include "rules/compile_failure.hpp"

namespace baton::rules {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ident_start(char c) noexcept { return is_alpha(c) || c == '_'; }
bool is_ident_char(char c) noexcept { return is_ident_start(c) || is_digit(c); }
bool is_continuation_byte(char c) noexcept {
  return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

// Quotes source text for a message, cut to a length a terminal can show.
std::string quote(std::string_view s) { return "\"" + shortened(s, 48) + "\""; }

class lexer {
 public:
  explicit lexer(std::string_view source) : src_(source) {}

  std::vector<token> run() {
    std::vector<token> out;
    for (;;) {
      skip_space();
      token t;
      t.position = here();
      if (at_end()) {
        t.kind = token_kind::end;
        t.end_offset = t.position.offset;
        out.push_back(std::move(t));
        return out;
      }
      read_token(t);
      t.end_offset = static_cast<std::uint32_t>(pos_);
      out.push_back(std::move(t));
    }
  }

 private:
  bool at_end() const noexcept { return pos_ >= src_.size(); }
  char peek(std::size_t ahead = 0) const noexcept {
    return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
  }
  bool has(std::size_t ahead) const noexcept { return pos_ + ahead < src_.size(); }

  source_position here() const noexcept {
    return {line_, column_, static_cast<std::uint32_t>(pos_)};
  }

  void advance(std::size_t n = 1) noexcept {
    for (std::size_t i = 0; i < n && !at_end(); ++i) {
      char c = src_[pos_++];
      if (c == '\n') {
        ++line_;
        column_ = 1;
      } else if (!is_continuation_byte(c)) {
        ++column_;
      }
    }
  }

  [[noreturn]] static void fail(source_position at, std::string message) {
    throw compile_failure(at, std::move(message));
  }

  void skip_space() noexcept {
    while (!at_end()) {
      char c = peek();
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      advance();
    }
  }

  void read_token(token& t) {
    char c = peek();
    if (is_ident_start(c)) {
      read_path(t);
      return;
    }
    if (is_digit(c) || (c == '-' && is_digit(peek(1)))) {
      read_number_or_duration(t);
      return;
    }
    if (c == '"' || c == '\'') {
      read_string(t);
      return;
    }
    read_punctuation(t);
  }

  void read_path(token& t) {
    std::size_t start = pos_;
    while (is_ident_char(peek())) {
      advance();
    }
    while (peek() == '.') {
      source_position dot = here();
      advance();
      if (!is_ident_char(peek())) {
        fail(dot, "expected a name after \".\" in " +
                      quote(src_.substr(start, pos_ - start)) +
                      " (names are letters, digits and _)");
      }
      while (is_ident_char(peek())) {
        advance();
      }
    }
    t.text = std::string(src_.substr(start, pos_ - start));
    if (t.text == "true") {
      t.kind = token_kind::kw_true;
    } else if (t.text == "false") {
      t.kind = token_kind::kw_false;
    } else if (t.text == "has") {
      t.kind = token_kind::kw_has;
    } else if (t.text == "in") {
      t.kind = token_kind::kw_in;
    } else {
      t.kind = token_kind::path;
    }
  }

  // Digits with optional "_" separators between them; returns false when a "_" is not
  // between two digits.
  bool read_digits(std::string& out) {
    bool ok = true;
    while (is_digit(peek()) || peek() == '_') {
      if (peek() == '_') {
        ok = ok && !out.empty() && is_digit(out.back()) && is_digit(peek(1));
      } else {
        out += peek();
      }
      advance();
    }
    return ok;
  }

  // "e6", "E+6", "e-3": an exponent, not the start of a duration.
  bool exponent_next() const noexcept {
    if (peek() != 'e' && peek() != 'E') {
      return false;
    }
    return is_digit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && is_digit(peek(2)));
  }

  void read_number_or_duration(token& t) {
    std::size_t start = pos_;
    std::string digits;
    if (peek() == '-') {
      digits += '-';
      advance();
    }
    bool ok = read_digits(digits);

    // Digits followed by a letter other than an exponent form a duration (24h, 1h30m).
    if (is_alpha(peek()) && !exponent_next()) {
      while (is_ident_char(peek())) {
        advance();
      }
      std::string_view text = src_.substr(start, pos_ - start);
      if (text.front() == '-') {
        fail(t.position, "invalid duration " + quote(text) + ": durations cannot be negative");
      }
      bool too_long = false;
      std::optional<duration> d = parse_duration(text, &too_long);
      if (!d && too_long) {
        fail(t.position, "invalid duration " + quote(text) + ": longer than " + format_duration(max_duration) +
                             ", the longest duration baton accepts");
      }
      if (!d) {
        fail(t.position, "invalid duration " + quote(text) +
                             "; expected whole numbers with units w, d, h, m, s or ms, largest "
                             "first, such as 24h, 1h30m, 90s, 2d or 1w");
      }
      t.kind = token_kind::duration;
      t.dur = *d;
      return;
    }

    if (peek() == '.') {
      if (!is_digit(peek(1))) {
        fail(here(), "expected a digit after the decimal point in " +
                         quote(src_.substr(start, pos_ + 1 - start)));
      }
      digits += '.';
      advance();
      ok = read_digits(digits) && ok;
    }
    if (exponent_next()) {
      digits += 'e';
      advance();
      if (peek() == '+' || peek() == '-') {
        digits += peek();
        advance();
      }
      ok = read_digits(digits) && ok;
    }
    if (is_alpha(peek()) && digits.find('.') != std::string::npos &&
        digits.find('e') == std::string::npos) {
      while (is_ident_char(peek())) {
        advance();
      }
      fail(t.position, "invalid duration " + quote(src_.substr(start, pos_ - start)) +
                           "; durations take whole numbers of units, e.g. 1h30m rather than "
                           "1.5h");
    }
    if (is_ident_char(peek()) || peek() == '.') {
      while (is_ident_char(peek()) || peek() == '.') {
        advance();
      }
      fail(t.position, "invalid number " + quote(src_.substr(start, pos_ - start)) +
                           "; expected a number such as 42, 1.5, 1e6 or 1_000_000, or a "
                           "duration such as 24h");
    }
    if (!ok) {
      fail(t.position, "invalid number " + quote(src_.substr(start, pos_ - start)) +
                           "; \"_\" may only separate digits, as in 1_000_000");
    }
    double value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || end != digits.data() + digits.size()) {
      fail(t.position, "number " + quote(src_.substr(start, pos_ - start)) +
                           " is out of range; expected a number within ±1.7e308");
    }
    t.kind = token_kind::number;
    t.number = value;
  }

  void read_string(token& t) {
    char quote_char = peek();
    advance();
    std::string value;
    for (;;) {
      if (at_end() || peek() == '\n') {
        std::string what = at_end() ? "the end of the expression" : "the end of the line";
        fail(here(), "unterminated string opened at " + std::to_string(t.position.line) + ":" +
                         std::to_string(t.position.column) + "; expected a closing " +
                         quote_char + " before " + what);
      }
      char c = peek();
      if (c == quote_char) {
        advance();
        break;
      }
      if (c == '\\') {
        source_position escape_at = here();
        advance();
        char e = peek();
        switch (e) {
          case '"': value += '"'; break;
          case '\'': value += '\''; break;
          case '\\': value += '\\'; break;
          case 'n': value += '\n'; break;
          case 't': value += '\t'; break;
          default: {
            // The whole character after the backslash, not its first byte: half of
            // a UTF-8 sequence in a message would print as garbage.
            std::size_t length = at_end() ? 0 : std::max<std::size_t>(1, utf8_sequence_length(src_, pos_));
            std::string shown = "\\" + std::string(src_.substr(pos_, length));
            fail(escape_at, "unknown escape " + quote(shown) +
                                " in string; expected one of \\\" \\' \\\\ \\n \\t");
          }
        }
        advance();
        continue;
      }
      value += c;
      advance();
    }
    t.kind = token_kind::string;
    t.text = std::move(value);
  }

  void read_punctuation(token& t) {
    char c = peek();
    char next = peek(1);
    auto two = [&](token_kind k) {
      t.kind = k;
      advance(2);
    };
    auto one = [&](token_kind k) {
      t.kind = k;
      advance();
    };
    switch (c) {
      case '(': return one(token_kind::lparen);
      case ')': return one(token_kind::rparen);
      case '[': return one(token_kind::lbracket);
      case ']': return one(token_kind::rbracket);
      case ',': return one(token_kind::comma);
      case '<': return next == '=' ? two(token_kind::le) : one(token_kind::lt);
      case '>': return next == '=' ? two(token_kind::ge) : one(token_kind::gt);
      case '!': return next == '=' ? two(token_kind::ne) : one(token_kind::bang);
      case '=':
        if (next == '=') {
          return two(token_kind::eq);
        }
        fail(t.position, "unexpected \"=\"; expected \"==\" to compare (there is no assignment)");
      case '&':
        if (next == '&') {
          return two(token_kind::and_and);
        }
        fail(t.position, "unexpected \"&\"; expected \"&&\"");
      case '|':
        if (next == '|') {
          return two(token_kind::or_or);
        }
        fail(t.position, "unexpected \"|\"; expected \"||\"");
      case '-':
      case '+':
      case '*':
      case '/':
      case '%':
        fail(t.position, "unexpected " + quote(std::string(1, c)) +
                             "; conditions have no arithmetic (a negative number is written "
                             "-5)");
      default: break;
    }
    // Show the whole UTF-8 sequence, not a lone lead byte.
    std::size_t length = 1;
    while (has(length) && is_continuation_byte(peek(length))) {
      ++length;
    }
    fail(t.position, "unexpected character " + quote(src_.substr(pos_, length)) +
                         "; expected a field, a literal, an operator, \"(\", \")\", \"[\", "
                         "\"]\" or \",\"");
  }

  std::string_view src_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  std::uint32_t column_ = 1;
};

}  // namespace

std::vector<token> lex(std::string_view source) { return lexer(source).run(); }

std::string_view spelling(token_kind k) noexcept {
  switch (k) {
    case token_kind::lparen: return "(";
    case token_kind::rparen: return ")";
    case token_kind::lbracket: return "[";
    case token_kind::rbracket: return "]";
    case token_kind::comma: return ",";
    case token_kind::bang: return "!";
    case token_kind::and_and: return "&&";
    case token_kind::or_or: return "||";
    case token_kind::eq: return "==";
    case token_kind::ne: return "!=";
    case token_kind::lt: return "<";
    case token_kind::le: return "<=";
    case token_kind::gt: return ">";
    case token_kind::ge: return ">=";
    case token_kind::kw_in: return "in";
    case token_kind::kw_has: return "has";
    case token_kind::kw_true: return "true";
    case token_kind::kw_false: return "false";
    default: return "";
  }
}

std::string describe(const token& t, std::string_view source) {
  constexpr std::size_t max_shown = 43;  // 40 bytes of the token and "..."
  auto shown = [&] { return shortened(source.substr(t.position.offset, t.end_offset - t.position.offset), max_shown); };
  switch (t.kind) {
    case token_kind::end: return "end of expression";
    case token_kind::path: return "field " + shown();
    case token_kind::string: return "string " + shown();
    case token_kind::number: return "number " + shown();
    case token_kind::duration: return "duration " + shown();
    default: return "\"" + std::string(spelling(t.kind)) + "\"";
  }
}

}  // namespace baton::rules
