// The history reads (issue 13) on a large state.db: 1,000 clusters upgrading every 30 days
// for the default retention of 400 days (14,000 upgrades of 8 nodes, 4 statuses each:
// 448,000 node rows). They run on the daemon's reader thread, never on its event loop;
// their time is how long a request to /api/v1/history or /api/v1/upgrades/{id} waits, and
// how long after start (or an upgrade_finished) the ETA knows the past node times.
// Arg 2 is the schema this branch migrates to; Arg 1 the same rows without version 2's
// indexes (a database the read-only commands read before the daemon migrated it).
#include <benchmark/benchmark.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "state/database.hpp"
#include "state/history_reads.hpp"

namespace {

namespace fs = std::filesystem;
using sesmon::state::sqlite::connection;

// Every row in one statement each: SQLite's recursive CTEs, not a loop of inserts.
constexpr const char* fill = R"sql(
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < 999),
               k(y) AS (SELECT 0 UNION ALL SELECT y + 1 FROM k WHERE y < 13)
INSERT INTO upgrades(id, instance_no, cluster, from_version, to_version, action_date,
                     started_at, finished_at, ended_at, outcome, nodes_total, nodes_complete)
SELECT printf('%016x', x * 100 + y), printf('10%05d', x), printf('gen-%04d', x),
       2100 + y, 2101 + y, 'd' || y, 1760000000 + y * 2592000 + x * 60,
       1760000000 + y * 2592000 + x * 60 + 1440, 1760000000 + y * 2592000 + x * 60 + 1445,
       'finished', 8, 8
FROM c, k;
WITH RECURSIVE n(z) AS (SELECT 0 UNION ALL SELECT z + 1 FROM n WHERE z < 7),
               s(i, status, offset_seconds) AS (VALUES (0, 'running', 0),
                 (1, 'Upgrade_OpenSearch', 120), (2, 'Upgrade_Plugin', 240), (3, 'complete', 300))
INSERT INTO node_statuses(upgrade_id, hostname, role, status, started_at, ended_at)
SELECT u.id, u.cluster || '-d-' || z, 'D', s.status,
       CASE s.i WHEN 0 THEN u.started_at ELSE u.started_at + z * 180 + s.offset_seconds - 120 END,
       CASE s.i WHEN 3 THEN NULL ELSE u.started_at + z * 180 + s.offset_seconds END
FROM upgrades u, n, s ORDER BY u.id, z, s.i;
COMMIT;
)sql";

// A state.db of `schema` (1 or 2) in a directory of its own, removed at exit.
class bench_database {
  public:
    explicit bench_database(int schema)
        : dir_(fs::temp_directory_path() / ("sesmon-bench-history-" + std::to_string(::getpid()) +
                                            "-" + std::to_string(schema))) {
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        spdlog::logger quiet("bench", std::make_shared<spdlog::sinks::null_sink_st>());
        {
            auto writer =
                sesmon::state::open_for_writing(dir_, sesmon::state::open_purpose::start, quiet);
            writer->exec(fill);
            if (schema == 1)
                writer->exec("DROP INDEX upgrades_by_start; DROP INDEX upgrades_by_instance");
            writer->exec("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        db_ = sesmon::state::open_for_reading(dir_);
    }
    ~bench_database() {
        db_.reset();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    bench_database(const bench_database&) = delete;
    bench_database& operator=(const bench_database&) = delete;
    connection& db() { return *db_; }

  private:
    fs::path dir_;
    std::unique_ptr<connection> db_;
};

// Made once per process and schema.
connection& database(int schema) {
    static std::map<int, std::unique_ptr<bench_database>> made;
    auto& entry = made[schema];
    if (!entry)
        entry = std::make_unique<bench_database>(schema);
    return entry->db();
}

void history_list_newest_50(benchmark::State& state) {
    auto& db = database(static_cast<int>(state.range(0)));
    for (auto _ : state)
        benchmark::DoNotOptimize(sesmon::state::read_upgrades(db, std::nullopt, 50));
}
BENCHMARK(history_list_newest_50)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void history_list_one_cluster(benchmark::State& state) {
    auto& db = database(static_cast<int>(state.range(0)));
    for (auto _ : state)
        benchmark::DoNotOptimize(sesmon::state::read_upgrades(db, "gen-0500", 50));
}
BENCHMARK(history_list_one_cluster)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void history_timeline(benchmark::State& state) {
    auto& db = database(static_cast<int>(state.range(0)));
    for (auto _ : state)
        benchmark::DoNotOptimize(sesmon::state::read_timeline(db, "000000000000c355"));
}
BENCHMARK(history_timeline)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// After an upgrade_finished: that cluster's last 5 finished upgrades.
void history_node_times_one_cluster(benchmark::State& state) {
    auto& db = database(static_cast<int>(state.range(0)));
    for (auto _ : state)
        benchmark::DoNotOptimize(sesmon::state::read_node_time_medians(db, "1000500"));
}
BENCHMARK(history_node_times_one_cluster)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// At start: every cluster's.
void history_node_times_every_cluster(benchmark::State& state) {
    auto& db = database(static_cast<int>(state.range(0)));
    std::size_t found = 0;
    for (auto _ : state)
        found = sesmon::state::read_node_time_medians(db, std::nullopt).size();
    state.counters["clusters"] = static_cast<double>(found);
}
BENCHMARK(history_node_times_every_cluster)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

}  // namespace
