#include <boost/json.hpp>
#include <fmt/format.h>

#include "app/commands.hpp"
#include "base/text.hpp"
#include "config/loader.hpp"
#include "engine/holder_resolver.hpp"

namespace baton::app {
namespace json = boost::json;

int who_command(const who_options& o, timestamp now, std::ostream& out, std::ostream& err) {
  auto loaded = config::load(o.config, now, config::load_options{o.include_root});
  if (!loaded.org) {
    for (const auto& d : loaded.diagnostics.items()) {
      if (d.level == config::severity::error) {
        err << config::to_string(d) << '\n';
      }
    }
    err << "baton who: the configuration is invalid (run baton validate)\n";
    return 2;
  }
  const auto& org = *loaded.org;
  const auto* role = org.find_role(o.role);
  if (role == nullptr) {
    std::string known;
    for (const auto& r : org.roles) {
      known += (known.empty() ? "" : ", ") + r.id;
    }
    err << printable_text(fmt::format("baton who: unknown role \"{}\" (known roles: {})\n", o.role, known));
    return 2;
  }
  const config::ai_system* system = nullptr;
  if (!o.system.empty()) {
    system = org.find_system(o.system);
    if (system == nullptr) {
      err << printable_text(fmt::format("baton who: unknown system \"{}\"\n", o.system));
      return 2;
    }
  }
  timestamp at = now;
  if (o.at) {
    auto parsed = parse_iso(*o.at, org.zone);
    if (!parsed) {
      err << printable_text(
          fmt::format("baton who: --at \"{}\" is not an ISO 8601 time (e.g. 2026-03-04T09:00:00Z)\n", *o.at));
      return 2;
    }
    at = *parsed;
  }
  engine::ladder l = engine::build_ladder(org, *role, system);
  engine::resolution res = engine::resolve_from(org, l, 0, at, o.working_hours_only);

  if (o.format == "json") {
    const json::object j = engine::holder_json(org, *role, system, at, o.working_hours_only);
    out << valid_utf8(json::serialize(j)) << '\n';  // see validate_command.cpp
    return res.holder != nullptr ? 0 : 1;
  }

  // Built whole, then escaped once: names and reasons come from the configuration.
  std::string text;
  text += fmt::format("{} ({}) at {}{}\n", role->id, role->title, engine::format_local(at, org.zone),
                     system != nullptr ? fmt::format(" for system {} ({})", system->id, system->business_unit) : "");
  if (res.holder != nullptr) {
    text += fmt::format("holder: {} ({}){}\n", res.holder->id, res.holder->name,
                       res.as_role != role ? fmt::format(" as {}", res.as_role->id) : "");
  } else {
    text += "holder: nobody reachable\n";
  }
  text += "why: " + res.reason() + '\n';
  text += "ladder:\n";
  int n = 0;
  for (const auto& r : l.rungs) {
    auto a = engine::check_rung(org, r, at, o.working_hours_only);
    text += fmt::format("  {:>2}. {:<36} {}\n", ++n, engine::describe(r),
                       a.available ? (a.stand_in != nullptr ? "stood in for: " + a.reason : std::string{"available"})
                                   : a.reason);
  }
  out << printable_text(text);
  return res.holder != nullptr ? 0 : 1;
}

}  // namespace baton::app
