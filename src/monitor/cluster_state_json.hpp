#pragma once
// JSON form of cluster_state (RapidJSON), lossless: parse(serialize(s)) == s. Times are
// RFC 3339 UTC strings ("2026-11-26T20:01:02Z"). The document carries a format version;
// see docs/events.md ("State file") for the layout.
#include <optional>
#include <string>
#include <string_view>

#include "monitor/cluster_state.hpp"

namespace sesmon::monitor {

inline constexpr int cluster_state_format = 1;

// {"format": 1, "instance_no": ..., "upgrade": ..., "blind": ..., "emitted": [...], ...}
std::string to_json(const cluster_state& state, std::string_view instance_no);

struct parsed_cluster_state {
    std::string instance_no;
    cluster_state state;
};

// Parses what to_json wrote. nullopt (with a one-line reason in `error`) for anything else:
// invalid JSON, a missing or mistyped field, an unknown format version. Never throws.
std::optional<parsed_cluster_state> cluster_state_from_json(std::string_view text,
                                                            std::string& error);

}  // namespace sesmon::monitor
