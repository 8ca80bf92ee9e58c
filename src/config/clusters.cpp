// The polling and stall sections, and the clusters with their overrides merged.
#include <map>

#include "common/text.hpp"
#include "config/context.hpp"

namespace sesmon::config_file {

void read_polling(const map_reader& m, polling_config& out) {
    m.read("interval", out.interval);
    m.read("idle_interval", out.idle_interval);
    m.read("max_backoff", out.max_backoff);
    if (m.read("jitter", out.jitter) && (out.jitter < 0 || out.jitter > 1)) {
        m.fail("jitter", "must be between 0 and 1");
        out.jitter = polling_config{}.jitter;
    }
}

// 0s switches a stall or blind check off (docs/configuration.md).
void read_stall(const map_reader& m, stall_config& out) {
    constexpr auto off_allowed = map_reader::zero_duration::allowed;
    m.read("node_stage_timeout", out.node_stage_timeout, off_allowed);
    m.read("no_progress_timeout", out.no_progress_timeout, off_allowed);
    m.read("blind_timeout", out.blind_timeout, off_allowed);
    m.read("recovery_timeout", out.recovery_timeout, off_allowed);
    read_adaptive_stall(m, out);
}

std::vector<std::string> read_notify(const map_reader& m,
                                     const std::vector<notifier_config>& notifiers) {
    std::vector<std::string> names;
    const auto listed = m.read_strings("notify");
    if (!listed) {
        if (!m.has("notify")) {
            names.reserve(notifiers.size());
            for (const notifier_config& n : notifiers) {
                names.push_back(n.name);
            }
        }
        return names;
    }
    for (const located_string& item : *listed) {
        const bool known =
            std::any_of(notifiers.begin(), notifiers.end(),
                        [&](const notifier_config& n) { return n.name == item.text; });
        if (!known) {
            m.diag().add(item.mark, item.path, "unknown notifier \"" + item.text + "\"");
        } else if (std::find(names.begin(), names.end(), item.text) != names.end()) {
            m.diag().add(item.mark, item.path, "notifier \"" + item.text + "\" listed twice");
        } else {
            names.push_back(item.text);
        }
    }
    return names;
}

std::vector<cluster_config> read_clusters(const load_context& ctx, const map_reader& root,
                                          const sesmon::config& partial) {
    std::vector<cluster_config> clusters;
    const YAML::Node list = root.value("clusters");
    const bool may_be_empty = partial.discovery.enabled;
    const std::string required = "at least one cluster is required";
    if (!list.IsDefined()) {
        if (!may_be_empty)
            ctx.diag.add(root.key_mark("clusters"), "clusters", required);
        return clusters;
    }
    if (!list.IsSequence()) {
        root.fail("clusters", "expected a list of clusters");
        return clusters;
    }
    if (list.size() == 0) {
        if (!may_be_empty)
            root.fail("clusters", required);
        return clusters;
    }
    std::map<std::string, std::size_t> by_name;
    std::map<std::string, std::size_t> by_instance;
    clusters.reserve(list.size());  // exact: the list is kept for the daemon's lifetime
    std::size_t index = 0;
    for (const YAML::Node& item : list) {
        const std::string path = "clusters[" + std::to_string(index) + "]";
        const map_reader m(
            ctx.diag, item, path,
            {"name", "instance_no", "region", "notify", "polling", "stall", "labels", "opensearch"},
            item.Mark());
        ++index;
        if (!m.is_mapping()) {
            continue;
        }
        cluster_config c;
        if (!m.read("name", c.name)) {
            if (!m.has("name")) {
                m.diag().add(m.mark(), m.path("name"), "required");
            }
        } else if (!valid_label(c.name)) {
            m.fail("name", std::string(label_rule));
        } else if (const auto [it, added] = by_name.emplace(c.name, index - 1); !added) {
            m.fail("name", "duplicate cluster name \"" + c.name + "\" (also clusters[" +
                               std::to_string(it->second) + "])");
        }
        if (!m.read("instance_no", c.instance_no)) {
            if (!m.has("instance_no")) {
                m.diag().add(m.mark(), m.path("instance_no"), "required");
            }
        } else if (!common::all_digits(c.instance_no)) {
            m.fail("instance_no", "must be the cluster's serviceGroupInstanceNo (digits only)");
        } else if (const auto [it, added] = by_instance.emplace(c.instance_no, index - 1); !added) {
            m.fail("instance_no", "duplicate instance_no " + c.instance_no + " (also clusters[" +
                                      std::to_string(it->second) + "])");
        }
        c.region = partial.api.region;
        if (m.read("region", c.region) && !valid_region(partial.api.site, c.region)) {
            m.fail("region", unknown_region(partial.api.site, c.region));
        }
        c.notify = read_notify(m, partial.notifiers);
        c.polling = partial.polling;
        read_polling(m.child("polling", polling_keys), c.polling);
        c.stall = partial.stall;
        read_stall(m.child("stall", stall_keys), c.stall);
        c.labels = read_labels(m);
        c.opensearch = read_opensearch(ctx, m, opensearch_scope::cluster);
        clusters.push_back(std::move(c));
    }
    return clusters;
}

}  // namespace sesmon::config_file
