// Stalls, failures and blindness, end to end against the simulator (virtual time frozen
// and moved with POST /_sim/advance; the daemon's stall and blind timers run on its own
// clock, so they are set to a second or two).
#include <gtest/gtest.h>

#include <csignal>

#include "harness.hpp"

namespace sesmon::daemon_test {
namespace {

using clock_type = std::chrono::steady_clock;

TEST(daemon_episodes_test, stuck_node_stalls_after_the_timeout_and_clears_when_it_moves) {
    temp_dir dir;
    simulator sim(dir.path(), "tests/daemon/scenarios/episodes.yaml", 0);
    daemon_spec spec;
    spec.endpoint = sim.url();
    spec.stall = "{ node_stage_timeout: 3s, no_progress_timeout: 0s, blind_timeout: 0s }";
    spec.clusters = {{"stuck", "1037301", ""},
                     {"failing", "1037302", "stall: { node_stage_timeout: 0s }"}};
    write_text(dir.path() / "config.yaml", daemon_config(spec, dir.path()));
    daemon_process d(dir.path() / "config.yaml", dir.path() / "daemon.log");
    ASSERT_TRUE(d.wait_polls("stuck", 2));

    sim.advance(30);  // both upgrades running: st-1 and fl-1 in Upgrade_OpenSearch
    ASSERT_TRUE(has_emitted(d, "upgrade_started", "stuck", 5s));
    const auto seen = clock_type::now();
    ASSERT_TRUE(has_emitted(d, "upgrade_stalled", "stuck", 10s)) << d.log_text();
    // 3 s from first sight; the tracker counts whole seconds, so the stall may fire up to
    // 1 s early. `seen` is when upgrade_started's line appeared, which is after its commit
    // (up to a few hundred ms on a loaded machine), so allow that much more.
    EXPECT_GE(clock_type::now() - seen, 1500ms);

    sim.advance(45);  // fl-1 fails one minute into its stage
    ASSERT_TRUE(has_emitted(d, "upgrade_failed", "failing", 5s)) << d.log_text();

    sim.advance(25 * 60);  // st-1 is unstuck and finishes; st-2 starts
    ASSERT_TRUE(has_emitted(d, "stall_cleared", "stuck", 5s)) << d.log_text();
    const auto events = emitted_events(d.log_text());
    EXPECT_EQ(d.stop(), 0);

    EXPECT_EQ(count(events, "upgrade_stalled", "stuck"), 1u);
    EXPECT_EQ(count(events, "stall_cleared", "stuck"), 1u);
    EXPECT_EQ(count(events, "upgrade_failed", "failing"), 1u);
    EXPECT_EQ(count(events, "upgrade_stalled", "failing"), 0u);
    const auto log = d.log_text();
    EXPECT_NE(log.find("event=upgrade_stalled cluster=stuck node=st-1"), std::string::npos) << log;
    EXPECT_NE(log.find("event=upgrade_failed cluster=failing node=fl-1"), std::string::npos) << log;
}

TEST(daemon_episodes_test, auth_failures_longer_than_blind_timeout_go_blind_then_recover) {
    temp_dir dir;
    simulator sim(dir.path(), "tests/daemon/scenarios/episodes.yaml", 0);
    const auto ak = dir.path() / "access-key";
    const auto sk = dir.path() / "secret-key";
    write_text(ak, "test-ak");
    write_text(sk, "not-the-secret");
    daemon_spec spec;
    spec.endpoint = sim.url();
    spec.stall = "{ node_stage_timeout: 0s, no_progress_timeout: 0s, blind_timeout: 2s }";
    spec.access_key_file = ak.string();
    spec.secret_key_file = sk.string();
    spec.clusters = {{"stuck", "1037301", ""}};
    write_text(dir.path() / "config.yaml", daemon_config(spec, dir.path()));
    const auto started = clock_type::now();
    daemon_process d(dir.path() / "config.yaml", dir.path() / "daemon.log",
                     {{"NCLOUD_ACCESS_KEY", ""}, {"NCLOUD_SECRET_KEY", ""}});
    ASSERT_TRUE(has_emitted(d, "monitor_blind", "stuck", 10s)) << d.log_text();
    // Wall times have one-second resolution: 2 s of failures is at least 1 s of real time.
    EXPECT_GE(clock_type::now() - started, 1s);
    EXPECT_NE(d.log_text().find("poll failed (auth HTTP 401)"), std::string::npos) << d.log_text();

    write_text(sk, "test-sk");  // the key gets fixed; a reload picks it up
    d.process().signal(SIGHUP);
    ASSERT_TRUE(has_emitted(d, "monitor_recovered", "stuck", 10s)) << d.log_text();
    EXPECT_EQ(d.stop(), 0);
    const auto events = emitted_events(d.log_text());
    EXPECT_EQ(count(events, "monitor_blind"), 1u);
    EXPECT_EQ(count(events, "monitor_recovered"), 1u);
    // No secret in the log.
    EXPECT_EQ(d.log_text().find("test-sk"), std::string::npos);
    EXPECT_EQ(d.log_text().find("not-the-secret"), std::string::npos);
}

// SPEC §4: deadlines are timers of their own. A 429 asking to come back in an hour must not
// delay monitor_blind past blind_timeout (+ 1 s).
TEST(daemon_episodes_test, blind_fires_on_time_although_the_api_says_retry_in_an_hour) {
    temp_dir dir;
    simulator sim(dir.path(), "tests/daemon/scenarios/episodes.yaml", 0);
    daemon_spec spec;
    spec.endpoint = sim.url();
    spec.polling = "{ interval: 100ms, idle_interval: 100ms, jitter: 0.1, max_backoff: 2h }";
    spec.stall = "{ node_stage_timeout: 0s, no_progress_timeout: 0s, blind_timeout: 3s }";
    spec.clusters = {{"stuck", "1037301", ""}};
    write_text(dir.path() / "config.yaml", daemon_config(spec, dir.path()));
    sim.faults(R"({"faults":[{"kind":"rate_limit","retry_after":3600}]})");
    const auto started = clock_type::now();
    daemon_process d(dir.path() / "config.yaml", dir.path() / "daemon.log");
    ASSERT_TRUE(has_emitted(d, "monitor_blind", "stuck", 10s)) << d.log_text();
    const auto took = clock_type::now() - started;
    // From the first (failed) poll: 3 s, plus at most 1 s of whole-second rounding and the
    // daemon's start.
    EXPECT_GE(took, 2s);
    EXPECT_LT(took, 5s) << d.log_text();
    EXPECT_EQ(d.stop(), 0);
}

// A stall is noticed by its own timer, not by the next poll (10 minutes away here).
TEST(daemon_episodes_test, a_stall_fires_on_time_between_polls) {
    temp_dir dir;
    simulator sim(dir.path(), "tests/daemon/scenarios/episodes.yaml", 0);
    sim.advance(30);  // st-1 in Upgrade_OpenSearch before the daemon's first poll
    daemon_spec spec;
    spec.endpoint = sim.url();
    spec.polling = "{ interval: 10m, idle_interval: 10m, jitter: 0, max_backoff: 10m }";
    spec.stall = "{ node_stage_timeout: 3s, no_progress_timeout: 0s, blind_timeout: 0s }";
    spec.clusters = {{"stuck", "1037301", ""}};
    write_text(dir.path() / "config.yaml", daemon_config(spec, dir.path()));
    daemon_process d(dir.path() / "config.yaml", dir.path() / "daemon.log");
    ASSERT_TRUE(has_emitted(d, "upgrade_started", "stuck", 5s)) << d.log_text();
    const auto seen = clock_type::now();
    ASSERT_TRUE(has_emitted(d, "upgrade_stalled", "stuck", 6s)) << d.log_text();
    EXPECT_LT(clock_type::now() - seen, 5s);
    EXPECT_LE(d.successful_polls("stuck"), 1);  // no poll in between
    EXPECT_EQ(d.stop(), 0);
}

}  // namespace
}  // namespace sesmon::daemon_test
