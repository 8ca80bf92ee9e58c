#include "state/history_reads.hpp"

#include <algorithm>

#include "sesmon/snapshot.hpp"
#include "state/unix_time.hpp"

namespace sesmon::state {
namespace {

std::optional<wall_time> optional_time(const sqlite::statement& s, int column) {
    if (s.column_is_null(column))
        return std::nullopt;
    return from_unix(s.column_int(column));
}

constexpr const char* upgrade_columns =
    "SELECT id, instance_no, cluster, from_version, to_version, action_date, started_at, "
    "finished_at, ended_at, outcome, nodes_total, nodes_complete FROM upgrades";

upgrade_summary summary_of(const sqlite::statement& s) {
    upgrade_summary u;
    u.id = s.column_text(0);
    u.instance_no = s.column_text(1);
    u.cluster = s.column_text(2);
    u.from_version = s.column_text(3);
    u.to_version = s.column_text(4);
    u.action_date = s.column_text(5);
    u.started_at = from_unix(s.column_int(6));
    u.finished_at = optional_time(s, 7);
    u.ended_at = optional_time(s, 8);
    u.outcome = s.column_text(9);
    u.nodes_total = static_cast<int>(s.column_int(10));
    u.nodes_complete = static_cast<int>(s.column_int(11));
    return u;
}

bool past_pending(const std::string& status) {
    const node_phase p = classify_status(status);
    return p == node_phase::upgrading || p == node_phase::complete || p == node_phase::failed;
}

// When the node left `running`: the start of its first status past pending.
std::optional<wall_time> upgrade_start(const node_timeline& n) {
    for (const status_span& s : n.statuses) {
        if (past_pending(s.status))
            return s.started_at;
    }
    return std::nullopt;
}

}  // namespace

duration upgrade_summary::duration_at(wall_time now) const {
    const wall_time end = finished_at ? *finished_at : ended_at ? *ended_at : now;
    return std::max(duration(end - started_at), duration(0));
}

std::vector<upgrade_summary> read_upgrades(sqlite::connection& db,
                                           const std::optional<std::string>& cluster, int limit) {
    // Two statements, not `?1 IS NULL OR cluster = ?1`: that would keep SQLite from using
    // upgrades_by_cluster (one cluster) and upgrades_by_start (all) alike.
    sqlite::statement s(db, std::string(upgrade_columns) +
                                (cluster ? " WHERE cluster = ?1" : " WHERE ?1 IS NULL") +
                                " ORDER BY started_at DESC, id LIMIT ?2");
    s.bind(1, cluster).bind(2, std::clamp(limit, 0, max_history_limit));
    std::vector<upgrade_summary> out;
    while (s.step())
        out.push_back(summary_of(s));
    return out;
}

std::optional<upgrade_timeline> read_timeline(sqlite::connection& db, const std::string& id) {
    upgrade_timeline t;
    {
        sqlite::statement s(db, std::string(upgrade_columns) + " WHERE id = ?1");
        s.bind(1, id);
        if (!s.step())
            return std::nullopt;
        t.upgrade = summary_of(s);
    }
    sqlite::statement s(db,
                        "SELECT hostname, role, status, started_at, ended_at FROM node_statuses "
                        "WHERE upgrade_id = ?1 ORDER BY hostname, started_at, rowid");
    s.bind(1, id);
    while (s.step()) {
        const std::string hostname = s.column_text(0);
        if (t.nodes.empty() || t.nodes.back().hostname != hostname)
            t.nodes.push_back({hostname, {}, {}});
        node_timeline& n = t.nodes.back();
        n.role = s.column_text(1);  // the latest row's role wins
        n.statuses.push_back({s.column_text(2), from_unix(s.column_int(3)), optional_time(s, 4)});
    }
    std::stable_sort(t.nodes.begin(), t.nodes.end(),
                     [](const node_timeline& a, const node_timeline& b) {
                         const auto sa = upgrade_start(a);
                         const auto sb = upgrade_start(b);
                         if (sa && sb)
                             return *sa < *sb;
                         return sa.has_value() && !sb.has_value();
                     });
    return t;
}

std::optional<duration> node_time(const node_timeline& node) {
    std::optional<wall_time> began;
    for (const status_span& s : node.statuses) {
        const node_phase phase = classify_status(s.status);
        if (phase == node_phase::upgrading && !began)
            began = s.started_at;
        if (phase == node_phase::complete)
            return began ? std::optional<duration>(
                               std::max(duration(s.started_at - *began), duration(0)))
                         : std::nullopt;
    }
    return std::nullopt;
}

namespace {

// The node rows of the last `?2` finished upgrades per cluster; one cluster's (`?1`) through
// upgrades_by_instance when `one_cluster` (see read_upgrades on the two forms).
std::string node_times_sql(bool one_cluster) {
    return std::string(
               "WITH recent AS (SELECT id, instance_no FROM (SELECT id, instance_no, "
               "row_number() OVER (PARTITION BY instance_no ORDER BY started_at DESC) "
               "AS k FROM upgrades WHERE outcome = 'finished' AND ") +
           (one_cluster ? "instance_no = ?1" : "?1 IS NULL") +
           ") WHERE k <= ?2) "
           "SELECT r.instance_no, n.upgrade_id, n.hostname, n.role, n.status, n.started_at "
           "FROM recent r JOIN node_statuses n ON n.upgrade_id = r.id ORDER BY r.instance_no, "
           "n.upgrade_id, n.hostname, n.started_at, n.rowid";
}

// Steps a bound node_times_sql statement to its end: the medians per cluster.
std::map<std::string, monitor::node_time_medians> medians_of_rows(sqlite::statement& s) {
    std::map<std::string, std::vector<monitor::node_sample>> samples;
    std::string instance, upgrade;
    node_timeline node;
    const auto finish_node = [&] {
        if (const auto t = node_time(node))
            samples[instance].push_back({node.role, *t});
    };
    while (s.step()) {
        std::string row_instance = s.column_text(0);
        std::string row_upgrade = s.column_text(1);
        std::string row_host = s.column_text(2);
        if (row_instance != instance || row_upgrade != upgrade || row_host != node.hostname) {
            finish_node();
            instance = std::move(row_instance);
            upgrade = std::move(row_upgrade);
            node = {std::move(row_host), {}, {}};
        }
        node.role = s.column_text(3);
        node.statuses.push_back({s.column_text(4), from_unix(s.column_int(5)), std::nullopt});
    }
    finish_node();
    std::map<std::string, monitor::node_time_medians> out;
    for (const auto& [no, list] : samples)
        out.emplace(no, monitor::medians_of(list));
    return out;
}

}  // namespace

std::map<std::string, monitor::node_time_medians> read_node_time_medians(
    sqlite::connection& db, const std::optional<std::string>& instance_no, int upgrades) {
    sqlite::statement s(db, node_times_sql(instance_no.has_value()));
    s.bind(1, instance_no).bind(2, upgrades);
    return medians_of_rows(s);
}

node_time_reader::node_time_reader(sqlite::connection& db, int upgrades)
    : upgrades_(upgrades), select_(db, node_times_sql(true)) {}

monitor::node_time_medians node_time_reader::read(const std::string& instance_no) {
    sqlite::reset_guard done(select_);
    select_.bind(1, instance_no).bind(2, upgrades_);
    auto all = medians_of_rows(select_);
    const auto it = all.find(instance_no);
    return it != all.end() ? std::move(it->second) : monitor::node_time_medians{};
}

}  // namespace sesmon::state
