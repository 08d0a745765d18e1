#pragma once
// Notifiers that misbehave on purpose, for the conformance suite and the delivery tests:
// one that fails a given number of times before it delivers, one that hangs, and one that
// throws.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
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

/// Hangs inside its first `hangs` deliveries, as a notifier whose receiver accepts the
/// connection and never answers, until release(); then answers `delivered` (a late
/// answer the pipeline must drop). So that no test can hang for good, a hung call also
/// ends after `bound`. Later deliveries are delivered at once.
class hanging_notifier final : public notifiers::notifier {
 public:
  explicit hanging_notifier(std::string id, int hangs = 1'000'000,
                            std::chrono::milliseconds bound = std::chrono::seconds{30})
      : notifier(std::move(id)), hangs_(hangs), bound_(bound) {}

  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  /// Waits until `n` calls have begun (hung or not), or `until`.
  bool wait_entered(int n, std::chrono::steady_clock::time_point until) {
    std::unique_lock lock(mu_);
    return cv_.wait_until(lock, until, [&] { return entered_ >= n; });
  }
  /// Waits until every call begun has returned, or `until`.
  bool wait_returned(std::chrono::steady_clock::time_point until) {
    std::unique_lock lock(mu_);
    return cv_.wait_until(lock, until, [&] { return returned_ == entered_; });
  }
  int entered() const {
    std::lock_guard lock(mu_);
    return entered_;
  }

 protected:
  notifiers::delivery_result do_deliver(const notifiers::notification&) override {
    std::unique_lock lock(mu_);
    const bool hang = entered_++ < hangs_;
    cv_.notify_all();
    if (hang) {
      cv_.wait_for(lock, bound_, [&] { return released_; });
    }
    ++returned_;
    cv_.notify_all();
    return notifiers::delivery_result::ok();
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int entered_ = 0;
  int returned_ = 0;
  bool released_ = false;
  int hangs_;
  std::chrono::milliseconds bound_;
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
