// `ses-upgrade-monitor status` end to end: the built binary, a real config file, the scripted
// TLS server as the API.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/fixtures.hpp"
#include "support/scripted_server.hpp"
#include "support/test_certs.hpp"

namespace sesmon::cli {
namespace {

using test::scripted_reply;

std::string command_seed_body() {
    return test::read_fixture("seed_response.json");
}

// The example /api/v1/clusters document of docs/http-api.md.
rapidjson::Document api_doc_example() {
    std::ifstream in(std::string(SESMON_SOURCE_DIR) + "/docs/http-api.md");
    std::stringstream text;
    text << in.rdbuf();
    const std::string doc = text.str();
    const auto marker = doc.find("<!-- example: sample_view -->");
    const auto begin = doc.find("```json\n", marker);
    const auto end = doc.find("```", begin + 8);
    rapidjson::Document out;
    if (marker != std::string::npos && begin != std::string::npos && end != std::string::npos)
        out.Parse(doc.substr(begin + 8, end - begin - 8).c_str());
    return out;
}

// Every object in `actual` has exactly the keys, in the same order, of the object at the
// same place in `expected` (arrays: their first elements; null on either side: not compared).
void expect_same_shape(const rapidjson::Value& expected, const rapidjson::Value& actual,
                       const std::string& where) {
    if (expected.IsNull() || actual.IsNull())
        return;
    if (expected.IsBool()) {
        EXPECT_TRUE(actual.IsBool()) << where;
        return;
    }
    ASSERT_EQ(expected.GetType(), actual.GetType()) << where;
    if (expected.IsObject()) {
        std::vector<std::string> want, got;
        for (const auto& m : expected.GetObject())
            want.emplace_back(m.name.GetString());
        for (const auto& m : actual.GetObject())
            got.emplace_back(m.name.GetString());
        ASSERT_EQ(got, want) << where;
        for (const auto& m : expected.GetObject()) {
            expect_same_shape(m.value, actual[m.name.GetString()],
                              where + "." + m.name.GetString());
        }
    } else if (expected.IsArray() && !expected.Empty() && !actual.Empty()) {
        expect_same_shape(expected[0], actual[0], where + "[0]");
    }
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
                                     << "    labels: {team: search, env: prod}\n"
                                     << "state:\n"
                                     << "  directory: " << (dir_.path() / "state").string() << "\n"
                                     << "server:\n"
                                     << "  listen: \"\"\n";
    }

    std::string config_path() const { return (dir_.path() / "config.yaml").string(); }

    // Runs the binary with the API keys in its environment; stdout and stderr together, or
    // stdout only.
    test::command_result run(const std::string& args, bool with_stderr = true) {
        return test::run_shell(
            "env NCLOUD_ACCESS_KEY=AKEXAMPLE NCLOUD_SECRET_KEY=SK-never-printed " +
            test::shell_quote(std::string(SESMON_BIN_DIR) + "/ses-upgrade-monitor") +
            " status -c " + test::shell_quote(config_path()) + " " + args +
            (with_stderr ? " 2>&1" : " 2>/dev/null"));
    }

    test::temp_dir dir_;
    test::test_certificate cert_;
    test::scripted_server server_;
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

// The seed's Upgrade_OpenSearch node has been in its stage since 2025: both clusters are
// stalled by node_stage_timeout (45m).
TEST_F(status_command_test, default_is_one_summary_line_and_a_row_per_cluster_needing_attention) {
    server_.set_handler(
        [](const test::recorded_request&) { return scripted_reply{.body = command_seed_body()}; });

    const auto r = run("", false);

    EXPECT_EQ(r.exit_code, 0) << r.output;
    const auto lines = lines_of(r.output);
    ASSERT_EQ(lines.size(), 5u) << r.output;
    EXPECT_EQ(lines[0],
              "2 clusters: 0 failed, 2 stalled, 0 blind, 0 upgrading, 0 finished (24 h), 0 idle");
    EXPECT_EQ(lines[1], "");
    EXPECT_EQ(
        lines[2].rfind("CLUSTER    STATE    VERSIONS     NODES  LABELS                DETAIL", 0),
        0u)
        << r.output;
    // Equally long stalled: by name. Labels as key=value.
    EXPECT_EQ(lines[3].rfind("jp-logs    stalled  2140 → 2150  1/8    env=prod,team=search  "
                             "node cluster000-mo-6tnl stuck for ",
                             0),
              0u)
        << r.output;
    EXPECT_EQ(lines[4].rfind("prod-logs  stalled  2140 → 2150  1/8    -                     "
                             "node cluster000-mo-6tnl stuck for ",
                             0),
              0u)
        << r.output;
    EXPECT_NE(lines[4].find(" (node_stage_timeout)"), std::string::npos) << r.output;

    const auto requests = server_.requests();
    ASSERT_EQ(requests.size(), 2u);
    std::vector<std::string> targets{requests[0].target, requests[1].target};
    std::sort(targets.begin(), targets.end());
    EXPECT_EQ(targets[0], "/api/jpn-v2/cluster/getRollingUpgradeProgress");
    EXPECT_EQ(targets[1], "/api/v2/cluster/getRollingUpgradeProgress");
    EXPECT_EQ(requests[0].header("x-ncp-iam-access-key"), "AKEXAMPLE");
    EXPECT_FALSE(requests[0].header("x-ncp-apigw-signature-v2").empty());
}

TEST_F(status_command_test, cluster_option_shows_that_cluster_with_every_node) {
    server_.set_handler(
        [](const test::recorded_request&) { return scripted_reply{.body = command_seed_body()}; });

    const auto r = run("--cluster prod-logs");

    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("prod-logs  (instance 1037001, KR)\n"
                            "  2140 → 2150  [###---------------------]  1/8 nodes  upgrading, "
                            "STALLED "),
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("  HOSTNAME            ROLE  STATUS              IN STATUS\n"),
              std::string::npos);
    EXPECT_NE(r.output.find("  cluster000-mo-6tnl  MO    Upgrade_OpenSearch  "), std::string::npos);
    EXPECT_NE(r.output.find("  cluster000-mo-6tnk  MO    complete            "), std::string::npos);
    // Title, versions and bar, the expected finish, header, 8 nodes. No state.db here: six
    // nodes not started × eta.node_prior (12m).
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 4 + 8) << r.output;
    EXPECT_NE(r.output.find("  expected to finish "), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("SK-never-printed"), std::string::npos);
    EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(status_command_test, state_and_label_filters_choose_the_rows_and_labels_what_is_polled) {
    server_.set_handler(
        [](const test::recorded_request&) { return scripted_reply{.body = command_seed_body()}; });

    auto r = run("--state idle,finished", false);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(lines_of(r.output),
              (std::vector<std::string>{"2 clusters: 0 failed, 2 stalled, 0 blind, 0 upgrading, "
                                        "0 finished (24 h), 0 idle",
                                        "(2 clusters not shown: --all lists every one, "
                                        "--cluster NAME one with its nodes)"}));
    EXPECT_EQ(server_.requests().size(), 2u);

    r = run("--label team:search", false);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    auto lines = lines_of(r.output);
    ASSERT_EQ(lines.size(), 4u) << r.output;
    EXPECT_EQ(lines[0],
              "1 cluster: 0 failed, 1 stalled, 0 blind, 0 upgrading, 0 finished (24 h), 0 idle");
    EXPECT_EQ(lines[3].rfind("jp-logs ", 0), 0u) << r.output;
    EXPECT_EQ(server_.requests().size(), 3u) << "only the labelled cluster is polled";

    r = run("--all --state stalled --label team:search --label env:prod", false);
    EXPECT_EQ(lines_of(r.output).size(), 4u) << r.output;

    r = run("--label team:nobody");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "ses-upgrade-monitor: no cluster has the labels asked for\n");
    EXPECT_EQ(server_.requests().size(), 4u);
}

TEST_F(status_command_test, json_takes_the_same_filters) {
    server_.set_handler(
        [](const test::recorded_request&) { return scripted_reply{.body = command_seed_body()}; });
    auto r = run("--format json --label env:prod", false);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    rapidjson::Document doc;
    doc.Parse(r.output.c_str());
    ASSERT_FALSE(doc.HasParseError()) << r.output;
    ASSERT_EQ(doc["clusters"].Size(), 1u);
    EXPECT_STREQ(doc["clusters"][0]["name"].GetString(), "jp-logs");
    EXPECT_STREQ(doc["clusters"][0]["state"].GetString(), "stalled");
    EXPECT_STREQ(doc["clusters"][0]["labels"]["team"].GetString(), "search");
    EXPECT_STREQ(doc["clusters"][0]["stall"]["node"].GetString(), "cluster000-mo-6tnl");

    r = run("--format json --state upgrading", false);
    doc.Parse(r.output.c_str());
    ASSERT_FALSE(doc.HasParseError()) << r.output;
    EXPECT_EQ(doc["clusters"].Size(), 0u);
}

TEST_F(status_command_test, bad_filters_exit_2_without_polling) {
    auto r = run("--state stuck");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_EQ(r.output,
              "ses-upgrade-monitor: --state stuck: expected failed, stalled, blind, upgrading, "
              "finished or idle\n");
    r = run("--label team");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_EQ(r.output,
              "ses-upgrade-monitor: --label label selector \"team\": expected key:value\n");
    r = run("--cluster prod-logs --all");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(server_.requests().empty());
}

TEST_F(status_command_test, json_format_is_the_api_clusters_document) {
    server_.set_handler(
        [](const test::recorded_request&) { return scripted_reply{.body = command_seed_body()}; });

    const auto r = run("--format json --cluster jp-logs");

    ASSERT_EQ(r.exit_code, 0) << r.output;
    rapidjson::Document doc;
    doc.Parse(r.output.c_str());
    ASSERT_FALSE(doc.HasParseError()) << r.output;
    EXPECT_TRUE(doc["ready"].GetBool());
    ASSERT_EQ(doc["clusters"].Size(), 1u);
    const auto& c = doc["clusters"][0];
    EXPECT_STREQ(c["name"].GetString(), "jp-logs");
    EXPECT_STREQ(c["region"].GetString(), "JPN");
    EXPECT_STREQ(c["upgrade"]["from_version"].GetString(), "2140");
    EXPECT_STREQ(c["upgrade"]["to_version"].GetString(), "2150");
    EXPECT_EQ(c["upgrade"]["nodes_total"].GetInt(), 8);
    EXPECT_EQ(c["upgrade"]["nodes_complete"].GetInt(), 1);
    EXPECT_STREQ(c["last_poll"]["result"].GetString(), "ok");
    ASSERT_EQ(c["nodes"].Size(), 8u);
    EXPECT_STREQ(c["nodes"][1]["hostname"].GetString(), "cluster000-mo-6tnl");
    EXPECT_STREQ(c["nodes"][1]["status"].GetString(), "Upgrade_OpenSearch");

    // The same fields, in the same order, as the documented /api/v1/clusters example.
    const rapidjson::Document example = api_doc_example();
    ASSERT_TRUE(example.IsObject()) << "no example in docs/http-api.md";
    expect_same_shape(example, doc, "$");
    EXPECT_EQ(r.output.find("SK-never-printed"), std::string::npos);
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
    // In the table (stdout) and on stderr.
    EXPECT_NE(r.output.find("prod-logs  (instance 1037001, KR)\n  no data, BLIND\n"
                            "  last poll failed (auth): authentication failed (gateway 401/200): "
                            "check the access key, secret key and clock"),
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("ses-upgrade-monitor: prod-logs: authentication failed (gateway "
                            "401/200): check the access key, secret key and clock"),
              std::string::npos)
        << r.output;
    EXPECT_EQ(r.output.find("SK-never-printed"), std::string::npos);
}

TEST_F(status_command_test, one_failed_cluster_exits_1_and_still_prints_the_others) {
    server_.set_handler([](const test::recorded_request& req) {
        if (req.target.find("jpn-v2") != std::string::npos)
            return scripted_reply{.status = 503, .body = "unavailable"};
        return scripted_reply{.body = command_seed_body()};
    });

    const auto r = run("--format json", false);

    EXPECT_EQ(r.exit_code, 1) << r.output;
    rapidjson::Document doc;
    doc.Parse(r.output.c_str());
    ASSERT_FALSE(doc.HasParseError()) << r.output;
    ASSERT_EQ(doc["clusters"].Size(), 2u);
    EXPECT_STREQ(doc["clusters"][0]["name"].GetString(), "prod-logs");
    EXPECT_STREQ(doc["clusters"][0]["last_poll"]["result"].GetString(), "ok");
    EXPECT_EQ(doc["clusters"][0]["nodes"].Size(), 8u);
    EXPECT_STREQ(doc["clusters"][1]["name"].GetString(), "jp-logs");
    EXPECT_STREQ(doc["clusters"][1]["last_poll"]["result"].GetString(), "server");
    EXPECT_FALSE(doc["clusters"][1]["last_poll"]["error"].IsNull());
}

TEST_F(status_command_test, unreachable_api_exits_1) {
    server_.set_handler([](const test::recorded_request&) {
        return scripted_reply{.action = scripted_reply::kind::close};
    });
    const auto r = run("--cluster prod-logs");
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("last poll failed (network): API unreachable"), std::string::npos)
        << r.output;
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
