// Fuzz target: the getRollingUpgradeProgress body parser (ncp/progress_parser.hpp) must take
// any bytes without crashing, and whatever it accepts must be a consistent snapshot.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ncp/progress_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    const auto result = sesmon::ncp::parse_progress(body, std::chrono::hours(9));
    if (result &&
        result->nodes.size() > static_cast<std::size_t>(sesmon::ncp::max_progress_nodes)) {
        std::abort();  // the documented cap
    }
    return 0;
}
