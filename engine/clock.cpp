#include "engine/clock.hpp"

#include <chrono>

namespace baton::engine {

timestamp real_clock::now() const {
  // The only place baton reads the system clock.
  return std::chrono::time_point_cast<duration>(std::chrono::system_clock::now());
}

}  // namespace baton::engine
