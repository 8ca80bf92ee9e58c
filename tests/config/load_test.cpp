// Defaults, per-cluster merges and the shape of the result.
#include "config/load.hpp"

#include "support.hpp"

namespace sesmon::config_file {
namespace {

using namespace std::chrono_literals;
using testing::error_of;
using testing::keys_environment;
using testing::one_cluster;

TEST(load_test, minimal_document_gets_every_default) {
    const sesmon::config cfg = parse(one_cluster, "config.yaml", keys_environment());
    EXPECT_EQ(cfg.source_path, "config.yaml");
    EXPECT_EQ(cfg.api.site, api_site::public_site);
    EXPECT_EQ(cfg.api.region, "KR");
    EXPECT_EQ(cfg.api.endpoint, "");
    EXPECT_EQ(cfg.api.timeout, 10s);
    EXPECT_EQ(cfg.api.max_in_flight, 16);
    EXPECT_EQ(cfg.api.max_requests_per_second, 20);
    EXPECT_EQ(cfg.api.time_zone_offset, 9h);
    EXPECT_EQ(cfg.polling, polling_config{});
    EXPECT_EQ(cfg.polling.interval, 30s);
    EXPECT_EQ(cfg.polling.idle_interval, 5min);
    EXPECT_EQ(cfg.stall.node_stage_timeout, 45min);
    EXPECT_EQ(cfg.state.directory, "/var/lib/ses-upgrade-monitor");
    EXPECT_EQ(cfg.server.listen, "127.0.0.1:9717");
    EXPECT_FALSE(cfg.server.auth_token.has_value());
    EXPECT_EQ(cfg.logging.level, log_level::info);
    EXPECT_EQ(cfg.logging.format, log_format::text);

    ASSERT_EQ(cfg.notifiers.size(), 1u);
    EXPECT_EQ(cfg.notifiers[0].name, "log");
    EXPECT_EQ(cfg.notifiers[0].type, notifier_type::log);
    EXPECT_EQ(cfg.notifiers[0].events.size(), std::size(all_event_types));

    ASSERT_EQ(cfg.clusters.size(), 1u);
    const cluster_config& c = cfg.clusters[0];
    EXPECT_EQ(c.name, "prod-logs");
    EXPECT_EQ(c.instance_no, "1037001");
    EXPECT_EQ(c.region, "KR");
    EXPECT_EQ(c.notify, std::vector<std::string>{"log"});
    EXPECT_EQ(c.polling, polling_config{});
    EXPECT_EQ(c.stall, stall_config{});
}

TEST(load_test, global_sections_apply_to_every_cluster_and_overrides_only_their_own_keys) {
    const sesmon::config cfg = parse(R"(api:
  site: gov
  region: KRS
polling: { interval: 10s, idle_interval: 2m, jitter: 0.25, max_backoff: 1m }
stall: { node_stage_timeout: 30m, no_progress_timeout: 40m, blind_timeout: 5m }
clusters:
  - name: a
    instance_no: "1"
  - name: b
    instance_no: "2"
    region: KR
    polling: { interval: 1500ms, jitter: 0 }
    stall: { node_stage_timeout: 1h30m }
)",
                                     "config.yaml", keys_environment());
    ASSERT_EQ(cfg.clusters.size(), 2u);
    const cluster_config& a = cfg.clusters[0];
    EXPECT_EQ(a.region, "KRS");
    EXPECT_EQ(a.polling, cfg.polling);
    EXPECT_EQ(a.polling.interval, 10s);
    EXPECT_EQ(a.polling.idle_interval, 2min);
    EXPECT_EQ(a.polling.jitter, 0.25);
    EXPECT_EQ(a.polling.max_backoff, 1min);
    EXPECT_EQ(a.stall, cfg.stall);

    const cluster_config& b = cfg.clusters[1];
    EXPECT_EQ(b.region, "KR");
    EXPECT_EQ(b.polling.interval, 1500ms);
    EXPECT_EQ(b.polling.jitter, 0.0);
    EXPECT_EQ(b.polling.idle_interval, 2min);  // inherited
    EXPECT_EQ(b.polling.max_backoff, 1min);    // inherited
    EXPECT_EQ(b.stall.node_stage_timeout, 90min);
    EXPECT_EQ(b.stall.no_progress_timeout, 40min);  // inherited
    EXPECT_EQ(b.stall.blind_timeout, 5min);         // inherited
}

TEST(load_test, every_polling_and_stall_key_can_be_overridden_per_cluster) {
    const sesmon::config cfg = parse(R"(clusters:
  - name: a
    instance_no: "1"
    polling: { interval: 1s, idle_interval: 2s, jitter: 1, max_backoff: 3s }
    stall: { node_stage_timeout: 4s, no_progress_timeout: 5s, blind_timeout: 6s }
)",
                                     "config.yaml", keys_environment());
    const cluster_config& a = cfg.clusters.at(0);
    EXPECT_EQ(a.polling, (polling_config{1s, 2s, 1.0, 3s}));
    EXPECT_EQ(a.stall, (stall_config{4s, 5s, 6s}));
    EXPECT_EQ(cfg.polling, polling_config{});  // the global section is untouched
    EXPECT_EQ(cfg.stall, stall_config{});
}

TEST(load_test, notify_defaults_to_every_notifier_and_an_explicit_list_is_kept) {
    const sesmon::config cfg = parse(R"(notifiers:
  - { name: journal, type: log }
  - { name: hook, type: webhook, url: "https://hooks.example.com/T0/B1/secretpart" }
  - { name: page, type: command, argv: [/usr/local/bin/page, --team, search] }
clusters:
  - { name: a, instance_no: "1" }
  - { name: b, instance_no: "2", notify: [page, journal] }
  - { name: c, instance_no: "3", notify: [] }
)",
                                     "config.yaml", keys_environment());
    ASSERT_EQ(cfg.clusters.size(), 3u);
    EXPECT_EQ(cfg.clusters[0].notify, (std::vector<std::string>{"journal", "hook", "page"}));
    EXPECT_EQ(cfg.clusters[1].notify, (std::vector<std::string>{"page", "journal"}));
    EXPECT_TRUE(cfg.clusters[2].notify.empty());
}

TEST(load_test, notifier_defaults_depend_on_type) {
    const sesmon::config cfg = parse(R"(notifiers:
  - { name: journal, type: log }
  - { name: hook, type: webhook, url: "https://hooks.example.com/x" }
  - { name: page, type: command, argv: [/bin/true] }
  - { name: few, type: webhook, url: "https://h.example.com/y", events: [upgrade_failed, node_changed], timeout: 3s, retry: { initial_backoff: 2s } }
)" + one_cluster,
                                     "config.yaml", keys_environment());
    ASSERT_EQ(cfg.notifiers.size(), 4u);
    const auto& journal = cfg.notifiers[0];
    EXPECT_EQ(journal.events.size(), std::size(all_event_types));

    const auto& hook = cfg.notifiers[1];
    EXPECT_EQ(hook.type, notifier_type::webhook);
    EXPECT_EQ(hook.format, webhook_format::generic);
    EXPECT_EQ(hook.timeout, 10s);
    EXPECT_EQ(hook.retry.initial_backoff, 1s);
    EXPECT_EQ(hook.retry.max_backoff, 10min);
    EXPECT_EQ(hook.retry.max_age, 24h);
    EXPECT_EQ(hook.events.size(), std::size(all_event_types) - 1);
    EXPECT_EQ(std::count(hook.events.begin(), hook.events.end(), event_type::node_changed), 0);
    EXPECT_EQ(hook.url.reveal(), "https://hooks.example.com/x");

    const auto& page = cfg.notifiers[2];
    EXPECT_EQ(page.timeout, 30s);
    EXPECT_EQ(page.argv, std::vector<std::string>{"/bin/true"});
    EXPECT_EQ(page.events, hook.events);

    const auto& few = cfg.notifiers[3];
    EXPECT_EQ(few.events,
              (std::vector<event_type>{event_type::upgrade_failed, event_type::node_changed}));
    EXPECT_EQ(few.timeout, 3s);
    EXPECT_EQ(few.retry.initial_backoff, 2s);
    EXPECT_EQ(few.retry.max_backoff, 10min);
}

TEST(load_test, every_api_server_state_and_logging_key_is_read) {
    const sesmon::config cfg = parse(R"(api:
  site: public
  region: JPN
  endpoint: http://127.0.0.1:18443
  timeout: 2s
  max_in_flight: 3
  max_requests_per_second: 2.5
  time_zone_offset: "-05:30"
state: { directory: /tmp/sesmon-state }
server: { listen: "[::1]:9800" }
logging: { level: debug, format: json }
)" + one_cluster,
                                     "config.yaml", keys_environment());
    EXPECT_EQ(cfg.api.region, "JPN");
    EXPECT_EQ(cfg.clusters.at(0).region, "JPN");
    EXPECT_EQ(cfg.api.endpoint, "http://127.0.0.1:18443");
    EXPECT_EQ(cfg.api.timeout, 2s);
    EXPECT_EQ(cfg.api.max_in_flight, 3);
    EXPECT_EQ(cfg.api.max_requests_per_second, 2.5);
    EXPECT_EQ(cfg.api.time_zone_offset, -(5h + 30min));
    EXPECT_EQ(cfg.state.directory, "/tmp/sesmon-state");
    EXPECT_EQ(cfg.server.listen, "[::1]:9800");
    EXPECT_EQ(cfg.logging.level, log_level::debug);
    EXPECT_EQ(cfg.logging.format, log_format::json);
}

TEST(load_test, state_directory_comes_from_systemd_unless_set_in_the_file) {
    const auto env = testing::fake_environment({{"NCLOUD_ACCESS_KEY", "a"},
                                                {"NCLOUD_SECRET_KEY", "b"},
                                                {"STATE_DIRECTORY", "/var/lib/sesmon:/var/lib/x"}});
    EXPECT_EQ(parse(one_cluster, "config.yaml", env).state.directory, "/var/lib/sesmon");
    EXPECT_EQ(parse(one_cluster + "state: { directory: /srv/state }\n", "config.yaml", env)
                  .state.directory,
              "/srv/state");
}

TEST(load_test, relative_paths_resolve_against_the_config_files_directory) {
    const sesmon::config cfg =
        parse(one_cluster + "state: { directory: ../build/demo-state }\n",
              "/etc/ses-upgrade-monitor/sub/config.yaml", keys_environment());
    EXPECT_EQ(cfg.state.directory, "/etc/ses-upgrade-monitor/build/demo-state");
}

TEST(load_test, empty_server_listen_turns_the_server_off) {
    const sesmon::config cfg =
        parse(one_cluster + "server: { listen: \"\" }\n", "config.yaml", keys_environment());
    EXPECT_EQ(cfg.server.listen, "");
}

TEST(load_test, null_values_mean_the_default) {
    const sesmon::config cfg = parse(one_cluster + "api:\n  endpoint:\npolling:\nnotifiers:\n",
                                     "config.yaml", keys_environment());
    EXPECT_EQ(cfg.api.endpoint, "");
    EXPECT_EQ(cfg.polling, polling_config{});
    EXPECT_EQ(cfg.notifiers.at(0).name, "log");
}

TEST(load_test, missing_file_is_one_line_without_position) {
    try {
        load("/nonexistent/sesmon/config.yaml", keys_environment());
        FAIL() << "expected config_file::error";
    } catch (const error& e) {
        EXPECT_STREQ(e.what(),
                     "/nonexistent/sesmon/config.yaml: cannot read: No such file or directory");
    }
}

TEST(load_test, load_reads_the_file_and_names_it_as_given) {
    testing::scratch_dir dir;
    const std::string path = dir.write("c.yaml", "clusters: []\n", 0644);
    try {
        load(path, keys_environment());
        FAIL() << "expected config_file::error";
    } catch (const error& e) {
        EXPECT_EQ(std::string(e.what()),
                  path + ":1:11: clusters: at least one cluster is required");
    }
}

}  // namespace
}  // namespace sesmon::config_file
