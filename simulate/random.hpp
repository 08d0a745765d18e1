#pragma once
// The simulator's randomness: a generator and transforms written out here rather than
// taken from <random>, whose distributions are implementation-defined. A seed (and a
// stream number, one per Monte Carlo run) then gives the same numbers on every build
// and whatever the number of threads.
#include <cstdint>

namespace baton::simulate {

/// xoshiro256** seeded through splitmix64: fast, 2^256 period, and independent streams
/// from (seed, stream) so run N draws the same numbers whichever thread runs it.
class rng {
 public:
  explicit rng(std::uint64_t seed, std::uint64_t stream = 0) noexcept;

  std::uint64_t next() noexcept;
  /// Uniform in [0, 1), 53 random bits.
  double uniform() noexcept;
  /// Uniform in (0, 1]: safe to take the logarithm of.
  double uniform_open_zero() noexcept;
  /// Standard normal (Box-Muller; one value per call, the pair's second is dropped so
  /// the sequence does not depend on call history).
  double normal() noexcept;

 private:
  std::uint64_t s_[4];
};

}  // namespace baton::simulate
