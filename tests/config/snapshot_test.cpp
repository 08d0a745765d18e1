// A configuration's files stored as one text and rebuilt from it (config/snapshot.hpp):
// what lets a restarted engine run an incident under the version it was opened with.
#include <catch2/catch.hpp>

#include "config/snapshot.hpp"
#include "tests/support/test_support.hpp"

using namespace baton;

namespace {

timestamp now() { return from_epoch_ms(1'795'435'200'000); }

// The diagnostics but those about secrets: a snapshot holds the configuration's files,
// not its secrets, so whether a token file is there depends on where it is rebuilt (the
// example's secrets exist once scripts/run.sh has made them).
std::size_t without_secrets(const config::load_result& r) {
  std::size_t n = 0;
  for (const auto& d : r.diagnostics.items()) {
    n += d.message.find("baton serve will refuse to start without it") == std::string::npos ? 1 : 0;
  }
  return n;
}

}  // namespace

TEST_CASE("the reference organisation rebuilt from its snapshot has its version and content", "[config]") {
  auto loaded = config::load(test::compel_config(), now());
  REQUIRE(loaded.org != nullptr);
  const auto& org = *loaded.org;
  CHECK(org.sources.size() == org.files.size());
  CHECK(org.sources.front().name == "baton.yaml");

  auto rebuilt = config::load_snapshot(config::snapshot_json(org), now());
  REQUIRE(rebuilt.org != nullptr);
  CHECK(rebuilt.org->version == org.version);
  CHECK(rebuilt.org->rules.size() == org.rules.size());
  CHECK(rebuilt.org->roles.size() == org.roles.size());
  CHECK(rebuilt.org->people.size() == org.people.size());
  CHECK(without_secrets(rebuilt) == without_secrets(loaded));
}

TEST_CASE("a snapshot keeps files included from above the root's folder", "[config]") {
  test::temp_dir dir;
  dir.write("shared/people.yaml",
            "people:\n  - {id: ada, name: Ada, contacts: [{notifier: log, address: a@x.example}]}\n");
  const auto root = dir.write("org/baton.yaml", R"(organisation: {name: Up, time_zone: UTC}
defaults: {governance_owner: caio}
routing: {default_role: caio}
notifiers: [{id: log, type: jsonl_file, path: out.jsonl}]
include: [../shared/people.yaml]
roles: [{id: caio, title: Chief AI Officer, primary: ada}]
)");
  config::load_options options;
  options.include_root = dir.path();
  auto loaded = config::load(root, now(), options);
  for (const auto& d : loaded.diagnostics.items()) {
    UNSCOPED_INFO(config::to_string(d));
  }
  REQUIRE(loaded.org != nullptr);
  REQUIRE(loaded.org->sources.size() == 2);
  CHECK(loaded.org->sources[1].name == "../shared/people.yaml");
  auto rebuilt = config::load_snapshot(config::snapshot_json(*loaded.org), now());
  REQUIRE(rebuilt.org != nullptr);
  CHECK(rebuilt.org->version == loaded.org->version);
  CHECK(rebuilt.org->find_person("ada") != nullptr);
}

TEST_CASE("a text that is not a snapshot rebuilds nothing and says why", "[config]") {
  for (const char* bad : {"", "not json", "[]", R"({"files": []})", R"({"files": [{"name": "/etc/x", "text": ""}]})",
                          R"({"files": [{"name": "baton.yaml"}]})", R"({"files": [{"name": "", "text": "a: 1"}]})"}) {
    auto r = config::load_snapshot(bad, now());
    INFO(bad);
    CHECK(r.org == nullptr);
    REQUIRE_FALSE(r.diagnostics.items().empty());
    CHECK_THAT(config::to_string(r.diagnostics.items().front()), Catch::Contains("cannot be rebuilt"));
  }
}

TEST_CASE("a rebuilt configuration's notifier paths are relative, for the real folder to resolve", "[config]") {
  auto loaded = config::load(test::compel_config(), now());
  REQUIRE(loaded.org != nullptr);
  const auto* live = loaded.org->find_notifier("file");
  REQUIRE(live != nullptr);
  CHECK(std::filesystem::path(live->settings.at("path")).is_absolute());
  auto rebuilt = config::load_snapshot(config::snapshot_json(*loaded.org), now());
  REQUIRE(rebuilt.org != nullptr);
  const auto* file = rebuilt.org->find_notifier("file");
  REQUIRE(file != nullptr);
  // Not a path into the scratch folder the snapshot was loaded from (gone by now).
  CHECK(std::filesystem::path(file->settings.at("path")).is_relative());
  CHECK(test::compel_config().parent_path() / file->settings.at("path") == std::filesystem::path(live->settings.at("path")));
  CHECK(rebuilt.org->version == loaded.org->version);
}
