// SPEC §14's sections — alertmanager, maintenance, routes — and the digest keys of a
// notifier: read into the config values, and every broken rule reported at its own
// file:line:col (a matcher template that can never expand, a zone with daylight saving
// time, a window that does not parse, a route to a notifier that does not exist).
#include "config/load.hpp"
#include "config/summary.hpp"
#include "silence/matcher_template.hpp"
#include "support.hpp"

namespace sesmon::config_file {
namespace {

using namespace std::chrono_literals;
using testing::error_of;
using testing::keys_environment;

const std::string quiet_clusters = R"(clusters:
  - name: prod-logs
    instance_no: "1037001"
    labels: {team: search, env: prod}
  - name: dev-logs
    instance_no: "1037002"
notifiers:
  - name: journal
    type: log
  - name: pager
    type: command
    argv: [/bin/true]
)";

sesmon::config quiet_parsed(const std::string& yaml) {
    return parse(quiet_clusters + yaml, "config.yaml", keys_environment());
}

TEST(quiet_config_test, alertmanager_reads_with_its_defaults) {
    const auto cfg = quiet_parsed(R"(alertmanager:
  url: http://127.0.0.1:9093
  matchers: ['cluster="{cluster}"', 'instance=~"{nodes_regex}"', 'team="{label:team}"']
  margin: 45m
)");
    ASSERT_TRUE(cfg.alertmanager);
    EXPECT_EQ(cfg.alertmanager->url, "http://127.0.0.1:9093");
    EXPECT_EQ(cfg.alertmanager->margin, 45min);
    EXPECT_EQ(cfg.alertmanager->timeout, 10s);
    ASSERT_EQ(cfg.alertmanager->matchers.size(), 3u);
    EXPECT_TRUE(cfg.alertmanager->matchers[1].is_regex);
    EXPECT_EQ(cfg.alertmanager->created_by.rfind("ses-upgrade-monitor/", 0), 0u);
    // Without matchers: cluster="{cluster}".
    const auto plain = quiet_parsed("alertmanager: {url: http://127.0.0.1:9093}\n");
    ASSERT_EQ(plain.alertmanager->matchers.size(), 1u);
    EXPECT_EQ(plain.alertmanager->matchers[0].source, "cluster=\"{cluster}\"");
    EXPECT_EQ(plain.alertmanager->margin, 30min);
    EXPECT_FALSE(quiet_parsed("").alertmanager);
}

TEST(quiet_config_test, alertmanager_problems_are_reported_where_they_are) {
    const auto error = [](const std::string& yaml) { return error_of(quiet_clusters + yaml); };
    EXPECT_EQ(error("alertmanager:\n  url: http://am.example.net:9093\n"),
              "config.yaml:14:8: alertmanager.url: must be https:// (plain http:// is allowed "
              "only to loopback hosts), got http://am.example.net:9093");
    EXPECT_EQ(error("alertmanager:\n  margin: 5m\n"),
              "config.yaml:14:3: alertmanager.url: required, e.g. http://127.0.0.1:9093");
    EXPECT_EQ(
        error(
            "alertmanager:\n  url: http://127.0.0.1:9093\n  matchers: ['cluster=\"{clustr}\"']\n"),
        "config.yaml:15:14: alertmanager.matchers[0]: unknown placeholder {clustr} "
        "(expected {cluster}, {instance_no}, {region}, {label:KEY} or {nodes_regex}; {{ "
        "and }} for literal braces)");
    EXPECT_EQ(error("alertmanager:\n  url: http://127.0.0.1:9093\n  matchers: "
                    "['owner=\"{label:owner}\"']\n"),
              "config.yaml:15:14: alertmanager.matchers[0]: {label:owner} can never expand: no "
              "cluster has the label \"owner\"");
    EXPECT_NE(
        error(
            "alertmanager:\n  url: http://127.0.0.1:9093\n  matchers: ['team=\"{label:team}\"']\n")
            .find("alertmanager.matchers: every matcher may match an empty label value"),
        std::string::npos);
    EXPECT_NE(error("alertmanager:\n  url: http://127.0.0.1:9093\n  token_file: /nonexistent/t\n")
                  .find("alertmanager.token_file"),
              std::string::npos);
    EXPECT_EQ(error("alertmanager:\n  url: http://127.0.0.1:9093\n  retry: {initial_backoff: 2m, "
                    "max_backoff: 1m}\n"),
              "config.yaml:15:10: alertmanager.retry: max_backoff must not be shorter than "
              "initial_backoff");
}

TEST(quiet_config_test, maintenance_windows_read_with_spans_and_zones) {
    const auto cfg = quiet_parsed(R"(maintenance:
  - name: weekly
    labels: {env: prod}
    weekly: ["Tue 02:00-05:00", "Sun 23:00-01:00"]
    time_zone: Asia/Seoul
  - name: lab
    clusters: [dev-logs]
    weekly: "Sat 10:00-12:00"
    time_zone: "+00:00"
)");
    ASSERT_EQ(cfg.maintenance.size(), 2u);
    EXPECT_EQ(cfg.maintenance[0].labels, (label_set{{"env", "prod"}}));
    ASSERT_EQ(cfg.maintenance[0].weekly.size(), 2u);
    EXPECT_EQ(cfg.maintenance[0].weekly[1].end, 7 * 1440 + 60);
    EXPECT_EQ(cfg.maintenance[0].utc_offset, 9h);
    EXPECT_EQ(cfg.maintenance[1].clusters, std::vector<std::string>{"dev-logs"});
    EXPECT_EQ(cfg.maintenance[1].weekly.size(), 1u);
}

TEST(quiet_config_test, maintenance_problems_are_reported_where_they_are) {
    const auto error = [](const std::string& yaml) { return error_of(quiet_clusters + yaml); };
    EXPECT_EQ(error("maintenance:\n  - {name: w, weekly: \"Tue 2-5\", time_zone: UTC}\n"),
              "config.yaml:14:23: maintenance[0].weekly: invalid weekly window \"Tue 2-5\": "
              "times are HH:MM from 00:00 to 24:00 (24:00 only as an end) (expected e.g. \"Tue "
              "02:00-05:00\", \"Sun 23:00-01:00\" or \"Fri 22:00-Mon 06:00\")");
    EXPECT_NE(error("maintenance:\n  - {name: w, weekly: \"Tue 02:00-05:00\", time_zone: "
                    "Europe/Berlin}\n")
                  .find("config.yaml:14:53: maintenance[0].time_zone: time zone \"Europe/Berlin\" "
                        "has daylight saving time"),
              std::string::npos);
    EXPECT_EQ(error("maintenance:\n  - {name: w, weekly: \"Tue 02:00-05:00\"}\n"),
              "config.yaml:14:5: maintenance[0].time_zone: required, e.g. Asia/Seoul");
    EXPECT_EQ(error("maintenance:\n  - {name: w, clusters: [nope], weekly: \"Tue 02:00-05:00\", "
                    "time_zone: UTC}\n"),
              "config.yaml:14:26: maintenance[0].clusters[0]: unknown cluster \"nope\"");
    EXPECT_EQ(error("maintenance:\n  - {name: w, labels: {env: prod}, clusters: [dev-logs], "
                    "weekly: \"Tue 02:00-05:00\", time_zone: UTC}\n"),
              "config.yaml:14:36: maintenance[0].clusters: set labels or clusters, not both");
}

TEST(quiet_config_test, routes_read_in_order_with_their_matches) {
    const auto cfg = quiet_parsed(R"(routes:
  - match: {labels: {team: search}, events: [upgrade_stalled, upgrade_failed], severity: critical}
    notifiers: [pager]
    continue: true
  - match: {severity: [warning, critical], clusters: [dev-logs]}
    notifiers: [journal]
  - notifiers: [journal]
)");
    ASSERT_EQ(cfg.routes.size(), 3u);
    EXPECT_EQ(cfg.routes[0].labels, (label_set{{"team", "search"}}));
    EXPECT_EQ(cfg.routes[0].events,
              (std::vector<event_type>{event_type::upgrade_stalled, event_type::upgrade_failed}));
    EXPECT_EQ(cfg.routes[0].severities, std::vector<severity>{severity::critical});
    EXPECT_TRUE(cfg.routes[0].continue_matching);
    EXPECT_EQ(cfg.routes[1].severities,
              (std::vector<severity>{severity::warning, severity::critical}));
    EXPECT_EQ(cfg.routes[1].clusters, std::vector<std::string>{"dev-logs"});
    EXPECT_FALSE(cfg.routes[1].continue_matching);
    EXPECT_TRUE(cfg.routes[2].events.empty());
    EXPECT_EQ(cfg.routes[2].notifiers, std::vector<std::string>{"journal"});
}

TEST(quiet_config_test, route_problems_are_reported_where_they_are) {
    const auto error = [](const std::string& yaml) { return error_of(quiet_clusters + yaml); };
    EXPECT_EQ(error("routes:\n  - notifiers: [slack]\n"),
              "config.yaml:14:17: routes[0].notifiers[0]: unknown notifier \"slack\"");
    EXPECT_EQ(error("routes:\n  - match: {severity: urgent}\n    notifiers: [pager]\n"),
              "config.yaml:14:23: routes[0].match.severity: unknown severity \"urgent\" (expected "
              "info, warning or critical)");
    EXPECT_EQ(error("routes:\n  - match: {events: [upgrade_stuck]}\n    notifiers: [pager]\n"),
              "config.yaml:14:22: routes[0].match.events[0]: unknown event \"upgrade_stuck\" "
              "(expected upgrade_started, node_changed, upgrade_finished, upgrade_failed, "
              "upgrade_stalled, stall_cleared, upgrade_vanished, monitor_blind, "
              "monitor_recovered, monitor_degraded, upgrade_unplanned, cluster_health_red, "
              "cluster_health_cleared or recovery_stuck)");
    EXPECT_EQ(error("routes:\n  - match: {team: search}\n    notifiers: [pager]\n"),
              "config.yaml:14:13: routes[0].match.team: unknown key");
    EXPECT_EQ(error("routes:\n  - match: {}\n"),
              "config.yaml:14:5: routes[0].notifiers: required: where matching events go");
}

TEST(quiet_config_test, digest_keys_and_what_can_never_wait) {
    const auto cfg = parse(R"(clusters:
  - name: a
    instance_no: "1"
notifiers:
  - name: chat
    type: command
    argv: [/bin/true]
    digest: 5m
  - name: chat2
    type: command
    argv: [/bin/true]
    digest: 1m
    digest_events: [node_changed, stall_cleared]
    events: [node_changed, stall_cleared, upgrade_failed]
)",
                           "config.yaml", keys_environment());
    EXPECT_EQ(cfg.notifiers[0].digest, 5min);
    EXPECT_EQ(cfg.notifiers[0].digest_events, std::vector<event_type>{event_type::node_changed});
    // A digest notifier without events: takes what it folds too.
    EXPECT_NE(std::find(cfg.notifiers[0].events.begin(), cfg.notifiers[0].events.end(),
                        event_type::node_changed),
              cfg.notifiers[0].events.end());
    EXPECT_FALSE(cfg.notifiers[0].events_given);
    EXPECT_TRUE(cfg.notifiers[1].events_given);
    EXPECT_EQ(cfg.notifiers[1].events.size(), 3u);

    const std::string head = "clusters:\n  - {name: a, instance_no: \"1\"}\nnotifiers:\n";
    EXPECT_EQ(error_of(head + "  - {name: c, type: log, digest: 5m, digest_events: "
                              "[upgrade_stalled]}\n"),
              "config.yaml:4:53: notifiers[0].digest_events: upgrade_stalled is never delayed: it "
              "cannot be in a digest (started, finished, failed, stalled, blind, degraded and "
              "cluster_health_red go out at once)");
    EXPECT_EQ(error_of(head + "  - {name: c, type: log, digest_events: [node_changed]}\n"),
              "config.yaml:4:26: notifiers[0].digest_events: only with digest (the period, e.g. "
              "digest: 5m)");
    EXPECT_EQ(error_of(head + "  - {name: c, type: log, digest: 500ms}\n"),
              "config.yaml:4:34: notifiers[0].digest: at least 1s (omit the key for no digest)");
    EXPECT_EQ(error_of(head + "  - {name: p, type: webhook, format: pagerduty, routing_key_file: "
                              "\"\", digest: 5m}\n")
                      .find("notifiers[0].digest: not for format pagerduty") != std::string::npos,
              true);
}

}  // namespace
}  // namespace sesmon::config_file

namespace sesmon::config_file {
namespace {

TEST(quiet_config_test, check_config_prints_the_quiet_sections) {
    const std::string head = R"(clusters:
  - name: prod-logs
    instance_no: "1037001"
    labels: {team: search, env: prod}
notifiers:
  - name: journal
    type: log
  - {name: chat, type: log, digest: 5m}
)";
    const auto cfg = parse(head + R"(alertmanager:
  url: http://127.0.0.1:9093
  matchers: ['cluster="{cluster}"', 'env="{label:env}"']
maintenance:
  - name: weekly
    labels: {env: prod}
    weekly: ["Tue 02:00-05:00", "Thu 02:00-05:00"]
    time_zone: Asia/Seoul
routes:
  - match: {severity: critical}
    notifiers: [chat]
    continue: true
  - match: {}
    notifiers: [journal]
)",
                           "config.yaml", keys_environment());
    const std::string text = summarize(cfg);
    for (const char* line :
         {"    digest: every 5m, folding node_changed\n",
          "alertmanager: http://127.0.0.1:9093, silences until the expected finish + 30m, "
          "createdBy ses-upgrade-monitor/",
          "  matchers: cluster=\"{cluster}\", env=\"{label:env}\"\n",
          "maintenance windows (1):\n  weekly: clusters with env=prod, Tue 02:00-05:00, Thu "
          "02:00-05:00 (Asia/Seoul)\n",
          "routes (2, the first match wins unless continue):\n"
          "  1. severity critical -> chat, continue\n  2. any event -> journal\n"}) {
        EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
    }
    const std::string off = summarize(parse(head, "config.yaml", keys_environment()));
    EXPECT_NE(off.find("alertmanager: off (no silences during upgrades)\n"
                       "maintenance windows (0): none (no upgrade is unplanned)\n"
                       "routes: none (every notifier gets what its events say)\n"),
              std::string::npos)
        << off;
}

}  // namespace
}  // namespace sesmon::config_file
