#include "web/metrics.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "exposition_check.hpp"

namespace sesmon::web {
namespace {

using testing::check_exposition;

std::string all_errors(const testing::exposition& e) {
    std::string out;
    for (const auto& err : e.errors)
        out += err + "\n";
    return out;
}

cluster_view sample_cluster(const std::string& name) {
    cluster_view c;
    c.name = name;
    c.upgrade_in_progress = true;
    c.stalled = true;
    c.last_success_at = wall_time(std::chrono::seconds(1'790'000'000));
    for (const char* phase : {"complete", "complete", "upgrading", "pending"}) {
        node_view n;
        n.phase = phase;
        c.nodes.push_back(n);
    }
    return c;
}

using labels = std::map<std::string, std::string>;

// The value of one series, or -1 when it is absent.
double value_of(const testing::exposition& e, const std::string& name, const labels& l) {
    const auto* s = e.find(name, l);
    return s ? s->value : -1.0;
}

// A metrics object that has seen some of everything.
void exercise(metrics& m) {
    m.record_poll("prod-logs", "ok", 0.2);
    m.record_poll("prod-logs", "ok", 0.03);
    m.record_poll("prod-logs", "network", 10.5);
    m.record_poll("staging", "auth", 0.4);
    m.record_event("upgrade_started");
    m.record_event("node_changed");
    m.record_event("node_changed");
    m.record_notification("ops-slack", "delivered");
    m.record_notification("ops-slack", "retry");
    m.set_outbox_pending("ops-slack", 3);
    m.record_discovery_listing("ok");
    m.set_cluster(sample_cluster("prod-logs"));
    m.set_cluster(sample_cluster("staging"));
}

TEST(metrics_test, render_is_valid_exposition_with_every_spec_metric_and_type) {
    metrics m;
    exercise(m);
    const auto e = check_exposition(m.render());
    EXPECT_TRUE(e.errors.empty()) << all_errors(e) << m.render();
    const std::map<std::string, std::string> expected = {
        {"ses_upgrade_monitor_polls_total", "counter"},
        {"ses_upgrade_monitor_poll_duration_seconds", "histogram"},
        {"ses_upgrade_monitor_upgrade_in_progress", "gauge"},
        {"ses_upgrade_monitor_nodes", "gauge"},
        {"ses_upgrade_monitor_stalled", "gauge"},
        {"ses_upgrade_monitor_last_success_timestamp_seconds", "gauge"},
        {"ses_upgrade_monitor_events_total", "counter"},
        {"ses_upgrade_monitor_notifications_total", "counter"},
        {"ses_upgrade_monitor_outbox_pending", "gauge"},
        {"ses_upgrade_monitor_poll_lateness_seconds", "histogram"},
        {"ses_upgrade_monitor_api_connections_opened_total", "counter"},
        {"ses_upgrade_monitor_store_commit_seconds", "histogram"},
        {"ses_upgrade_monitor_store_errors_total", "counter"},
        {"ses_upgrade_monitor_leader", "gauge"},
        {"ses_upgrade_monitor_discovered_clusters", "gauge"},
        {"ses_upgrade_monitor_cluster_discovered", "gauge"},
        {"ses_upgrade_monitor_discovery_listings_total", "counter"},
    };
    EXPECT_EQ(e.types, expected);
    for (const auto& [family, type] : expected) {
        EXPECT_FALSE(e.help.at(family).empty()) << family;
    }
}

TEST(metrics_test, counters_gauges_and_histogram_carry_the_recorded_values) {
    metrics m;
    exercise(m);
    const auto e = check_exposition(m.render());
    ASSERT_TRUE(e.errors.empty()) << all_errors(e);
    const auto value = [&](const std::string& name, const labels& l) {
        return value_of(e, name, l);
    };
    const std::string p = "ses_upgrade_monitor_";
    EXPECT_EQ(value(p + "polls_total", {{"cluster", "prod-logs"}, {"result", "ok"}}), 2);
    EXPECT_EQ(value(p + "polls_total", {{"cluster", "prod-logs"}, {"result", "network"}}), 1);
    EXPECT_EQ(value(p + "polls_total", {{"cluster", "staging"}, {"result", "auth"}}), 1);
    EXPECT_EQ(value(p + "poll_duration_seconds_count", {}), 4);
    EXPECT_NEAR(value(p + "poll_duration_seconds_sum", {}), 11.13, 1e-9);
    EXPECT_EQ(value(p + "poll_duration_seconds_bucket", {{"le", "0.05"}}), 1);
    EXPECT_EQ(value(p + "poll_duration_seconds_bucket", {{"le", "10"}}), 3);
    EXPECT_EQ(value(p + "poll_duration_seconds_bucket", {{"le", "+Inf"}}), 4);
    EXPECT_EQ(value(p + "upgrade_in_progress", {{"cluster", "prod-logs"}}), 1);
    EXPECT_EQ(value(p + "stalled", {{"cluster", "prod-logs"}}), 1);
    EXPECT_EQ(value(p + "nodes", {{"cluster", "prod-logs"}, {"phase", "complete"}}), 2);
    EXPECT_EQ(value(p + "nodes", {{"cluster", "prod-logs"}, {"phase", "upgrading"}}), 1);
    EXPECT_EQ(value(p + "nodes", {{"cluster", "prod-logs"}, {"phase", "pending"}}), 1);
    EXPECT_EQ(value(p + "nodes", {{"cluster", "prod-logs"}, {"phase", "failed"}}), 0);
    EXPECT_EQ(value(p + "nodes", {{"cluster", "prod-logs"}, {"phase", "unknown"}}), 0);
    EXPECT_EQ(value(p + "last_success_timestamp_seconds", {{"cluster", "prod-logs"}}),
              1'790'000'000);
    EXPECT_EQ(value(p + "events_total", {{"type", "node_changed"}}), 2);
    EXPECT_EQ(value(p + "events_total", {{"type", "upgrade_started"}}), 1);
    // Types never seen are there at 0, so rate() sees the first one.
    EXPECT_EQ(value(p + "events_total", {{"type", "monitor_blind"}}), 0);
    EXPECT_EQ(value(p + "notifications_total", {{"notifier", "ops-slack"}, {"result", "retry"}}),
              1);
    EXPECT_EQ(value(p + "outbox_pending", {{"notifier", "ops-slack"}}), 3);
}

TEST(metrics_test, last_success_is_absent_until_a_poll_succeeded) {
    metrics m;
    cluster_view c = sample_cluster("fresh");
    c.last_success_at.reset();
    m.set_cluster(c);
    const auto e = check_exposition(m.render());
    ASSERT_TRUE(e.errors.empty()) << all_errors(e);
    EXPECT_EQ(e.find("ses_upgrade_monitor_last_success_timestamp_seconds", {{"cluster", "fresh"}}),
              nullptr);
    EXPECT_NE(e.find("ses_upgrade_monitor_stalled", {{"cluster", "fresh"}}), nullptr);
}

TEST(metrics_test, remove_cluster_and_sync_drop_every_series_of_the_cluster) {
    metrics m;
    exercise(m);
    m.remove_cluster("staging");
    std::string text = m.render();
    EXPECT_EQ(text.find("cluster=\"staging\""), std::string::npos) << text;
    EXPECT_NE(text.find("cluster=\"prod-logs\""), std::string::npos);

    m.sync_clusters({sample_cluster("new-one")});
    text = m.render();
    EXPECT_EQ(text.find("cluster=\"prod-logs\""), std::string::npos) << text;
    EXPECT_NE(text.find("cluster=\"new-one\""), std::string::npos);
    EXPECT_TRUE(check_exposition(text).errors.empty());

    m.remove_notifier("ops-slack");
    EXPECT_EQ(m.render().find("ops-slack"), std::string::npos);
}

TEST(metrics_test, discovered_clusters_counts_the_discovered_views_and_listings_by_result) {
    metrics m;
    auto found = sample_cluster("found");
    found.discovered = true;
    auto other = sample_cluster("other");
    other.discovered = true;
    m.sync_clusters({sample_cluster("static"), found, other});
    m.record_discovery_listing("ok");
    m.record_discovery_listing("auth");
    m.record_discovery_listing("auth");
    auto e = check_exposition(m.render());
    ASSERT_TRUE(e.errors.empty()) << all_errors(e);
    const std::string p = "ses_upgrade_monitor_";
    EXPECT_EQ(e.find(p + "discovered_clusters", {})->value, 2);
    EXPECT_EQ(e.find(p + "cluster_discovered", {{"cluster", "found"}})->value, 1);
    EXPECT_EQ(e.find(p + "cluster_discovered", {{"cluster", "static"}})->value, 0);
    EXPECT_EQ(e.find(p + "discovery_listings_total", {{"result", "auth"}})->value, 2);
    EXPECT_EQ(e.find(p + "discovery_listings_total", {{"result", "ok"}})->value, 1);
    m.sync_clusters({sample_cluster("static")});
    e = check_exposition(m.render());
    EXPECT_EQ(e.find(p + "discovered_clusters", {})->value, 0);

    // The daemon's way: marked once when the cluster starts, gone with its series.
    m.set_discovered("found", true);
    e = check_exposition(m.render());
    EXPECT_EQ(e.find(p + "cluster_discovered", {{"cluster", "found"}})->value, 1);
    EXPECT_EQ(e.find(p + "discovered_clusters", {})->value, 1);
    m.remove_cluster("found");
    e = check_exposition(m.render());
    EXPECT_EQ(e.find(p + "cluster_discovered", {{"cluster", "found"}}), nullptr);
    EXPECT_EQ(e.find(p + "discovered_clusters", {})->value, 0);
}

TEST(metrics_test, label_values_with_quotes_backslashes_and_newlines_are_escaped) {
    metrics m;
    const std::string odd = "we\"ird\\name\nx";
    m.record_poll(odd, "ok", 0.1);
    const auto e = check_exposition(m.render());
    ASSERT_TRUE(e.errors.empty()) << all_errors(e) << m.render();
    const auto* s = e.find("ses_upgrade_monitor_polls_total", {{"cluster", odd}, {"result", "ok"}});
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->value, 1);
}

TEST(metrics_test, a_cluster_handle_records_polls_without_a_name_and_goes_quiet_when_removed) {
    metrics m;
    const auto handle = m.cluster("prod-logs");
    m.record_poll(handle, "ok", 0.1);
    m.record_poll(handle, "ok", 0.2);
    m.record_poll(handle, "throttled", 0.3);
    auto e = check_exposition(m.render());
    ASSERT_TRUE(e.errors.empty()) << all_errors(e);
    const std::string polls = "ses_upgrade_monitor_polls_total";
    ASSERT_NE(e.find(polls, {{"cluster", "prod-logs"}, {"result", "ok"}}), nullptr);
    EXPECT_EQ(e.find(polls, {{"cluster", "prod-logs"}, {"result", "ok"}})->value, 2);
    EXPECT_EQ(e.find(polls, {{"cluster", "prod-logs"}, {"result", "throttled"}})->value, 1);
    // The handle and the name reach the same series.
    m.record_poll("prod-logs", "ok", 0.1);
    e = check_exposition(m.render());
    EXPECT_EQ(e.find(polls, {{"cluster", "prod-logs"}, {"result", "ok"}})->value, 3);

    // A poll that ends after its cluster was removed (reload) must not bring it back.
    m.remove_cluster("prod-logs");
    m.record_poll(handle, "ok", 0.1);
    EXPECT_EQ(m.render().find("prod-logs"), std::string::npos) << m.render();
    EXPECT_EQ(check_exposition(m.render())
                  .find("ses_upgrade_monitor_poll_duration_seconds_count", {})
                  ->value,
              5);
}

TEST(metrics_test, gauges_set_through_a_handle_need_no_view) {
    metrics m;
    const auto handle = m.cluster("prod-logs");
    metrics::cluster_gauges g;
    g.upgrade_in_progress = true;
    g.nodes = {1, 2, 3, 0, 0};
    g.last_success = wall_time(std::chrono::seconds(1'790'000'000));
    m.set_cluster(handle, g);
    auto e = check_exposition(m.render());
    ASSERT_TRUE(e.errors.empty()) << all_errors(e);
    const std::string p = "ses_upgrade_monitor_";
    EXPECT_EQ(value_of(e, p + "upgrade_in_progress", {{"cluster", "prod-logs"}}), 1);
    EXPECT_EQ(value_of(e, p + "stalled", {{"cluster", "prod-logs"}}), 0);
    EXPECT_EQ(value_of(e, p + "nodes", {{"cluster", "prod-logs"}, {"phase", "upgrading"}}), 2);
    EXPECT_EQ(value_of(e, p + "nodes", {{"cluster", "prod-logs"}, {"phase", "complete"}}), 3);
    EXPECT_EQ(value_of(e, p + "last_success_timestamp_seconds", {{"cluster", "prod-logs"}}),
              1'790'000'000);
    g.stalled = true;
    m.set_cluster(handle, g);
    e = check_exposition(m.render());
    EXPECT_EQ(value_of(e, p + "stalled", {{"cluster", "prod-logs"}}), 1);
}

TEST(metrics_test, poll_lateness_and_api_connections_are_recorded) {
    metrics m;
    m.record_poll_lateness(0.002);
    m.record_poll_lateness(0.7);
    m.record_poll_lateness(-0.001);  // a poll started a hair early counts as on time
    m.count_api_connection();
    m.count_api_connection();
    const auto e = check_exposition(m.render());
    ASSERT_TRUE(e.errors.empty()) << all_errors(e);
    const auto value = [&](const std::string& name, const labels& l) {
        return value_of(e, name, l);
    };
    const std::string p = "ses_upgrade_monitor_";
    EXPECT_EQ(value(p + "poll_lateness_seconds_count", {}), 3);
    EXPECT_EQ(value(p + "poll_lateness_seconds_bucket", {{"le", "0.001"}}), 1);
    EXPECT_EQ(value(p + "poll_lateness_seconds_bucket", {{"le", "0.005"}}), 2);
    EXPECT_EQ(value(p + "poll_lateness_seconds_bucket", {{"le", "1"}}), 3);
    EXPECT_NEAR(value(p + "poll_lateness_seconds_sum", {}), 0.702, 1e-9);
    EXPECT_EQ(value(p + "api_connections_opened_total", {}), 2);
}

// promtool (Debian package `prometheus`, installed by `scripts/bootstrap test`) is the
// reference checker, beside the strict checker above.
TEST(metrics_test, promtool_accepts_the_output) {
    ASSERT_EQ(std::system("command -v promtool >/dev/null 2>&1"), 0)
        << "promtool missing: run scripts/bootstrap prometheus (or test)";
    metrics m;
    exercise(m);
    const std::string path = ::testing::TempDir() + "metrics_test.prom";
    std::ofstream(path) << m.render();
    const std::string cmd = "promtool check metrics < " + path + " > " + path + ".out 2>&1";
    const int rc = std::system(cmd.c_str());
    std::ifstream out(path + ".out");
    const std::string report((std::istreambuf_iterator<char>(out)), {});
    // promtool exits 3 for lint warnings only (e.g. naming advice), 1 for invalid input.
    EXPECT_TRUE(rc == 0 || WEXITSTATUS(rc) == 3) << report;
    EXPECT_EQ(report.find("error"), std::string::npos) << report;
}

}  // namespace
}  // namespace sesmon::web
