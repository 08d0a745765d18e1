// libFuzzer's entry for `baton log verify` and `log export` on a damaged database; the
// input format and the invariants checked are in fuzz/log_target.cpp.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  baton::fuzz::log_one_input({reinterpret_cast<const char*>(data), size});
  return 0;
}
