#pragma once
// anchored_clock: the wall time the trackers decide with (SPEC §4: a wall-clock step
// neither fires nor delays a stall or blind deadline). It is the wall time read once, when
// the clock is made, moved on by the monotonic clock only; a later step of the wall clock
// (NTP, an operator) does not move it. Made anew at every start of the daemon, so the stored
// times it produced are re-anchored to the real clock by a restart.
//
// Whole seconds, like every wall time here; steady_at() is exact for them, so a timer armed
// for a deadline fires when now() has reached it. Thread-compatible (const after making).
#include "sesmon/clock.hpp"
#include "sesmon/time.hpp"

namespace sesmon::monitor {

class anchored_clock {
  public:
    explicit anchored_clock(const sesmon::clock& clock)
        : clock_(clock), wall0_(clock.wall_now()), steady0_(clock.steady_now()) {}

    wall_time now() const {
        return wall0_ + std::chrono::floor<std::chrono::seconds>(clock_.steady_now() - steady0_);
    }
    // The monotonic instant at which now() reaches `t`.
    steady_time steady_at(wall_time t) const { return steady0_ + (t - wall0_); }

  private:
    const sesmon::clock& clock_;
    wall_time wall0_;
    steady_time steady0_;
};

}  // namespace sesmon::monitor
