// English texts. The summaries are monitor::summarize's sentences, word for word.
#include <cstdio>

#include "common/time_format.hpp"
#include "notify/catalogue.hpp"

namespace sesmon::notify {
namespace {

std::string en_time_text(wall_time t, const message_time_zone& zone) {
    const local_fields f = local_time(t, zone);
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d %s", f.year, f.month, f.day,
                  f.hour, f.minute, f.second, zone.abbreviation.c_str());
    return text;
}

// English counts node changes in words and every other type by its name (what earlier
// versions wrote: "6 node changes", "1 stall_cleared").
std::string en_counted(event_type type, std::size_t n, std::string_view /*title*/) {
    if (type == event_type::node_changed)
        return std::to_string(n) + (n == 1 ? " node change" : " node changes");
    return std::to_string(n) + " " + std::string(to_string(type));
}

}  // namespace

const catalogue& english_catalogue() {
    static const catalogue table{
        .titles = {"Upgrade started", "Node changed", "Upgrade finished", "Upgrade failed",
                   "Upgrade stalled", "Stall cleared", "Upgrade vanished", "Monitor blind",
                   "Monitor recovered", "Monitor degraded", "Unplanned upgrade",
                   "Cluster health red", "Cluster health no longer red", "Shard recovery stuck"},
        .started = "{cluster}: upgrade started{progress}",
        .node_changed = "{cluster}: node {node} {previous} \u2192 {status}{progress}",
        .node_appeared = "{cluster}: node {node} appeared as {status}{progress}",
        .node_unknown = "{cluster}: node changed{progress}",
        .finished = "{cluster}: upgrade finished{progress}",
        .finished_in = "{cluster}: upgrade finished in {took}{progress}",
        .failed = "{cluster}: node {node} failed with status {status}{progress}",
        .stalled_stage = "{cluster}: node {node} stuck in {status} for {for}{progress}",
        .stalled_slow =
            "{cluster}: node {node} slower than its peers: in {status} for {for} "
            "(complete nodes' median {median}){progress}",
        .stalled_no_progress = "{cluster}: no node changed status for {for}{progress}",
        .stall_cleared = "{cluster}: upgrade moving again after {for} stalled{progress}",
        .vanished = "{cluster}: upgrade disappeared from the API before finishing{progress}",
        .blind = "{cluster}: no successful poll for {for}",
        .blind_error = "{cluster}: no successful poll for {for}: {error}",
        .blind_since = "{cluster}: the cluster cannot be observed",
        .blind_since_error = "{cluster}: the cluster cannot be observed: {error}",
        .recovered = "{cluster}: polling works again after {for} without a successful poll",
        .recovered_since = "{cluster}: polling works again",
        .degraded =
            "{cluster}: the group's store refuses writes: {error}; alerts wait until it "
            "accepts them again",
        .degraded_plain =
            "{cluster}: the group's store refuses writes; alerts wait until it accepts them again",
        .unplanned = "{cluster}: upgrade started outside its maintenance windows{progress}",
        .health_red = "{cluster}: cluster health is red during the upgrade{progress}",
        .health_cleared =
            "{cluster}: cluster health no longer red ({health}) after {for}{progress}",
        .recovery_stuck = "{cluster}: shard recoveries made no progress for {for}{progress}",
        .progress = " ({versions}, {done}/{total} nodes done)",
        .digest = "{cluster}: {what}{progress}",
        .digest_in = "{cluster}: {what} in {for}{progress}",
        .digest_kinds = "{count} events ({items})",
        .counted = en_counted,
        .cluster_label = "Cluster",
        .versions_label = "Versions",
        .progress_label = "Progress",
        .progress_value = "{done}/{total} nodes done",
        .expected_finish_label = "Expected finish",
        .node_label = "Node",
        .status_label = "Status",
        .status_was = "{status} (was {previous})",
        .stuck_for_label = "Stuck for",
        .error_label = "Last error",
        .occurred_label = "Time",
        .open_dashboard = "Open in the dashboard",
        .event_label = "event",
        .shortened = "\u2026 (shortened)",
        .duration_text = [](duration d) { return common::format_duration(d); },
        .time_text = en_time_text,
    };
    return table;
}

}  // namespace sesmon::notify
