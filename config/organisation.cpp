#include "config/organisation.hpp"

namespace baton::config {
namespace {

template <class T, class Index>
const T* find_in(const std::vector<T>& items, const Index& index, std::string_view id) noexcept {
  // An index of the same size as its vector was built after the vector's last growth;
  // the hit is still checked so an element replaced in place cannot be returned wrongly.
  if (!items.empty() && index.size() == items.size()) {
    auto it = index.find(id);
    if (it == index.end()) {
      return nullptr;
    }
    if (it->second < items.size() && items[it->second].id == id) {
      return &items[it->second];
    }
  }
  for (const auto& item : items) {
    if (item.id == id) {
      return &item;
    }
  }
  return nullptr;
}

template <class T, class Index>
void index_ids(const std::vector<T>& items, Index& index) {
  index.clear();
  index.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    // First definition wins, as in the scan; a duplicate leaves the index smaller than
    // the vector, which makes the lookups scan.
    index.emplace(items[i].id, i);
  }
}

}  // namespace

const person* organisation::find_person(std::string_view id) const noexcept {
  return find_in(people, people_index_, id);
}

const role* organisation::find_role(std::string_view id) const noexcept {
  return find_in(roles, roles_index_, id);
}

const business_unit* organisation::find_business_unit(std::string_view id) const noexcept {
  return find_in(business_units, business_units_index_, id);
}

const ai_system* organisation::find_system(std::string_view id) const noexcept {
  return find_in(systems, systems_index_, id);
}

const notifier_config* organisation::find_notifier(std::string_view id) const noexcept {
  return find_in(notifiers, notifiers_index_, id);
}

void organisation::build_indexes() {
  index_ids(people, people_index_);
  index_ids(roles, roles_index_);
  index_ids(business_units, business_units_index_);
  index_ids(systems, systems_index_);
  index_ids(notifiers, notifiers_index_);
}

std::string_view to_string(ingest_format f) noexcept {
  switch (f) {
    case ingest_format::native:
      return "native";
    case ingest_format::alertmanager:
      return "alertmanager";
    case ingest_format::pagerduty:
      return "pagerduty";
  }
  return "native";
}

}  // namespace baton::config
