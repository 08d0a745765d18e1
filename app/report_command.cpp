// `baton report latency`: escalation latency per rule and per role, computed from the
// escalations a database holds, so it answers for a service's database and for a
// simulation's (`baton simulate --db`) alike. See docs/report.md.
#include <boost/json.hpp>
#include <fmt/format.h>

#include <map>

#include "app/commands.hpp"
#include "app/db_boundary.hpp"
#include "engine/latency.hpp"
#include "store/sqlite_store.hpp"

namespace baton::app {
namespace {
namespace json = boost::json;

// One rule's or role's figures.
struct figures {
  std::int64_t count = 0;          // escalations triggered in the range
  std::int64_t engaged = 0;        // of them, engaged
  engine::latency_stats latency;   // of the engaged ones
  std::int64_t breaches = 0;       // engaged late, or target passed unengaged
  std::int64_t decided = 0;        // with a target, engaged or past it
  std::int64_t within_target = 0;  // engaged by the target
};

using table = std::map<std::string, figures>;

void add(table& t, const std::string& key, const store::escalation_row& e) {
  auto& f = t[key];
  ++f.count;
  f.engaged += e.engaged_at ? 1 : 0;
  f.breaches += e.breached ? 1 : 0;
  if (e.target_at && (e.engaged_at || e.breached)) {
    ++f.decided;
    f.within_target += e.engaged_at && !e.breached ? 1 : 0;
  }
}

void fill_latency(table& t, const std::map<std::string, engine::latency_stats>& stats) {
  for (const auto& [key, s] : stats) {
    t[key].latency = s;
  }
}

std::string ms(duration d) { return std::to_string(d.count()); }

std::string share(const figures& f) {
  return f.decided == 0 ? "-" : fmt::format("{:.0f}%", 100.0 * static_cast<double>(f.within_target) /
                                                            static_cast<double>(f.decided));
}

void print_text(const table& t, std::string_view what, std::ostream& out) {
  out << fmt::format("by {}\n", what);
  out << fmt::format("  {:<24} {:>6} {:>8} {:>10} {:>10} {:>10} {:>9} {:>14}\n", what, "count", "engaged", "median",
                     "p90", "max", "breaches", "within target");
  for (const auto& [key, f] : t) {
    const bool any = f.engaged > 0;
    out << fmt::format("  {:<24} {:>6} {:>8} {:>10} {:>10} {:>10} {:>9} {:>14}\n", printable(key), f.count, f.engaged,
                       any ? format_duration(f.latency.median) : "-", any ? format_duration(f.latency.p90) : "-",
                       any ? format_duration(f.latency.max) : "-", f.breaches, share(f));
  }
}

json::array to_json(const table& t, std::string_view key_name) {
  json::array a;
  for (const auto& [key, f] : t) {
    json::object o;
    o[key_name] = key;
    o["count"] = f.count;
    o["engaged"] = f.engaged;
    if (f.engaged > 0) {
      o["median_ms"] = f.latency.median.count();
      o["p90_ms"] = f.latency.p90.count();
      o["max_ms"] = f.latency.max.count();
    } else {
      o["median_ms"] = nullptr;
      o["p90_ms"] = nullptr;
      o["max_ms"] = nullptr;
    }
    o["breaches"] = f.breaches;
    o["with_target_decided"] = f.decided;
    o["within_target"] = f.within_target;
    a.push_back(std::move(o));
  }
  return a;
}

void print_csv(const table& t, std::string_view group, std::ostream& out) {
  for (const auto& [key, f] : t) {
    // Keys are configuration ids (letters, digits, '_', '-', '.'), never quoted; an id
    // from a damaged file is written printable and quoted.
    std::string k = printable(key);
    if (k.find_first_of(",\"\n") != std::string::npos) {
      std::string q = "\"";
      for (char c : k) {
        q += c == '"' ? std::string("\"\"") : std::string(1, c);
      }
      k = q + "\"";
    }
    const bool any = f.engaged > 0;
    out << fmt::format("{},{},{},{},{},{},{},{},{},{}\n", group, k, f.count, f.engaged,
                       any ? ms(f.latency.median) : "", any ? ms(f.latency.p90) : "", any ? ms(f.latency.max) : "",
                       f.breaches, f.decided, f.within_target);
  }
}

}  // namespace

int report_latency_command(const report_latency_options& o, std::ostream& out, std::ostream& err) {
  constexpr std::string_view command = "report latency";
  if (o.format != "text" && o.format != "json" && o.format != "csv") {
    err << "baton report latency: --format must be text, json or csv\n";
    return 2;
  }
  return at_boundary(command, o.db, err, [&] {
    store::log_range range;
    if (o.since && !(range.since = parse_bound(*o.since))) {
      return bad_bound(err, command, "since", *o.since);
    }
    if (o.until && !(range.until = parse_bound(*o.until))) {
      return bad_bound(err, command, "until", *o.until);
    }
    auto st = store::sqlite_store::open_read_only(o.db);
    table by_rule;
    table by_role;
    engine::latency_book book;
    std::int64_t total = 0;
    for (const auto& e : st->escalations(0)) {
      if ((range.since && e.triggered_at < *range.since) || (range.until && e.triggered_at > *range.until)) {
        continue;
      }
      ++total;
      add(by_rule, e.rule.empty() ? "(routing)" : e.rule, e);
      add(by_role, e.role, e);
      if (e.engaged_at) {
        book.add({e.rule, e.role, *e.engaged_at - e.triggered_at, e.breached});
      }
    }
    fill_latency(by_rule, book.by_rule());
    fill_latency(by_role, book.by_role());
    if (o.format == "json") {
      json::object doc;
      doc["db"] = printable(o.db.string());
      doc["since"] = range.since ? json::value(format_iso(*range.since)) : json::value(nullptr);
      doc["until"] = range.until ? json::value(format_iso(*range.until)) : json::value(nullptr);
      doc["escalations"] = total;
      doc["by_rule"] = to_json(by_rule, "rule");
      doc["by_role"] = to_json(by_role, "role");
      out << json::serialize(doc) << '\n';
    } else if (o.format == "csv") {
      out << "group,key,count,engaged,median_ms,p90_ms,max_ms,breaches,with_target_decided,within_target\n";
      print_csv(by_rule, "rule", out);
      print_csv(by_role, "role", out);
    } else {
      out << fmt::format("escalation latency in {}: {} escalations{}{}\n", printable(o.db.string()), total,
                         range.since ? " from " + format_iso(*range.since) : "",
                         range.until ? " until " + format_iso(*range.until) : "");
      print_text(by_rule, "rule", out);
      print_text(by_role, "role", out);
      out << "latency = engaged - triggered, of the engaged ones (median and p90 nearest rank); within target: "
             "engaged by the target, of those with a target engaged or past it\n";
    }
    return 0;
  });
}

}  // namespace baton::app
