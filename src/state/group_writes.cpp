#include "state/group_writes.hpp"

#include <algorithm>

namespace sesmon::state::group {

namespace {

const std::vector<monitor::node_record>& nodes_of(const cluster_record& c) {
    static const std::vector<monitor::node_record> none;
    return c.state.upgrade ? c.state.upgrade->nodes : none;
}

// Equal but for last_seen, which every poll moves: not a reason to rewrite a node.
bool same_node(const monitor::node_record& a, const monitor::node_record& b) {
    monitor::node_record a_seen = a;
    a_seen.last_seen = b.last_seen;
    return a_seen == b;
}

std::int64_t chunk_of(std::int64_t position) {
    return position / ids_per_chunk;
}

void plan_nodes(const keys& k, const std::string& instance_no, const stored_cluster* before,
                const cluster_record& next, std::vector<write_op>& out, cluster_layout& layout) {
    const auto& now = nodes_of(next);
    const std::int64_t stored = before != nullptr ? before->layout.nodes : 0;
    const auto& then =
        before != nullptr ? nodes_of(before->record) : std::vector<monitor::node_record>{};
    const auto count = static_cast<std::int64_t>(now.size());
    for (std::int64_t i = 0; i < count; ++i) {
        const auto index = static_cast<std::size_t>(i);
        if (i < stored && index < then.size() && same_node(then[index], now[index]))
            continue;
        out.push_back({k.node(instance_no, i), encode_node(now[index]), {}});
    }
    if (stored > count)
        out.push_back({k.node(instance_no, count), std::nullopt, k.node(instance_no, stored)});
    layout.nodes = count;
}

// Where `ids` continues what is stored (the tracker appends, and drops its oldest past a
// cap): the number of stored ids dropped from the front, or nullopt when it does not
// continue it (a new upgrade cleared the list).
std::optional<std::size_t> continuation(const std::vector<std::string>& stored,
                                        const std::vector<std::string>& ids) {
    if (stored.empty())
        return 0;
    if (ids.empty())
        return std::nullopt;
    const auto first = std::find(stored.begin(), stored.end(), ids.front());
    if (first == stored.end())
        return std::nullopt;
    const auto dropped = static_cast<std::size_t>(first - stored.begin());
    const std::size_t kept = stored.size() - dropped;
    if (kept > ids.size() || !std::equal(first, stored.end(), ids.begin()))
        return std::nullopt;
    return dropped;
}

void plan_emitted(const keys& k, const std::string& instance_no, const stored_cluster* before,
                  const cluster_record& next, std::vector<write_op>& out, cluster_layout& layout) {
    const cluster_layout old = before != nullptr ? before->layout : cluster_layout{};
    const std::vector<std::string> none;
    const auto& stored =
        before != nullptr && old.emitted_count > 0 ? before->record.state.emitted : none;
    const auto& ids = next.state.emitted;
    const auto dropped = continuation(stored, ids);
    const std::int64_t old_end = old.emitted_base + old.emitted_count;
    std::int64_t base = 0;
    std::int64_t first_new = 0;  // absolute position of the first id to write
    if (dropped) {
        base = old.emitted_base + static_cast<std::int64_t>(*dropped);
        first_new = old_end;
    } else {
        // A new window, at the next chunk boundary: no chunk is shared with the old one.
        base = chunk_of(old_end + ids_per_chunk - 1) * ids_per_chunk;
        first_new = base;
    }
    const auto count = static_cast<std::int64_t>(ids.size());
    const std::int64_t end = base + count;
    if (old.emitted_count > 0 && chunk_of(old.emitted_base) < chunk_of(base))
        out.push_back({k.chunk(instance_no, chunk_of(old.emitted_base)), std::nullopt,
                       k.chunk(instance_no, chunk_of(base))});
    const std::int64_t first_chunk = chunk_of(first_new);
    const std::int64_t last_chunk = first_new < end ? chunk_of(end - 1) : first_chunk - 1;
    for (std::int64_t c = first_chunk; c <= last_chunk; ++c) {
        emitted_chunk chunk;
        chunk.from = std::max(c * ids_per_chunk, base);
        const std::int64_t to = std::min(c * ids_per_chunk + ids_per_chunk, end);
        chunk.ids.assign(ids.begin() + (chunk.from - base), ids.begin() + (to - base));
        out.push_back({k.chunk(instance_no, c), encode_chunk(chunk), {}});
    }
    layout.emitted_base = base;
    layout.emitted_count = count;
}

}  // namespace

cluster_writes plan_writes(const keys& k, const stored_cluster* before, cluster_record next) {
    cluster_writes out;
    const std::string instance_no = next.instance_no;
    cluster_layout layout;
    plan_nodes(k, instance_no, before, next, out.parts, layout);
    plan_emitted(k, instance_no, before, next, out.parts, layout);
    std::string head = encode_head(next, layout);
    if (before == nullptr || before->head != head)
        out.head = write_op{k.cluster(instance_no), head, {}};
    out.after = {std::move(next), layout, std::move(head)};
    return out;
}

}  // namespace sesmon::state::group
