#pragma once
// A small organisation and a running engine on a manual clock, a real SQLite file and a
// recording notifier: the parts every engine test needs.
#include <memory>
#include <string>

#include "config/loader.hpp"
#include "engine/engine.hpp"
#include "notifiers/recording_notifier.hpp"
#include "store/sqlite_store.hpp"
#include "tests/support/test_support.hpp"

namespace baton::test {

/// The YAML of "Testco": Europe/Berlin, Mon-Fri, holidays 2026-12-24/25/26 and
/// 2027-01-01. caio: ada > bob > cy, escalates to board (chair hal, member mo);
/// gc: gil > gus, escalates to board; bu_owner scoped: retail bea > ben, escalates to
/// caio; dpo: dan (no backup) escalates to gc. Rules: harm (threshold 6: bu_owner ->
/// caio + gc, board informed within 24h, target 24h), special (bu_owner -> dpo +
/// bu_owner, target 2 business days). `extra_people` and `extra_rules` are appended
/// to those lists (already indented as list items).
std::string testco_yaml(const std::string& extra_people = "", const std::string& extra_rules = "",
                        const std::string& extra_top = "");

timestamp at(const std::string& iso);  // parse_iso in Europe/Berlin

std::shared_ptr<const config::organisation> load_org(const temp_dir& dir, const std::string& yaml,
                                                     const std::string& name = "baton.yaml");

struct harness {
  explicit harness(const std::string& yaml = testco_yaml(), const std::string& start = "2026-11-23T09:00:00");
  /// Runs an organisation loaded from a file (e.g. examples/compel/baton.yaml).
  harness(const std::filesystem::path& config, const std::string& start);

  temp_dir dir;
  std::shared_ptr<const config::organisation> org;
  engine::manual_clock clock;
  std::unique_ptr<store::sqlite_store> db;
  notifiers::notifier_set notifiers;
  notifiers::recording_notifier* recorder = nullptr;  // stands in for every configured notifier
  std::unique_ptr<engine::engine> eng;

 private:
  void start_engine();
 public:

  /// Submits an event; fails the test when the engine refuses it.
  std::int64_t submit(const std::string& type, const std::string& system, const std::string& key,
                      rules::attributes attrs = {});
  void advance(duration d);                  // run_until(now + d)
  std::vector<std::string> accountable(std::int64_t id) const;  // role ids, sorted
  std::string paged(std::int64_t id, const std::string& role) const;  // person id or ""
  /// Pages sent so far (kind page) as "person@role".
  std::vector<std::string> pages() const;
  /// Log records of one kind.
  std::vector<store::log_record> records(const std::string& kind) const;
};

}  // namespace baton::test
