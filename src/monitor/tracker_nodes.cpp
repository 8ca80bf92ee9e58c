// tracker::update_nodes: one observation of the tracked upgrade's node list, compared with
// what was seen before (SPEC §4 node_changed / upgrade_failed, nodes joining and leaving).
#include <algorithm>

#include "monitor/event_builder.hpp"
#include "monitor/tracker.hpp"
#include "monitor/upgrade_rules.hpp"

namespace sesmon::monitor {
namespace {

// What happened to one node in this observation, reported once all nodes are applied so
// that every event carries the post-observation totals.
struct node_news {
    std::size_t index;
    bool changed;  // node_changed (a status change, or an appearance past pending)
    bool failed;   // upgrade_failed (once per node per upgrade: the id dedups)
};

}  // namespace

void tracker::update_nodes(const snapshot& snap, wall_time now, observation_result& result) {
    upgrade_record& rec = *state_.upgrade;
    std::vector<bool> seen(rec.nodes.size(), false);
    std::vector<node_news> news;

    for (const node_observation& obs : snap.nodes) {
        const auto it = std::find_if(rec.nodes.begin(), rec.nodes.end(), [&](const node_record& n) {
            return n.hostname == obs.hostname;
        });
        const auto index = static_cast<std::size_t>(it - rec.nodes.begin());
        if (it != rec.nodes.end() && seen[index])
            continue;  // duplicate entry: first wins
        const node_phase phase = classify_status(obs.status);

        if (it == rec.nodes.end() || !it->listed) {
            // A node joined mid-upgrade (a replacement, or one that left and came back).
            if (it == rec.nodes.end()) {
                node_record fresh;
                fresh.hostname = obs.hostname;
                fresh.first_seen = now;
                rec.nodes.push_back(std::move(fresh));
                seen.push_back(true);
            } else {
                seen[index] = true;
            }
            node_record& n = rec.nodes[index];
            n.listed = true;
            n.role = obs.role;
            n.status = obs.status;
            n.previous_status.clear();
            n.since = status_since(obs, now, std::nullopt);
            note_first_status(n);
            n.last_seen = now;
            rec.last_change = std::max(rec.last_change, now);
            result.nodes_appeared.push_back(n.hostname);
            if (phase != node_phase::pending) {
                ++n.changes;
                news.push_back({index, true, phase == node_phase::failed});
            }
            dirty_ = true;
            continue;
        }

        seen[index] = true;
        node_record& n = *it;
        if (!iequals(n.status, obs.status)) {
            const wall_time since = status_since(obs, now, n.last_seen);
            note_status_change(n, obs.status, since);
            n.previous_status = n.status;
            n.status = obs.status;
            n.since = since;
            ++n.changes;
            rec.last_change = std::max(rec.last_change, n.since);
            news.push_back({index, true, phase == node_phase::failed});
            dirty_ = true;
        } else if (n.status != obs.status) {
            n.status = obs.status;  // only the letter case moved: not a change
            dirty_ = true;
        }
        if (n.role != obs.role) {
            n.role = obs.role;
            dirty_ = true;
        }
        n.last_seen = now;
    }

    for (std::size_t i = 0; i < rec.nodes.size(); ++i) {
        node_record& n = rec.nodes[i];
        if (!n.listed || seen[i])
            continue;
        n.listed = false;
        rec.last_change = std::max(rec.last_change, now);
        result.nodes_disappeared.push_back(n.hostname);
        dirty_ = true;
    }

    const int complete = count_complete(rec);
    if (rec.node_count != snap.node_count || rec.nodes_complete != complete) {
        rec.node_count = snap.node_count;
        rec.nodes_complete = complete;
        dirty_ = true;
    }

    for (const node_news& item : news) {
        const node_record& n = rec.nodes[item.index];
        if (item.changed) {
            event e = base_event(event_type::node_changed, now);
            e.node = make_node_info(n);
            emit_upgrade_event(result.events, std::move(e), n.hostname, n.status, n.changes);
        }
        if (item.failed) {
            event e = base_event(event_type::upgrade_failed, now);
            e.node = make_node_info(n);
            emit_upgrade_event(result.events, std::move(e), n.hostname);
        }
    }
}

}  // namespace sesmon::monitor
