// libFuzzer's entry for POST /v1/integrations/alertmanager (Alertmanager's webhook payload); the invariants
// are in fuzz/ingest_alertmanager_target.cpp.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  baton::fuzz::ingest_alertmanager_one_input({reinterpret_cast<const char*>(data), size});
  return 0;
}
