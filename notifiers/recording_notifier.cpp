#include "notifiers/recording_notifier.hpp"

namespace baton::notifiers {

std::vector<notification> recording_notifier::sent() const {
  std::lock_guard lock(mutex_);
  return sent_;
}

std::size_t recording_notifier::count() const {
  std::lock_guard lock(mutex_);
  return count_;
}

void recording_notifier::clear() {
  std::lock_guard lock(mutex_);
  sent_.clear();
  count_ = 0;
}

delivery_result recording_notifier::do_deliver(const notification& n) {
  std::lock_guard lock(mutex_);
  ++count_;
  if (keep_) {
    sent_.push_back(n);
  }
  return delivery_result::ok();
}

}  // namespace baton::notifiers
