// `ses-upgrade-monitor status` end to end: the built binary, a real config file, the scripted
// TLS server as the API.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "support/fixtures.hpp"
#include "support/scripted_server.hpp"
#include "support/test_certs.hpp"

namespace sesmon::cli {
namespace {

using test::scripted_reply;

std::string seed_body() {
    return test::read_fixture("seed_response.json");
}

class status_command_test : public ::testing::Test {
  protected:
    status_command_test()
        : cert_(test::make_self_signed_certificate(dir_.path(), "api", {"IP:127.0.0.1"})),
          server_({.tls = true, .certificate = cert_}) {
        std::filesystem::create_directories(dir_.path() / "state");
        std::ofstream(config_path()) << "api:\n"
                                     << "  endpoint: " << server_.base_url() << "\n"
                                     << "  ca_file: " << cert_.cert_file.string() << "\n"
                                     << "  timeout: 5s\n"
                                     << "  max_in_flight: 2\n"
                                     << "clusters:\n"
                                     << "  - name: prod-logs\n"
                                     << "    instance_no: \"1037001\"\n"
                                     << "  - name: jp-logs\n"
                                     << "    instance_no: \"1037002\"\n"
                                     << "    region: JPN\n"
                                     << "state:\n"
                                     << "  directory: " << (dir_.path() / "state").string() << "\n"
                                     << "server:\n"
                                     << "  listen: \"\"\n";
    }

    std::string config_path() const { return (dir_.path() / "config.yaml").string(); }

    // Runs the binary with the API keys in its environment; stdout and stderr together.
    test::command_result run(const std::string& args) {
        return test::run_shell(
            "env NCLOUD_ACCESS_KEY=AKEXAMPLE NCLOUD_SECRET_KEY=SK-never-printed " +
            test::shell_quote(std::string(SESMON_BIN_DIR) + "/ses-upgrade-monitor") +
            " status -c " + test::shell_quote(config_path()) + " " + args + " 2>&1");
    }

    test::temp_dir dir_;
    test::test_certificate cert_;
    test::scripted_server server_;
};

TEST_F(status_command_test, table_shows_every_cluster_and_exits_0) {
    server_.set_handler(
        [](const test::recorded_request&) { return scripted_reply{.body = seed_body()}; });

    const auto r = run("");

    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("prod-logs (instance 1037001, region KR)"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("jp-logs (instance 1037002, region JPN)"), std::string::npos);
    EXPECT_NE(r.output.find("version  2140 → 2150"), std::string::npos);
    EXPECT_NE(r.output.find("1/8 complete"), std::string::npos);
    EXPECT_NE(r.output.find("cluster000-mo-6tnl  MO    Upgrade_OpenSearch"), std::string::npos);
    EXPECT_EQ(r.output.find("SK-never-printed"), std::string::npos);

    const auto requests = server_.requests();
    ASSERT_EQ(requests.size(), 2u);
    std::vector<std::string> targets{requests[0].target, requests[1].target};
    std::sort(targets.begin(), targets.end());
    EXPECT_EQ(targets[0], "/api/jpn-v2/cluster/getRollingUpgradeProgress");
    EXPECT_EQ(targets[1], "/api/v2/cluster/getRollingUpgradeProgress");
    EXPECT_EQ(requests[0].header("x-ncp-iam-access-key"), "AKEXAMPLE");
    EXPECT_FALSE(requests[0].header("x-ncp-apigw-signature-v2").empty());
}

TEST_F(status_command_test, json_format_is_one_parsable_document) {
    server_.set_handler(
        [](const test::recorded_request&) { return scripted_reply{.body = seed_body()}; });

    const auto r = run("--format json --cluster jp-logs");

    ASSERT_EQ(r.exit_code, 0) << r.output;
    rapidjson::Document doc;
    doc.Parse(r.output.c_str());
    ASSERT_FALSE(doc.HasParseError()) << r.output;
    ASSERT_EQ(doc["clusters"].Size(), 1u);
    EXPECT_STREQ(doc["clusters"][0]["name"].GetString(), "jp-logs");
    EXPECT_EQ(doc["clusters"][0]["nodes"].Size(), 8u);
    EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(status_command_test, api_error_prints_the_classified_reason_and_exits_1) {
    server_.set_handler([](const test::recorded_request&) {
        return scripted_reply{
            .status = 401,
            .body = R"({"error":{"errorCode":"200","message":"Authentication Failed"}})"};
    });

    const auto r = run("--cluster prod-logs");

    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("prod-logs: authentication failed (gateway 401/200): check the access "
                            "key, secret key and clock"),
              std::string::npos)
        << r.output;
    EXPECT_EQ(r.output.find("SK-never-printed"), std::string::npos);
}

TEST_F(status_command_test, unreachable_api_exits_1) {
    server_.set_handler([](const test::recorded_request&) {
        return scripted_reply{.action = scripted_reply::kind::close};
    });
    const auto r = run("--cluster prod-logs");
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("API unreachable"), std::string::npos) << r.output;
}

TEST_F(status_command_test, unknown_cluster_name_exits_2_without_polling) {
    const auto r = run("--cluster nope");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("unknown cluster \"nope\" (configured: prod-logs, jp-logs)"),
              std::string::npos)
        << r.output;
    EXPECT_TRUE(server_.requests().empty());
}

TEST_F(status_command_test, invalid_config_exits_2) {
    std::ofstream(config_path()) << "api:\n  sight: public\nclusters: []\n";
    const auto r = run("");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("config.yaml:2:3"), std::string::npos) << r.output;
    EXPECT_TRUE(server_.requests().empty());
}

}  // namespace
}  // namespace sesmon::cli
