// libFuzzer's entry for the configuration loader and `baton validate`; the input format
// and the invariants checked are in fuzz/config_target.cpp.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  baton::fuzz::config_one_input({reinterpret_cast<const char*>(data), size});
  return 0;
}
