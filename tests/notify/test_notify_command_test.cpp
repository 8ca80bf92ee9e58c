// `ses-upgrade-monitor test-notify`: the command function against a real config file and a
// loopback receiver.
#include <gtest/gtest.h>

#include <fstream>

#include "cli/commands.hpp"
#include "support/scripted_server.hpp"
#include "support/test_certs.hpp"

namespace sesmon::notify {
namespace {

namespace fs = std::filesystem;
using sesmon::test::scripted_server;

class test_notify_command_test : public ::testing::Test {
  protected:
    // A minimal valid configuration with a generic webhook "hook" to the scripted server.
    std::string write_config() {
        const auto secret_file = [&](const std::string& name, const std::string& value) {
            const fs::path path = dir_.path() / name;
            std::ofstream(path) << value;
            fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write,
                            fs::perm_options::replace);
            return path.string();
        };
        const fs::path config = dir_.path() / "config.yaml";
        std::ofstream(config) << "api:\n"
                              << "  endpoint: http://127.0.0.1:9\n"
                              << "  access_key_file: " << secret_file("ak", "AK") << "\n"
                              << "  secret_key_file: " << secret_file("sk", "SK") << "\n"
                              << "clusters:\n"
                              << "  - name: c1\n"
                              << "    instance_no: \"1\"\n"
                              << "notifiers:\n"
                              << "  - name: hook\n"
                              << "    type: webhook\n"
                              << "    url_file: "
                              << secret_file("url", server_.base_url() + "/hooks/t0k3n") << "\n"
                              << "    events: [upgrade_failed]\n"
                              << "state:\n"
                              << "  directory: " << (dir_.path() / "state").string() << "\n";
        return config.string();
    }

    int run(const std::string& notifier) {
        ::testing::internal::CaptureStdout();
        ::testing::internal::CaptureStderr();
        const int code = cli::test_notify(write_config(), notifier);
        out_ = ::testing::internal::GetCapturedStdout();
        err_ = ::testing::internal::GetCapturedStderr();
        return code;
    }

    sesmon::test::temp_dir dir_;
    scripted_server server_;
    std::string out_;
    std::string err_;
};

TEST_F(test_notify_command_test, delivers_one_synthetic_event_and_reports_status_and_latency) {
    server_.push({.status = 200});
    EXPECT_EQ(run("hook"), 0) << err_;
    EXPECT_TRUE(out_.starts_with("delivered: HTTP 200 in ")) << out_;
    ASSERT_EQ(server_.requests().size(), 1u);
    const auto request = server_.requests().at(0);
    EXPECT_EQ(request.target, "/hooks/t0k3n");
    // Sent despite the notifier's events filter, and clearly synthetic.
    EXPECT_NE(request.body.find(R"("type":"upgrade_stalled")"), std::string::npos);
    EXPECT_NE(request.body.find("SYNTHETIC TEST EVENT"), std::string::npos);
    EXPECT_NE(request.body.find(R"("name":"test-notify")"), std::string::npos);
    EXPECT_FALSE(fs::exists(dir_.path() / "state" / "outbox"));  // not through the outbox
}

TEST_F(test_notify_command_test, failure_prints_the_reason_and_exits_1_after_one_attempt) {
    server_.push({.status = 503});
    server_.push({.status = 200});
    EXPECT_EQ(run("hook"), 1);
    EXPECT_NE(err_.find("failed: HTTP 503"), std::string::npos) << err_;
    EXPECT_NE(err_.find("retry"), std::string::npos) << err_;
    EXPECT_EQ(server_.requests().size(), 1u);
    EXPECT_EQ(err_.find("t0k3n"), std::string::npos) << err_;
}

TEST_F(test_notify_command_test, unknown_notifier_or_bad_config_exits_2) {
    EXPECT_EQ(run("nope"), 2);
    EXPECT_NE(err_.find("no notifier named 'nope' (configured: hook)"), std::string::npos) << err_;
    ::testing::internal::CaptureStderr();
    EXPECT_EQ(cli::test_notify((dir_.path() / "missing.yaml").string(), "hook"), 2);
    ::testing::internal::GetCapturedStderr();
    EXPECT_TRUE(server_.requests().empty());
}

}  // namespace
}  // namespace sesmon::notify
