#include "web/status_table.hpp"

#include <algorithm>
#include <chrono>

#include "common/time_format.hpp"

namespace sesmon::web {
namespace {

constexpr int bar_width = 24;

std::string pad(const std::string& text, std::size_t width) {
    return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

std::string bar(int done, int total) {
    const int filled = total > 0 ? std::clamp(done * bar_width / total, 0, bar_width) : 0;
    return "[" + std::string(filled, '#') + std::string(bar_width - filled, '-') + "]";
}

std::string seconds_text(long long seconds) {
    return common::format_duration(std::chrono::seconds(seconds));
}

std::string versions(const cluster_view& c) {
    if (!c.from_version.empty() && !c.to_version.empty() && c.from_version != c.to_version) {
        return c.from_version + " \u2192 " + c.to_version;
    }
    if (!c.to_version.empty())
        return c.to_version;
    return c.from_version.empty() ? "no version reported" : c.from_version;
}

// Nothing is known about the cluster's upgrade: no version, no node, and the last poll
// failed (a `status` whose poll failed, or a daemon that has never reached the API). Such a
// cluster shows "no data" rather than a bar and "no upgrade", which would claim a fact.
bool no_data(const cluster_view& c) {
    return c.from_version.empty() && c.to_version.empty() && c.nodes.empty() &&
           c.nodes_total == 0 && !c.last_poll_result.empty() && c.last_poll_result != "ok";
}

// A one-off poll (`status`) has no finished_at: every node complete on a version change
// is a finished upgrade too.
bool every_node_complete_on_a_change(const cluster_view& c) {
    return c.nodes_total > 0 && c.nodes_complete >= c.nodes_total && !c.from_version.empty() &&
           !c.to_version.empty() && c.from_version != c.to_version;
}

std::string state_words(const cluster_view& c) {
    std::vector<std::string> words;
    if (no_data(c)) {
        words.emplace_back("no data");
    } else if (c.upgrade_in_progress) {
        words.emplace_back("upgrading");
    } else if (c.finished_at || every_node_complete_on_a_change(c)) {
        words.emplace_back("finished");
    } else {
        words.emplace_back("no upgrade");
    }
    if (c.stalled) {
        words.push_back("STALLED " + seconds_text(c.stalled_for_seconds) +
                        (c.stall_reason.empty() ? "" : " (" + c.stall_reason + ")"));
    }
    if (c.failed)
        words.emplace_back("FAILED");
    if (c.blind)
        words.emplace_back("BLIND");
    std::string out;
    for (const auto& w : words)
        out += (out.empty() ? "" : ", ") + w;
    return out;
}

// "opensearch yellow, shards 2 initializing, 0 relocating, 5 unassigned, 3 recoveries 41%
// done (read 2026-…)", or why there is no view.
std::string opensearch_line(const opensearch_view& o) {
    if (!o.current)
        return "opensearch view unavailable: " + o.error;
    std::string line = "opensearch " + o.health + ", shards " +
                       std::to_string(o.shards.initializing) + " initializing, " +
                       std::to_string(o.shards.relocating) + " relocating, " +
                       std::to_string(o.shards.unassigned) + " unassigned, ";
    line += o.recoveries.count == 0 ? std::string("no recovery active")
                                    : std::to_string(o.recoveries.count) + " recoveries " +
                                          std::to_string(int(o.recoveries.percent_done)) + "% done";
    if (o.read_at)
        line += " (read " + common::format_rfc3339_utc(*o.read_at) + ")";
    return line;
}

std::string node_version_cell(const node_view& n) {
    if (!n.in_cluster)
        return "?";
    return *n.in_cluster ? n.opensearch_version : "not in cluster";
}

void append_cluster(std::string& out, const cluster_view& c) {
    out += c.name + "  (instance " + c.instance_no + ", " + c.region +
           (c.discovered ? ", discovered" : "") + ")\n";
    if (no_data(c)) {
        out += "  " + state_words(c) + "\n";
    } else {
        out += "  " + versions(c) + "  " + bar(c.nodes_complete, c.nodes_total) + "  " +
               std::to_string(c.nodes_complete) + "/" + std::to_string(c.nodes_total) + " nodes  " +
               state_words(c) + "\n";
    }
    if (c.upgrade_in_progress && c.expected_finish)
        out += "  expected to finish " + common::format_rfc3339_utc(*c.expected_finish) + "\n";
    if (!c.last_error.empty()) {
        out += "  last poll failed (" + c.last_poll_result + "): " + c.last_error + "\n";
    }
    if (c.opensearch)
        out += "  " + opensearch_line(*c.opensearch) + "\n";
    if (c.nodes.empty())
        return;
    const bool versions_known = c.opensearch && c.opensearch->current;
    std::size_t host_w = 8, role_w = 4, status_w = 6, since_w = 9;
    for (const auto& n : c.nodes) {
        host_w = std::max(host_w, n.hostname.size());
        role_w = std::max(role_w, n.role.size());
        status_w = std::max(status_w, n.status.size());
    }
    out += "  " + pad("HOSTNAME", host_w + 2) + pad("ROLE", role_w + 2) +
           pad("STATUS", status_w + 2) +
           (versions_known ? pad("IN STATUS", since_w + 2) + "OPENSEARCH" : "IN STATUS") + "\n";
    for (const auto& n : c.nodes) {
        const std::string since = n.status_since ? seconds_text(n.seconds_in_status) : "-";
        out += "  " + pad(n.hostname, host_w + 2) + pad(n.role, role_w + 2) +
               pad(n.status, status_w + 2) +
               (versions_known ? pad(since, since_w + 2) + node_version_cell(n) : since) + "\n";
    }
}

}  // namespace

std::string to_table(const std::vector<cluster_view>& clusters) {
    std::string out;
    for (const auto& c : clusters) {
        if (!out.empty())
            out += "\n";
        append_cluster(out, c);
    }
    return out;
}

}  // namespace sesmon::web
