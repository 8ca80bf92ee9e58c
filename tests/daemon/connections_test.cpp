// The API client's keep-alive pool holds api.max_in_flight connections: with that many
// requests in flight all the time, the daemon connects that many times and then never
// again (issue 12: a pool of 4 made every request beyond 4 open a connection).
#include <gtest/gtest.h>

#include "harness.hpp"

namespace sesmon::daemon_test {
namespace {

TEST(daemon_connections_test, a_busy_daemon_opens_at_most_max_in_flight_connections) {
    temp_dir dir;
    // Slow answers (about 0.5 s each) keep the 12 in-flight slots full.
    simulator sim(dir.path(), "tests/daemon/scenarios/slow_answers.yaml", 0,
                  {"--generate-clusters", "40"});
    daemon_spec spec;
    spec.endpoint = sim.url();
    for (int i = 1; i <= 40; ++i) {
        char name[16];
        std::snprintf(name, sizeof name, "gen-%05d", i);
        spec.clusters.push_back({name, std::to_string(9000000 + i), ""});
    }
    spec.polling = "{ interval: 100ms, idle_interval: 100ms, jitter: 0.1, max_backoff: 1s }";
    spec.api_extra = "  max_in_flight: 12\n  max_requests_per_second: 1000\n";
    const auto config = dir.path() / "config.yaml";
    write_text(config, daemon_config(spec, dir.path()));
    daemon_process d(config, dir.path() / "daemon.log");

    // Enough polls for every slot to have been used many times over.
    const std::string polls = "ses_upgrade_monitor_polls_total";
    ASSERT_TRUE(wait_until([&] { return d.metric_sum(polls) >= 200; }, 60s))
        << d.log_text().substr(0, 2000);
    const double opened = d.metric_sum("ses_upgrade_monitor_api_connections_opened_total");
    EXPECT_GE(opened, 1);
    EXPECT_LE(opened, 12) << "polls: " << d.metric_sum(polls);
    EXPECT_EQ(d.stop(), 0);
}

}  // namespace
}  // namespace sesmon::daemon_test
