// bench_large_state: the state store's start on a large state.db — 10,000 clusters' history
// by default (docs/performance.md, "The integrity check at start"). Generates the database
// once (kept with --keep, reused with --dir), then measures, each on a cold page cache where
// the machine allows (--drop-caches, root):
//   the whole-file PRAGMA quick_check (what the first commit waited for before issue 21),
//   the store's start (open, migrate, read the cluster states and the outbox),
//   the first commit after start (durable, its handler run), and when the background
//   integrity check finished.
//
//   bench_large_state [--clusters N] [--upgrades K] [--dir DIR] [--keep] [--drop-caches]
#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/ostream_sink.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "monitor/cluster_state_json.hpp"
#include "state/database.hpp"
#include "state/sqlite_store.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point began) {
    return std::chrono::duration<double>(clock_type::now() - began).count();
}

// A tracker state as the daemon stores it, with an upgrade of 8 nodes and 40 emitted ids:
// about the size of a real one. Its instance_no is a placeholder the SQL replaces.
std::string state_template() {
    sesmon::monitor::cluster_state s;
    sesmon::monitor::upgrade_record u;
    const sesmon::wall_time t0{std::chrono::seconds(1760000000)};
    u.identity = {"2025-03-24 17:09:41", "2150"};
    u.from_version = "2140";
    u.to_version = "2150";
    u.started_at = t0;
    u.last_change = t0;
    u.node_count = 8;
    for (int i = 0; i < 8; ++i) {
        sesmon::monitor::node_record n;
        n.hostname = "cluster-node-" + std::to_string(i);
        n.role = "D";
        n.status = "complete";
        n.previous_status = "Upgrade_Plugin";
        n.since = n.first_seen = n.last_seen = t0;
        n.changes = 4;
        u.nodes.push_back(n);
    }
    s.upgrade = u;
    for (int i = 0; i < 40; ++i)
        s.emitted.push_back(std::string(64, static_cast<char>('a' + i % 26)));
    return sesmon::monitor::to_json(s, "@@INSTANCE@@");
}

std::string quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text)
        out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

// `clusters` clusters, `upgrades` finished upgrades each (8 nodes, 4 statuses, 34 events of
// ~600 bytes per upgrade), everything delivered (the outbox pruned, as after a day).
// `upgrades` × 90 days must stay within the retention.
void generate(const fs::path& dir, int clusters, int upgrades) {
    spdlog::logger quiet("bench", std::make_shared<spdlog::sinks::null_sink_st>());
    auto db = sesmon::state::open_for_writing(dir, sesmon::state::open_purpose::start, quiet);
    const std::string n = std::to_string(clusters - 1), k = std::to_string(upgrades - 1);
    // One upgrade per cluster every 90 days, the newest a week ago: all of it within the
    // default retention (400 days), so the store's pruning finds nothing to delete while
    // this measures.
    const std::string newest = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(
            (std::chrono::system_clock::now() - std::chrono::hours(24 * 7)).time_since_epoch())
            .count() -
        clusters * 60);
    db->exec("BEGIN");
    db->exec("WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < " + n +
             ") INSERT INTO clusters(instance_no, name, state, updated_at) SELECT "
             "printf('2%06d', x), printf('gen-%05d', x), replace(" +
             quoted(state_template()) + ", '@@INSTANCE@@', printf('2%06d', x)), 1760000000 FROM c");
    db->exec(
        "WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < " + n +
        "), u(y) AS (SELECT 0 UNION ALL SELECT y + 1 FROM u WHERE y < " + k +
        ") INSERT INTO upgrades(id, instance_no, cluster, from_version, to_version, "
        "action_date, started_at, finished_at, ended_at, outcome, nodes_total, nodes_complete) "
        "SELECT printf('%016x', x * 1000 + y), printf('2%06d', x), printf('gen-%05d', x), "
        "2100 + y, 2101 + y, 'd' || y, " +
        newest + " - y * 7776000 + x * 60, " + newest + " - y * 7776000 + x * 60 + 1440, " +
        newest + " - y * 7776000 + x * 60 + 1445, 'finished', 8, 8 FROM c, u");
    db->exec(
        "WITH RECURSIVE n(z) AS (SELECT 0 UNION ALL SELECT z + 1 FROM n WHERE z < 7), "
        "s(i, status) AS (VALUES (0, 'running'), (1, 'Upgrade_OpenSearch'), "
        "(2, 'Upgrade_Plugin'), (3, 'complete')) "
        "INSERT INTO node_statuses(upgrade_id, hostname, role, status, started_at, ended_at) "
        "SELECT u.id, u.cluster || '-d-' || z, 'D', s.status, u.started_at + z * 180 + s.i * 60, "
        "CASE s.i WHEN 3 THEN NULL ELSE u.started_at + z * 180 + s.i * 60 + 60 END "
        "FROM upgrades u, n, s");
    db->exec(
        "WITH RECURSIVE e(w) AS (SELECT 0 UNION ALL SELECT w + 1 FROM e WHERE w < 33) "
        "INSERT INTO events(id, instance_no, cluster, type, upgrade_id, occurred_at, body) "
        "SELECT printf('%s-%02d', u.id, w), u.instance_no, u.cluster, 'node_changed', u.id, "
        "u.started_at + w * 40, hex(randomblob(300)) FROM upgrades u, e");
    db->exec("COMMIT");
    db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

void drop_caches() {
    ::sync();
    std::ofstream("/proc/sys/vm/drop_caches") << "3\n";
}

}  // namespace

int main(int argc, char** argv) {
    int clusters = 10000, upgrades = 4;
    fs::path dir = fs::temp_directory_path() / "sesmon-bench-large-state";
    bool keep = false, cold = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--clusters" && i + 1 < argc)
            clusters = std::atoi(argv[++i]);
        else if (a == "--upgrades" && i + 1 < argc)
            upgrades = std::atoi(argv[++i]);
        else if (a == "--dir" && i + 1 < argc)
            dir = argv[++i];
        else if (a == "--keep")
            keep = true;
        else if (a == "--drop-caches")
            cold = true;
        else {
            std::cerr << "usage: bench_large_state [--clusters N] [--upgrades K] [--dir DIR] "
                         "[--keep] [--drop-caches]\n";
            return 2;
        }
    }
    if (!fs::exists(dir / sesmon::state::database_file_name)) {
        const auto began = clock_type::now();
        fs::create_directories(dir);
        generate(dir, clusters, upgrades);
        std::cout << "generated " << clusters << " clusters x " << upgrades << " upgrades in "
                  << seconds_since(began) << " s\n";
    }
    std::cout << "state.db: " << fs::file_size(dir / sesmon::state::database_file_name) / 1e6
              << " MB\n";

    if (cold)
        drop_caches();
    {
        const auto began = clock_type::now();
        auto db = sesmon::state::open_for_reading(dir);
        const std::string problem = sesmon::state::check_integrity(*db, dir);
        std::cout << "quick_check alone: " << seconds_since(began) << " s ("
                  << (problem.empty() ? "ok" : problem) << ")\n";
    }

    if (cold)
        drop_caches();
    std::ostringstream log_text;
    auto log = std::make_shared<spdlog::logger>(
        "bench", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text));
    boost::asio::io_context io;
    sesmon::state::sqlite_store_options o;
    o.directory = dir;
    const auto began = clock_type::now();
    sesmon::state::sqlite_store store(io.get_executor(), o, log);
    const double start = seconds_since(began);
    const auto initial = store.take_initial();
    sesmon::state::batch b;
    b.clusters.push_back(initial.clusters.front());
    double first_commit = -1;
    const auto committed_from = clock_type::now();
    store.commit(std::move(b), [&](std::error_code ec) {
        first_commit = ec ? -2 : seconds_since(committed_from);
    });
    while (first_commit == -1 || log_text.str().find("integrity check") == std::string::npos) {
        io.run_for(5ms);
        io.restart();
        if (seconds_since(began) > 600)
            break;
    }
    const double checked = seconds_since(began);
    // For comparison: a commit with no check running beside it.
    double later_commit = -1;
    sesmon::state::batch again;
    again.clusters.push_back(initial.clusters.back());
    const auto later_from = clock_type::now();
    store.commit(std::move(again),
                 [&](std::error_code ec) { later_commit = ec ? -2 : seconds_since(later_from); });
    while (later_commit == -1 && seconds_since(later_from) < 60) {
        io.run_for(5ms);
        io.restart();
    }
    store.close();
    std::cout << "store start (open + " << initial.clusters.size()
              << " cluster states read): " << start << " s\n"
              << "first commit after start: " << first_commit * 1000 << " ms\n"
              << "integrity check done: " << checked << " s after the start began\n"
              << "a commit after the check: " << later_commit * 1000 << " ms\n";
    if (!keep)
        fs::remove_all(dir);
    return 0;
}
