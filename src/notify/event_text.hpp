#pragma once
// Human wording shared by the chat and log formats.
#include <optional>
#include <string>
#include <string_view>

#include "sesmon/event.hpp"
#include "sesmon/time.hpp"

namespace sesmon::notify {

// A Slack emoji short code that fits the event, e.g. ":warning:".
std::string_view event_emoji(sesmon::event_type type);

// How long the node (or the cluster) has been stuck: the stall's duration, else the time
// from the node's status_since to the event. nullopt when neither is known, and for
// node_changed (whose status began at the event).
std::optional<sesmon::duration> stuck_for(const sesmon::event& e);

// "2140 → 2150" (or just the one known version); "" without upgrade info.
std::string version_text(const sesmon::event& e);

// "3/8" nodes complete; "" without upgrade info.
std::string progress_text(const sesmon::event& e);

// The cluster's own view on an event that carries it (stall.cluster, SPEC §16):
// "yellow; shards 2 initializing, 0 relocating, 5 unassigned; 3 recoveries 41% done", or
// "unavailable: <why>"; "" when the event has none.
std::string cluster_view_text(const sesmon::event& e);

}  // namespace sesmon::notify
