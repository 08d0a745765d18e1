#pragma once
// The notifier interface. Retries, backoff and dedup live in the delivery pipeline, not
// in each notifier; a notifier only tries once and classifies the outcome.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "notifiers/notification.hpp"

namespace baton::notifiers {

class notifier {
 public:
  virtual ~notifier() = default;

  /// Tries one delivery. Never throws: an exception from the implementation becomes a
  /// permanent failure whose reason is the exception's message.
  delivery_result deliver(const notification& n) noexcept;

  const std::string& id() const noexcept { return id_; }

 protected:
  explicit notifier(std::string id) : id_(std::move(id)) {}
  virtual delivery_result do_deliver(const notification& n) = 0;

 private:
  std::string id_;
};

/// Notifiers by configured id.
class notifier_set {
 public:
  void add(std::unique_ptr<notifier> n);
  notifier* find(std::string_view id) const noexcept;

 private:
  std::map<std::string, std::unique_ptr<notifier>, std::less<>> by_id_;
};

}  // namespace baton::notifiers
