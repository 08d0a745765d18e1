// The delivery pipeline (notifiers/delivery_pipeline.hpp): every attempt started is
// answered once; a notifier that hangs or throws costs only its own deliveries. Waits
// are bounded and wait for an event, never for a time to pass; no test asserts a time.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <set>

#include "notifiers/delivery_pipeline.hpp"
#include "notifiers/recording_notifier.hpp"
#include "tests/notifiers/fake_notifiers.hpp"

using namespace baton;
using namespace std::chrono_literals;

namespace {

using steady = std::chrono::steady_clock;

std::shared_ptr<const notifiers::notification> message(const std::string& notifier, int i) {
  auto n = std::make_shared<notifiers::notification>();
  n->idempotency_key = notifier + "-" + std::to_string(i);
  n->notifier = notifier;
  n->person = "amara";
  n->subject = "[baton] incident " + std::to_string(i);
  return n;
}

notifiers::delivery to(const std::shared_ptr<notifiers::notifier_set>& set, const std::string& notifier,
                       std::uint64_t ticket, std::chrono::milliseconds timeout = 30s) {
  notifiers::delivery d;
  d.ticket = ticket;
  d.owner = set;
  d.target = set->find(notifier);
  d.message = message(notifier, static_cast<int>(ticket));
  d.attempt_timeout = timeout;
  return d;
}

// Takes outcomes until `tickets` are all answered or 20 s pass; each once.
std::map<std::uint64_t, notifiers::delivery_result> collect(notifiers::threaded_pipeline& p,
                                                            const std::set<std::uint64_t>& tickets) {
  std::map<std::uint64_t, notifiers::delivery_result> got;
  const auto until = steady::now() + 20s;
  while (got.size() < tickets.size() && steady::now() < until) {
    p.wait_done(until);
    for (auto& d : p.take_done()) {
      CHECK(tickets.contains(d.ticket));
      CHECK(got.emplace(d.ticket, std::move(d.result)).second);  // answered once
    }
  }
  return got;
}

}  // namespace

TEST_CASE("the inline pipeline answers each attempt at once, on the caller's thread", "[notifiers][pipeline]") {
  auto set = std::make_shared<notifiers::notifier_set>();
  auto rec = std::make_unique<notifiers::recording_notifier>("rec");
  auto* r = rec.get();
  set->add(std::move(rec));
  notifiers::inline_pipeline p;
  p.start(to(set, "rec", 1));
  p.start(to(set, "nowhere", 2));
  CHECK(r->sent().size() == 1);
  const auto done = p.take_done();
  REQUIRE(done.size() == 2);
  CHECK(done[0].ticket == 1);
  CHECK(done[0].result.status == notifiers::delivery_status::delivered);
  CHECK(done[1].result.status == notifiers::delivery_status::permanent);
  CHECK(done[1].result.reason == "notifier nowhere not configured");
  CHECK(p.take_done().empty());
}

TEST_CASE("the threaded pipeline answers every attempt once", "[notifiers][pipeline]") {
  auto set = std::make_shared<notifiers::notifier_set>();
  auto rec = std::make_unique<notifiers::recording_notifier>("rec");
  auto* r = rec.get();
  set->add(std::move(rec));
  set->add(std::make_unique<test::failing_notifier>("flaky", 3));
  set->add(std::make_unique<test::throwing_notifier>("broken"));
  std::atomic<int> woken{0};
  notifiers::threaded_pipeline p({}, [&] { ++woken; });
  std::set<std::uint64_t> tickets;
  for (std::uint64_t i = 1; i <= 300; ++i) {
    const char* name = i % 3 == 0 ? "rec" : i % 3 == 1 ? "flaky" : "broken";
    p.start(to(set, name, i));
    tickets.insert(i);
  }
  p.start(to(set, "nowhere", 301));
  tickets.insert(301);
  auto got = collect(p, tickets);
  REQUIRE(got.size() == tickets.size());
  CHECK(r->sent().size() == 100);
  int retried = 0;
  for (std::uint64_t i = 1; i <= 300; ++i) {
    const auto& result = got.at(i);
    if (i % 3 == 0) {
      CHECK(result.status == notifiers::delivery_status::delivered);
    } else if (i % 3 == 1) {
      retried += result.status == notifiers::delivery_status::retry ? 1 : 0;
    } else {
      CHECK(result.status == notifiers::delivery_status::permanent);
      CHECK(result.reason == "notifier threw: connection pool exhausted");
    }
  }
  CHECK(retried == 3);  // the flaky notifier's first three, whichever they were
  CHECK(got.at(301).reason == "notifier nowhere not configured");
  CHECK(woken.load() >= 1);
  CHECK(p.take_done().empty());
}

TEST_CASE("a notifier that hangs costs only its own deliveries", "[notifiers][pipeline]") {
  auto set = std::make_shared<notifiers::notifier_set>();
  auto hang = std::make_unique<test::hanging_notifier>("slow", 1);
  auto* slow = hang.get();
  set->add(std::move(hang));
  auto rec = std::make_unique<notifiers::recording_notifier>("fast");
  auto* fast = rec.get();
  set->add(std::move(rec));
  {
    notifiers::threaded_pipeline p;
    p.start(to(set, "slow", 1, 200ms));
    REQUIRE(slow->wait_entered(1, steady::now() + 10s));
    // While slow hangs, fast's deliveries go out, every one.
    std::set<std::uint64_t> tickets;
    for (std::uint64_t i = 2; i <= 51; ++i) {
      p.start(to(set, "fast", i));
      tickets.insert(i);
    }
    tickets.insert(1);
    // The hung attempt is answered `retry` once its deadline passes; the others as they
    // finish.
    auto got = collect(p, tickets);
    REQUIRE(got.size() == 51);
    CHECK(fast->sent().size() == 50);
    CHECK(got.at(1).status == notifiers::delivery_status::retry);
    CHECK(got.at(1).reason == "no answer within 200ms");
    CHECK(p.snapshot().hung == 1);
    // slow's lane carries on with a new thread: the next attempt (not hung) delivers.
    p.start(to(set, "slow", 52, 200ms));
    auto next = collect(p, {52});
    REQUIRE(next.size() == 1);
    CHECK(next.at(52).status == notifiers::delivery_status::delivered);
    // The hung call's late answer is dropped: ticket 1 is not answered twice.
    slow->release();
    REQUIRE(slow->wait_returned(steady::now() + 10s));
    p.start(to(set, "fast", 53));
    auto last = collect(p, {53});
    CHECK(last.size() == 1);
  }
}

TEST_CASE("a notifier with too many calls hung is answered retry at once", "[notifiers][pipeline]") {
  auto set = std::make_shared<notifiers::notifier_set>();
  auto hang = std::make_unique<test::hanging_notifier>("slow");
  auto* slow = hang.get();
  set->add(std::move(hang));
  {
    notifiers::threaded_pipeline::options o;
    o.workers_per_notifier = 1;
    o.max_hung_per_notifier = 2;
    o.shutdown_grace = 100ms;
    notifiers::threaded_pipeline p(o);
    p.start(to(set, "slow", 1, 100ms));
    CHECK(collect(p, {1}).at(1).reason == "no answer within 100ms");
    p.start(to(set, "slow", 2, 100ms));
    CHECK(collect(p, {2}).at(2).reason == "no answer within 100ms");
    CHECK(slow->entered() == 2);
    p.start(to(set, "slow", 3, 100ms));
    auto third = collect(p, {3});
    REQUIRE(third.size() == 1);
    CHECK(third.at(3).status == notifiers::delivery_status::retry);
    CHECK(third.at(3).reason == "notifier slow: 2 earlier attempts have not returned");
    CHECK(slow->entered() == 2);  // no third thread tied up
    // The pipeline goes while two calls hang: it does not wait for them.
  }
  slow->release();
  CHECK(slow->wait_returned(steady::now() + 10s));
}

TEST_CASE("a pipeline destroyed with attempts queued reports none of them", "[notifiers][pipeline]") {
  auto set = std::make_shared<notifiers::notifier_set>();
  auto hang = std::make_unique<test::hanging_notifier>("slow", 1);
  auto* slow = hang.get();
  set->add(std::move(hang));
  {
    notifiers::threaded_pipeline::options o;
    o.workers_per_notifier = 1;
    o.shutdown_grace = 100ms;
    notifiers::threaded_pipeline p(o);
    p.start(to(set, "slow", 1));
    REQUIRE(slow->wait_entered(1, steady::now() + 10s));
    p.start(to(set, "slow", 2));  // queued behind the hung one
  }
  slow->release();
  REQUIRE(slow->wait_returned(steady::now() + 10s));
  CHECK(slow->entered() == 1);  // the queued attempt never started: its row stays pending
}
