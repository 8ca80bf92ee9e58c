// The discovery section (SPEC §3 `discovery:`, §10): which regions to list, how often, the
// include / exclude patterns on clusterName (compiled here, so a bad one is reported with
// its file:line:col), and the defaults every discovered cluster gets.
#include <algorithm>

#include "common/pattern.hpp"
#include "config/context.hpp"

namespace sesmon::config_file {

namespace {

const std::vector<std::string_view> discovery_keys{"enabled", "interval", "regions",
                                                   "include", "exclude",  "defaults"};

void read_regions(const map_reader& m, const sesmon::config& partial, discovery_config& out) {
    const auto listed = m.read_strings("regions");
    if (!listed) {
        if (!m.has("regions"))
            out.regions = {partial.api.region};
        return;
    }
    if (listed->empty()) {
        m.fail("regions", "list at least one region (or leave the key out for api.region)");
        return;
    }
    for (const located_string& item : *listed) {
        if (!valid_region(partial.api.site, item.text)) {
            m.diag().add(item.mark, item.path, unknown_region(partial.api.site, item.text));
        } else if (std::find(out.regions.begin(), out.regions.end(), item.text) !=
                   out.regions.end()) {
            m.diag().add(item.mark, item.path, "region \"" + item.text + "\" listed twice");
        } else {
            out.regions.push_back(item.text);
        }
    }
}

void read_pattern(const map_reader& m, std::string_view key, std::string& out) {
    std::string source;
    if (!m.read(key, source))
        return;
    auto compiled = common::name_pattern::compile(source);
    if (!compiled) {
        m.fail(key, "invalid ECMAScript regular expression (at offset " +
                        std::to_string(compiled.error().offset) + "): " + compiled.error().message);
        return;
    }
    out = std::move(source);
}

}  // namespace

discovery_config read_discovery(const load_context& ctx, const map_reader& root,
                                const sesmon::config& partial) {
    const map_reader m = root.child("discovery", discovery_keys);
    discovery_config out;
    m.read("enabled", out.enabled);
    read_regions(m, partial, out);
    m.read("interval", out.interval);
    read_pattern(m, "include", out.include);
    read_pattern(m, "exclude", out.exclude);

    const map_reader defaults =
        m.child("defaults", {"notify", "polling", "stall", "labels", "opensearch"});
    out.notify = read_notify(defaults, partial.notifiers);
    out.polling = partial.polling;
    read_polling(defaults.child("polling", polling_keys), out.polling);
    out.stall = partial.stall;
    read_stall(defaults.child("stall", stall_keys), out.stall);
    out.labels = read_labels(defaults);
    out.opensearch = read_opensearch(ctx, defaults, opensearch_scope::discovery_defaults);
    return out;
}

}  // namespace sesmon::config_file
