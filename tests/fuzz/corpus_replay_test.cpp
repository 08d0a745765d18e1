// Every input of fuzz/corpus/<target>/ through its fuzz target's entry point, in the
// ordinary build: the seeds, the inputs that widened coverage and every minimised
// finding (crash-*) must pass, so a fixed bug stays fixed. A broken invariant aborts
// the process (see fuzz/fuzz_support.hpp), which fails the test with the input's name
// in the INFO context.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "fuzz/fuzz_targets.hpp"
#include "tests/support/test_support.hpp"

namespace {

std::vector<std::filesystem::path> corpus(const std::string& target) {
  const auto dir = baton::test::source_dir() / "fuzz" / "corpus" / target;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

template <typename Entry>
void replay(const std::string& target, Entry entry) {
  const auto files = corpus(target);
  // An empty or missing folder would make this test pass without replaying anything.
  REQUIRE(files.size() >= 5);
  for (const auto& file : files) {
    INFO("fuzz/corpus/" << target << "/" << file.filename().string());
    const std::string data = baton::test::read_file(file);
    entry(data);
  }
  SUCCEED(files.size() << " inputs of fuzz/corpus/" << target << " replayed");
}

}  // namespace

TEST_CASE("the rules corpus replays without a broken invariant", "[fuzz]") {
  replay("rules", baton::fuzz::rules_one_input);
}

TEST_CASE("the config corpus replays without a broken invariant", "[fuzz]") {
  replay("config", baton::fuzz::config_one_input);
}

TEST_CASE("the scenario corpus replays without a broken invariant", "[fuzz]") {
  replay("scenario", baton::fuzz::scenario_one_input);
}

TEST_CASE("the log corpus replays without a broken invariant", "[fuzz]") {
  replay("log", baton::fuzz::log_one_input);
}

TEST_CASE("the ingest_native corpus replays without a broken invariant", "[fuzz]") {
  replay("ingest_native", baton::fuzz::ingest_native_one_input);
}

TEST_CASE("the ingest_alertmanager corpus replays without a broken invariant", "[fuzz]") {
  replay("ingest_alertmanager", baton::fuzz::ingest_alertmanager_one_input);
}

TEST_CASE("the ingest_pagerduty corpus replays without a broken invariant", "[fuzz]") {
  replay("ingest_pagerduty", baton::fuzz::ingest_pagerduty_one_input);
}
