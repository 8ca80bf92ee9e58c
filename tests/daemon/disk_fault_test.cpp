// A disk that fills up under the running daemon (SPEC §6): polling and alerting go on from
// memory, the degradation is said once in the log and in /readyz, counted in /metrics, and
// everything is written once space returns — so a restart repeats nothing. The state
// directory is a small tmpfs of the test's own (skipped where the sandbox forbids mounts).
#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include <fstream>
#include <set>

#include "harness.hpp"
#include "state/reads.hpp"
#include "state/sqlite.hpp"
#include "support/tmpfs_mount.hpp"

namespace sesmon::daemon_test {
namespace {

// Writes zeros into `file` until the filesystem is full.
void fill(const fs::path& file) {
    std::ofstream out(file, std::ios::binary);
    const std::string block(64 * 1024, '\0');
    while (out.write(block.data(), static_cast<std::streamsize>(block.size())) && out.flush()) {
    }
}

TEST(daemon_disk_fault_test, a_full_disk_never_stops_alerts_and_nothing_is_lost_or_repeated) {
    temp_dir dir;
    test::tmpfs_mount disk(dir.path() / "state", "2m");
    if (!disk.mounted() && test::tmpfs_mount::required())
        FAIL() << disk.why() << " (as root this must work: CI runs it)";
    if (!disk.mounted())
        GTEST_SKIP() << disk.why();
    simulator sim(dir.path(), "config/scenarios/seed.yaml", 0);  // time moves when told
    daemon_spec spec;
    spec.endpoint = sim.url();
    spec.clusters = {{"cluster000", "1037001", ""}};
    write_text(dir.path() / "config.yaml", daemon_config(spec, dir.path()));

    daemon_process d(dir.path() / "config.yaml", dir.path() / "daemon.log");
    sim.advance(15);  // the upgrade starts
    ASSERT_TRUE(wait_until(
        [&] { return count(emitted_events(d.log_text()), "upgrade_started") == 1; }, 10s))
        << d.log_text();

    fill(dir.path() / "state" / "filler");
    // Events while the disk is full: the first node moves on, completes, the second starts.
    sim.advance(80);
    ASSERT_TRUE(
        wait_until([&] { return count(emitted_events(d.log_text()), "node_changed") >= 1; }, 10s))
        << d.log_text();
    sim.advance(30);
    ASSERT_TRUE(
        wait_until([&] { return count(emitted_events(d.log_text()), "node_changed") >= 3; }, 10s))
        << d.log_text();
    ASSERT_TRUE(wait_until(
        [&] { return d.log_text().find("state store degraded") != std::string::npos; }, 10s))
        << d.log_text();
    // The log notifier delivered them: alerts did not wait for the disk.
    EXPECT_NE(d.log_text().find("event=node_changed"), std::string::npos) << d.log_text();
    const auto ready = http("GET", d.server_port(), "/readyz");
    ASSERT_TRUE(ready);
    EXPECT_NE(ready->find("ready; state store degraded: "), std::string::npos) << *ready;
    const auto metrics = http("GET", d.server_port(), "/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_EQ(metrics->find("ses_upgrade_monitor_store_errors_total 0\n"), std::string::npos);
    EXPECT_NE(metrics->find("ses_upgrade_monitor_store_errors_total "), std::string::npos);

    fs::remove(dir.path() / "state" / "filler");
    ASSERT_TRUE(wait_until(
        [&] { return d.log_text().find("state store recovered") != std::string::npos; }, 40s))
        << d.log_text();
    ASSERT_TRUE(d.wait_polls("cluster000", 2));
    EXPECT_EQ(d.stop(), 0);
    const std::string first_run = d.log_text();
    // One line per episode, not per failed write.
    const auto lines = [&](const std::string& what) {
        std::size_t n = 0;
        for (auto pos = first_run.find(what); pos != std::string::npos;
             pos = first_run.find(what, pos + 1))
            ++n;
        return n;
    };
    EXPECT_EQ(lines("error state store degraded:"), 1u) << first_run;
    EXPECT_EQ(lines("info state store recovered"), 1u) << first_run;

    // What was emitted while the disk was full is on disk now.
    {
        state::sqlite::connection db(dir.path() / "state" / "state.db",
                                     state::sqlite::open_mode::read_only);
        spdlog::logger quiet("check");
        const auto clusters = state::read_clusters(db, quiet);
        ASSERT_EQ(clusters.size(), 1u);
        const auto& emitted_ids = clusters[0].state.emitted;
        for (const auto& e : emitted_events(first_run)) {
            EXPECT_NE(std::find(emitted_ids.begin(), emitted_ids.end(), e.id), emitted_ids.end())
                << e.type << " " << e.id;
        }
    }

    // A restart emits nothing again.
    daemon_process again(dir.path() / "config.yaml", dir.path() / "daemon2.log");
    ASSERT_TRUE(again.wait_polls("cluster000", 3));
    EXPECT_EQ(again.stop(), 0);
    EXPECT_TRUE(emitted_events(again.log_text()).empty()) << again.log_text();
}

}  // namespace
}  // namespace sesmon::daemon_test
