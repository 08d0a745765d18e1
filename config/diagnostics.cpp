#include "config/diagnostics.hpp"

#include <utility>

#include "base/text.hpp"

namespace baton::config {

void diagnostics::error(const mark& at, std::string message) {
  items_.push_back(diagnostic{severity::error, at, std::move(message)});
  ++errors_;
}

void diagnostics::warning(const mark& at, std::string message) {
  items_.push_back(diagnostic{severity::warning, at, std::move(message)});
}

std::string to_string(const mark& m) {
  std::string out = m.file;
  if (m.line > 0) {
    out += ':' + std::to_string(m.line) + ':' + std::to_string(m.column);
  }
  return out;
}

std::string to_string(const diagnostic& d) {
  // Messages quote the input they are about, which may hold terminal escapes or bytes
  // that are not UTF-8; this is where they meet the terminal.
  std::string out;
  if (!d.at.file.empty()) {
    append_printable(out, to_string(d.at));
    out += ": ";
  }
  out += d.level == severity::error ? "error: " : "warning: ";
  append_printable(out, d.message);
  return out;
}

}  // namespace baton::config
