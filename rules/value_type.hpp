#pragma once
// The static types of the rule language, as the type checker sees them.
#include <cstdint>
#include <string_view>

namespace baton::rules {

enum class value_type : std::uint8_t {
  boolean,
  number,       // compared as double
  duration,     // compared as milliseconds
  string,
  string_list,  // system.data: only the right-hand side of `in`
  dynamic,      // event.attrs.<name>: type known only at run time
  list,         // a [...] literal: only the right-hand side of `in`
};

/// "a string", "a number", ...: for messages.
std::string_view describe(value_type t) noexcept;

/// What a value of type `t` looks like, for the "expected ..." half of messages:
/// `a duration such as 24h`.
std::string_view expected_example(value_type t) noexcept;

}  // namespace baton::rules
