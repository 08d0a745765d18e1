#pragma once
// Splits condition source into tokens, tracking 1-based line and column (columns count
// UTF-8 code points, so a column matches what an editor shows) and byte offsets.
#include <string_view>
#include <vector>

#include "rules/token.hpp"

namespace baton::rules {

/// Tokens of `source`, ending with a token_kind::end positioned just past the last
/// character. Throws compile_failure on a malformed literal or an unknown character.
std::vector<token> lex(std::string_view source);

}  // namespace baton::rules
