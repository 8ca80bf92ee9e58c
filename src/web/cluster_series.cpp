#include "web/cluster_series.hpp"

#include <charconv>
#include <cmath>

namespace sesmon::web {

namespace {

const std::string prefix = "ses_upgrade_monitor_";

void append_value(std::string& out, double v) {
    char digits[32];
    const bool integral = std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15;
    const auto end =
        integral ? std::to_chars(digits, digits + sizeof digits, static_cast<long long>(v)).ptr
                 : std::to_chars(digits, digits + sizeof digits, v).ptr;
    out.append(digits, end);
}

void append_header(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help) {
    out.append("# HELP ").append(prefix).append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(prefix).append(name).append(" ").append(type).append("\n");
}

// name{cluster="<label>"<extra>} value
void append_sample(std::string& out, std::string_view name, const cluster_values& c,
                   std::string_view extra_key, std::string_view extra_value, double v) {
    out.append(prefix).append(name).append("{cluster=\"").append(c.label).append("\"");
    if (!extra_key.empty())
        out.append(",").append(extra_key).append("=\"").append(extra_value).append("\"");
    out.append("} ");
    append_value(out, v);
    out.push_back('\n');
}

}  // namespace

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '"':
                out += "\\\"";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
    return out;
}

const std::shared_ptr<cluster_values>& cluster_series::get(std::string_view name) {
    auto it = clusters_.find(name);
    if (it == clusters_.end()) {
        auto c = std::make_shared<cluster_values>();
        c->name = std::string(name);
        c->label = escape_label_value(name);
        c->seen = generation_;
        it = clusters_.emplace(c->name, std::move(c)).first;
    }
    return it->second;
}

void cluster_series::count_poll(cluster_values& c, std::string_view result) {
    if (c.removed)
        return;
    for (auto& [r, n] : c.polls) {
        if (r == result) {
            ++n;
            return;
        }
    }
    c.polls.emplace_back(std::string(result), 1.0);
}

void cluster_series::sweep() {
    std::erase_if(clusters_, [&](const auto& entry) {
        if (entry.second->seen == generation_)
            return false;
        entry.second->removed = true;
        return true;
    });
}

void cluster_series::remove(std::string_view name) {
    const auto it = clusters_.find(name);
    if (it == clusters_.end())
        return;
    it->second->removed = true;
    clusters_.erase(it);
}

void cluster_series::render(std::string& out) const {
    out.reserve(out.size() + clusters_.size() * 640);
    append_header(out, "polls_total", "counter",
                  "Polls of getRollingUpgradeProgress, by cluster and result (ok or the error "
                  "kind).");
    for (const auto& [name, c] : clusters_) {
        for (const auto& [result, n] : c->polls)
            append_sample(out, "polls_total", *c, "result", result, n);
    }
    append_header(out, "upgrade_in_progress", "gauge",
                  "1 while the cluster has a rolling upgrade in progress.");
    for (const auto& [name, c] : clusters_)
        append_sample(out, "upgrade_in_progress", *c, "", "", c->upgrade_in_progress);
    append_header(out, "nodes", "gauge",
                  "Nodes of the cluster by phase (pending, upgrading, complete, failed, unknown).");
    for (const auto& [name, c] : clusters_) {
        for (std::size_t i = 0; i < phases.size(); ++i)
            append_sample(out, "nodes", *c, "phase", phases[i], c->nodes[i]);
    }
    append_header(out, "stalled", "gauge", "1 while the cluster's upgrade is stalled.");
    for (const auto& [name, c] : clusters_)
        append_sample(out, "stalled", *c, "", "", c->stalled);
    append_header(out, "cluster_discovered", "gauge",
                  "1 for a cluster watched because discovery found it, 0 for one listed in "
                  "clusters[].");
    double discovered = 0;
    for (const auto& [name, c] : clusters_) {
        append_sample(out, "cluster_discovered", *c, "", "", c->discovered);
        discovered += c->discovered;
    }
    append_header(out, "discovered_clusters", "gauge",
                  "Clusters watched because discovery found them.");
    out.append(prefix).append("discovered_clusters ");
    append_value(out, discovered);
    out.push_back('\n');
    append_header(out, "last_success_timestamp_seconds", "gauge",
                  "Unix time of the last successful poll of the cluster.");
    for (const auto& [name, c] : clusters_) {
        if (c->last_success)
            append_sample(out, "last_success_timestamp_seconds", *c, "", "", *c->last_success);
    }
}

}  // namespace sesmon::web
