// What check-config checks beyond validity (config/readiness.hpp): command programs that
// cannot run here are errors, example/placeholder hosts are warnings, both at their position.
#include <gtest/gtest.h>

#include "config/readiness.hpp"
#include "support.hpp"

namespace sesmon::config_file {
namespace {

readiness check(const std::string& yaml) {
    return check_readiness(parse(yaml, "config.yaml", testing::keys_environment()), yaml);
}

std::string command_notifier(const std::string& program) {
    return testing::one_cluster + "notifiers:\n  - name: pager\n    type: command\n    argv: [" +
           program + ", --team, search]\n";
}

TEST(readiness_test, an_executable_program_passes) {
    const readiness r = check(command_notifier("/bin/sh"));
    EXPECT_TRUE(r.errors.empty());
    EXPECT_TRUE(r.warnings.empty());
}

TEST(readiness_test, a_missing_program_is_an_error_at_argv0) {
    const readiness r = check(command_notifier("/usr/local/bin/page-oncall-not-here"));
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(error::format("config.yaml", r.errors[0]),
              "config.yaml:7:12: notifiers[0].argv[0]: /usr/local/bin/page-oncall-not-here: No "
              "such file or directory (install it, or fix argv[0])");
}

TEST(readiness_test, a_program_without_execute_permission_or_a_directory_is_an_error) {
    testing::scratch_dir dir;
    const std::string script = dir.write("page-oncall", "#!/bin/sh\nexit 0\n", 0644);
    readiness r = check(command_notifier(script));
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].message, script + " is not executable (chmod +x, or fix argv[0])");

    r = check(command_notifier(dir.path().string()));
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].message, dir.path().string() + " is not a regular file");
}

TEST(readiness_test, placeholder_hosts_are_the_reserved_example_names) {
    for (const char* host : {"example.com", "EXAMPLE.ORG.", "hooks.example.net",
                             "hooks.slack.example.com", "ci.test", "x.invalid", "my.example"}) {
        EXPECT_TRUE(is_placeholder_host(host)) << host;
    }
    for (const char* host : {"hooks.slack.com", "example.company.com", "notexample.com",
                             "events.pagerduty.com", "127.0.0.1", "testing.io"}) {
        EXPECT_FALSE(is_placeholder_host(host)) << host;
    }
}

TEST(readiness_test, a_webhook_on_a_placeholder_host_is_a_warning_naming_only_the_host) {
    const readiness r =
        check(testing::one_cluster +
              "notifiers:\n  - name: ops-slack\n    type: webhook\n"
              "    format: slack\n"
              "    url: https://hooks.slack.example.com/services/T0/B0/SECRETPART\n");
    EXPECT_TRUE(r.errors.empty());
    ASSERT_EQ(r.warnings.size(), 1u);
    const std::string line = error::format("config.yaml", r.warnings[0]);
    EXPECT_EQ(line,
              "config.yaml:8:10: notifiers[0].url: warning: webhook host hooks.slack.example.com "
              "is an example/placeholder host: replace it with the real one");
    EXPECT_EQ(line.find("SECRETPART"), std::string::npos);
}

TEST(readiness_test, a_url_file_on_a_placeholder_host_is_reported_at_url_file) {
    testing::scratch_dir dir;
    const std::string file = dir.write("hook-url", "https://example.org/hook/SECRETPART\n");
    const readiness r =
        check(testing::one_cluster +
              "notifiers:\n  - { name: hook, type: webhook, url_file: " + file + " }\n");
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(r.warnings[0].path, "notifiers[0].url_file");
    EXPECT_EQ(r.warnings[0].line, 5);
    EXPECT_EQ(r.warnings[0].message.find("SECRETPART"), std::string::npos);
}

TEST(readiness_test, an_api_endpoint_on_a_placeholder_host_is_a_warning) {
    const readiness r =
        check("api: { endpoint: \"https://api.example.com\" }\n" + testing::one_cluster);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(error::format("config.yaml", r.warnings[0]),
              "config.yaml:1:18: api.endpoint: warning: API endpoint host api.example.com is an "
              "example/placeholder host: replace it with the real one");
}

// Issue 21: in an HA group a delivery ends by the leader's term deadline, at most
// lease_ttl / 2 after it starts: a longer timeout is cut before it fires.
TEST(readiness_test, a_notifier_timeout_past_half_the_lease_ttl_is_a_warning_in_an_ha_group) {
    const std::string notifiers =
        "notifiers:\n"
        "  - { name: hook, type: webhook, url: \"https://hooks.internal.corp/x\", timeout: 8s }\n"
        "  - { name: page, type: command, argv: [/bin/sh], timeout: 7500ms }\n"
        "  - { name: journal, type: log }\n";
    const std::string ha =
        "ha:\n  etcd: { endpoints: [http://127.0.0.1:2379] }\n"
        "  lease_ttl: 15s\n";
    readiness r = check(testing::one_cluster + notifiers + ha);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(error::format("config.yaml", r.warnings[0]),
              "config.yaml:5:81: notifiers[0].timeout: warning: 8s is more than half of "
              "ha.lease_ttl (15s): in an HA group every send ends by the leader's term deadline, "
              "at most 7.5s after it starts, so this timeout never fires and a slow receiver is "
              "cut sooner; lower the timeout or raise ha.lease_ttl");
    // Alone, nothing cuts a send short; the default webhook timeout (10 s) needs a TTL of 20 s.
    EXPECT_TRUE(check(testing::one_cluster + notifiers).warnings.empty());
    r = check(
        testing::one_cluster +
        "notifiers:\n  - { name: hook, type: webhook, url: \"https://hooks.internal.corp/x\" }\n" +
        ha);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(r.warnings[0].path, "notifiers[0].timeout");
    EXPECT_EQ(r.warnings[0].line, 5);  // no timeout key: at the notifier
}

TEST(readiness_test, the_example_configuration_is_flagged_until_edited) {
    const std::string path = SESMON_SOURCE_DIR "/config/config.example.yaml";
    const readiness r = check_readiness(load(path, testing::keys_environment()));
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(r.warnings[0].path, "notifiers[1].url");
    ASSERT_EQ(r.errors.size(), 1u);  // /usr/local/bin/page-oncall is not on a build machine
    EXPECT_EQ(r.errors[0].path, "notifiers[2].argv[0]");
    EXPECT_GT(r.errors[0].line, 0);
}

}  // namespace
}  // namespace sesmon::config_file
