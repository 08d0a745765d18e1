// What every notifier must do (notifiers/notifier.hpp): deliver a notification whole,
// with its idempotency key, answer with a classified result and never throw. Each real
// notifier runs this suite; the fakes the delivery tests use run it too, so that what
// they fake is what a notifier may do.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <set>

#include "notifiers/delivery_pipeline.hpp"
#include "notifiers/jsonl_file_notifier.hpp"
#include "notifiers/recording_notifier.hpp"
#include "tests/notifiers/fake_notifiers.hpp"
#include "tests/notifiers/sample_notification.hpp"
#include "tests/support/test_support.hpp"

using namespace baton;

namespace {

notifiers::notification sample(int i) {
  auto n = test::sample_notification();
  n.idempotency_key = "i7-e3-page-r0s1-amara-" + std::to_string(i);
  return n;
}

// Every notifier: delivered or a classified failure, never an exception, for any
// notification; and a repeat of the same key is a delivery like any other (dropping
// duplicates is the receiver's part).
void conforms(notifiers::notifier& target) {
  for (int i = 0; i < 3; ++i) {
    const auto r = target.deliver(sample(i));
    CHECK((r.status == notifiers::delivery_status::delivered || !r.reason.empty()));
  }
  const auto again = target.deliver(sample(0));
  CHECK((again.status == notifiers::delivery_status::delivered || !again.reason.empty()));
}

// Every notifier also runs on the service's pipeline, from threads other than the one
// that made it, several attempts at once: each attempt is answered once, classified.
void conforms_in_pipeline(std::unique_ptr<notifiers::notifier> target) {
  const std::string id = target->id();
  auto set = std::make_shared<notifiers::notifier_set>();
  set->add(std::move(target));
  notifiers::threaded_pipeline p;
  for (std::uint64_t i = 1; i <= 40; ++i) {
    notifiers::delivery d;
    d.ticket = i;
    d.owner = set;
    d.target = set->find(id);
    d.message = std::make_shared<const notifiers::notification>(sample(static_cast<int>(i % 5)));
    p.start(std::move(d));
  }
  std::set<std::uint64_t> answered;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  while (answered.size() < 40 && std::chrono::steady_clock::now() < until) {
    p.wait_done(until);
    for (const auto& d : p.take_done()) {
      CHECK(answered.insert(d.ticket).second);
      CHECK((d.result.status == notifiers::delivery_status::delivered || !d.result.reason.empty()));
    }
  }
  CHECK(answered.size() == 40);
}

}  // namespace

TEST_CASE("every notifier conforms on the service's delivery pipeline", "[notifiers][pipeline]") {
  test::temp_dir dir;
  conforms_in_pipeline(std::make_unique<notifiers::recording_notifier>("n"));
  conforms_in_pipeline(std::make_unique<notifiers::jsonl_file_notifier>("n", dir.path() / "out.jsonl"));
  conforms_in_pipeline(std::make_unique<test::failing_notifier>("n", 7));
  conforms_in_pipeline(std::make_unique<test::throwing_notifier>("n"));
  conforms_in_pipeline(std::make_unique<test::hanging_notifier>("n", 0));
  // 40 lines, each whole, though written from several threads.
  const auto text = test::read_file(dir.path() / "out.jsonl");
  std::size_t lines = 0;
  for (std::size_t from = 0; from < text.size(); ++lines) {
    const auto end = text.find('\n', from);
    REQUIRE(end != std::string::npos);
    CHECK(boost::json::parse(text.substr(from, end - from)).is_object());
    from = end + 1;
  }
  CHECK(lines == 40);
}

TEST_CASE("a notifier that hangs conforms once it answers", "[notifiers]") {
  test::hanging_notifier h("n", 0);
  conforms(h);
  CHECK(h.entered() == 4);
}

TEST_CASE("the recording notifier conforms and keeps each notification whole", "[notifiers]") {
  notifiers::recording_notifier r("n");
  conforms(r);
  const auto sent = r.sent();
  REQUIRE(sent.size() == 4);
  CHECK(sent[0].idempotency_key == sample(0).idempotency_key);
  CHECK(sent[0].body == sample(0).body);
  CHECK(sent[3].idempotency_key == sent[0].idempotency_key);
}

TEST_CASE("the JSON-lines file notifier conforms and writes one whole line per notification", "[notifiers]") {
  test::temp_dir dir;
  const auto path = dir.path() / "out.jsonl";
  {
    notifiers::jsonl_file_notifier f("n", path);
    conforms(f);
  }
  const auto text = test::read_file(path);
  std::size_t lines = 0;
  std::size_t from = 0;
  while (from < text.size()) {
    const auto end = text.find('\n', from);
    REQUIRE(end != std::string::npos);
    const auto doc = boost::json::parse(text.substr(from, end - from)).as_object();
    CHECK(doc.at("idempotency_key").as_string().starts_with("i7-e3-page-r0s1-amara-"));
    CHECK(doc.at("body").as_string() == sample(0).body);
    CHECK(doc.at("system_name").as_string() == sample(0).system_name);
    from = end + 1;
    ++lines;
  }
  CHECK(lines == 4);
}

TEST_CASE("a notifier that fails answers retry or permanent with a reason", "[notifiers]") {
  test::failing_notifier flaky("n", 2);
  conforms(flaky);
  CHECK(flaky.attempts() == 4);
  test::failing_notifier twice("n", 2);
  CHECK(twice.deliver(sample(0)).status == notifiers::delivery_status::retry);
  CHECK(twice.deliver(sample(0)).reason == "http 503");
  CHECK(twice.deliver(sample(0)).status == notifiers::delivery_status::delivered);
  test::failing_notifier gone("n", 1, true);
  const auto r = gone.deliver(sample(0));
  CHECK(r.status == notifiers::delivery_status::permanent);
  CHECK(r.reason == "http 410");
}

TEST_CASE("a notifier that throws costs only its own delivery: a permanent failure that says why", "[notifiers]") {
  test::throwing_notifier broken("n");
  conforms(broken);
  const auto r = broken.deliver(sample(0));
  CHECK(r.status == notifiers::delivery_status::permanent);
  CHECK(r.reason == "notifier threw: connection pool exhausted");
}

TEST_CASE("a file notifier that cannot write reports a failure instead of losing it silently", "[notifiers]") {
  if (!std::filesystem::exists("/dev/full")) {
    SUCCEED("no /dev/full here");
    return;
  }
  notifiers::jsonl_file_notifier full("n", "/dev/full");
  const auto r = full.deliver(sample(0));
  CHECK(r.status != notifiers::delivery_status::delivered);
  CHECK_FALSE(r.reason.empty());
}
