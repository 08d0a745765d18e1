#include "notifiers/notifier.hpp"

#include <exception>

namespace baton::notifiers {

std::string_view to_string(notification_kind k) noexcept {
  switch (k) {
    case notification_kind::page:
      return "page";
    case notification_kind::inform:
      return "inform";
    case notification_kind::reminder:
      return "reminder";
    case notification_kind::unowned:
      return "unowned";
    case notification_kind::breach:
      return "breach";
    case notification_kind::undeliverable:
      return "undeliverable";
  }
  return "?";
}

delivery_result notifier::deliver(const notification& n) noexcept {
  // The one boundary where a notifier's failure is caught: it becomes a permanent
  // failure with a reason, never an exception unwinding the engine.
  try {
    return do_deliver(n);
  } catch (const std::exception& e) {
    return delivery_result::fail(std::string{"notifier threw: "} + e.what());
  } catch (...) {
    return delivery_result::fail("notifier threw a non-standard exception");
  }
}

void notifier_set::add(std::unique_ptr<notifier> n) {
  auto id = n->id();
  by_id_[id] = std::move(n);
}

notifier* notifier_set::find(std::string_view id) const noexcept {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second.get();
}

}  // namespace baton::notifiers
