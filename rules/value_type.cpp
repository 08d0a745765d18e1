#include "rules/value_type.hpp"

namespace baton::rules {

std::string_view describe(value_type t) noexcept {
  switch (t) {
    case value_type::boolean: return "a bool";
    case value_type::number: return "a number";
    case value_type::duration: return "a duration";
    case value_type::string: return "a string";
    case value_type::string_list: return "a list of strings";
    case value_type::dynamic: return "an event attribute";
    case value_type::list: return "a list";
  }
  return "a value";
}

std::string_view expected_example(value_type t) noexcept {
  switch (t) {
    case value_type::boolean: return "true or false";
    case value_type::number: return "a number such as 1000000";
    case value_type::duration: return "a duration such as 24h";
    case value_type::string: return "a string such as \"intake\"";
    case value_type::string_list: return "a list of strings";
    case value_type::dynamic: return "a value";
    case value_type::list: return "a list such as [\"a\", \"b\"]";
  }
  return "a value";
}

}  // namespace baton::rules
