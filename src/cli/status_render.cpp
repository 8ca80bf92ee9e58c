#include "cli/status_render.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>

#include "common/time_format.hpp"

namespace sesmon::cli {

namespace {

int count_complete(const snapshot& s) {
    return static_cast<int>(std::count_if(s.nodes.begin(), s.nodes.end(), [](const auto& n) {
        return classify_status(n.status) == node_phase::complete;
    }));
}

// How long a node has been in its status, from its updatedDate; nullopt when that did not
// parse or lies in the future.
std::optional<duration> time_in_status(const node_observation& node, wall_time now) {
    if (!node.updated_at || *node.updated_at > now)
        return std::nullopt;
    return std::chrono::duration_cast<duration>(now - *node.updated_at);
}

std::string pad(std::string text, std::size_t width) {
    // Widths count bytes; hostnames, roles and statuses are ASCII in practice.
    if (text.size() < width)
        text.append(width - text.size(), ' ');
    return text;
}

std::string title_of(const cluster_config& c) {
    return c.name + " (instance " + c.instance_no + ", region " + c.region + ")";
}

std::string date_text(const std::string& raw, const std::optional<wall_time>& parsed,
                      std::chrono::seconds zone_offset) {
    return parsed ? common::format_rfc3339(*parsed, zone_offset) : raw;
}

void node_rows(std::string& out, const snapshot& s, wall_time now) {
    std::size_t host_w = 8, role_w = 4, status_w = 6;
    for (const auto& n : s.nodes) {
        host_w = std::max(host_w, n.hostname.size());
        role_w = std::max(role_w, n.role.size());
        status_w = std::max(status_w, n.status.size());
    }
    out += "  " + pad("HOSTNAME", host_w) + "  " + pad("ROLE", role_w) + "  " +
           pad("STATUS", status_w) + "  IN STATUS\n";
    for (const auto& n : s.nodes) {
        const auto in_status = time_in_status(n, now);
        out += "  " + pad(n.hostname, host_w) + "  " + pad(n.role, role_w) + "  " +
               pad(n.status, status_w) + "  " +
               (in_status ? common::format_duration(*in_status) : std::string("-")) + "\n";
    }
}

}  // namespace

std::string progress_bar(int done, int total, int width) {
    const int filled = total <= 0 ? 0 : std::clamp(done, 0, total) * width / total;
    std::string bar = "[";
    for (int i = 0; i < width; ++i)
        bar += i < filled ? "█" : "░";
    return bar + "]";
}

std::string render_cluster_table(const cluster_status& status, wall_time now,
                                 std::chrono::seconds zone_offset) {
    std::string out = title_of(status.cluster) + "\n";
    if (!status.result) {
        return out + "  error: " + status.result.error().message + "\n";
    }
    const snapshot& s = *status.result;
    if (!s.version && s.nodes.empty()) {
        return out + "  no upgrade reported (" + std::to_string(s.node_count) + " nodes)\n";
    }
    if (s.version) {
        out += "  version  " + s.version->current_version + " → " + s.version->target_version;
        if (!s.version->action_date_raw.empty()) {
            out += "  (since " +
                   date_text(s.version->action_date_raw, s.version->action_at, zone_offset) + ")";
        }
        out += "\n";
    }
    const int done = count_complete(s);
    const int total = std::max(s.node_count, static_cast<int>(s.nodes.size()));
    const int percent = total > 0 ? done * 100 / total : 0;
    out += "  nodes    " + std::to_string(done) + "/" + std::to_string(total) + " complete  " +
           progress_bar(done, total) + " " + std::to_string(percent) + "%\n";
    if (!s.nodes.empty())
        node_rows(out, s, now);
    return out;
}

std::string render_status_table(const std::vector<cluster_status>& statuses, wall_time now,
                                std::chrono::seconds zone_offset) {
    std::string out;
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        if (i > 0)
            out += "\n";
        out += render_cluster_table(statuses[i], now, zone_offset);
    }
    return out;
}

std::string render_status_json(const std::vector<cluster_status>& statuses, wall_time now,
                               std::chrono::seconds zone_offset) {
    rapidjson::StringBuffer buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
    w.SetIndent(' ', 2);
    const auto str = [&](const std::string& text) {
        w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    };
    w.StartObject();
    w.Key("generated_at");
    str(common::format_rfc3339_utc(now));
    w.Key("clusters");
    w.StartArray();
    for (const auto& status : statuses) {
        w.StartObject();
        w.Key("name");
        str(status.cluster.name);
        w.Key("instance_no");
        str(status.cluster.instance_no);
        w.Key("region");
        str(status.cluster.region);
        w.Key("ok");
        w.Bool(status.result.has_value());
        if (!status.result) {
            const api_error& e = status.result.error();
            w.Key("error");
            w.StartObject();
            w.Key("kind");
            str(std::string(to_string(e.kind)));
            w.Key("http_status");
            w.Int(e.http_status);
            w.Key("code");
            str(e.code);
            w.Key("message");
            str(e.message);
            w.Key("retry_after_ms");
            if (e.retry_after)
                w.Int64(e.retry_after->count());
            else
                w.Null();
            w.Key("clock_skew_suspected");
            w.Bool(e.clock_skew_suspected);
            w.EndObject();
            w.EndObject();
            continue;
        }
        const snapshot& s = *status.result;
        w.Key("cluster_name");
        str(s.cluster_name);
        w.Key("node_count");
        w.Int(s.node_count);
        w.Key("nodes_complete");
        w.Int(count_complete(s));
        w.Key("version");
        if (s.version) {
            w.StartObject();
            w.Key("current");
            str(s.version->current_version);
            w.Key("target");
            str(s.version->target_version);
            w.Key("action_date");
            str(date_text(s.version->action_date_raw, s.version->action_at, zone_offset));
            w.EndObject();
        } else {
            w.Null();
        }
        w.Key("nodes");
        w.StartArray();
        for (const auto& n : s.nodes) {
            w.StartObject();
            w.Key("hostname");
            str(n.hostname);
            w.Key("role");
            str(n.role);
            w.Key("status");
            str(n.status);
            w.Key("phase");
            str(std::string(to_string(classify_status(n.status))));
            w.Key("updated_date");
            str(date_text(n.updated_raw, n.updated_at, zone_offset));
            w.Key("seconds_in_status");
            const auto in_status = time_in_status(n, now);
            if (in_status) {
                w.Int64(std::chrono::duration_cast<std::chrono::seconds>(*in_status).count());
            } else {
                w.Null();
            }
            w.EndObject();
        }
        w.EndArray();
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace sesmon::cli
