// The discovery section: defaults, each validation rule with its file:line:col, and the
// empty clusters list it allows.
#include "config/load.hpp"
#include "config/summary.hpp"
#include "support.hpp"

namespace sesmon::config_file {
namespace {

using testing::error_of;
using testing::keys_environment;
using testing::one_cluster;

sesmon::config parsed(const std::string& yaml) {
    return parse(yaml, "config.yaml", keys_environment());
}

TEST(discovery_config_test, defaults_are_off_every_ten_minutes_in_the_api_region) {
    const auto cfg = parsed(one_cluster + "api: { region: SGN }\n");
    EXPECT_FALSE(cfg.discovery.enabled);
    EXPECT_EQ(cfg.discovery.regions, (std::vector<std::string>{"SGN"}));
    EXPECT_EQ(cfg.discovery.interval, std::chrono::minutes(10));
    EXPECT_EQ(cfg.discovery.include, "");
    EXPECT_EQ(cfg.discovery.exclude, "");
    EXPECT_EQ(cfg.discovery.notify, (std::vector<std::string>{"log"}));
    EXPECT_EQ(cfg.discovery.polling, cfg.polling);
    EXPECT_EQ(cfg.discovery.stall, cfg.stall);
    EXPECT_FALSE(cfg.clusters[0].discovered);
}

TEST(discovery_config_test, every_key_is_read_and_defaults_merge_like_a_cluster_entry) {
    const auto cfg = parsed(R"(polling: { interval: 20s, idle_interval: 2m }
stall: { blind_timeout: 5m }
notifiers:
  - { name: a, type: log }
  - { name: b, type: log }
discovery:
  enabled: true
  regions: [KR, JPN]
  interval: 90s
  include: "^prod-"
  exclude: "-tmp$"
  defaults:
    notify: [b]
    polling: { interval: 7s }
    stall: { node_stage_timeout: 2h }
)");
    const auto& d = cfg.discovery;
    EXPECT_TRUE(d.enabled);
    EXPECT_EQ(d.regions, (std::vector<std::string>{"KR", "JPN"}));
    EXPECT_EQ(d.interval, std::chrono::seconds(90));
    EXPECT_EQ(d.include, "^prod-");
    EXPECT_EQ(d.exclude, "-tmp$");
    EXPECT_EQ(d.notify, (std::vector<std::string>{"b"}));
    EXPECT_EQ(d.polling.interval, std::chrono::seconds(7));
    EXPECT_EQ(d.polling.idle_interval, std::chrono::minutes(2));  // from polling:
    EXPECT_EQ(d.stall.node_stage_timeout, std::chrono::hours(2));
    EXPECT_EQ(d.stall.blind_timeout, std::chrono::minutes(5));  // from stall:
    EXPECT_TRUE(cfg.clusters.empty());
}

TEST(discovery_config_test, clusters_may_be_empty_or_absent_only_when_discovery_is_on) {
    EXPECT_EQ(error_of("discovery: { enabled: true }\n"), "");
    EXPECT_EQ(error_of("discovery: { enabled: true }\nclusters: []\n"), "");
    EXPECT_EQ(error_of("discovery: { enabled: false }\n"),
              "config.yaml:1:1: clusters: at least one cluster is required");
    EXPECT_EQ(error_of("discovery: { regions: [KR] }\nclusters: []\n"),
              "config.yaml:2:11: clusters: at least one cluster is required");
}

TEST(discovery_config_test, bad_regex_is_reported_at_its_value) {
    EXPECT_EQ(error_of(one_cluster + "discovery:\n  include: \"prod-(logs\"\n"),
              "config.yaml:5:12: discovery.include: invalid ECMAScript regular expression (at "
              "offset 10): unmatched marking parenthesis ( or \\(");
    EXPECT_EQ(error_of(one_cluster + "discovery: { exclude: \"[a-\" }\n"),
              "config.yaml:4:23: discovery.exclude: invalid ECMAScript regular expression (at "
              "offset 3): unmatched [ or [^ in character class declaration");
}

TEST(discovery_config_test, regions_must_be_known_to_the_site_and_listed_once) {
    EXPECT_EQ(error_of(one_cluster + "discovery: { regions: [KR, XX, KR] }\n"),
              "config.yaml:4:28: discovery.regions[1]: unknown region \"XX\" for site public "
              "(expected KR, SGN or JPN)\n"
              "config.yaml:4:32: discovery.regions[2]: region \"KR\" listed twice");
    EXPECT_EQ(error_of(one_cluster + "api: { site: gov }\ndiscovery: { regions: [KRS, SGN] }\n"),
              "config.yaml:5:29: discovery.regions[1]: unknown region \"SGN\" for site gov "
              "(expected KR or KRS)");
    EXPECT_EQ(error_of(one_cluster + "discovery: { regions: [] }\n"),
              "config.yaml:4:23: discovery.regions: list at least one region (or leave the key "
              "out for api.region)");
}

TEST(discovery_config_test, enabled_interval_defaults_and_unknown_keys_are_checked) {
    EXPECT_EQ(error_of(one_cluster + "discovery: { enabled: yes }\n"),
              "config.yaml:4:23: discovery.enabled: expected true or false, got \"yes\"");
    EXPECT_EQ(error_of(one_cluster + "discovery: { interval: 0s }\n"),
              "config.yaml:4:24: discovery.interval: must be greater than 0");
    EXPECT_EQ(error_of(one_cluster + "discovery: { defaults: { notify: [nobody] } }\n"),
              "config.yaml:4:35: discovery.defaults.notify[0]: unknown notifier \"nobody\"");
    EXPECT_EQ(error_of(one_cluster + "discovery: { defaults: { region: KR } }\n"),
              "config.yaml:4:26: discovery.defaults.region: unknown key");
    EXPECT_EQ(error_of(one_cluster + "discovery: { intervall: 5m }\n"),
              "config.yaml:4:14: discovery.intervall: unknown key (did you mean \"interval\"?)");
}

TEST(discovery_config_test, the_summary_shows_discovery) {
    auto text = summarize(parsed(one_cluster + "discovery: { enabled: true, include: \"^p\" }\n"));
    EXPECT_NE(text.find("discovery: on, regions KR, every 10m\n"), std::string::npos) << text;
    EXPECT_NE(text.find("  include ^p, exclude (none)\n"), std::string::npos) << text;
    EXPECT_NE(summarize(parsed(one_cluster)).find("discovery: off\n"), std::string::npos);
}

}  // namespace
}  // namespace sesmon::config_file
