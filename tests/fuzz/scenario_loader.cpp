// Fuzz target: the simulator's scenario loader (sim/scenario.hpp). Any text either loads or
// throws scenario_error.
#include <cstdint>
#include <string>

#include "sim/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const sesmon::wall_time now{std::chrono::seconds(1'795'723'262)};
    try {
        (void)sesmon::sim::parse_scenario(text, "fuzz.yaml", now);
    } catch (const sesmon::sim::scenario_error&) {
    }
    return 0;
}
