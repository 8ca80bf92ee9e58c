// Fuzz target: the generic webhook body parser (notify/format_generic.hpp), which reads
// outbox files back. What it accepts must survive a round trip unchanged.
#include <cstdint>
#include <string_view>

#include "notify/format_generic.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sesmon::notify;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto event = parse_generic(text);
    if (!event)
        return 0;
    const std::string once = format_generic(*event);
    const auto again = parse_generic(once);
    if (!again || format_generic(*again) != once)
        __builtin_trap();
    return 0;
}
