#pragma once
// event_id: the stable identity of an event (SPEC §5). The hex SHA-256 of the fields that
// identify one logical event, so that the same event computed again (after a retry, a
// restart or a reload) has the same id, and two different events never share one.
// Pure and thread-safe.
#include <cstdint>
#include <string>

#include "sesmon/event.hpp"

namespace sesmon::monitor {

// The identifying fields. Empty strings / 0 where a field does not apply (no node for
// upgrade_started, no upgrade for monitor_blind, episode 0 for non-episodic events).
struct event_key {
    std::string instance_no;     // the cluster (serviceGroupInstanceNo)
    std::string action_date;     // upgrade identity: actionDate as received
    std::string target_version;  // upgrade identity: targetVersionCode
    event_type type = event_type::upgrade_started;
    std::string hostname;
    std::string status;         // the node status a node_changed event moved to
    std::uint64_t episode = 0;  // stall / blind episode number; node_changed: change number
};

// Lower-case hex SHA-256 of a versioned, length-prefixed encoding of `key`
// ("<len>:<bytes>" per field), so that no two different keys encode alike.
std::string make_event_id(const event_key& key);

}  // namespace sesmon::monitor
