#pragma once
// Time is injected. The engine reads `now` from a clock once per operation and passes
// it down; only real_clock reads the operating system's wall clock. The monotonic clock
// is read only to bound real waits (the delivery pipeline's attempt deadlines).
#include "base/time.hpp"

namespace baton::engine {

class clock {
 public:
  virtual ~clock() = default;
  /// Wall time (UTC) for people, logs and deadlines.
  virtual timestamp now() const = 0;
};

/// The operating system's clock; used by `baton serve` and the CLI.
class real_clock final : public clock {
 public:
  timestamp now() const override;
};

/// A clock that moves only when told to: tests and the simulator. Never goes back.
class manual_clock final : public clock {
 public:
  explicit manual_clock(timestamp start) : now_(start) {}
  timestamp now() const override { return now_; }

  /// Moves to `t`; a `t` earlier than now is ignored, as timers must never replay.
  void set(timestamp t) noexcept {
    if (t > now_) {
      now_ = t;
    }
  }
  void advance(duration d) noexcept { set(now_ + d); }

 private:
  timestamp now_;
};

}  // namespace baton::engine
