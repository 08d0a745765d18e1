#pragma once
// `baton validate`: loads a configuration, prints every error and gap with its
// file:line:column and the coverage figures, and says whether it is valid.
#include <filesystem>
#include <iosfwd>
#include <string_view>

#include <boost/json/array.hpp>

#include "base/time.hpp"
#include "config/loader.hpp"

namespace baton::app {

/// Validates the configuration rooted at `config` as of `now` (which decides expired
/// training). `format` is "text" (diagnostics, summary, then "valid" or "invalid") or
/// "json" (one object: valid, version, errors, warnings, coverage). Everything goes to
/// `out`; `err` only gets usage errors. Returns 0 when valid (warnings allowed), 1 when
/// invalid or unreadable, 2 for an unknown format.
/// The diagnostics of `level` as JSON objects: file, line, column, message.
boost::json::array diagnostics_json(const config::diagnostics& diags, config::severity level);

int validate_command(const std::filesystem::path& config, std::string_view format, timestamp now, std::ostream& out,
                     std::ostream& err, const config::load_options& options = {});

}  // namespace baton::app
