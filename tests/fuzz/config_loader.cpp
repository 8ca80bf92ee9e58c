// Fuzz target: the configuration loader (config/load.hpp). Any text either loads or throws
// config_file::error; anything else escaping is a finding. Relative paths resolve against a
// directory that does not exist, so the fuzzer reads no files of ours by accident.
#include <cstdint>
#include <string>

#include "config/load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const sesmon::config_file::environment env{
        [](const std::string& name) -> std::optional<std::string> {
            if (name == "NCLOUD_ACCESS_KEY")
                return "AK-FUZZ";
            if (name == "NCLOUD_SECRET_KEY")
                return "SK-FUZZ";
            return std::nullopt;
        }};
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto cfg = sesmon::config_file::parse(text, "/nonexistent-fuzz-dir/config.yaml", env);
        if (cfg.clusters.empty() || cfg.notifiers.empty()) {
            __builtin_trap();  // a loaded configuration always has both
        }
    } catch (const sesmon::config_file::error& e) {
        if (e.issues().empty()) {
            __builtin_trap();
        }
    }
    return 0;
}
