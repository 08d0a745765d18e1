#pragma once
// The tokens of the rule language, each with where it starts and ends in the source.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/time.hpp"
#include "rules/condition.hpp"

namespace baton::rules {

enum class token_kind : std::uint8_t {
  end,
  path,      // event.attrs.amount (one token: no spaces around the dots)
  string,    // text holds the decoded value
  number,
  duration,
  kw_true,
  kw_false,
  kw_has,
  kw_in,
  lparen,
  rparen,
  lbracket,
  rbracket,
  comma,
  bang,
  and_and,
  or_or,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
};

struct token {
  token_kind kind = token_kind::end;
  source_position position;     // of the first byte
  std::uint32_t end_offset = 0;  // one past the last byte
  std::string text;              // path text, or the decoded string literal
  double number = 0;
  duration dur{0};
};

/// How a token is named in "found ..." messages: `"&&"`, `end of expression`,
/// `string "abc"`, `event.type`.
std::string describe(const token& t, std::string_view source);

/// The spelling of an operator token, e.g. `==`.
std::string_view spelling(token_kind k) noexcept;

}  // namespace baton::rules
