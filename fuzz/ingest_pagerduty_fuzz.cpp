// libFuzzer's entry for POST /v2/enqueue (PagerDuty Events v2); the invariants
// are in fuzz/ingest_pagerduty_target.cpp.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  baton::fuzz::ingest_pagerduty_one_input({reinterpret_cast<const char*>(data), size});
  return 0;
}
