#pragma once
// Small text helpers shared by the config loader and the rule compiler.
#include <cstddef>
#include <string_view>

namespace baton {

/// Levenshtein distance between two short strings: how "did you mean" suggestions
/// decide that "cio" is a typo of "caio" or "event.atrs" of "event.attrs".
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace baton
