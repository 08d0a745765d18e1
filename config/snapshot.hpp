#pragma once
// A configuration's files as one JSON text, and the configuration rebuilt from it. The
// engine stores every version it loads this way, so that after a restart an incident
// opened under an older version keeps that version's rules and ladders.
#include <string>
#include <string_view>

#include "config/loader.hpp"

namespace baton::config {

/// {"files": [{"name": "baton.yaml", "text": "..."}, ...]}: `org.sources`, root first.
std::string snapshot_json(const organisation& org);

/// Loads the configuration a snapshot_json() text holds, exactly as from its files
/// (same version, same diagnostics). A text that is not such a snapshot, or names a
/// file outside the tree it describes, gives a diagnostic and no organisation.
load_result load_snapshot(std::string_view json, timestamp now);

}  // namespace baton::config
