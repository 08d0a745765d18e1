#pragma once
// Problems found while loading configuration, each with its file:line:column.
#include <string>
#include <vector>

#include "config/organisation.hpp"

namespace baton::config {

enum class severity : std::uint8_t { error, warning };

struct diagnostic {
  config::severity level = severity::error;
  mark at;
  std::string message;  // what is wrong and what was expected
};

/// Collects every problem instead of stopping at the first, so one run of
/// `baton validate` shows them all.
class diagnostics {
 public:
  void error(const mark& at, std::string message);
  void warning(const mark& at, std::string message);

  bool has_errors() const noexcept { return errors_ > 0; }
  std::size_t error_count() const noexcept { return errors_; }
  std::size_t warning_count() const noexcept { return items_.size() - errors_; }
  const std::vector<diagnostic>& items() const noexcept { return items_; }

 private:
  std::vector<diagnostic> items_;
  std::size_t errors_ = 0;
};

/// "org.yaml:12:5" ("org.yaml" when the line is unknown).
std::string to_string(const mark& m);

/// "org.yaml:12:5: error: unknown role \"cio\" in escalates_to (known roles: ...)",
/// with control characters and bytes that are not UTF-8 escaped (printable()).
std::string to_string(const diagnostic& d);

}  // namespace baton::config
