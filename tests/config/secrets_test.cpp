// Secret files, their permission rule, the environment and systemd-credential fallbacks, and
// the promise that no secret value ever shows in a message or the summary.
#include "config/load.hpp"

#include "config/secret_file.hpp"
#include "config/summary.hpp"
#include "support.hpp"

namespace sesmon::config_file {
namespace {

using testing::error_of;
using testing::fake_environment;
using testing::scratch_dir;

const std::string one_cluster_block = "clusters:\n  - { name: a, instance_no: \"1\" }\n";

TEST(secrets_test, secret_file_with_mode_0600_is_read_and_trimmed) {
    scratch_dir dir;
    const std::string path = dir.write("key", "  AK-from-file\n", 0600);
    const auto result = read_secret_file(path);
    ASSERT_TRUE(result.ok()) << result.problem;
    EXPECT_EQ(result.value, "AK-from-file");
}

TEST(secrets_test, secret_file_readable_by_group_or_others_is_refused) {
    scratch_dir dir;
    const std::string world = dir.write("world", "AK-world-readable\n", 0644);
    const std::string group = dir.write("group", "AK-group-readable\n", 0640);
    EXPECT_EQ(read_secret_file(world).problem,
              world + " is readable by group or others (mode 0644): chmod 600 it");
    EXPECT_EQ(read_secret_file(group).problem,
              group + " is readable by group or others (mode 0640): chmod 600 it");
    // systemd credentials may be group-readable, never world-readable.
    EXPECT_TRUE(read_secret_file(group, secret_file_rule::systemd_credential).ok());
    EXPECT_FALSE(read_secret_file(world, secret_file_rule::systemd_credential).ok());
}

TEST(secrets_test, empty_missing_and_non_regular_secret_files_are_refused) {
    scratch_dir dir;
    const std::string empty = dir.write("empty", "\n \n", 0600);
    EXPECT_EQ(read_secret_file(empty).problem, empty + " is empty");
    const auto missing = read_secret_file(dir.path().string() + "/nope");
    EXPECT_TRUE(missing.not_found);
    EXPECT_EQ(missing.problem,
              "cannot open " + dir.path().string() + "/nope: No such file or directory");
    EXPECT_EQ(read_secret_file(dir.path().string()).problem,
              dir.path().string() + " is not a regular file");
}

TEST(secrets_test, key_files_relative_to_the_config_file_are_used_first) {
    scratch_dir dir;
    dir.write("keys/access", "AK-file-1234\n");
    dir.write("keys/secret", "SK-file-5678\n");
    const std::string config = dir.path().string() + "/config.yaml";
    const sesmon::config cfg = parse(
        "api: { access_key_file: keys/access, secret_key_file: keys/secret }\n" + one_cluster_block,
        config, testing::keys_environment());
    EXPECT_EQ(cfg.api.access_key.reveal(), "AK-file-1234");
    EXPECT_EQ(cfg.api.access_key.origin(), "file " + dir.path().string() + "/keys/access");
    EXPECT_EQ(cfg.api.secret_key.reveal(), "SK-file-5678");
}

TEST(secrets_test, world_readable_key_file_is_an_error_at_its_key) {
    scratch_dir dir;
    const std::string path = dir.write("access", "AK-leaky-0000\n", 0644);
    const std::string message =
        error_of("api:\n  access_key_file: " + path + "\n" + one_cluster_block);
    EXPECT_EQ(message, "config.yaml:2:20: api.access_key_file: " + path +
                           " is readable by group or others (mode 0644): chmod 600 it");
    EXPECT_EQ(message.find("AK-leaky-0000"), std::string::npos);
}

TEST(secrets_test, environment_is_used_when_no_file_is_set) {
    const sesmon::config cfg = parse("api: { access_key_file: \"\" }\n" + one_cluster_block,
                                     "c.yaml", testing::keys_environment());
    EXPECT_EQ(cfg.api.access_key.reveal(), testing::test_access_key);
    EXPECT_EQ(cfg.api.access_key.origin(), "env NCLOUD_ACCESS_KEY");
    EXPECT_EQ(cfg.api.secret_key.origin(), "env NCLOUD_SECRET_KEY");
}

TEST(secrets_test, systemd_credentials_are_the_last_resort) {
    scratch_dir dir;
    dir.write("ncloud-access-key", "AK-cred-4242\n", 0400);
    dir.write("ncloud-secret-key", "SK-cred-4343\n", 0440);
    const auto env = fake_environment(
        {{"CREDENTIALS_DIRECTORY", dir.path().string()}, {"NCLOUD_SECRET_KEY", "SK-env-wins"}});
    const sesmon::config cfg = parse(one_cluster_block, "c.yaml", env);
    EXPECT_EQ(cfg.api.access_key.reveal(), "AK-cred-4242");
    EXPECT_EQ(cfg.api.access_key.origin(), "credential ncloud-access-key");
    EXPECT_EQ(cfg.api.secret_key.reveal(), "SK-env-wins");
    EXPECT_EQ(cfg.api.secret_key.origin(), "env NCLOUD_SECRET_KEY");
}

TEST(secrets_test, group_readable_secret_files_are_accepted_only_inside_the_credentials_dir) {
    scratch_dir creds;
    scratch_dir other;
    const std::string inside = creds.write("ops-slack-url", "https://hooks.example.com/a\n", 0440);
    const std::string outside = other.write("ops-slack-url", "https://hooks.example.com/a\n", 0440);
    const auto env = fake_environment({{"CREDENTIALS_DIRECTORY", creds.path().string() + "/"},
                                       {"NCLOUD_ACCESS_KEY", "a"},
                                       {"NCLOUD_SECRET_KEY", "b"}});
    const auto with_url_file = [&](const std::string& path) {
        return "notifiers:\n  - { name: h, type: webhook, url_file: \"" + path + "\" }\n" +
               one_cluster_block;
    };
    EXPECT_EQ(error_of(with_url_file(inside), env), "");
    EXPECT_EQ(error_of(with_url_file(outside), env),
              "config.yaml:2:41: notifiers[0].url_file: " + outside +
                  " is readable by group or others (mode 0440): chmod 600 it");
}

TEST(secrets_test, missing_api_keys_name_every_source) {
    EXPECT_EQ(error_of(one_cluster_block, fake_environment({})),
              "config.yaml:1:1: api: no access key: set access_key_file, NCLOUD_ACCESS_KEY or the "
              "systemd credential ncloud-access-key\n"
              "config.yaml:1:1: api: no secret key: set secret_key_file, NCLOUD_SECRET_KEY or the "
              "systemd credential ncloud-secret-key");
    // Positioned at the api section when there is one.
    EXPECT_EQ(error_of("api: { site: public }\n" + one_cluster_block,
                       fake_environment({{"NCLOUD_ACCESS_KEY", "a"}})),
              "config.yaml:1:6: api: no secret key: set secret_key_file, NCLOUD_SECRET_KEY or the "
              "systemd credential ncloud-secret-key");
}

TEST(secrets_test, webhook_url_file_signing_secret_routing_key_and_token_are_secrets) {
    scratch_dir dir;
    dir.write("slack-url", "https://hooks.slack.com/services/T000/B000/slacksecretpath\n");
    dir.write("signing", "whsec_c2lnbmluZ3NlY3JldA==\n");
    dir.write("routing", "pd-routing-key-31337\n");
    dir.write("token", "bearer-token-8888\n");
    const std::string yaml = R"(notifiers:
  - { name: slack, type: webhook, format: slack, url_file: slack-url }
  - { name: hook, type: webhook, url: "https://sink.example.com/p/inlinesecretpath", signing_secret_file: signing, headers: { Authorization: "Bearer headersecretvalue" } }
  - { name: pd, type: webhook, format: pagerduty, routing_key_file: routing }
server: { listen: "0.0.0.0:9717", auth_token_file: token }
)" + one_cluster_block;
    const sesmon::config cfg =
        parse(yaml, dir.path().string() + "/config.yaml", testing::keys_environment());
    ASSERT_EQ(cfg.notifiers.size(), 3u);
    EXPECT_EQ(cfg.notifiers[0].url.reveal(),
              "https://hooks.slack.com/services/T000/B000/slacksecretpath");
    EXPECT_EQ(cfg.notifiers[0].url.origin(), "file " + dir.path().string() + "/slack-url");
    EXPECT_EQ(cfg.notifiers[1].signing_secret->reveal(), "whsec_c2lnbmluZ3NlY3JldA==");
    EXPECT_EQ(cfg.notifiers[2].routing_key->reveal(), "pd-routing-key-31337");
    EXPECT_EQ(cfg.notifiers[2].url.reveal(), "https://events.pagerduty.com/v2/enqueue");
    EXPECT_EQ(cfg.server.auth_token->reveal(), "bearer-token-8888");

    const std::string summary = summarize(cfg);
    for (const char* secret_text :
         {"slacksecretpath", "whsec_", "pd-routing-key", "bearer-token", "inlinesecretpath",
          "headersecretvalue", testing::test_access_key, testing::test_secret_key}) {
        EXPECT_EQ(summary.find(secret_text), std::string::npos) << secret_text << "\n" << summary;
    }
    EXPECT_NE(summary.find("https://hooks.slack.com"), std::string::npos) << summary;
    EXPECT_NE(summary.find("signing secret: file " + dir.path().string() + "/signing"),
              std::string::npos)
        << summary;
    EXPECT_NE(summary.find("access key: env NCLOUD_ACCESS_KEY"), std::string::npos) << summary;
}

TEST(secrets_test, bad_url_in_url_file_is_reported_without_the_url) {
    scratch_dir dir;
    dir.write("url", "http://hooks.example.org/very/secret/token\n");
    const std::string message =
        error_of("notifiers:\n  - { name: h, type: webhook, url_file: url }\n" + one_cluster_block,
                 testing::keys_environment(), dir.path().string() + "/config.yaml");
    EXPECT_EQ(message,
              dir.path().string() +
                  "/config.yaml:2:41: notifiers[0].url_file: must be https:// (plain "
                  "http:// is allowed only to loopback hosts), got http://hooks.example.org");
    EXPECT_EQ(message.find("secret/token"), std::string::npos);
}

TEST(secrets_test, no_error_message_repeats_a_secret_value) {
    scratch_dir dir;
    dir.write("garbage-url", "not-a-url-but-secret-4711\n");
    const std::string yaml = R"(notifiers:
  - { name: a, type: webhook, url: "gopher://hooks.example.com/inline-secret-0815" }
  - { name: b, type: webhook, url_file: garbage-url }
  - { name: c, type: webhook, url: "https://h.example.com/", headers: { X-Token: "header-secret-42\r\nX-Evil: 1" } }
  - { name: d, type: webhook, url: "https://user:userinfo-secret-9@h.example.com/" }
)" + one_cluster_block;
    const std::string message =
        error_of(yaml, testing::keys_environment(), dir.path().string() + "/config.yaml");
    EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 3) << message;  // 4 problems
    for (const char* secret_text : {"inline-secret-0815", "not-a-url-but-secret-4711",
                                    "header-secret-42", "userinfo-secret-9"}) {
        EXPECT_EQ(message.find(secret_text), std::string::npos) << secret_text << "\n" << message;
    }
    EXPECT_NE(message.find("notifiers[2].headers.X-Token: must not contain line breaks or NUL"),
              std::string::npos)
        << message;
}

TEST(secrets_test, empty_environment_seam_means_no_environment) {
    EXPECT_EQ(error_of(one_cluster_block, environment{}),
              "config.yaml:1:1: api: no access key: set access_key_file, NCLOUD_ACCESS_KEY or the "
              "systemd credential ncloud-access-key\n"
              "config.yaml:1:1: api: no secret key: set secret_key_file, NCLOUD_SECRET_KEY or the "
              "systemd credential ncloud-secret-key");
}

}  // namespace
}  // namespace sesmon::config_file
