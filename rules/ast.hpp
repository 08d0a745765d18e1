#pragma once
// The syntax tree a condition is parsed into. The checker annotates it with types,
// resolves paths to fields and folds constants in place; the code generator flattens it.
#include <cstdint>
#include <string>
#include <vector>

#include "base/time.hpp"
#include "rules/condition.hpp"
#include "rules/fields.hpp"
#include "rules/value_type.hpp"

namespace baton::rules {

/// How deep "(", "[", "!" and has( may nest. Bounds the recursion of every stage and
/// the evaluation stack.
inline constexpr std::uint32_t max_nesting = 64;

enum class node_kind : std::uint8_t {
  literal,
  list,       // children: literal elements
  path,       // as parsed; the checker turns it into field or attribute
  field,
  attribute,  // event.attrs.<key>: `text` holds the key
  has,        // children: [path]
  truthy,     // "is bool true", inserted around a dynamic operand used as a condition
  logical_not,
  logical_and,  // n-ary: long chains do not make deep trees
  logical_or,   // n-ary
  compare,      // children: [left, right]
  in,           // children: [element, list or system.data]
};

enum class compare_op : std::uint8_t { eq, ne, lt, le, gt, ge };

/// Applies `op` to two values of one ordered type: constant folding at compile time and
/// the evaluator at run time must agree, so both call this.
template <class T>
constexpr bool compare(compare_op op, const T& a, const T& b) noexcept {
  switch (op) {
    case compare_op::eq: return a == b;
    case compare_op::ne: return a != b;
    case compare_op::lt: return a < b;
    case compare_op::le: return a <= b;
    case compare_op::gt: return a > b;
    case compare_op::ge: return a >= b;
  }
  return false;
}

/// A literal's value; which member is meaningful depends on `type`.
struct literal_value {
  value_type type = value_type::boolean;
  bool boolean = false;
  double number = 0;
  duration dur{0};
  std::string text;
};

struct node {
  node_kind kind = node_kind::literal;
  source_position position;      // first byte of the node's source
  std::uint32_t end_offset = 0;  // one past its last byte
  source_position operator_position;  // compare / in: where the operator is
  compare_op op = compare_op::eq;
  value_type type = value_type::boolean;          // set by the checker
  value_type element_type = value_type::string;   // list: element type, set by the checker
  literal_value literal;
  std::string text;   // path: as written; attribute: the key
  field_id field = field_id::event_type;
  std::vector<node> children;
};

}  // namespace baton::rules
