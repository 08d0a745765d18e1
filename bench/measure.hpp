#pragma once
// What the benchmarks measure memory with: the process's resident set, as the kernel
// counts it (/proc/self/statm), so memory mapped apart from the heap counts too.
#include <unistd.h>

#include <cstddef>
#include <fstream>

namespace baton::bench {

inline std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t size = 0;
  std::size_t resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace baton::bench
