#pragma once
// group_codec: how an HA group's state is laid out in etcd (SPEC §11) — keys under the
// group's prefix and the JSON of their values. Pure, no I/O; shared by etcd_store (the
// leader writes), group_image (whoever reads) and group_mirror (every member follows).
//
//   {prefix}/leader                          the leading member's name (held by its lease)
//   {prefix}/clusters/{instance_no}          a cluster's head: {"format":2,"name":...,
//                                            "state":{cluster_state JSON without the nodes
//                                            and the emitted ids},"history_id":...,
//                                            "nodes":N,"emitted":[base,count]}
//   {prefix}/nodes/{instance_no}/{i:5}       node i of its upgrade (node_record JSON)
//   {prefix}/emitted/{instance_no}/{c:10}    emitted ids at absolute positions
//                                            [32c, 32c+32): {"format":2,"from":p,"ids":[..]}
//   {prefix}/events/{seq:20}                 {"format":1,"stored_at":unix,"event":{...},
//                                            "deliveries":[{"notifier","status","attempts",
//                                            "next_attempt","last_error","updated_at"}]}
//   {prefix}/discovered/{instance_no}        one cluster of discovery's known set
//
// Why a cluster is split (SPEC §12, invariant 7: no record grows with time or events): a
// node change rewrites that node's key and the head, and appends to the last chunk of
// emitted ids, instead of rewriting every node and every id the upgrade emitted. The head
// is the cluster's commit point: it says how many node keys and which emitted ids belong to
// the cluster, so parts written without their head (a batch split over transactions, cut
// by a crash) are ignored, and a reader never sees half of one write. Emitted ids are
// numbered from the cluster's first (absolute positions): appending rewrites one chunk,
// dropping the oldest (the tracker's cap) deletes whole chunks below the window, and a new
// upgrade starts a new window at the next chunk boundary.
//
// One event key holds the event and its outbox rows (one per notifier), so that a commit
// costs one etcd operation per event and a delivery result rewrites one key. The sequence
// number orders the outbox (keys sort as numbers: zero-padded).
//
// Format 1 (releases before issue 22) kept the whole cluster_state in the head; it is read
// as a head whose record is complete, and rewritten as format 2 by the next write.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/records.hpp"

namespace sesmon::state::group {

// Emitted ids per chunk key.
inline constexpr std::int64_t ids_per_chunk = 32;

struct keys {
    std::string prefix;  // e.g. "/ses-upgrade-monitor/default" (no trailing '/')

    std::string all() const { return prefix + "/"; }
    std::string leader() const { return prefix + "/leader"; }
    std::string clusters() const { return prefix + "/clusters/"; }
    std::string cluster(std::string_view instance_no) const;
    std::string nodes(std::string_view instance_no) const;  // the prefix of its node keys
    std::string node(std::string_view instance_no, std::int64_t index) const;
    std::string emitted(std::string_view instance_no) const;  // the prefix of its chunks
    std::string chunk(std::string_view instance_no, std::int64_t chunk) const;
    std::string events() const { return prefix + "/events/"; }
    std::string event(std::int64_t seq) const;
    std::string discovered() const { return prefix + "/discovered/"; }
    std::string discovered(std::string_view instance_no) const;

    // What a key under the prefix is.
    struct parsed {
        enum class kind { leader, cluster, node, chunk, event, discovered, other };
        kind what = kind::other;
        std::string instance_no;  // cluster, node, chunk, discovered
        std::int64_t number = 0;  // node: its index; chunk: its number; event: its seq
    };
    parsed parse(std::string_view key) const;
};

// Where a cluster's parts are, as its head says.
struct cluster_layout {
    std::int64_t nodes = 0;          // node keys 0 .. nodes-1
    std::int64_t emitted_base = 0;   // absolute position of the first emitted id
    std::int64_t emitted_count = 0;  // ids from there
    friend bool operator==(const cluster_layout&, const cluster_layout&) = default;
};

struct cluster_head {
    // The state without its nodes and emitted ids (format 2), or whole (format 1).
    cluster_record record;
    cluster_layout layout;
    bool whole = false;  // format 1: nodes and ids are in `record`, there are no parts
};

// The head of `c` (its nodes and emitted ids left out) for `layout`.
std::string encode_head(const cluster_record& c, const cluster_layout& layout);
// nullopt (with the reason in `error`) for anything encode_head (or format 1) did not
// write, or a state written for another instance than `instance_no`.
std::optional<cluster_head> decode_head(std::string_view instance_no, std::string_view text,
                                        std::string& error);

std::string encode_node(const monitor::node_record& n);
std::optional<monitor::node_record> decode_node(std::string_view text, std::string& error);

struct emitted_chunk {
    std::int64_t from = 0;  // absolute position of ids[0]
    std::vector<std::string> ids;
    friend bool operator==(const emitted_chunk&, const emitted_chunk&) = default;
};
std::string encode_chunk(const emitted_chunk& c);
std::optional<emitted_chunk> decode_chunk(std::string_view text, std::string& error);

std::string encode_discovered(const discovered_record& d);
std::optional<discovered_record> decode_discovered(std::string_view instance_no,
                                                   std::string_view text, std::string& error);

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

std::string encode_event(const stored_event& e);
std::optional<stored_event> decode_event(std::int64_t seq, std::string_view text,
                                         std::string& error);

}  // namespace sesmon::state::group
