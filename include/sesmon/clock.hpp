#pragma once
// clock: where the current time comes from. Production code uses system_clock(); tests pass
// a manual clock they move by hand. Wall time is for persistence and payloads, steady time
// for timers and "how long" measurements.
#include "sesmon/time.hpp"

namespace sesmon {

class clock {
  public:
    virtual ~clock() = default;
    virtual wall_time wall_now() const = 0;
    virtual steady_time steady_now() const = 0;
};

// The real clocks. Thread-safe, stateless.
class system_clock final : public clock {
  public:
    wall_time wall_now() const override {
        return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    }
    steady_time steady_now() const override { return std::chrono::steady_clock::now(); }
};

// A clock that only moves when told to. Not thread-safe: tests own it.
class manual_clock final : public clock {
  public:
    explicit manual_clock(wall_time start) : wall_(start) {}
    wall_time wall_now() const override { return wall_; }
    steady_time steady_now() const override { return steady_; }
    void advance(duration d) {
        wall_ += std::chrono::duration_cast<std::chrono::seconds>(d);
        steady_ += d;
    }
    // The wall clock alone jumps (an NTP or manual step); steady time does not move.
    void step_wall(duration d) { wall_ += std::chrono::duration_cast<std::chrono::seconds>(d); }

  private:
    wall_time wall_;
    steady_time steady_{};
};

}  // namespace sesmon
