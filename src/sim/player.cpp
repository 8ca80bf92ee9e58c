#include "sim/player.hpp"

#include <algorithm>
#include <unordered_map>

#include "common/engine_version.hpp"
#include "sim/sim_time.hpp"

namespace sesmon::sim {
namespace {

struct node_outcome {
    node_view view;
    bool done = false;    // complete
    bool blocks = false;  // the nodes after it have not started
    bool stuck = false;   // past its planned stage length
    bool failed = false;
    wall_time finished{};  // when done
};

// Where one node is at `now`, given that its first stage started at `begin`.
node_outcome play_node(const upgrade_spec& u, const node_plan* p, node_view view, wall_time begin,
                       wall_time now) {
    node_outcome out;
    const auto& stages = p && !p->stages.empty() ? p->stages : u.stages;
    wall_time at = begin;
    bool replaced = false;
    for (const auto& st : stages) {
        if (p && p->replaced_by &&
            (p->replace_stage ? *p->replace_stage == st.name : &st == &stages.front())) {
            replaced = true;
        }
        view.status = st.name;
        view.updated = at;
        if (p && p->fail_stage == st.name) {
            // The node never leaves this stage: it fails `fail_after` into it.
            auto fails_at = at + std::chrono::duration_cast<std::chrono::seconds>(p->fail_after);
            if (now >= fails_at) {
                view.status = p->fail_word;
                view.updated = fails_at;
                out.failed = true;
            }
            out.blocks = true;
            break;
        }
        bool stuck_here = p && p->stuck_stage == st.name;
        auto planned_end = at + std::chrono::duration_cast<std::chrono::seconds>(st.length);
        if (stuck_here && p->stuck_forever) {
            out.stuck = now >= planned_end;
            out.blocks = true;
            break;
        }
        auto end = planned_end;
        if (stuck_here)
            end += std::chrono::duration_cast<std::chrono::seconds>(p->stuck_for);
        if (now < end) {
            out.stuck = now >= planned_end;
            out.blocks = true;
            break;
        }
        at = end;
    }
    if (!out.blocks) {
        out.done = true;
        out.finished = at;
        view.updated = at;
    }
    if (replaced)
        view.hostname = *p->replaced_by;
    out.view = std::move(view);
    return out;
}

std::string render_date(wall_time updated, wall_time now, date_anomaly anomaly) {
    switch (anomaly) {
        case date_anomaly::future:
            return format_kst(std::max(updated, now) + std::chrono::hours(1));
        case date_anomaly::unparsable:
            return "24/03/2025 17:09";
        case date_anomaly::none:
            break;
    }
    return format_kst(updated);
}

}  // namespace

std::string_view to_string(cluster_phase phase) {
    switch (phase) {
        case cluster_phase::idle:
            return "idle";
        case cluster_phase::upgrading:
            return "upgrading";
        case cluster_phase::stuck:
            return "stuck";
        case cluster_phase::failed:
            return "failed";
        case cluster_phase::complete:
            return "complete";
        case cluster_phase::vanished:
            return "vanished";
    }
    return "?";
}

std::string version_name(const std::string& code) {
    if (code.size() == 4 && std::all_of(code.begin(), code.end(), ::isdigit)) {
        // "2150" → "2.15.0", "3010" → "3.1.0" (common/engine_version.hpp reads codes so).
        return common::parse_engine_version(code)->text();
    }
    return code;
}

cluster_view play(const cluster_spec& c, wall_time now) {
    cluster_view v;
    v.current_version = v.target_version = v.version_code = c.version;
    v.cluster_status = "running";
    if (!c.upgrade || now < c.upgrade->start)
        return v;
    const auto& u = *c.upgrade;
    v.action_date = u.start;
    if (u.vanish_after &&
        now >= u.start + std::chrono::duration_cast<std::chrono::seconds>(*u.vanish_after)) {
        v.phase = cluster_phase::vanished;
        return v;
    }

    std::unordered_map<std::string, node_view> by_host;
    wall_time next = u.start;
    bool blocked = false, stuck = false, failed = false;
    for (const auto& host : u.order) {
        const auto& spec = *std::find_if(c.nodes.begin(), c.nodes.end(),
                                         [&](const node_spec& n) { return n.hostname == host; });
        node_view view{host, spec.role, c.pending_word, {}, spec.updated};
        if (blocked || now < next) {
            blocked = true;
            by_host.emplace(host, std::move(view));
            continue;
        }
        auto plan = u.nodes.find(host);
        auto outcome = play_node(u, plan == u.nodes.end() ? nullptr : &plan->second,
                                 std::move(view), next, now);
        if (outcome.done) {
            outcome.view.status = c.complete_word;
            next = outcome.finished + std::chrono::duration_cast<std::chrono::seconds>(u.gap);
        }
        blocked = outcome.blocks;
        stuck = stuck || outcome.stuck;
        failed = failed || outcome.failed;
        by_host.emplace(host, std::move(outcome.view));
    }

    if (!blocked) {
        // Every node is complete; `next` is the last completion plus the gap.
        auto finished = next - std::chrono::duration_cast<std::chrono::seconds>(u.gap);
        v.version_code = u.target_version;
        v.phase = cluster_phase::complete;
        if (u.idle_after_complete &&
            now >= finished + std::chrono::duration_cast<std::chrono::seconds>(u.idle_after)) {
            v.phase = cluster_phase::idle;
            v.current_version = v.target_version = u.target_version;
            return v;
        }
    } else {
        v.phase = failed ? cluster_phase::failed
                         : (stuck ? cluster_phase::stuck : cluster_phase::upgrading);
        v.cluster_status = failed ? "error" : "changing";
    }
    v.shows_upgrade = true;
    v.target_version = u.target_version;
    for (const auto& n : c.nodes) {
        auto& view = by_host.at(n.hostname);
        view.updated_text = render_date(view.updated, now, c.dates);
        v.nodes.push_back(std::move(view));
    }
    return v;
}

}  // namespace sesmon::sim
