#pragma once
// Keyed requests: the outcome of an operation stored by its caller's key, so that a
// retried request (a sender that timed out, a process restarted mid-stream) is answered
// as the first time and changes nothing.
#include <optional>
#include <string>
#include <string_view>

#include "engine/engine.hpp"

namespace baton::engine {

/// The outcome as JSON, for the requests table.
std::string encode_outcome(const outcome& o);

/// The outcome encode_outcome() wrote, with `replayed` set; nullopt for a text it did
/// not write.
std::optional<outcome> decode_outcome(std::string_view json);

}  // namespace baton::engine
