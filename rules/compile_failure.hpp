#pragma once
// The first error found while lexing, parsing or type-checking a condition. Internal to
// the rules library: the recursive-descent stages throw it so that each of their many
// exit points stays one line, and compile() turns it into the compile_error it returns.
// Nothing outside compile() ever sees it.
#include <exception>
#include <string>
#include <utility>

#include "rules/condition.hpp"

namespace baton::rules {

class compile_failure : public std::exception {
 public:
  compile_failure(source_position at, std::string message)
      : error_{at, std::move(message)} {}

  const compile_error& error() const noexcept { return error_; }
  const char* what() const noexcept override { return error_.message.c_str(); }

 private:
  compile_error error_;
};

}  // namespace baton::rules
