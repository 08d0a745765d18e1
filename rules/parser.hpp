#pragma once
// Recursive-descent parser for the rule language (grammar in docs/rules.md).
#include <string_view>
#include <vector>

#include "rules/ast.hpp"
#include "rules/token.hpp"

namespace baton::rules {

/// Parses the tokens of `source` (from lex()) into a tree. Purely syntactic: paths are
/// not resolved yet. Throws compile_failure on the first syntax error.
node parse(const std::vector<token>& tokens, std::string_view source);

}  // namespace baton::rules
