#pragma once
// Notifiers that misbehave on purpose, for the conformance suite and the delivery tests:
// one that fails a given number of times before it delivers, and one that throws.
#include <atomic>
#include <stdexcept>

#include "notifiers/notifier.hpp"

namespace baton::test {

/// Answers `retry` (or `permanent`) for the first `failures` deliveries, then delivers.
class failing_notifier final : public notifiers::notifier {
 public:
  failing_notifier(std::string id, int failures, bool permanent = false)
      : notifier(std::move(id)), failures_(failures), permanent_(permanent) {}
  int attempts() const noexcept { return attempts_; }

 protected:
  notifiers::delivery_result do_deliver(const notifiers::notification&) override {
    if (attempts_++ < failures_) {
      return permanent_ ? notifiers::delivery_result::fail("http 410") : notifiers::delivery_result::retry("http 503");
    }
    return notifiers::delivery_result::ok();
  }

 private:
  std::atomic<int> attempts_{0};
  int failures_;
  bool permanent_;
};

/// Throws from every delivery, as a notifier with a defect would.
class throwing_notifier final : public notifiers::notifier {
 public:
  explicit throwing_notifier(std::string id) : notifier(std::move(id)) {}

 protected:
  notifiers::delivery_result do_deliver(const notifiers::notification&) override {
    throw std::runtime_error("connection pool exhausted");
  }
};

}  // namespace baton::test
