// libFuzzer's entry for the rule compiler and evaluator; the input format and the
// invariants checked are in fuzz/rules_target.cpp.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  baton::fuzz::rules_one_input({reinterpret_cast<const char*>(data), size});
  return 0;
}
