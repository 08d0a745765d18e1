#pragma once
// Type-checks a parsed condition against the field catalogue and a schema, resolving
// paths to fields, and folds what is constant: comparisons of literals, closed-set fields
// compared with values outside their set, and &&, || and ! over constants.
#include <string_view>
#include <vector>

#include "rules/ast.hpp"
#include "rules/condition.hpp"

namespace baton::rules {

/// Checks and folds `root` in place; afterwards it is boolean (dynamic operands used as
/// conditions are wrapped in node_kind::truthy). Appends "never true" findings to
/// `warnings`. Throws compile_failure on the first type error.
void check_condition(node& root, const schema& s, std::string_view source,
                     std::vector<compile_warning>& warnings);

}  // namespace baton::rules
