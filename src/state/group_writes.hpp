#pragma once
// group_writes: what the leader writes to etcd for a cluster's new state, given what stands
// there (group_codec.hpp has the layout): only the parts that changed — the nodes whose
// record changed (last_seen alone is not a change: it moves on every poll), the chunks of
// emitted ids that gained ids, deletions of parts that left the window, and the head when
// it differs. Pure, no I/O.
#include <optional>
#include <string>
#include <vector>

#include "state/group_codec.hpp"

namespace sesmon::state::group {

// One operation of a transaction: a put (value set), or the deletion of [key, range_end)
// (range_end empty: of `key` alone).
struct write_op {
    std::string key;
    std::optional<std::string> value;
    std::string range_end;
    friend bool operator==(const write_op&, const write_op&) = default;
};

// A cluster as it stands in etcd: read (group_image), or as this leader last wrote it.
struct stored_cluster {
    cluster_record record;  // whole: its nodes and emitted ids included
    cluster_layout layout;
    std::string head;  // the head's value as it stands ("": unknown, rewrite it)
};

struct cluster_writes {
    std::vector<write_op> parts;   // nodes, chunks, deletions: to be written before the head
    std::optional<write_op> head;  // the commit point, written last; nullopt: unchanged
    stored_cluster after;          // what stands once they are written
};

// The writes that turn `before` (nullptr: nothing stored) into `next`. Within one plan no
// put falls into a deletion's range.
cluster_writes plan_writes(const keys& k, const stored_cluster* before, cluster_record next);

}  // namespace sesmon::state::group
