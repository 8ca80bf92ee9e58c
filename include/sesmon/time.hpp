#pragma once
// Time types used across the project. Wall-clock instants are UTC `sys_seconds` (the API's
// dates have one-second resolution); durations are milliseconds.
#include <chrono>

namespace sesmon {

using wall_time = std::chrono::sys_seconds;
using steady_time = std::chrono::steady_clock::time_point;
using duration = std::chrono::milliseconds;

}  // namespace sesmon
