#pragma once
// The store keeps times as whole seconds since the Unix epoch (INTEGER columns): the one
// conversion each way, and the wall clock read in that precision.
#include <chrono>
#include <cstdint>

#include "sesmon/time.hpp"

namespace sesmon::state {

inline std::int64_t unix_seconds(wall_time t) {
    return t.time_since_epoch().count();
}

inline wall_time from_unix(std::int64_t seconds) {
    return wall_time(std::chrono::seconds(seconds));
}

inline wall_time wall_now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace sesmon::state
