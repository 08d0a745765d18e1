// libFuzzer's entry for the scenario loader and the simulator; the input format and the
// invariants checked are in fuzz/scenario_target.cpp.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  baton::fuzz::scenario_one_input({reinterpret_cast<const char*>(data), size});
  return 0;
}
