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

enum class json_layout {
    pretty,   // indented (state files people read)
    compact,  // one line, no spaces (the HA group's records in etcd)
};

// {"format": 1, "instance_no": ..., "upgrade": ..., "blind": ..., "emitted": [...], ...}
std::string to_json(const cluster_state& state, std::string_view instance_no,
                    json_layout layout = json_layout::pretty);

// One node of an upgrade, compact: the object found in "upgrade.nodes" of to_json.
std::string node_to_json(const node_record& node);
// nullopt (with a one-line reason in `error`) for anything node_to_json did not write.
std::optional<node_record> node_from_json(std::string_view json, std::string& error);

struct parsed_cluster_state {
    std::string instance_no;
    cluster_state state;
};

// Parses what to_json wrote. nullopt (with a one-line reason in `error`) for anything else:
// invalid JSON, a missing or mistyped field, an unknown format version. Never throws.
std::optional<parsed_cluster_state> cluster_state_from_json(std::string_view text,
                                                            std::string& error);

}  // namespace sesmon::monitor
