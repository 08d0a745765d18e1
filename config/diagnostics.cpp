#include "config/diagnostics.hpp"

#include <utility>

namespace baton::config {

void diagnostics::error(const mark& at, std::string message) {
  items_.push_back(diagnostic{severity::error, at, std::move(message)});
  ++errors_;
}

void diagnostics::warning(const mark& at, std::string message) {
  items_.push_back(diagnostic{severity::warning, at, std::move(message)});
}

std::string to_string(const diagnostic& d) {
  std::string out;
  if (!d.at.file.empty()) {
    out += d.at.file;
    if (d.at.line > 0) {
      out += ':' + std::to_string(d.at.line) + ':' + std::to_string(d.at.column);
    }
    out += ": ";
  }
  out += d.level == severity::error ? "error: " : "warning: ";
  out += d.message;
  return out;
}

}  // namespace baton::config
