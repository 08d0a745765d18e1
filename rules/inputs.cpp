#include "rules/inputs.hpp"

namespace baton::rules {

const attribute_value* find_attribute(const attributes& attrs, std::string_view key) noexcept {
  for (const attribute& a : attrs) {
    if (a.key == key) {
      return &a.value;
    }
  }
  return nullptr;
}

}  // namespace baton::rules
