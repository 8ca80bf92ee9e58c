// The shipped configs load, and `ses-upgrade-monitor check-config` exits and prints as SPEC §2
// says.
#include <sys/wait.h>
#include <array>
#include <cstdio>

#include "config/load.hpp"
#include "config/summary.hpp"
#include "support.hpp"

namespace sesmon::config_file {
namespace {

using namespace std::chrono_literals;

TEST(check_config_test, example_config_loads) {
    const sesmon::config cfg =
        load(SESMON_SOURCE_DIR "/config/config.example.yaml", testing::keys_environment());
    EXPECT_FALSE(cfg.clusters.empty());
    EXPECT_FALSE(cfg.notifiers.empty());
    EXPECT_FALSE(summarize(cfg).empty());
}

TEST(check_config_test, demo_config_loads_with_the_demo_values) {
    const sesmon::config cfg =
        load(SESMON_SOURCE_DIR "/config/demo.yaml", testing::keys_environment());
    EXPECT_EQ(cfg.api.endpoint, "http://127.0.0.1:18443");
    ASSERT_EQ(cfg.clusters.size(), 3u);
    EXPECT_EQ(cfg.clusters[0].name, "cluster000");
    EXPECT_EQ(cfg.clusters[0].instance_no, "1037001");
    EXPECT_EQ(cfg.clusters[1].name, "stuck-logs");
    EXPECT_EQ(cfg.clusters[1].instance_no, "1037002");
    EXPECT_EQ(cfg.clusters[2].name, "slow-logs");
    EXPECT_EQ(cfg.clusters[2].instance_no, "1037003");
    EXPECT_EQ(cfg.eta.node_prior, 5s);
    for (const cluster_config& c : cfg.clusters) {
        EXPECT_EQ(c.polling.interval, 1s);
        EXPECT_EQ(c.polling.idle_interval, 5s);
        EXPECT_EQ(c.stall.node_stage_timeout, 20s);
        EXPECT_EQ(c.stall.no_progress_timeout, 40s);
        EXPECT_EQ(c.stall.blind_timeout, 15s);
        EXPECT_EQ(c.stall.adaptive_factor, 3);
        EXPECT_EQ(c.stall.adaptive_min, 10s);
    }
    ASSERT_EQ(cfg.notifiers.size(), 2u);
    EXPECT_EQ(cfg.notifiers[0].name, "journal");
    EXPECT_EQ(cfg.notifiers[1].name, "sink");
    EXPECT_EQ(cfg.notifiers[1].url.reveal(), "http://127.0.0.1:18443/hooks/sink");
    EXPECT_EQ(cfg.state.directory, (std::filesystem::path(SESMON_SOURCE_DIR) / "build/demo-state")
                                       .lexically_normal()
                                       .string());
}

struct run_result {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs check-config on `config` with a controlled environment; stdout and stderr are captured
// through files in `dir`.
run_result run_check_config(const testing::scratch_dir& dir, const std::string& config,
                            const std::string& env) {
    const std::string out = (dir.path() / "stdout").string();
    const std::string err = (dir.path() / "stderr").string();
    const std::string command = "env -i " + env +
                                " '" SESMON_BIN_DIR "/ses-upgrade-monitor' check-config -c '" +
                                config + "' >'" + out + "' 2>'" + err + "'";
    const int status = std::system(command.c_str());
    run_result result;
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    }
    const auto slurp = [](const std::string& path) {
        std::ifstream in(path);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    result.out = slurp(out);
    result.err = slurp(err);
    return result;
}

TEST(check_config_test, program_exits_2_with_one_line_per_problem) {
    testing::scratch_dir dir;
    const std::string config = dir.write("bad.yaml", R"(clusters:
  - name: a
    instance_no: "1"
    regoin: KR
)",
                                         0644);
    const run_result r =
        run_check_config(dir, config, "NCLOUD_ACCESS_KEY=AK-cli-1 NCLOUD_SECRET_KEY=SK-cli-2");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, config + ":4:5: clusters[0].regoin: unknown key (did you mean \"region\"?)\n");
    EXPECT_EQ(r.out, "");
}

TEST(check_config_test, program_exits_2_for_a_missing_file) {
    testing::scratch_dir dir;
    const std::string config = (dir.path() / "absent.yaml").string();
    const run_result r = run_check_config(dir, config, "");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, config + ": cannot read: No such file or directory\n");
}

// Caught at load, not at `run` (which would exit 1 and be restarted by systemd).
TEST(check_config_test, program_exits_2_for_a_bad_signing_secret_and_a_ca_file_that_is_not_pem) {
    testing::scratch_dir dir;
    const std::string secret = dir.write("signing", "whsec_%%%not-base64%%%\n");
    const std::string junk = dir.write("ca.pem", "not a certificate\n", 0644);
    const std::string config = dir.write("bad.yaml",
                                         "clusters:\n  - { name: a, instance_no: \"1\" }\n"
                                         "api:\n  ca_file: " +
                                             junk +
                                             "\n"
                                             "notifiers:\n"
                                             "  - name: hook\n"
                                             "    type: webhook\n"
                                             "    url: https://hooks.example.com/T0KEN\n"
                                             "    signing_secret_file: " +
                                             secret + "\n",
                                         0644);
    const run_result r =
        run_check_config(dir, config, "NCLOUD_ACCESS_KEY=AK-cli-1 NCLOUD_SECRET_KEY=SK-cli-2");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(config + ":4:12: api.ca_file: " + junk + " is not a PEM CA bundle"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find(config + ":9:26: notifiers[0].signing_secret_file: the secret (file " +
                         secret + ") starts with whsec_"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("not-base64"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
}

TEST(check_config_test, program_prints_the_summary_and_exits_0_for_a_valid_file) {
    testing::scratch_dir dir;
    const std::string config = dir.write(
        "good.yaml", "clusters:\n  - { name: prod-logs, instance_no: \"1037001\" }\n", 0644);
    const run_result r =
        run_check_config(dir, config, "NCLOUD_ACCESS_KEY=AK-cli-1 NCLOUD_SECRET_KEY=SK-cli-2");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_NE(r.out.find("prod-logs: instance 1037001, region KR"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("access key: env NCLOUD_ACCESS_KEY"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("AK-cli-1"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("SK-cli-2"), std::string::npos) << r.out;
}

TEST(check_config_test, program_refuses_a_command_notifier_whose_program_is_missing) {
    testing::scratch_dir dir;
    const std::string config = dir.write(
        "pager.yaml",
        "clusters:\n  - { name: prod-logs, instance_no: \"1037001\" }\n"
        "notifiers:\n  - { name: pager, type: command, argv: [/nonexistent/page-oncall] }\n",
        0644);
    const run_result r =
        run_check_config(dir, config, "NCLOUD_ACCESS_KEY=AK-cli-1 NCLOUD_SECRET_KEY=SK-cli-2");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, config +
                         ":4:42: notifiers[0].argv[0]: /nonexistent/page-oncall: No such file or "
                         "directory (install it, or fix argv[0])\n");
    EXPECT_EQ(r.out, "");
}

TEST(check_config_test, program_warns_about_a_placeholder_host_and_still_accepts) {
    testing::scratch_dir dir;
    const std::string config = dir.write(
        "hook.yaml",
        "clusters:\n  - { name: prod-logs, instance_no: \"1037001\" }\n"
        "notifiers:\n  - { name: hook, type: webhook, url: \"https://example.com/h/T0K3N\" }\n",
        0644);
    const run_result r =
        run_check_config(dir, config, "NCLOUD_ACCESS_KEY=AK-cli-1 NCLOUD_SECRET_KEY=SK-cli-2");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, config +
                         ":4:39: notifiers[0].url: warning: webhook host example.com is an "
                         "example/placeholder host: replace it with the real one\n");
    EXPECT_NE(r.out.find("prod-logs"), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find("T0K3N"), std::string::npos);
}

}  // namespace
}  // namespace sesmon::config_file
