#include "web/fleet_table.hpp"

#include <algorithm>
#include <climits>
#include <tuple>

#include "common/text_table.hpp"
#include "common/time_format.hpp"
#include "web/fleet_state.hpp"

namespace sesmon::web {

namespace {

constexpr std::size_t max_detail = 100;  // characters of an error shown in a row

std::string clip(std::string text, std::size_t max) {
    if (text.size() <= max)
        return text;
    text.resize(max - 3);
    while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80)
        text.pop_back();  // not in the middle of a UTF-8 sequence
    if (!text.empty() && (static_cast<unsigned char>(text.back()) & 0x80) != 0)
        text.pop_back();
    return text + "...";
}

std::string versions(const cluster_view& c) {
    if (!c.from_version.empty() && !c.to_version.empty() && c.from_version != c.to_version)
        return c.from_version + " \u2192 " + c.to_version;
    if (!c.to_version.empty())
        return c.to_version;
    return c.from_version.empty() ? "-" : c.from_version;
}

std::string seconds_text(long long seconds) {
    return common::format_duration(std::chrono::seconds(seconds));
}

std::string state_detail(const cluster_view& c, fleet_state state) {
    switch (state) {
        case fleet_state::failed: {
            const auto failed =
                std::count_if(c.nodes.begin(), c.nodes.end(),
                              [](const node_view& n) { return n.phase == "failed"; });
            const auto first = std::find_if(c.nodes.begin(), c.nodes.end(),
                                            [](const node_view& n) { return n.phase == "failed"; });
            if (first == c.nodes.end())
                return "a node failed";
            return "node " + first->hostname + ": " + first->status +
                   (failed > 1 ? " (+" + std::to_string(failed - 1) + " more)" : "");
        }
        case fleet_state::stalled:
            return (c.stall_node.empty() ? std::string("no node progressed")
                                         : "node " + c.stall_node + " stuck") +
                   " for " + seconds_text(c.stalled_for_seconds) + " (" + c.stall_reason + ")";
        case fleet_state::blind:
            return clip("no successful poll: " + c.last_poll_result +
                            (c.last_error.empty() ? "" : ": " + c.last_error),
                        max_detail);
        case fleet_state::upgrading:
            return c.expected_finish
                       ? "expected to finish " + common::format_rfc3339_utc(*c.expected_finish)
                       : std::string("upgrading");
        case fleet_state::finished:
            return c.finished_at ? "finished " + common::format_rfc3339_utc(*c.finished_at)
                                 : std::string("finished");
        case fleet_state::idle:
            break;
    }
    if (!c.last_error.empty())
        return clip("last poll failed (" + c.last_poll_result + "): " + c.last_error, max_detail);
    return c.last_poll_result.empty() ? "not polled yet" : "no upgrade in progress";
}

// The OpenSearch view in a few words, for a cluster in an upgrade (SPEC §16): what the
// operator's first `_cluster/health` would say. "" without a view, or at rest.
std::string view_detail(const cluster_view& c, fleet_state state) {
    if (!c.opensearch || (state != fleet_state::failed && state != fleet_state::stalled &&
                          state != fleet_state::upgrading))
        return {};
    const opensearch_view& o = *c.opensearch;
    if (!o.current)
        return "opensearch view unavailable";
    std::string out = "opensearch " + o.health;
    if (o.recoveries.count > 0) {
        out += ", " + std::to_string(o.recoveries.count) + " recoveries " +
               std::to_string(static_cast<int>(o.recoveries.percent_done)) + "%";
    }
    if (o.shards.unassigned > 0)
        out += ", " + std::to_string(o.shards.unassigned) + " unassigned";
    return out;
}

std::string detail(const cluster_view& c, fleet_state state) {
    const std::string view = view_detail(c, state);
    const std::string text = state_detail(c, state);
    return view.empty() ? text : text + "; " + view;
}

}  // namespace

void sort_by_attention(std::vector<const cluster_view*>& clusters, wall_time now) {
    const auto seconds = [](const std::optional<wall_time>& t, long long absent) {
        return t ? t->time_since_epoch().count() : absent;
    };
    const auto key = [&](const cluster_view* c) {
        const fleet_state state = state_of(*c, now);
        long long t = 0;
        if (state == fleet_state::stalled)
            t = -c->stalled_for_seconds;
        else if (state == fleet_state::blind)
            t = seconds(c->last_success_at, LLONG_MIN);
        else if (state == fleet_state::upgrading)
            t = seconds(c->expected_finish, LLONG_MAX);
        else if (state == fleet_state::finished)
            t = -seconds(c->finished_at, 0);
        return std::tuple(static_cast<int>(state), t, std::string_view(c->name));
    };
    std::stable_sort(clusters.begin(), clusters.end(),
                     [&](const cluster_view* a, const cluster_view* b) { return key(a) < key(b); });
}

fleet_counts count_states(const std::vector<cluster_view>& clusters, wall_time now) {
    fleet_counts counts{};
    for (const cluster_view& c : clusters)
        ++counts[static_cast<std::size_t>(state_of(c, now))];
    return counts;
}

std::string summary_line(const fleet_counts& counts) {
    std::size_t total = 0;
    for (const std::size_t n : counts)
        total += n;
    std::string out = std::to_string(total) + (total == 1 ? " cluster: " : " clusters: ");
    for (const fleet_state s : all_fleet_states) {
        if (s != fleet_state::failed)
            out += ", ";
        out += std::to_string(counts[static_cast<std::size_t>(s)]) + " " +
               std::string(to_string(s)) + (s == fleet_state::finished ? " (24 h)" : "");
    }
    return out;
}

std::string fleet_table(const std::vector<const cluster_view*>& clusters, wall_time now) {
    if (clusters.empty())
        return "";
    std::vector<std::vector<std::string>> rows;
    rows.reserve(clusters.size());
    for (const cluster_view* c : clusters) {
        const fleet_state state = state_of(*c, now);
        const std::string nodes = c->nodes_total > 0 ? std::to_string(c->nodes_complete) + "/" +
                                                           std::to_string(c->nodes_total)
                                                     : "-";
        const std::string labels = c->labels.to_text();
        rows.push_back({c->name, std::string(to_string(state)), versions(*c), nodes,
                        labels.empty() ? "-" : labels, detail(*c, state)});
    }
    return common::render_table({"CLUSTER", "STATE", "VERSIONS", "NODES", "LABELS", "DETAIL"},
                                rows);
}

}  // namespace sesmon::web
