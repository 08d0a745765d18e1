#include "rules/condition.hpp"

#include <algorithm>
#include <numeric>
#include <string>
#include <utility>

#include "rules/ast.hpp"
#include "rules/checker.hpp"
#include "rules/code_generator.hpp"
#include "rules/compile_failure.hpp"
#include "rules/lexer.hpp"
#include "rules/parser.hpp"
#include "rules/program.hpp"

namespace baton::rules {
namespace {

// Conditions are a line or a paragraph; the limit keeps positions within 32 bits and
// a pasted file from being taken for a condition.
constexpr std::size_t max_source_bytes = 64 * 1024;

const std::string& empty_source() {
  static const std::string empty;
  return empty;
}

const std::vector<compile_warning>& no_warnings() {
  static const std::vector<compile_warning> none;
  return none;
}

}  // namespace

value_set::value_set(std::initializer_list<std::string_view> values) {
  values_.reserve(values.size());
  for (std::string_view v : values) {
    values_.emplace_back(v);
  }
  build_index();
}

value_set::value_set(std::vector<std::string> values) : values_(std::move(values)) { build_index(); }

void value_set::build_index() {
  sorted_.resize(values_.size());
  std::iota(sorted_.begin(), sorted_.end(), std::size_t{0});
  std::sort(sorted_.begin(), sorted_.end(),
            [this](std::size_t a, std::size_t b) { return values_[a] < values_[b]; });
}

bool value_set::contains(std::string_view value) const noexcept {
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), value,
                             [this](std::size_t i, std::string_view v) { return values_[i] < v; });
  return it != sorted_.end() && values_[*it] == value;
}

// A default-constructed condition (not compiled) never holds and says so.
bool condition::evaluate(const context& ctx) const noexcept {
  return program_ != nullptr && program_->evaluate(ctx);
}

bool condition::never_true() const noexcept {
  return program_ == nullptr || program_->never_true();
}

const std::vector<compile_warning>& condition::warnings() const noexcept {
  return program_ != nullptr ? program_->warnings() : no_warnings();
}

const std::string& condition::source() const noexcept {
  return program_ != nullptr ? program_->source() : empty_source();
}

std::string condition::disassemble_for_test() const {
  return program_ != nullptr ? program_->disassemble() : std::string("<not compiled>\n");
}

expected<condition, compile_error> compile(std::string_view source, const schema& s) {
  if (source.size() > max_source_bytes) {
    // Braces, not parentheses: clang 14 has no parenthesised aggregate initialisation.
    return unexpected{compile_error{
        {}, "condition is " + std::to_string(source.size()) + " bytes long; expected at most " +
                std::to_string(max_source_bytes)}};
  }
  try {
    std::vector<token> tokens = lex(source);
    node root = parse(tokens, source);
    std::vector<compile_warning> warnings;
    check_condition(root, s, source, warnings);
    condition c;
    c.program_ = code_generator::generate(root, std::string(source), std::move(warnings));
    return c;
  } catch (const compile_failure& failure) {
    return unexpected{failure.error()};
  }
}

}  // namespace baton::rules
