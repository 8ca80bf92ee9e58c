#pragma once
// Virtual time for the simulator, and the time notations of scenarios and responses.
#include <optional>
#include <string>
#include <string_view>

#include "sesmon/clock.hpp"
#include "sesmon/time.hpp"

namespace sesmon::sim {

// KST, the zone of every date the API shows.
inline constexpr std::chrono::seconds kst_offset{9 * 3600};

// "2025-03-24 17:09:41" in KST.
std::string format_kst(wall_time t);

// A point in scenario time: "+90s" / "-33m48s" (offset from `start`), a plain duration
// "5m" (same as "+5m"), "yyyy-MM-dd HH:mm:ss" (KST) or RFC 3339. nullopt when unparsable.
std::optional<wall_time> parse_time_spec(std::string_view text, wall_time start);

// The simulator's clock: starts at `start`, runs at `scale` virtual seconds per real second
// (0 freezes it), and jumps forward on advance(). Reads real time from `real` (steady).
// Not thread-safe: the simulator is single-threaded.
class virtual_clock {
  public:
    virtual_clock(wall_time start, double scale, const sesmon::clock& real);
    wall_time now() const;
    void advance(duration d);
    double scale() const { return scale_; }
    // Everything advance() added so far.
    duration advanced() const { return advanced_; }

  private:
    wall_time start_;
    double scale_;
    const sesmon::clock& real_;
    steady_time real_start_;
    duration advanced_{};
};

}  // namespace sesmon::sim
