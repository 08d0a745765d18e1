#pragma once
// Names the calling thread ("baton-engine", "baton-http"): ps, top -H, perf and gdb show
// it, so a profile says which of the service's threads spends the time.
#include <string_view>

namespace baton {

/// At most 15 bytes are kept (the kernel's limit); longer names are cut.
void name_this_thread(std::string_view name) noexcept;

}  // namespace baton
