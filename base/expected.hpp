#pragma once
// A small expected<T, E> for domain functions where failure is normal (C++20 has no
// std::expected). Holds either a value or an error; access to the wrong side is a bug.
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace baton {

template <class E>
struct unexpected {
  E error;
};

template <class E>
unexpected(E) -> unexpected<E>;

template <class T, class E = std::string>
class expected {
 public:
  expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  template <class U>
  expected(unexpected<U> err) : v_(std::in_place_index<1>, E(std::move(err.error))) {}

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { assert(has_value()); return std::get<0>(v_); }
  const T& value() const& { assert(has_value()); return std::get<0>(v_); }
  T&& value() && { assert(has_value()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const& { assert(!has_value()); return std::get<1>(v_); }
  E& error() & { assert(!has_value()); return std::get<1>(v_); }

 private:
  std::variant<T, E> v_;
};

}  // namespace baton
