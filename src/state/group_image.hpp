#pragma once
// group_image: an HA group's state assembled from its keys in etcd (layout:
// group_codec.hpp), as whoever reads it sees it — a new leader's paged read at takeover,
// and every member's mirror, which applies each change the group's watch brings. Pure,
// no I/O: feed it keys (put) and deletions (remove); ask it for the clusters (each
// assembled from its head, its node keys and its chunks of emitted ids), the events with
// their outbox rows, and discovery's known set.
//
// A cluster is what its head says: node keys and ids outside the head's layout (written by
// a transaction that did not reach its head) are ignored. A value that does not read is
// reported once through apply()'s `problem` and left out.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ha/etcd_types.hpp"
#include "state/group_codec.hpp"
#include "state/group_writes.hpp"

namespace sesmon::state {

class group_image {
  public:
    explicit group_image(std::string prefix);

    // A key's new value. What the key is; `problem` says why its value does not read
    // ("" when it does).
    group::keys::parsed put(const ha::key_value& kv, std::string& problem);
    // A key's deletion (a deleted range arrives from the watch key by key).
    group::keys::parsed remove(std::string_view key);

    // The cluster of `instance_no`, assembled; nullopt without a (readable) head.
    std::optional<group::stored_cluster> cluster(const std::string& instance_no) const;
    // Every instance that has a readable head.
    std::vector<std::string> instances() const;
    std::size_t cluster_count() const { return heads_.size(); }
    const std::map<std::int64_t, group::stored_event>& events() const { return events_; }
    const std::map<std::string, discovered_record>& discovered() const { return discovered_; }
    // The leader key, when there is one.
    const std::optional<ha::key_value>& leader() const { return leader_; }

    // The etcd revision everything up to which has been applied (set by the reader).
    std::int64_t revision = 0;

  private:
    struct head_entry {
        std::string raw;
        group::cluster_head head;
    };

    group::keys keys_;
    std::unordered_map<std::string, head_entry> heads_;
    std::unordered_map<std::string, std::map<std::int64_t, monitor::node_record>> nodes_;
    std::unordered_map<std::string, std::map<std::int64_t, group::emitted_chunk>> chunks_;
    std::map<std::int64_t, group::stored_event> events_;
    std::map<std::string, discovered_record> discovered_;
    std::optional<ha::key_value> leader_;
};

}  // namespace sesmon::state
