#include "state/history.hpp"

#include "common/crypto.hpp"
#include "state/unix_time.hpp"

namespace sesmon::state {

std::string upgrade_id(std::string_view instance_no, std::string_view action_date,
                       std::string_view to_version) {
    std::string key;
    for (std::string_view part : {instance_no, action_date, to_version}) {
        key += std::to_string(part.size()) + ":";
        key += part;
    }
    return common::to_hex(common::sha256(key)).substr(0, 16);
}

std::string upgrade_id_of(const event& e) {
    if (!e.upgrade)
        return {};
    return upgrade_id(e.cluster.instance_no, e.upgrade->action_date, e.upgrade->to_version);
}

history_writer::history_writer(sqlite::connection& db)
    : db_(db),
      insert_upgrade_(db,
                      "INSERT OR IGNORE INTO upgrades(id, instance_no, cluster, from_version, "
                      "to_version, action_date, started_at, outcome, nodes_total, nodes_complete) "
                      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, 'in_progress', ?8, ?9)"),
      update_progress_(db,
                       "UPDATE upgrades SET nodes_total = ?2, nodes_complete = ?3, cluster = ?4 "
                       "WHERE id = ?1"),
      mark_failed_(db,
                   "UPDATE upgrades SET outcome = 'failed' WHERE id = ?1 AND outcome = "
                   "'in_progress'"),
      mark_finished_(db,
                     "UPDATE upgrades SET outcome = 'finished', finished_at = ?2, ended_at = ?3 "
                     "WHERE id = ?1"),
      mark_vanished_(db,
                     "UPDATE upgrades SET outcome = CASE outcome WHEN 'failed' THEN 'failed' "
                     "ELSE 'vanished' END, ended_at = ?2 WHERE id = ?1 AND ended_at IS NULL"),
      close_node_(db,
                  "UPDATE node_statuses SET ended_at = max(started_at, ?3) WHERE upgrade_id = ?1 "
                  "AND hostname = ?2 AND ended_at IS NULL"),
      open_node_(db,
                 "INSERT INTO node_statuses(upgrade_id, hostname, role, status, started_at, "
                 "ended_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"),
      first_node_row_(db,
                      "INSERT INTO node_statuses(upgrade_id, hostname, role, status, started_at) "
                      "SELECT ?1, ?2, ?3, ?4, max(?5, u.started_at) FROM upgrades u WHERE u.id = "
                      "?1 AND u.ended_at IS NULL AND NOT EXISTS (SELECT 1 FROM node_statuses n "
                      "WHERE n.upgrade_id = ?1 AND n.hostname = ?2)") {}

void history_writer::record_nodes(const cluster_record& c) {
    const auto& upgrade = c.state.upgrade;
    if (c.history_id.empty() || !upgrade || upgrade->phase != monitor::upgrade_phase::in_progress)
        return;
    for (const monitor::node_record& n : upgrade->nodes) {
        if (!n.listed)
            continue;
        first_node_row_.bind(1, c.history_id)
            .bind(2, n.hostname)
            .bind(3, n.role)
            .bind(4, n.status)
            .bind(5, unix_seconds(n.since))
            .run();
    }
}

void history_writer::ensure_upgrade(const std::string& id, const event& e) {
    const upgrade_info& u = *e.upgrade;
    insert_upgrade_.bind(1, id)
        .bind(2, e.cluster.instance_no)
        .bind(3, e.cluster.name)
        .bind(4, u.from_version)
        .bind(5, u.to_version)
        .bind(6, u.action_date)
        .bind(7, unix_seconds(u.started_at.value_or(e.occurred_at)))
        .bind(8, u.nodes_total)
        .bind(9, u.nodes_complete)
        .run();
    if (db_.changes() == 0) {
        update_progress_.bind(1, id)
            .bind(2, u.nodes_total)
            .bind(3, u.nodes_complete)
            .bind(4, e.cluster.name)
            .run();
    }
}

void history_writer::apply(const event& e) {
    const std::string id = upgrade_id_of(e);
    if (id.empty())
        return;
    switch (e.type) {
        case event_type::upgrade_started:
            ensure_upgrade(id, e);
            break;
        case event_type::node_changed: {
            if (!e.node)
                break;
            ensure_upgrade(id, e);
            const node_info& n = *e.node;
            const std::int64_t since = unix_seconds(n.status_since.value_or(e.occurred_at));
            close_node_.bind(1, id).bind(2, n.hostname).bind(3, since).run();
            if (db_.changes() == 0 && !n.previous_status.empty()) {
                // The first change seen: the node was in previous_status since the start.
                const std::int64_t start =
                    unix_seconds(e.upgrade->started_at.value_or(e.occurred_at));
                open_node_.bind(1, id)
                    .bind(2, n.hostname)
                    .bind(3, n.role)
                    .bind(4, n.previous_status)
                    .bind(5, std::min(start, since))
                    .bind(6, since)
                    .run();
            }
            open_node_.bind(1, id)
                .bind(2, n.hostname)
                .bind(3, n.role)
                .bind(4, n.status)
                .bind(5, since)
                .bind_null(6)
                .run();
            break;
        }
        case event_type::upgrade_failed:
            ensure_upgrade(id, e);
            mark_failed_.bind(1, id).run();
            break;
        case event_type::upgrade_finished:
            ensure_upgrade(id, e);
            mark_finished_.bind(1, id)
                .bind(2, unix_seconds(e.upgrade->finished_at.value_or(e.occurred_at)))
                .bind(3, unix_seconds(e.occurred_at))
                .run();
            break;
        case event_type::upgrade_vanished:
            ensure_upgrade(id, e);
            mark_vanished_.bind(1, id).bind(2, unix_seconds(e.occurred_at)).run();
            break;
        default:
            break;
    }
}

}  // namespace sesmon::state
