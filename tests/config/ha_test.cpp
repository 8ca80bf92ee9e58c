// The ha section: defaults, every rule with its file:line:col, secrets (password file, client
// key) and the summary check-config prints.
#include "config/load.hpp"
#include "config/summary.hpp"
#include "support.hpp"

namespace sesmon::config_file {
namespace {

using testing::error_of;
using testing::keys_environment;
using testing::scratch_dir;

const std::string clusters = "clusters:\n  - { name: a, instance_no: \"1\" }\n";

sesmon::config parse_ok(const std::string& yaml) {
    return parse(yaml, "config.yaml", keys_environment());
}

TEST(ha_config_test, absent_section_means_no_ha) {
    EXPECT_FALSE(parse_ok(clusters).ha.has_value());
    EXPECT_FALSE(parse_ok(clusters + "ha:\n").ha.has_value());  // null counts as absent
}

TEST(ha_config_test, defaults_prefix_lease_and_member_from_the_host_name) {
    const auto cfg = parse_ok(clusters + "ha:\n  etcd: { endpoints: [http://127.0.0.1:2379] }\n");
    ASSERT_TRUE(cfg.ha);
    EXPECT_EQ(cfg.ha->endpoints, std::vector<std::string>{"http://127.0.0.1:2379"});
    EXPECT_EQ(cfg.ha->prefix, "/ses-upgrade-monitor/default");
    EXPECT_EQ(cfg.ha->lease_ttl, std::chrono::seconds(15));
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    EXPECT_EQ(cfg.ha->member, host);
}

TEST(ha_config_test, every_key_is_read) {
    scratch_dir dir;
    const auto ca = dir.write("ca.pem", "ca", 0644);
    const auto cert = dir.write("client.pem", "cert", 0644);
    const auto key = dir.write("client.key", "key", 0600);
    const auto password = dir.write("etcd-password", "s3cret\n", 0600);
    const auto cfg = parse_ok(clusters +
                              "ha:\n  etcd:\n    endpoints: [https://10.0.0.5:2379, "
                              "https://etcd-2.example:2379]\n    ca_file: " +
                              ca + "\n    cert_file: " + cert + "\n    key_file: " + key +
                              "\n    username: monitor\n    password_file: " + password +
                              "\n  prefix: /ses-upgrade-monitor/prod\n  member: mon-a\n"
                              "  lease_ttl: 10s\n");
    ASSERT_TRUE(cfg.ha);
    EXPECT_EQ(cfg.ha->endpoints,
              (std::vector<std::string>{"https://10.0.0.5:2379", "https://etcd-2.example:2379"}));
    EXPECT_EQ(cfg.ha->ca_file, ca);
    EXPECT_EQ(cfg.ha->cert_file, cert);
    EXPECT_EQ(cfg.ha->key_file, key);
    EXPECT_EQ(cfg.ha->username, "monitor");
    ASSERT_TRUE(cfg.ha->password);
    EXPECT_EQ(cfg.ha->password->reveal(), "s3cret");
    EXPECT_EQ(cfg.ha->prefix, "/ses-upgrade-monitor/prod");
    EXPECT_EQ(cfg.ha->member, "mon-a");
    EXPECT_EQ(cfg.ha->lease_ttl, std::chrono::seconds(10));
}

TEST(ha_config_test, endpoints_get_their_default_port_spelled_out) {
    const auto cfg = parse_ok(clusters + "ha:\n  etcd: { endpoints: [\"https://[fd00::5]\"] }\n");
    EXPECT_EQ(cfg.ha->endpoints, std::vector<std::string>{"https://[fd00::5]:443"});
}

struct bad_case {
    std::string yaml;     // the ha section
    std::string message;  // expected in the error text, with its position
};

TEST(ha_config_test, invalid_values_are_reported_at_their_position) {
    const std::vector<bad_case> cases = {
        {"ha:\n  member: a\n", "config.yaml:4:3: ha: etcd: required"},
        {"ha:\n  etcd: {}\n", "ha.etcd: endpoints: required"},
        {"ha:\n  etcd: { endpoints: [] }\n",
         "config.yaml:4:22: ha.etcd.endpoints: must list at least one"},
        {"ha:\n  etcd: { endpoints: [http://10.0.0.5:2379] }\n",
         "config.yaml:4:23: ha.etcd.endpoints[0]: must be https://"},
        {"ha:\n  etcd: { endpoints: [etcd:2379] }\n", "ha.etcd.endpoints[0]: not an absolute"},
        {"ha:\n  etcd: { endpoints: [\"https://e:2379/v3\"] }\n",
         "ha.etcd.endpoints[0]: an etcd endpoint is scheme, host and port only"},
        {"ha:\n  etcd: { endpoints: [http://127.0.0.1:2379], ca_file: /nonexistent/ca.pem }\n",
         "ha.etcd.ca_file: cannot read /nonexistent/ca.pem"},
        {"ha:\n  etcd: { endpoints: [http://127.0.0.1:2379], username: u }\n",
         "ha.etcd.username: needs password_file"},
        {"ha:\n  etcd: { endpoints: [http://127.0.0.1:2379] }\n  prefix: /\n",
         "config.yaml:5:11: ha.prefix: expected a key path"},
        {"ha:\n  etcd: { endpoints: [http://127.0.0.1:2379] }\n  prefix: a/b\n", "ha.prefix"},
        {"ha:\n  etcd: { endpoints: [http://127.0.0.1:2379] }\n  prefix: /a/\n", "ha.prefix"},
        {"ha:\n  etcd: { endpoints: [http://127.0.0.1:2379] }\n  prefix: /a b\n", "ha.prefix"},
        {"ha:\n  etcd: { endpoints: [http://127.0.0.1:2379] }\n  member: \"a b\"\n",
         "config.yaml:5:11: ha.member: \"a b\" must be 1-64 characters"},
        {"ha:\n  etcd: { endpoints: [http://127.0.0.1:2379] }\n  lease_ttl: 1s\n",
         "config.yaml:5:14: ha.lease_ttl: must be between 2s and 1h"},
        {"ha:\n  etcd: { endpoints: [http://127.0.0.1:2379] }\n  lease_ttl: 2h\n",
         "ha.lease_ttl: must be between 2s and 1h"},
        {"ha:\n  etcd: { endpoints: [http://127.0.0.1:2379] }\n  lease_ttl: 2500ms\n",
         "ha.lease_ttl: must be whole seconds"},
        {"ha:\n  etcd: { endpoints: [http://127.0.0.1:2379] }\n  leader_ttl: 5s\n",
         "config.yaml:5:3: ha.leader_ttl: unknown key (did you mean \"lease_ttl\"?)"},
        {"ha:\n  etcd: { endpoint: [http://127.0.0.1:2379] }\n",
         "config.yaml:4:11: ha.etcd.endpoint: unknown key"},
    };
    for (const bad_case& c : cases) {
        const std::string error = error_of(clusters + c.yaml);
        EXPECT_NE(error.find(c.message), std::string::npos) << c.yaml << "\n→ " << error;
    }
}

TEST(ha_config_test, discovery_runs_in_an_ha_group) {
    const std::string ha = "ha:\n  etcd: { endpoints: [http://127.0.0.1:2379] }\n";
    EXPECT_EQ(error_of(clusters + ha + "discovery: { enabled: true }\n"), "");
    EXPECT_EQ(error_of(clusters + ha + "discovery: { enabled: false }\n"), "");
}

TEST(ha_config_test, compaction_retention_is_0_or_between_a_minute_and_a_week) {
    const std::string etcd = "ha:\n  etcd: { endpoints: [http://127.0.0.1:2379] }\n";
    EXPECT_EQ(parse_ok(clusters + etcd).ha->compaction_retention, std::chrono::minutes(5));
    EXPECT_EQ(parse_ok(clusters + etcd + "  compaction_retention: 0s\n").ha->compaction_retention,
              duration::zero());
    EXPECT_EQ(parse_ok(clusters + etcd + "  compaction_retention: 1h\n").ha->compaction_retention,
              std::chrono::hours(1));
    for (const char* bad : {"30s", "8d"}) {
        EXPECT_NE(error_of(clusters + etcd + "  compaction_retention: " + bad + "\n")
                      .find("ha.compaction_retention: must be 0"),
                  std::string::npos)
            << bad;
    }
}

TEST(ha_config_test, tls_files_need_an_https_endpoint_and_cert_goes_with_key) {
    scratch_dir dir;
    const auto cert = dir.write("c.pem", "c", 0644);
    const auto key = dir.write("c.key", "k", 0600);
    EXPECT_NE(error_of(clusters + "ha:\n  etcd: { endpoints: [http://127.0.0.1:2379], cert_file: " +
                       cert + ", key_file: " + key + " }\n")
                  .find("ha.etcd.cert_file: no endpoint uses https://"),
              std::string::npos);
    EXPECT_NE(
        error_of(clusters +
                 "ha:\n  etcd: { endpoints: [https://127.0.0.1:2379], cert_file: " + cert + " }\n")
            .find("cert_file and key_file go together"),
        std::string::npos);
}

TEST(ha_config_test, client_key_and_password_files_follow_the_secret_file_rule) {
    scratch_dir dir;
    const auto cert = dir.write("c.pem", "c", 0644);
    const auto key = dir.write("c.key", "k", 0644);
    const auto password = dir.write("pw", "p", 0640);
    const std::string error = error_of(
        clusters + "ha:\n  etcd: { endpoints: [https://127.0.0.1:2379], cert_file: " + cert +
        ", key_file: " + key + ", username: u, password_file: " + password + " }\n");
    EXPECT_NE(error.find("ha.etcd.key_file: " + key + " is readable by group or others"),
              std::string::npos)
        << error;
    EXPECT_NE(error.find("ha.etcd.password_file: " + password + " is readable by group or others"),
              std::string::npos)
        << error;
}

TEST(ha_config_test, summary_names_member_group_etcd_and_secret_origins_only) {
    scratch_dir dir;
    const auto password = dir.write("pw", "do-not-print-me", 0600);
    const auto cfg = parse_ok(clusters +
                              "ha:\n  etcd: { endpoints: [http://127.0.0.1:2379], "
                              "username: mon, password_file: " +
                              password + " }\n  member: mon-a\n  lease_ttl: 3s\n");
    const std::string text = summarize(cfg);
    EXPECT_NE(text.find("ha: member mon-a of group /ses-upgrade-monitor/default, lease 3s\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("  etcd: http://127.0.0.1:2379\n"), std::string::npos) << text;
    EXPECT_NE(text.find("    user mon, password from file " + password), std::string::npos);
    EXPECT_EQ(text.find("do-not-print-me"), std::string::npos);
    EXPECT_NE(summarize(parse_ok(clusters)).find("ha: off"), std::string::npos);
}

}  // namespace
}  // namespace sesmon::config_file
