#pragma once
// group_codec: how an HA group's state is laid out in etcd (SPEC §11) — keys under the
// group's prefix and the JSON of their values. Pure, no I/O; shared by etcd_store (the
// leader writes) and group_mirror (every member reads).
//
//   {prefix}/leader                     the leading member's name (held by its lease)
//   {prefix}/clusters/{instance_no}     {"format":1,"name":...,"state":{cluster_state JSON},
//                                        "history_id":... (its upgrade's, when it has one)}
//   {prefix}/events/{seq, 20 digits}    {"format":1,"stored_at":unix,"event":{event_codec},
//                                        "deliveries":[{"notifier","status","attempts",
//                                        "next_attempt","last_error","updated_at"}]}
//
// One event key holds the event and its outbox rows (one per notifier), so that a commit
// costs one etcd operation per event and a delivery result rewrites one key. The sequence
// number orders the outbox (keys sort as numbers: zero-padded).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/records.hpp"

namespace sesmon::state::group {

struct keys {
    std::string prefix;  // e.g. "/ses-upgrade-monitor/default" (no trailing '/')

    std::string leader() const { return prefix + "/leader"; }
    std::string clusters() const { return prefix + "/clusters/"; }
    std::string cluster(std::string_view instance_no) const;
    std::string events() const { return prefix + "/events/"; }
    std::string event(std::int64_t seq) const;

    // What a key under the prefix is.
    struct parsed {
        enum class kind { leader, cluster, event, other };
        kind what = kind::other;
        std::string instance_no;  // cluster
        std::int64_t seq = 0;     // event
    };
    parsed parse(std::string_view key) const;
};

// One notifier's outbox row inside an event key.
struct delivery {
    std::string notifier;
    delivery_status status = delivery_status::pending;
    int attempts = 0;
    std::optional<wall_time> next_attempt;
    std::string last_error;
    wall_time updated_at{};
    friend bool operator==(const delivery&, const delivery&) = default;
};

struct stored_event {
    std::int64_t seq = 0;  // from the key
    sesmon::event event;
    wall_time stored_at{};
    std::vector<delivery> deliveries;
    // Every delivery delivered or dead (or none to make): nothing left to do for it.
    bool finished() const;
    // When it finished: the last delivery's update, or stored_at.
    wall_time finished_at() const;
    friend bool operator==(const stored_event&, const stored_event&) = default;
};

std::string encode_cluster(const cluster_record& c);
// nullopt (with the reason in `error`) for anything encode_cluster did not write, or a
// state written for another instance than `instance_no`.
std::optional<cluster_record> decode_cluster(std::string_view instance_no, std::string_view text,
                                             std::string& error);

std::string encode_event(const stored_event& e);
std::optional<stored_event> decode_event(std::int64_t seq, std::string_view text,
                                         std::string& error);

}  // namespace sesmon::state::group
