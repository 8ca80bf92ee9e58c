#pragma once
// records: the values that go into and come out of the state store (SPEC §6). Plain data,
// no I/O; the storage format of each is the store's business (see schema.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "monitor/cluster_state.hpp"
#include "sesmon/event.hpp"
#include "sesmon/time.hpp"

namespace sesmon::state {

// One cluster's tracker state, as the tracker left it after a poll.
struct cluster_record {
    std::string instance_no;
    std::string name;
    monitor::cluster_state state;
    // The history id (upgrade_id) of state.upgrade, "" without one: the writer records that
    // upgrade's nodes in the history (history_writer::record_nodes). Not stored.
    std::string history_id = {};
};

// An event and the notifiers it goes to (the cluster's `notify` list after each notifier's
// `events` filter). The store writes one outbox row per notifier; an event that no notifier
// takes is still kept (history).
struct routed_event {
    sesmon::event event;
    std::vector<std::string> notifiers;
};

enum class delivery_status { pending, delivered, dead };

std::string_view to_string(delivery_status status);

// What became of one (notifier, event) delivery: an attempt failed and another is scheduled
// (pending), it was delivered, or it was given up (dead, with the reason in last_error).
struct delivery_update {
    std::string notifier;
    std::string event_id;
    delivery_status status = delivery_status::pending;
    int attempts = 0;
    std::optional<wall_time> next_attempt;
    std::string last_error;
    wall_time at{};
};

// An outbox row, as read back: the event with its delivery bookkeeping.
struct delivery_record {
    std::string notifier;
    std::int64_t sequence = 0;  // outbox order (submission order across all notifiers)
    sesmon::event event;
    delivery_status status = delivery_status::pending;
    int attempts = 0;
    std::optional<wall_time> next_attempt;
    std::string last_error;
    wall_time updated_at{};
};

// One cluster of discovery's known set (SPEC §10), kept so that a restarted daemon watches
// it before its first listing answers.
struct discovered_record {
    std::string instance_no;
    std::string region;       // the region whose list it was in
    std::string listed_name;  // clusterName as last listed
    std::string name;         // the label it is watched under ("" until assigned)
    int misses = 0;           // consecutive complete listings it was absent from
    friend bool operator==(const discovered_record&, const discovered_record&) = default;
};

// Everything one group of polls produced: the latest state of each changed cluster and the
// events that state records as emitted; and, when discovery's known set changed, the whole
// new set. The store commits a batch atomically: all or nothing survives a crash.
struct batch {
    std::vector<cluster_record> clusters;
    std::vector<routed_event> events;
    // Set: replaces the stored discovered set (the latest one queued wins). Unset: unchanged.
    std::optional<std::vector<discovered_record>> discovered;
    bool empty() const { return clusters.empty() && events.empty() && !discovered; }
};

// What the store held when it was opened: loaded once at start, before the event loop runs.
struct initial_state {
    std::vector<cluster_record> clusters;
    std::vector<delivery_record> pending;       // in outbox order
    std::vector<discovered_record> discovered;  // by instance_no
};

// Whether writes reach the disk. Degraded: the last commit failed or has been running too
// long; the daemon keeps polling and alerting from memory and the store keeps retrying.
struct store_health {
    bool degraded = false;
    std::string reason;  // one line, for STATUS=, /readyz and logs
    // The backend answers and refuses the writes (etcd's NOSPACE, a permission): worth an
    // alert (monitor_degraded) through the notifiers that still work, rather than a backend
    // that does not answer (the HA group's own rules cover that).
    bool refused = false;
    friend bool operator==(const store_health&, const store_health&) = default;
};

}  // namespace sesmon::state
