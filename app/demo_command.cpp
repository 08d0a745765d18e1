// `baton demo`: a short, scripted run of the real engine on a virtual clock against a
// configuration, writing a real SQLite log, so a newcomer sees routing, a threshold
// firing, joint accountability, a timeout paging the backup, engagement latency and a
// verified log in a few seconds. `baton simulate` will replace it for real exercises.
#include <boost/json.hpp>
#include <fmt/format.h>

#include <exception>
#include <fstream>
#include <sstream>

#include "app/commands.hpp"
#include "base/text.hpp"
#include "config/loader.hpp"
#include "engine/engine.hpp"
#include "engine/holder_resolver.hpp"
#include "notifiers/notification_json.hpp"
#include "notifiers/recording_notifier.hpp"
#include "store/audit_log.hpp"
#include "store/sqlite_store.hpp"
#include "store/writer_lock.hpp"

namespace baton::app {
namespace json = boost::json;
namespace {

// The details worth a glance in a one-line timeline entry.
std::string summarise(const std::string& details) {
  static constexpr std::string_view keys[] = {"type",   "rule",  "role",    "holder", "rung",   "person",
                                              "before", "after", "latency", "reason", "target", "state"};
  auto v = json::parse(details);
  std::string out;
  for (auto k : keys) {
    if (const auto* f = v.as_object().if_contains(k)) {
      if (f->is_string() && f->as_string().empty()) {
        continue;
      }
      out += fmt::format(" {}={}", k, f->is_string() ? std::string{f->as_string()} : json::serialize(*f));
    }
  }
  return out;
}

// Picks a system for the demo: one with a vendor model if any, else the first.
const config::ai_system* pick_system(const config::organisation& org) {
  for (const auto& s : org.systems) {
    if (!s.vendor.empty()) {
      return &s;
    }
  }
  return org.systems.empty() ? nullptr : &org.systems.front();
}

}  // namespace

namespace {

// The demo starts from an empty log, so it removes an earlier demo's database first;
// it must never remove anything else a mistyped --db names.
bool replaceable(const std::filesystem::path& db, std::string& why) {
  std::error_code ec;
  auto status = std::filesystem::symlink_status(db, ec);
  if (ec || !std::filesystem::exists(status)) {
    return true;
  }
  if (!std::filesystem::is_regular_file(status)) {
    why = "it is not a regular file";
    return false;
  }
  std::ifstream in(db, std::ios::binary);
  char header[16] = {};
  in.read(header, sizeof header);
  if (in.gcount() != sizeof header || std::string_view(header, sizeof header) != std::string_view("SQLite format 3\0", 16)) {
    why = "it is not a SQLite database";
    return false;
  }
  return true;
}

int run_demo(const demo_options& o, std::ostream& out, std::ostream& err) {
  std::shared_ptr<const config::organisation> org;
  {
    // Only errors stop the demo; gap warnings (judged at `now`) are validate's business,
    // so any fixed instant will do here.
    auto probe = config::load(o.config, timestamp{}, config::load_options{o.include_root});
    if (!probe.org) {
      for (const auto& d : probe.diagnostics.items()) {
        err << config::to_string(d) << '\n';
      }
      err << "baton demo: the configuration is invalid\n";
      return 2;
    }
    org = probe.org;
  }
  timestamp start = *parse_iso("2026-11-23T09:00:00", org->zone);
  if (o.start) {
    auto parsed = parse_iso(*o.start, org->zone);
    if (!parsed) {
      err << fmt::format("baton demo: --start \"{}\" is not an ISO 8601 time\n", *o.start);
      return 2;
    }
    start = *parsed;
  }
  // The demo runs a few virtual hours; every instant it logs must be one baton can
  // write back as a four-digit year.
  if (!checked_add(start, std::chrono::days{7})) {
    err << fmt::format("baton demo: --start \"{}\" is too close to the end of year 9999 for the demo to run\n",
                       *o.start);
    return 2;
  }
  const auto* system = pick_system(*org);
  if (system == nullptr) {
    err << "baton demo: the configuration has no AI systems\n";
    return 2;
  }

  if (std::string why; !replaceable(o.db, why)) {
    err << fmt::format("baton demo: refusing to replace {}: {}; name a new file or an earlier demo's database\n",
                       o.db.string(), why);
    return 2;
  }
  std::unique_ptr<store::writer_lock> lock;
  std::unique_ptr<store::sqlite_store> st;
  try {
    // Before anything is replaced: another process may be running on this file.
    lock = std::make_unique<store::writer_lock>(o.db);
    std::filesystem::remove(o.db);
    st = std::make_unique<store::sqlite_store>(o.db);
  } catch (const std::exception& e) {
    err << "baton demo: " << e.what() << '\n';
    return 2;
  }
  // Every configured notifier is replaced by a recorder: a demo pages nobody.
  notifiers::notifier_set notifiers;
  std::vector<notifiers::recording_notifier*> recorders;
  for (const auto& n : org->notifiers) {
    auto r = std::make_unique<notifiers::recording_notifier>(n.id);
    recorders.push_back(r.get());
    notifiers.add(std::move(r));
  }
  engine::manual_clock clock(start);
  engine::engine eng(clock, *st, notifiers, org);

  out << fmt::format("baton demo: {} (config {}), virtual clock from {}, log in {}\n\n", org->name, org->version,
                     engine::format_local(start, org->zone), o.db.string());

  auto submit = [&](engine::event e) -> std::int64_t {
    auto r = eng.submit(e, "demo");
    if (!r) {
      err << "baton demo: " << r.error().message << '\n';
      return 0;
    }
    return r->incident_id;
  };
  // 1. A monitor reports an anomaly: routed to the system's business-unit AI owner.
  engine::event anomaly;
  anomaly.type = "anomaly";
  anomaly.system = system->id;
  anomaly.severity = "high";
  anomaly.summary = "Answers cite policies that do not exist";
  anomaly.source = "monitoring";
  anomaly.dedup_key = "demo-hallucination";
  const auto id = submit(anomaly);
  // 2. Five minutes later it turns out customers were harmed: threshold 6 moves
  //    accountability to the CAIO and General Counsel jointly, and the Board is told.
  engine::run_until(clock, eng, start + std::chrono::minutes{5});
  engine::event update = anomaly;
  update.type = "incident_update";
  update.summary = "Customers acted on invented policy terms";
  update.attrs = {{"customer_harm", true}};
  submit(update);
  // 3. Nobody acknowledges for a while: timeouts page the next holders.
  engine::run_until(clock, eng, start + std::chrono::minutes{32});
  // 4. Whoever holds the first accountable role now acknowledges; the others keep paging.
  auto accountable = eng.accountable(id);
  if (!accountable.empty() && accountable.front()->paged != nullptr) {
    (void)eng.acknowledge(id, accountable.front()->paged->id);
  }
  engine::run_until(clock, eng, start + std::chrono::minutes{50});
  for (const auto* esc : eng.accountable(id)) {
    if (esc->state == engine::escalation_state::paging && esc->paged != nullptr) {
      (void)eng.acknowledge(id, esc->paged->id);
    }
  }
  engine::run_until(clock, eng, start + std::chrono::hours{2});
  (void)eng.resolve(id, "demo", "policy answers disabled; customers contacted");

  out << "timeline (audit log):\n";
  st->read_log({}, [&](const store::log_record& r) {
    out << fmt::format("  #{:<3} {} {:<22}{}\n", r.seq, engine::format_local(r.at, org->zone).substr(11), r.kind,
                       summarise(r.details));
  });
  out << "\nlatency (trigger -> engaged):\n";
  for (const auto& [rule, s] : eng.latency_by_rule()) {
    out << fmt::format("  rule {:<10} count {} median {} max {} breaches {}\n", rule, s.count,
                       format_duration(s.median), format_duration(s.max), s.breaches);
  }
  for (const auto& [role, s] : eng.latency_by_role()) {
    out << fmt::format("  role {:<10} count {} median {} max {}\n", role, s.count, format_duration(s.median),
                       format_duration(s.max));
  }
  std::size_t sent = 0;
  std::ofstream jsonl;
  if (o.notifications) {
    jsonl.open(*o.notifications);
  }
  for (auto* r : recorders) {
    sent += r->count();
    if (jsonl) {
      for (const auto& n : r->sent()) {
        jsonl << notifiers::to_json_text(n) << '\n';
      }
    }
  }
  auto v = store::verify(*st);
  out << fmt::format("\nnotifications sent: {}; unowned: {}; log: {} records, {}\n", sent, eng.totals().unowned,
                     v.records, v.ok ? "chain verified" : "CHAIN BROKEN: " + v.reason);
  out << fmt::format("inspect it: baton log verify --db {} ; baton log export --db {} --format csv\n", o.db.string(),
                     o.db.string());
  return v.ok ? 0 : 1;
}

}  // namespace

int demo_command(const demo_options& o, std::ostream& out, std::ostream& err) {
  // Names, summaries and reasons in the demo's output come from the configuration:
  // collected, then escaped once on their way to the terminal.
  std::ostringstream text;
  std::ostringstream errors;
  int status = run_demo(o, text, errors);
  out << printable_text(text.str());
  err << printable_text(errors.str());
  return status;
}

}  // namespace baton::app
