// Issue 13 end to end: config/scenarios/slow-node.yaml played 120 times faster than real
// time (a scenario minute is half a second), the daemon's timeouts scaled alike — nodes of
// 3 min, one of them 40 min in Upgrade_OpenSearch. The slower_than_peers stall comes long
// before the fixed node_stage_timeout would; the ETA is in /api/v1/clusters while the
// upgrade runs; afterwards the history API and `ses-upgrade-monitor history` show it.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <csignal>
#include <regex>

#include "harness.hpp"

namespace sesmon::daemon_test {
namespace {

using clock_type = std::chrono::steady_clock;

rapidjson::Document parse(const std::optional<std::string>& body) {
    rapidjson::Document d;
    d.Parse(body.value_or("null").c_str());
    return d;
}

std::optional<clock_type::time_point> seen_at(daemon_process& d, const std::string& type,
                                              std::chrono::milliseconds timeout) {
    if (!wait_until([&] { return count(emitted_events(d.log_text()), type, "slow-node") > 0; },
                    timeout))
        return std::nullopt;
    return clock_type::now();
}

// The daemon's configuration for config/scenarios/slow-node.yaml at 120× (a scenario minute
// is half a second): slower_than_peers at 3 × the peers' median, at least 5 s (10 min at
// 1/120); `node_stage_timeout` as given (0s: off); no no-progress or blind alerts.
daemon_spec slow_node_spec(const simulator& sim, const std::string& node_stage_timeout) {
    daemon_spec spec;
    spec.endpoint = sim.url();
    spec.stall = "{ node_stage_timeout: " + node_stage_timeout +
                 ", no_progress_timeout: 0s, blind_timeout: 0s, adaptive_factor: 3, "
                 "adaptive_min: 5s }";
    spec.clusters = {{"slow-node", "1037301", ""}};
    return spec;
}

TEST(daemon_history_test, a_slow_node_stalls_early_and_the_history_shows_its_timeline) {
    temp_dir dir;
    simulator sim(dir.path(), "config/scenarios/slow-node.yaml", 120);
    // 45m and 12m at 1/120: 22.5 s, 6 s.
    const daemon_spec spec = slow_node_spec(sim, "22500ms");
    auto config = daemon_config(spec, dir.path()) + "eta:\n  node_prior: 6s\n";
    write_text(dir.path() / "config.yaml", config);
    daemon_process d(dir.path() / "config.yaml", dir.path() / "daemon.log");
    const unsigned short port = d.server_port();
    ASSERT_NE(port, 0) << d.log_text();

    const auto started = seen_at(d, "upgrade_started", 10s);
    ASSERT_TRUE(started) << d.log_text();
    // While it runs: the upgrade's history id and its expected finish.
    const auto clusters = parse(http("GET", port, "/api/v1/clusters"));
    ASSERT_TRUE(clusters.IsObject());
    const auto& upgrade = clusters["clusters"][0]["upgrade"];
    ASSERT_TRUE(upgrade["id"].IsString());
    const std::string id = upgrade["id"].GetString();
    EXPECT_TRUE(upgrade["expected_finish"].IsString());

    // slow-node-d-3 enters Upgrade_OpenSearch ≈ 3.5 s in; its peers took ≈ 1 s there:
    // slower_than_peers at adaptive_min (5 s) into the stage; the fixed timeout would need
    // 22.5 s.
    const auto stalled = seen_at(d, "upgrade_stalled", 30s);
    ASSERT_TRUE(stalled) << d.log_text();
    EXPECT_LT(*stalled - *started, 18s);
    const auto during = parse(http("GET", port, "/api/v1/clusters"));
    ASSERT_TRUE(during.IsObject());
    EXPECT_STREQ(during["clusters"][0]["stall"]["reason"].GetString(), "slower_than_peers");
    // The history's row of the upgrade in progress carries the live expected finish.
    const auto running = parse(http("GET", port, "/api/v1/history?cluster=slow-node"));
    ASSERT_TRUE(running.IsObject());
    ASSERT_EQ(running["upgrades"].Size(), 1u);
    EXPECT_STREQ(running["upgrades"][0]["outcome"].GetString(), "in_progress");
    EXPECT_TRUE(running["upgrades"][0]["expected_finish"].IsString());

    ASSERT_TRUE(seen_at(d, "upgrade_finished", 40s)) << d.log_text();
    const auto log = d.log_text();
    const auto events = emitted_events(log);
    EXPECT_EQ(count(events, "upgrade_stalled"), 1u);  // not again at node_stage_timeout
    EXPECT_EQ(count(events, "stall_cleared"), 1u);
    EXPECT_NE(log.find("event=upgrade_stalled cluster=slow-node node=slow-node-d-3"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("stall=slower_than_peers"), std::string::npos) << log;

    // The history, through the API (read off the event loop) ...
    const auto history = parse(http("GET", port, "/api/v1/history?cluster=slow-node"));
    ASSERT_TRUE(history.IsObject()) << log;
    ASSERT_EQ(history["upgrades"].Size(), 1u);
    const auto& entry = history["upgrades"][0];
    EXPECT_EQ(entry["id"].GetString(), id);
    EXPECT_STREQ(entry["outcome"].GetString(), "finished");
    EXPECT_EQ(entry["nodes"]["complete"].GetInt(), 5);
    EXPECT_GT(entry["duration_seconds"].GetInt64(), 15);

    const auto timeline = parse(http("GET", port, "/api/v1/upgrades/" + id));
    ASSERT_TRUE(timeline.IsObject());
    const auto& nodes = timeline["nodes"];
    ASSERT_EQ(nodes.Size(), 5u);
    std::vector<long long> in_opensearch;
    for (rapidjson::SizeType i = 0; i < nodes.Size(); ++i) {
        EXPECT_EQ(std::string(nodes[i]["hostname"].GetString()),
                  "slow-node-d-" + std::to_string(i + 1));  // in upgrade order
        const auto& statuses = nodes[i]["statuses"];
        EXPECT_STREQ(statuses[statuses.Size() - 1]["status"].GetString(), "complete");
        long long seconds = 0;
        for (const auto& s : statuses.GetArray()) {
            if (std::string(s["status"].GetString()) == "Upgrade_OpenSearch")
                seconds += s["seconds"].GetInt64();
        }
        in_opensearch.push_back(seconds);
    }
    EXPECT_GE(in_opensearch[2], 15);  // 40 min / 120 = 20 s
    EXPECT_LE(in_opensearch[0], 3);   // 2 min / 120 = 1 s, give or take a poll
    EXPECT_FALSE(http("GET", port, "/api/v1/upgrades/0123456789abcdef"));  // 404

    // ... and the command, on state.db while the daemon runs.
    child cli({std::string(SESMON_BIN_DIR) + "/ses-upgrade-monitor", "history", "-c",
               (dir.path() / "config.yaml").string(), "--format", "json"},
              {}, dir.path() / "history.out", dir.path() / "history.err");
    EXPECT_EQ(cli.wait(10s), 0) << read_text(dir.path() / "history.err");
    const auto printed = parse(read_text(dir.path() / "history.out"));
    ASSERT_TRUE(printed.IsObject()) << read_text(dir.path() / "history.out");
    ASSERT_EQ(printed["upgrades"].Size(), 1u);
    EXPECT_EQ(printed["upgrades"][0]["id"].GetString(), id);
    child table({std::string(SESMON_BIN_DIR) + "/ses-upgrade-monitor", "history", "-c",
                 (dir.path() / "config.yaml").string()},
                {}, dir.path() / "table.out", dir.path() / "table.err");
    EXPECT_EQ(table.wait(10s), 0);
    const auto text = read_text(dir.path() / "table.out");
    EXPECT_TRUE(std::regex_search(text, std::regex(id + R"(\s+slow-node\s+2140 → 2150\s+)")))
        << text;
    EXPECT_EQ(d.stop(), 0);
}

// The slower_than_peers deadline is a timer like the other stall deadlines: once the slow
// node is in its stage, the polls are made 10 minutes apart (a reload), and the stall still
// comes at its threshold, with no poll in between.
TEST(daemon_history_test, slower_than_peers_fires_on_time_between_polls) {
    temp_dir dir;
    simulator sim(dir.path(), "config/scenarios/slow-node.yaml", 120);
    // Peers 2 min in Upgrade_OpenSearch = 1 s here: 3 × 1 s, raised to adaptive_min (5 s).
    daemon_spec spec = slow_node_spec(sim, "0s");
    const auto config = dir.path() / "config.yaml";
    write_text(config, daemon_config(spec, dir.path()));
    daemon_process d(config, dir.path() / "daemon.log");
    ASSERT_NE(d.server_port(), 0) << d.log_text();

    ASSERT_TRUE(wait_until(
        [&] {
            return d.log_text().find("node=slow-node-d-3 role=D status=Upgrade_OpenSearch") !=
                   std::string::npos;
        },
        15s))
        << d.log_text();
    const auto entered = clock_type::now();
    spec.polling = "{ interval: 10m, idle_interval: 10m, jitter: 0, max_backoff: 10m }";
    write_text(config, daemon_config(spec, dir.path()));
    d.process().signal(SIGHUP);
    ASSERT_TRUE(wait_until(
        [&] {
            return d.log_text().find("cluster slow-node: configuration updated") !=
                   std::string::npos;
        },
        3s))
        << d.log_text();
    // The poll already armed at the old interval still runs; none after it: wait until the
    // count has not moved for a second.
    long polls = d.successful_polls("slow-node");
    auto moved_at = clock_type::now();
    ASSERT_TRUE(wait_until(
        [&] {
            if (const long now = d.successful_polls("slow-node"); now != polls) {
                polls = now;
                moved_at = clock_type::now();
            }
            return clock_type::now() - moved_at >= 1s;
        },
        4s));
    ASSERT_TRUE(seen_at(d, "upgrade_stalled", 10s)) << d.log_text();
    EXPECT_LT(clock_type::now() - entered, 8s);  // 5 s after the stage began, give or take
    EXPECT_EQ(d.successful_polls("slow-node"), polls) << d.log_text();  // none in between
    EXPECT_NE(d.log_text().find("stall=slower_than_peers"), std::string::npos) << d.log_text();
    EXPECT_EQ(d.stop(), 0);
}

}  // namespace
}  // namespace sesmon::daemon_test
