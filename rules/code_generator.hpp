#pragma once
// Flattens a checked syntax tree into a program: short-circuit && and || become jumps,
// "field op literal" shapes become fused instructions, and the stack depth the program
// needs is computed as it is generated.
#include <memory>
#include <string>
#include <vector>

#include "rules/ast.hpp"
#include "rules/program.hpp"

namespace baton::rules {

class code_generator {
 public:
  /// Generates the program for `root` (checked and folded by check_condition).
  static std::shared_ptr<const program> generate(const node& root, std::string source,
                                                 std::vector<compile_warning> warnings);

 private:
  explicit code_generator(program& p) : p_(p) {}

  void emit(const node& n);
  void emit_logical(const node& n);
  void emit_compare(const node& n);
  void emit_in(const node& n);
  std::size_t add(opcode code, std::uint32_t a = 0, std::uint32_t b = 0,
                  compare_op op = compare_op::eq);
  void adjust(int slots);
  std::uint32_t add_constant(const literal_value& lit);
  std::uint32_t add_list(const node& list);
  std::uint32_t add_key(const std::string& key);

  program& p_;
  std::uint32_t depth_ = 0;
};

}  // namespace baton::rules
