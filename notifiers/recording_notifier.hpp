#pragma once
// Keeps every notification in memory: tests, tabletop exercises and benchmarks read
// what was sent from here.
#include <mutex>
#include <vector>

#include "notifiers/notifier.hpp"

namespace baton::notifiers {

class recording_notifier final : public notifier {
 public:
  /// With keep == false only the count is kept (benchmarks).
  explicit recording_notifier(std::string id, bool keep = true) : notifier(std::move(id)), keep_(keep) {}

  std::vector<notification> sent() const;
  std::size_t count() const;
  void clear();

 protected:
  delivery_result do_deliver(const notification& n) override;

 private:
  mutable std::mutex mutex_;
  std::vector<notification> sent_;
  std::size_t count_ = 0;
  bool keep_;
};

}  // namespace baton::notifiers
