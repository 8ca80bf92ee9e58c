// Fuzz target: the API error classifier (ncp/error_classifier.hpp) over any body, for the
// statuses that take different paths, with Retry-After and Date headers cut from the input.
#include <cstdint>
#include <string>
#include <string_view>

#include "ncp/error_classifier.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    // The first line, if short, doubles as the Retry-After and Date headers.
    const auto newline = input.find('\n');
    const std::string header(input.substr(0, newline == std::string_view::npos ? 0 : newline));
    const sesmon::http_headers headers{{"Retry-After", header}, {"Date", header}};
    const sesmon::wall_time now{std::chrono::seconds(1'795'723'262)};
    for (const int status : {200, 400, 401, 403, 404, 429, 500, 503, 302, 101}) {
        const auto error = sesmon::ncp::classify_response(status, headers, input, now);
        if (error && error->retry_after && error->retry_after->count() < 0) {
            __builtin_trap();
        }
    }
    return 0;
}
