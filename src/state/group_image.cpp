#include "state/group_image.hpp"

namespace sesmon::state {

using kind = group::keys::parsed::kind;

group_image::group_image(std::string prefix) : keys_{std::move(prefix)} {}

group::keys::parsed group_image::put(const ha::key_value& kv, std::string& problem) {
    problem.clear();
    auto parsed = keys_.parse(kv.key);
    switch (parsed.what) {
        case kind::leader:
            leader_ = kv;
            break;
        case kind::cluster:
            if (auto head = group::decode_head(parsed.instance_no, kv.value, problem)) {
                heads_[parsed.instance_no] = {kv.value, std::move(*head)};
            } else {
                heads_.erase(parsed.instance_no);
            }
            break;
        case kind::node:
            if (auto node = group::decode_node(kv.value, problem))
                nodes_[parsed.instance_no][parsed.number] = std::move(*node);
            break;
        case kind::chunk:
            if (auto chunk = group::decode_chunk(kv.value, problem))
                chunks_[parsed.instance_no][parsed.number] = std::move(*chunk);
            break;
        case kind::event:
            if (auto e = group::decode_event(parsed.number, kv.value, problem))
                events_[parsed.number] = std::move(*e);
            break;
        case kind::discovered:
            if (auto d = group::decode_discovered(parsed.instance_no, kv.value, problem))
                discovered_[parsed.instance_no] = std::move(*d);
            break;
        case kind::other:
            break;
    }
    return parsed;
}

group::keys::parsed group_image::remove(std::string_view key) {
    auto parsed = keys_.parse(key);
    const auto erase_in = [&](auto& by_instance) {
        const auto it = by_instance.find(parsed.instance_no);
        if (it == by_instance.end())
            return;
        it->second.erase(parsed.number);
        if (it->second.empty())
            by_instance.erase(it);
    };
    switch (parsed.what) {
        case kind::leader:
            leader_.reset();
            break;
        case kind::cluster:
            heads_.erase(parsed.instance_no);
            break;
        case kind::node:
            erase_in(nodes_);
            break;
        case kind::chunk:
            erase_in(chunks_);
            break;
        case kind::event:
            events_.erase(parsed.number);
            break;
        case kind::discovered:
            discovered_.erase(parsed.instance_no);
            break;
        case kind::other:
            break;
    }
    return parsed;
}

std::vector<std::string> group_image::instances() const {
    std::vector<std::string> out;
    out.reserve(heads_.size());
    for (const auto& [instance_no, entry] : heads_)
        out.push_back(instance_no);
    return out;
}

std::optional<group::stored_cluster> group_image::cluster(const std::string& instance_no) const {
    const auto head = heads_.find(instance_no);
    if (head == heads_.end())
        return std::nullopt;
    group::stored_cluster out{head->second.head.record, head->second.head.layout, head->second.raw};
    if (head->second.head.whole) {
        out.head.clear();  // format 1: rewritten whole by the next write
        out.layout = {};
        return out;
    }
    auto& state = out.record.state;
    // The nodes the head counts, up to the first one missing (the layout shrinks to what
    // was found, so that the next write puts the rest).
    std::int64_t found = 0;
    if (state.upgrade) {
        if (const auto nodes = nodes_.find(instance_no); nodes != nodes_.end()) {
            for (; found < out.layout.nodes; ++found) {
                const auto node = nodes->second.find(found);
                if (node == nodes->second.end())
                    break;
                state.upgrade->nodes.push_back(node->second);
            }
        }
    }
    out.layout.nodes = found;
    // The ids of the window [base, base + count), chunk by chunk; a missing chunk ends it.
    const std::int64_t base = out.layout.emitted_base;
    const std::int64_t end = base + out.layout.emitted_count;
    std::int64_t next = base;
    if (const auto chunks = chunks_.find(instance_no); chunks != chunks_.end()) {
        while (next < end) {
            const auto chunk = chunks->second.find(next / group::ids_per_chunk);
            if (chunk == chunks->second.end())
                break;
            const group::emitted_chunk& c = chunk->second;
            const std::int64_t stop =
                std::min(end, c.from + static_cast<std::int64_t>(c.ids.size()));
            if (next < c.from || stop <= next)
                break;
            for (; next < stop; ++next)
                state.emitted.push_back(c.ids[static_cast<std::size_t>(next - c.from)]);
        }
    }
    out.layout.emitted_count = next - base;
    if (out.layout.nodes != head->second.head.layout.nodes ||
        out.layout.emitted_count != head->second.head.layout.emitted_count)
        out.head.clear();  // what stands differs from what the head says: rewrite it
    return out;
}

}  // namespace sesmon::state
