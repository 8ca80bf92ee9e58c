// Each validation rule, with the exact "file:line:col: path: message" line it produces.
#include "config/load.hpp"

#include "support.hpp"

namespace sesmon::config_file {
namespace {

using testing::error_of;
using testing::one_cluster;

TEST(validation_test, unknown_key_is_reported_at_its_own_position) {
    const std::string yaml = R"(api:
  site: public
polling:
  interval: 30s
stall:
  blind_timeout: 10m
notifiers:
  - name: journal
    type: log
clusters:
  - name: prod-logs
    instance_no: "1037001"
  - name: prod-search
    instanc_no: "1037002"
)";
    EXPECT_EQ(
        error_of(yaml),
        "config.yaml:14:5: clusters[1].instanc_no: unknown key (did you mean \"instance_no\"?)\n"
        "config.yaml:13:5: clusters[1].instance_no: required");
}

TEST(validation_test, error_exposes_each_problem_separately) {
    try {
        parse("clusters:\n  - name: x\n", "c.yaml", testing::keys_environment());
        FAIL() << "expected config_file::error";
    } catch (const error& e) {
        ASSERT_EQ(e.issues().size(), 1u);
        EXPECT_EQ(e.issues()[0], (issue{2, 5, "clusters[0].instance_no", "required"}));
        EXPECT_EQ(e.lines(),
                  std::vector<std::string>{"c.yaml:2:5: clusters[0].instance_no: required"});
    }
}

TEST(validation_test, unknown_top_level_and_nested_keys) {
    EXPECT_EQ(error_of(one_cluster + "polling:\n  intervall: 5s\n"),
              "config.yaml:5:3: polling.intervall: unknown key (did you mean \"interval\"?)");
    EXPECT_EQ(error_of(one_cluster + "bogus: true\n"), "config.yaml:4:1: bogus: unknown key");
    EXPECT_EQ(error_of(one_cluster + "notifiers:\n  - { name: j, type: log, retry: {} }\n"),
              "config.yaml:5:27: notifiers[0].retry: not used by type log");
}

TEST(validation_test, duplicate_keys_are_errors) {
    EXPECT_EQ(error_of(one_cluster + "logging:\n  level: info\n  level: debug\n"),
              "config.yaml:6:3: logging.level: duplicate key");
}

TEST(validation_test, wrong_types) {
    EXPECT_EQ(error_of(one_cluster + "polling: fast\n"),
              "config.yaml:4:10: polling: expected a mapping of keys");
    EXPECT_EQ(error_of(one_cluster + "api:\n  max_in_flight: many\n"),
              "config.yaml:5:18: api.max_in_flight: expected an integer, got \"many\"");
    EXPECT_EQ(error_of(one_cluster + "api:\n  max_requests_per_second: [1]\n"),
              "config.yaml:5:28: api.max_requests_per_second: expected a number");
    EXPECT_EQ(error_of(one_cluster + "api:\n  region: { a: b }\n"),
              "config.yaml:5:11: api.region: expected a string");
    EXPECT_EQ(error_of("clusters: prod\n"),
              "config.yaml:1:11: clusters: expected a list of clusters");
    EXPECT_EQ(error_of("- a\n- b\n"), "config.yaml:1:1: (top level): expected a mapping of keys");
}

TEST(validation_test, bad_durations) {
    EXPECT_EQ(error_of(one_cluster + "polling:\n  interval: 30\n"),
              "config.yaml:5:13: polling.interval: invalid duration \"30\": use 500ms, 30s, 5m, "
              "2h, 1h30m or 7d, at most 400d");
    EXPECT_EQ(error_of(one_cluster + "stall:\n  blind_timeout: 5m1h\n"),
              "config.yaml:5:18: stall.blind_timeout: invalid duration \"5m1h\": use 500ms, 30s, "
              "5m, 2h, 1h30m or 7d, at most 400d");
    EXPECT_EQ(error_of(one_cluster + "    polling: { interval: 0s }\n"),
              "config.yaml:4:26: clusters[0].polling.interval: must be greater than 0");
}

TEST(validation_test, numeric_ranges) {
    EXPECT_EQ(error_of(one_cluster + "polling: { jitter: 1.5 }\n"),
              "config.yaml:4:20: polling.jitter: must be between 0 and 1");
    EXPECT_EQ(error_of(one_cluster + "polling: { jitter: -0.1 }\n"),
              "config.yaml:4:20: polling.jitter: must be between 0 and 1");
    EXPECT_EQ(error_of(one_cluster + "api: { max_in_flight: 0 }\n"),
              "config.yaml:4:23: api.max_in_flight: must be at least 1");
    EXPECT_EQ(error_of(one_cluster + "api: { max_requests_per_second: 0 }\n"),
              "config.yaml:4:33: api.max_requests_per_second: must be greater than 0");
}

TEST(validation_test, clusters_are_required_and_unique) {
    EXPECT_EQ(error_of("logging: { level: info }\n"),
              "config.yaml:1:1: clusters: at least one cluster is required");
    EXPECT_EQ(error_of("clusters: []\n"),
              "config.yaml:1:11: clusters: at least one cluster is required");
    EXPECT_EQ(
        error_of(R"(clusters:
  - { name: a, instance_no: "1" }
  - { name: a, instance_no: "1" }
)"),
        "config.yaml:3:13: clusters[1].name: duplicate cluster name \"a\" (also clusters[0])\n"
        "config.yaml:3:29: clusters[1].instance_no: duplicate instance_no 1 (also clusters[0])");
    EXPECT_EQ(
        error_of("clusters:\n  - { name: -a, instance_no: 12x }\n"),
        "config.yaml:2:13: clusters[0].name: must be 1-64 characters of letters, digits, '.', "
        "'_' or '-', starting with a letter or digit\n"
        "config.yaml:2:30: clusters[0].instance_no: must be the cluster's "
        "serviceGroupInstanceNo (digits only)");
}

TEST(validation_test, notifier_references_and_events_must_exist) {
    EXPECT_EQ(error_of(R"(notifiers:
  - { name: journal, type: log }
clusters:
  - { name: a, instance_no: "1", notify: [journal, slack] }
)"),
              "config.yaml:4:52: clusters[0].notify[1]: unknown notifier \"slack\"");
    EXPECT_EQ(
        error_of(one_cluster +
                 "notifiers:\n  - name: j\n    type: log\n    events: [upgrade_stuck]\n"),
        "config.yaml:7:14: notifiers[0].events[0]: unknown event \"upgrade_stuck\" (expected "
        "upgrade_started, node_changed, upgrade_finished, upgrade_failed, upgrade_stalled, "
        "stall_cleared, upgrade_vanished, monitor_blind, monitor_recovered, monitor_degraded, "
        "upgrade_unplanned, cluster_health_red, cluster_health_cleared or recovery_stuck)");
    EXPECT_EQ(error_of(one_cluster +
                       "notifiers:\n  - { name: j, type: log }\n  - { name: j, type: log }\n"),
              "config.yaml:6:13: notifiers[1].name: duplicate notifier name \"j\"");
    EXPECT_EQ(error_of(one_cluster + "notifiers:\n  - { name: j }\n"),
              "config.yaml:5:5: notifiers[0].type: required (log, webhook, command, naver_works, "
              "teams, ncp_mail, smtp or ncp_sms)");
    EXPECT_EQ(error_of(one_cluster + "notifiers:\n  - { name: j, type: email }\n"),
              "config.yaml:5:22: notifiers[0].type: unknown type \"email\" (expected log, webhook, "
              "command, naver_works, teams, ncp_mail, smtp or ncp_sms)");
}

TEST(validation_test, site_and_region_must_match) {
    EXPECT_EQ(error_of(one_cluster + "api: { site: private }\n"),
              "config.yaml:4:14: api.site: unknown site \"private\" (expected public, gov or fin)");
    EXPECT_EQ(error_of(one_cluster + "api: { site: fin, region: JPN }\n"),
              "config.yaml:4:27: api.region: unknown region \"JPN\" for site fin (expected KR)");
    EXPECT_EQ(
        error_of(
            "api: { site: gov }\nclusters:\n  - { name: a, instance_no: \"1\", region: SGN }\n"),
        "config.yaml:3:42: clusters[0].region: unknown region \"SGN\" for site gov (expected KR "
        "or KRS)");
    EXPECT_NO_THROW(
        parse("api: { site: gov, region: KRS }\n" + one_cluster, "c", testing::keys_environment()));
}

TEST(validation_test, plain_http_endpoint_only_to_loopback_hosts) {
    EXPECT_EQ(error_of(one_cluster + "api: { endpoint: \"http://ncloud.example.com/api\" }\n"),
              "config.yaml:4:18: api.endpoint: must be https:// (plain http:// is allowed only to "
              "loopback hosts), got http://ncloud.example.com");
    EXPECT_EQ(
        error_of(one_cluster + "api: { endpoint: \"ftp://127.0.0.1/\" }\n"),
        "config.yaml:4:18: api.endpoint: not an absolute http:// or https:// URL (without user "
        "info or fragment)");
    for (const char* ok : {"http://127.0.0.1:18443", "http://localhost:8080", "http://[::1]:8443",
                           "http://127.3.2.1", "https://api.example.com:8443"}) {
        EXPECT_EQ(error_of(one_cluster + "api: { endpoint: \"" + ok + "\" }\n"), "") << ok;
    }
}

TEST(validation_test, plain_http_webhook_only_to_loopback_and_url_is_never_echoed) {
    const std::string message = error_of(one_cluster +
                                         "notifiers:\n  - { name: h, type: webhook, url: "
                                         "\"http://hooks.example.com/T0/B1/xyzzy\" }\n");
    EXPECT_EQ(
        message,
        "config.yaml:5:36: notifiers[0].url: must be https:// (plain http:// is allowed only to "
        "loopback hosts), got http://hooks.example.com");
    EXPECT_EQ(message.find("xyzzy"), std::string::npos);
    EXPECT_EQ(
        error_of(
            one_cluster +
            "notifiers:\n  - { name: h, type: webhook, url: \"http://127.0.0.1:1/hooks/h\" }\n"),
        "");
}

TEST(validation_test, webhook_url_rules) {
    EXPECT_EQ(error_of(one_cluster + "notifiers:\n  - { name: h, type: webhook }\n"),
              "config.yaml:5:5: notifiers[0].url: required (set url or url_file)");
    EXPECT_EQ(error_of(one_cluster +
                       "notifiers:\n  - { name: h, type: webhook, url: \"https://a.example\", "
                       "url_file: /x }\n"),
              "config.yaml:5:57: notifiers[0].url_file: set url or url_file, not both");
    EXPECT_EQ(
        error_of(one_cluster + "notifiers:\n  - { name: h, type: webhook, format: slack, url: "
                               "\"https://a.example\", signing_secret_file: /x }\n"),
        "config.yaml:5:72: notifiers[0].signing_secret_file: only for format generic");
    EXPECT_EQ(
        error_of(one_cluster + "notifiers:\n  - { name: h, type: webhook, format: pagerduty }\n"),
        "config.yaml:5:5: notifiers[0].routing_key_file: required for format pagerduty");
    EXPECT_EQ(error_of(one_cluster + "notifiers:\n  - { name: h, type: webhook, url: "
                                     "\"https://a.example\", argv: [/bin/x] }\n"),
              "config.yaml:5:57: notifiers[0].argv: not used by type webhook");
    EXPECT_EQ(error_of(one_cluster +
                       "notifiers:\n  - { name: h, type: webhook, url: \"https://a.example\", "
                       "headers: { Content-Type: text/plain } }\n"),
              "config.yaml:5:68: notifiers[0].headers.Content-Type: is set by the notifier and "
              "cannot be overridden");
    EXPECT_EQ(error_of(one_cluster +
                       "notifiers:\n  - { name: h, type: webhook, url: \"https://a.example\", "
                       "retry: { initial_backoff: 1m, max_backoff: 10s } }\n"),
              "config.yaml:5:64: notifiers[0].retry: max_backoff must not be shorter than "
              "initial_backoff");
}

TEST(validation_test, command_needs_an_absolute_program) {
    EXPECT_EQ(error_of(one_cluster + "notifiers:\n  - { name: c, type: command }\n"),
              "config.yaml:5:5: notifiers[0].argv: required for type command");
    EXPECT_EQ(error_of(one_cluster + "notifiers:\n  - { name: c, type: command, argv: [] }\n"),
              "config.yaml:5:37: notifiers[0].argv: must name at least the program");
    EXPECT_EQ(
        error_of(one_cluster + "notifiers:\n  - { name: c, type: command, argv: [page, -x] }\n"),
        "config.yaml:5:38: notifiers[0].argv[0]: the program must be an absolute path (no "
        "shell, no PATH lookup)");
}

TEST(validation_test, zone_offset_logging_and_listen) {
    EXPECT_EQ(error_of(one_cluster + "api: { time_zone_offset: \"KST\" }\n"),
              "config.yaml:4:26: api.time_zone_offset: invalid zone offset \"KST\": use +09:00, "
              "-05:30 or Z");
    EXPECT_EQ(error_of(one_cluster + "logging: { level: verbose, format: xml }\n"),
              "config.yaml:4:19: logging.level: unknown level \"verbose\" (expected trace, debug, "
              "info, warn or error)\n"
              "config.yaml:4:36: logging.format: unknown format \"xml\" (expected text or json)");
    EXPECT_EQ(error_of(one_cluster + "server: { listen: \"::1:80\" }\n"),
              "config.yaml:4:19: server.listen: expected \"host:port\" (\"[::1]:port\" for IPv6), "
              "got \"::1:80\"");
    EXPECT_EQ(error_of(one_cluster + "server: { listen: \"0.0.0.0:9717\" }\n"),
              "config.yaml:4:19: server.listen: 0.0.0.0 is not a loopback address: set "
              "server.auth_token_file to require a bearer token");
    EXPECT_EQ(error_of(one_cluster + "server: { listen: \"localhost:9717\" }\n"), "");
}

TEST(validation_test, invalid_yaml_names_the_position) {
    EXPECT_EQ(error_of("clusters:\n  - name: [a\n"),
              "config.yaml:3:1: invalid YAML: end of sequence flow not found");
}

TEST(validation_test, several_problems_are_all_reported) {
    const std::string message = error_of(R"(api: { site: moon }
polling: { interval: soon }
clusters:
  - { name: a }
)");
    EXPECT_EQ(message,
              "config.yaml:1:14: api.site: unknown site \"moon\" (expected public, gov or fin)\n"
              "config.yaml:2:22: polling.interval: invalid duration \"soon\": use 500ms, 30s, 5m, "
              "2h, 1h30m or 7d, at most 400d\n"
              "config.yaml:4:5: clusters[0].instance_no: required");
}

TEST(validation_test, notify_may_not_list_a_notifier_twice) {
    EXPECT_EQ(error_of("clusters:\n  - { name: a, instance_no: \"1\", notify: [log, log] }\n"),
              "config.yaml:2:48: clusters[0].notify[1]: notifier \"log\" listed twice");
}

TEST(validation_test, listen_accepts_loopback_forms_and_port_zero) {
    for (const char* ok : {"127.0.0.1:0", "[::1]:9717", "localhost:1", "127.1.2.3:65535"}) {
        EXPECT_EQ(error_of(one_cluster + "server: { listen: \"" + ok + "\" }\n"), "") << ok;
    }
    for (const char* bad : {"127.0.0.1", ":9717", "127.0.0.1:65536", "127.0.0.1:http", "[::1]"}) {
        EXPECT_NE(error_of(one_cluster + "server: { listen: \"" + bad + "\" }\n")
                      .find("server.listen: expected \"host:port\""),
                  std::string::npos)
            << bad;
    }
}

TEST(validation_test, empty_document_needs_clusters) {
    EXPECT_EQ(error_of(""), "config.yaml:1:1: clusters: at least one cluster is required");
    EXPECT_EQ(error_of("just text\n"), "config.yaml:1:1: (top level): expected a mapping of keys");
}

}  // namespace
}  // namespace sesmon::config_file
