#pragma once
// The compiled form of a condition: a flat instruction sequence over a small value stack,
// plus the constants, lists and attribute keys it refers to. Built once by the code
// generator, then immutable and shared by every copy of the condition.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "rules/ast.hpp"
#include "rules/condition.hpp"
#include "rules/inputs.hpp"

namespace baton::rules {

/// What a stack slot holds at run time. Attributes are resolved to their concrete kind
/// when loaded; a missing field or attribute is `absent`.
enum class value_kind : std::uint8_t { absent, boolean, number, duration, string, string_list };

struct text_ref {
  const char* data;
  std::size_t size;
};

struct string_list_ref {
  const std::string* data;
  std::size_t size;
};

/// A stack slot. Trivial (no constructors) so the evaluation stack costs nothing to set up.
struct value {
  value_kind kind;
  union {
    bool boolean;
    double number;
    std::int64_t ms;
    text_ref text;
    string_list_ref list;
  };
};

enum class opcode : std::uint8_t {
  push_bool,      // a: 0 or 1
  push_const,     // a: constant
  load_field,     // a: field_id
  load_attr,      // a: key
  compare,        // op; pops right, left; pushes bool
  in_list,        // b: list; pops x; pushes bool
  contains,       // pops list, x; pushes bool (x in system.data)
  has_field,      // a: field_id; pushes "string field present and not empty"
  has_attr,       // a: key; pushes "attribute present and not null"
  truthy,         // pops x; pushes "x is bool true"
  logical_not,
  jump_if_false,  // a: target; top false: jump keeping it, else pop (&&)
  jump_if_true,   // a: target; top true: jump keeping it, else pop (||)
  // Fused forms of the common shapes "field op literal" and "field in [...]": one
  // dispatch instead of three.
  field_compare_const,  // a: field_id, b: constant, op
  attr_compare_const,   // a: key, b: constant, op
  field_in_list,        // a: field_id, b: list
  attr_in_list,         // a: key, b: list
  const_in_field,       // a: constant, b: field_id (a string_list field)
  attr_truthy,          // a: key
  ret,                  // result is the top of the stack
};

struct instruction {
  opcode code;
  compare_op op;
  std::uint32_t a;
  std::uint32_t b;
};

class program {
 public:
  /// The most slots any program may need; the nesting limit keeps real programs far
  /// below it, and the code generator refuses one that would exceed it.
  static constexpr std::uint32_t stack_capacity = 2 * max_nesting + 8;

  program() = default;
  program(const program&) = delete;  // constants point into strings_
  program& operator=(const program&) = delete;

  bool evaluate(const context& ctx) const noexcept;
  bool never_true() const noexcept { return never_true_; }
  const std::vector<compile_warning>& warnings() const noexcept { return warnings_; }
  const std::string& source() const noexcept { return source_; }
  std::uint32_t max_stack() const noexcept { return max_stack_; }
  std::string disassemble() const;

 private:
  friend class code_generator;

  struct list_span {
    std::uint32_t first;  // into constants_
    std::uint32_t count;
  };

  std::string source_;
  std::vector<instruction> code_;
  std::vector<value> constants_;
  std::vector<list_span> lists_;
  std::vector<std::string_view> keys_;  // attribute keys, into strings_
  std::deque<std::string> strings_;     // a deque: growing it never moves the text
  std::vector<compile_warning> warnings_;
  std::uint32_t max_stack_ = 0;
  bool never_true_ = false;
};

}  // namespace baton::rules
