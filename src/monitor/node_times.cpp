#include "monitor/node_times.hpp"

#include <algorithm>

#include "monitor/upgrade_rules.hpp"

namespace sesmon::monitor {

duration median(std::vector<duration> values) {
    const std::size_t mid = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid),
                     values.end());
    const duration upper = values[mid];
    if (values.size() % 2 == 1)
        return upper;
    const duration lower =
        *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
    return lower + (upper - lower) / 2;
}

std::optional<duration> node_time_medians::typical(const std::string& role) const {
    if (const auto it = by_role.find(role); it != by_role.end())
        return it->second;
    return overall;
}

node_time_medians medians_of(const std::vector<node_sample>& samples) {
    node_time_medians out;
    if (samples.empty())
        return out;
    std::vector<duration> all;
    std::map<std::string, std::vector<duration>> per_role;
    for (const node_sample& s : samples) {
        all.push_back(s.time);
        per_role[s.role].push_back(s.time);
    }
    out.overall = median(std::move(all));
    for (auto& [role, times] : per_role) {
        if (times.size() >= 2)
            out.by_role.emplace(role, median(std::move(times)));
    }
    return out;
}

std::vector<node_sample> completed_node_times(const upgrade_record& u) {
    std::vector<node_sample> out;
    for (const node_record& n : u.nodes) {
        if (!n.listed || !n.upgrading_since || classify_status(n.status) != node_phase::complete)
            continue;
        out.push_back({n.role, std::max(duration(n.since - *n.upgrading_since), duration(0))});
    }
    return out;
}

std::optional<duration> peer_stage_median(const upgrade_record& u, std::string_view status) {
    std::vector<duration> in_stage;
    for (const node_record& n : u.nodes) {
        if (!n.listed || classify_status(n.status) != node_phase::complete)
            continue;
        // A node may pass through the same status twice (a retried stage): its total counts.
        duration total{};
        bool passed = false;
        for (const stage_time& st : n.stages) {
            if (iequals(st.status, status)) {
                total += st.time;
                passed = true;
            }
        }
        if (passed)
            in_stage.push_back(total);
    }
    if (in_stage.size() >= 2)
        return median(std::move(in_stage));
    std::vector<duration> whole;
    for (const node_sample& s : completed_node_times(u))
        whole.push_back(s.time);
    if (whole.size() >= 2)
        return median(std::move(whole));
    return std::nullopt;
}

}  // namespace sesmon::monitor
