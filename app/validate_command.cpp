#include "app/validate_command.hpp"

#include <boost/json.hpp>

#include <ostream>
#include <string>

#include "base/text.hpp"
#include "config/loader.hpp"

namespace baton::app {
namespace {

// "30/30 (100%)"; rounded down, so a gap never shows as 100%.
std::string ratio(int part, int whole) {
  std::string out = std::to_string(part) + "/" + std::to_string(whole);
  if (whole > 0) {
    out += " (" + std::to_string(part * 100 / whole) + "%)";
  }
  return out;
}

std::string plural(std::size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

void write_text(const config::load_result& result, std::ostream& out) {
  for (const auto& d : result.diagnostics.items()) {
    out << config::to_string(d) << '\n';
  }
  if (!result.diagnostics.items().empty()) {
    out << '\n';
  }
  const config::coverage& c = result.coverage;
  out << plural(result.diagnostics.error_count(), "error") << ", "
      << plural(result.diagnostics.warning_count(), "warning") << '\n';
  out << "activities with exactly one A: " << ratio(c.activities_with_one_accountable, c.activities) << '\n';
  out << "roles with primary and backup: " << ratio(c.roles_with_primary_and_backup, c.roles) << '\n';
  out << "holders accepted: " << ratio(c.holders_accepted, c.holders) << '\n';
  out << "holders trained: " << ratio(c.holders_trained, c.holders) << '\n';
  if (result.org) {
    out << "valid (version " << result.org->version << ")\n";
  } else {
    out << "invalid\n";
  }
}

void write_json(const config::load_result& result, std::ostream& out) {
  const config::coverage& c = result.coverage;
  boost::json::object doc;
  doc["valid"] = result.org != nullptr;
  if (result.org) {
    doc["version"] = result.org->version;
  } else {
    doc["version"] = nullptr;
  }
  doc["errors"] = diagnostics_json(result.diagnostics, config::severity::error);
  doc["warnings"] = diagnostics_json(result.diagnostics, config::severity::warning);
  doc["coverage"] = boost::json::object{
      {"activities", c.activities},
      {"activities_with_one_accountable", c.activities_with_one_accountable},
      {"roles", c.roles},
      {"roles_with_primary_and_backup", c.roles_with_primary_and_backup},
      {"holders", c.holders},
      {"holders_accepted", c.holders_accepted},
      {"holders_trained", c.holders_trained},
  };
  // The serialiser escapes control characters but copies other bytes as they are;
  // replacing those that are not UTF-8 afterwards touches only string contents, since
  // everything else it writes is ASCII.
  out << valid_utf8(boost::json::serialize(doc)) << '\n';
}

}  // namespace

boost::json::array diagnostics_json(const config::diagnostics& diags, config::severity level) {
  boost::json::array out;
  for (const auto& d : diags.items()) {
    if (d.level != level) {
      continue;
    }
    out.push_back(boost::json::object{
        {"file", d.at.file}, {"line", d.at.line}, {"column", d.at.column}, {"message", d.message}});
  }
  return out;
}

int validate_command(const std::filesystem::path& config, std::string_view format, timestamp now, std::ostream& out,
                     std::ostream& err, const config::load_options& options) {
  if (format != "text" && format != "json") {
    err << "baton validate: unknown format \"" << printable(format) << "\" (expected text or json)\n";
    return 2;
  }
  config::load_result result = config::load(config, now, options);
  if (format == "json") {
    write_json(result, out);
  } else {
    write_text(result, out);
  }
  return result.org ? 0 : 1;
}

}  // namespace baton::app
