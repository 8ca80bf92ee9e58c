// The `opensearch:` section of a cluster and of discovery.defaults, and
// stall.recovery_timeout (SPEC §16).
#include "config/load.hpp"
#include "config/summary.hpp"
#include "support.hpp"

namespace sesmon::config_file {
namespace {

using testing::error_of;
using testing::scratch_dir;

std::string with_cluster_view(const std::string& view) {
    return "clusters:\n  - name: logs\n    instance_no: \"1037001\"\n    opensearch: " + view +
           "\n";
}

TEST(opensearch_config_test, url_user_password_ca_and_interval_are_read) {
    scratch_dir dir;
    const std::string password = dir.write("os-password", "  hunter2-os \n");
    // Any PEM CA bundle does: the system's (package ca-certificates).
    const std::string ca = "/etc/ssl/certs/ca-certificates.crt";
    const sesmon::config cfg =
        parse(with_cluster_view("{ url: \"https://10.0.1.5:9200/\", username: admin, "
                                "password_file: " +
                                password + ", ca_file: " + ca + ", interval: 10s }") +
                  "stall: { recovery_timeout: 20m }\n",
              (dir.path() / "config.yaml").string(), testing::keys_environment());
    ASSERT_TRUE(cfg.clusters[0].opensearch);
    const opensearch_config& o = *cfg.clusters[0].opensearch;
    EXPECT_EQ(o.url, "https://10.0.1.5:9200");  // the trailing slash goes
    EXPECT_FALSE(o.from_api);
    EXPECT_EQ(o.username, "admin");
    ASSERT_TRUE(o.password);
    EXPECT_EQ(o.password->reveal(), "hunter2-os");
    EXPECT_EQ(o.password->origin(), "file " + password);
    EXPECT_EQ(o.ca_file, ca);
    EXPECT_EQ(o.interval, std::chrono::seconds(10));
    EXPECT_EQ(cfg.clusters[0].stall.recovery_timeout, std::chrono::minutes(20));
    // The summary names where the password comes from, never the password.
    const std::string summary = summarize(cfg);
    EXPECT_NE(summary.find("opensearch view: https://10.0.1.5:9200, user admin, password from "
                           "file " +
                           password),
              std::string::npos)
        << summary;
    EXPECT_EQ(summary.find("hunter2-os"), std::string::npos) << summary;
}

TEST(opensearch_config_test, defaults_and_a_cluster_without_the_section) {
    const sesmon::config cfg = parse(with_cluster_view("{ url: \"http://127.0.0.1:9200\" }") +
                                         "  - { name: other, instance_no: \"1037002\" }\n",
                                     "config.yaml", testing::keys_environment());
    ASSERT_TRUE(cfg.clusters[0].opensearch);
    EXPECT_EQ(cfg.clusters[0].opensearch->interval, std::chrono::seconds(30));
    EXPECT_TRUE(cfg.clusters[0].opensearch->username.empty());
    EXPECT_FALSE(cfg.clusters[0].opensearch->password);
    EXPECT_EQ(cfg.clusters[0].stall.recovery_timeout, std::chrono::minutes(15));
    EXPECT_FALSE(cfg.clusters[1].opensearch);
}

TEST(opensearch_config_test, from_api_needs_a_password_and_takes_no_url) {
    scratch_dir dir;
    const std::string password = dir.write("pw", "x\n");
    const std::string path = (dir.path() / "config.yaml").string();
    const sesmon::config cfg =
        parse(with_cluster_view("{ from_api: true, password_file: " + password + " }"), path,
              testing::keys_environment());
    ASSERT_TRUE(cfg.clusters[0].opensearch);
    EXPECT_TRUE(cfg.clusters[0].opensearch->from_api);
    EXPECT_TRUE(cfg.clusters[0].opensearch->username.empty());  // getClusterInfo's then

    EXPECT_NE(error_of(with_cluster_view("{ from_api: true }"))
                  .find("clusters[0].opensearch: from_api: true needs password_file"),
              std::string::npos);
    EXPECT_NE(error_of(with_cluster_view("{ from_api: true, url: \"https://10.0.0.1:9200\", "
                                         "password_file: " +
                                         password + " }"))
                  .find("give either url or from_api: true, not both"),
              std::string::npos);
    EXPECT_NE(error_of(with_cluster_view("{ interval: 10s }"))
                  .find("needs url (the cluster's OpenSearch endpoint) or from_api: true"),
              std::string::npos);
}

TEST(opensearch_config_test, bad_values_are_refused_at_their_keys) {
    scratch_dir dir;
    const std::string world = dir.write("world-readable", "pw\n", 0644);
    const std::string ok = dir.write("pw", "pw\n");
    // Plain http only to loopback (it would carry the password).
    EXPECT_NE(error_of(with_cluster_view("{ url: \"http://10.0.1.5:9200\" }"))
                  .find("clusters[0].opensearch.url: "),
              std::string::npos);
    EXPECT_NE(error_of(with_cluster_view("{ url: \"https://10.0.1.5:9200/?x=1\" }"))
                  .find("takes no query"),
              std::string::npos);
    EXPECT_NE(error_of(with_cluster_view("{ url: \"https://h:9200\", username: admin, "
                                         "password_file: " +
                                         world + " }"))
                  .find("clusters[0].opensearch.password_file: " + world +
                        " is readable by group or others (mode 0644): chmod 600 it"),
              std::string::npos);
    EXPECT_NE(error_of(with_cluster_view("{ url: \"https://h:9200\", username: admin }"))
                  .find("needs password_file"),
              std::string::npos);
    EXPECT_NE(error_of(with_cluster_view("{ url: \"https://h:9200\", password_file: " + ok + " }"))
                  .find("needs username"),
              std::string::npos);
    EXPECT_NE(error_of(with_cluster_view("{ url: \"https://h:9200\", interval: 500ms }"))
                  .find("must be at least 1s"),
              std::string::npos);
    EXPECT_NE(error_of(with_cluster_view("{ url: \"https://h:9200\", bogus: 1 }")).find("bogus"),
              std::string::npos);
}

TEST(opensearch_config_test, discovery_defaults_take_from_api_but_no_url) {
    scratch_dir dir;
    const std::string pw = dir.write("pw", "pw\n");
    const std::string path = (dir.path() / "config.yaml").string();
    const sesmon::config cfg = parse(
        "discovery:\n  enabled: true\n  defaults:\n    opensearch: { from_api: true, "
        "password_file: " +
            pw + " }\n    stall: { recovery_timeout: 0s }\n",
        path, testing::keys_environment());
    ASSERT_TRUE(cfg.discovery.opensearch);
    EXPECT_TRUE(cfg.discovery.opensearch->from_api);
    EXPECT_EQ(cfg.discovery.stall.recovery_timeout, duration::zero());  // 0s: off
    EXPECT_NE(error_of("discovery:\n  enabled: true\n  defaults:\n    opensearch: { url: "
                       "\"https://10.0.0.1:9200\" }\n")
                  .find("one url would point every discovered cluster at the same endpoint"),
              std::string::npos);
}

}  // namespace
}  // namespace sesmon::config_file
