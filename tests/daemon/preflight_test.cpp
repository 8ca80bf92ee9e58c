// `ses-upgrade-monitor preflight` against the simulator (SPEC §2): go, no-go with every
// reason (a missing snapshot, a non-adjacent major, red health), the view being down (shown,
// not a reason), and exit 2 when the API cannot be asked.
#include <gtest/gtest.h>

#include "harness.hpp"

namespace sesmon::daemon_test {
namespace {

class preflight_test : public ::testing::Test {
  protected:
    preflight_test() : sim_(dir_.path(), "tests/daemon/scenarios/opensearch.yaml", 0) {
        write_text(dir_.path() / "os-password", "os-test-password\n");
        spec_.endpoint = sim_.url();
        const std::string view =
            "opensearch: { url: \"" + sim_.opensearch_url("1037404") +
            "\", username: monitor, password_file: " + (dir_.path() / "os-password").string() +
            " }";
        spec_.clusters = {{"ready", "1037404", view}, {"old-line", "1037405", ""}};
        config_ = dir_.path() / "config.yaml";
        write_text(config_, daemon_config(spec_, dir_.path()));
    }

    command_result preflight(std::vector<std::string> args) {
        args.insert(args.begin(), {"preflight", "-c", config_.string()});
        return run_command(dir_.path(), args);
    }

    temp_dir dir_;
    simulator sim_;
    daemon_spec spec_;
    fs::path config_;
};

TEST_F(preflight_test, a_ready_cluster_is_go) {
    const auto r = preflight({"ready", "--to", "2150"});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("current    2.14.0 (2140), cluster running"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("API pre-check"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("ok       latest snapshot"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("ok       cluster health   green, 2 nodes"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("GO: every check passed"), std::string::npos) << r.out;

    // Without --to: the newest version one rolling upgrade reaches (2.19.0, not 3.1.0).
    const auto json = preflight({"ready", "--format", "json"});
    EXPECT_EQ(json.code, 0) << json.out << json.err;
    EXPECT_NE(json.out.find(R"("target":{"code":"2190","name":"OpenSearch 2.19.0",)"),
              std::string::npos)
        << json.out;
    EXPECT_NE(json.out.find(R"("verdict":"go","reasons":[])"), std::string::npos) << json.out;
}

TEST_F(preflight_test, a_missing_snapshot_is_no_go_with_every_reason) {
    sim_.opensearch(R"({"cluster":"1037404","snapshot":"none"})");
    const auto r = preflight({"ready", "--to", "2150"});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_NE(r.out.find("NO-GO: 2 reasons"), std::string::npos) << r.out;
    // The API's own pre-check and the snapshot listing both say so.
    EXPECT_NE(r.out.find("- API pre-check: No snapshot was taken within the last 6 hours"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("- latest snapshot: no successful snapshot found"), std::string::npos)
        << r.out;

    sim_.opensearch(R"({"cluster":"1037404","snapshot":"-7h"})");
    const auto old = preflight({"ready", "--to", "2150"});
    EXPECT_EQ(old.code, 1) << old.out;
    EXPECT_NE(old.out.find("ended 7h00m ago (at most 6h old is required)"), std::string::npos)
        << old.out;
}

TEST_F(preflight_test, a_non_adjacent_major_is_no_go) {
    const auto r = preflight({"old-line", "--to", "3.1.0"});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_NE(r.out.find("- adjacent majors: 3.x needs 2.19.0 or later first (2.17.0 → 3.1.0)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("- API pre-check: Rolling upgrade not possible"), std::string::npos)
        << r.out;
    // No view configured for it: those checks are skipped, not failed.
    EXPECT_NE(r.out.find("skipped  latest snapshot"), std::string::npos) << r.out;

    const auto unknown = preflight({"old-line", "--to", "9.9.9"});
    EXPECT_EQ(unknown.code, 1) << unknown.out;
    EXPECT_NE(unknown.out.find("9.9.9 is not among the versions offered"), std::string::npos)
        << unknown.out;
}

TEST_F(preflight_test, red_health_is_no_go_and_a_view_that_is_down_is_only_shown) {
    sim_.opensearch(R"({"cluster":"1037404","health":"red"})");
    const auto red = preflight({"ready", "--to", "2150"});
    EXPECT_EQ(red.code, 1) << red.out;
    EXPECT_NE(red.out.find("- cluster health: red"), std::string::npos) << red.out;

    sim_.opensearch(R"({"cluster":"1037404","health":"auto","unreachable":true})");
    const auto down = preflight({"ready", "--to", "2150"});
    EXPECT_EQ(down.code, 0) << down.out << down.err;  // nothing seen says no
    EXPECT_NE(down.out.find("unknown  cluster health   OpenSearch view unavailable: "),
              std::string::npos)
        << down.out;
    EXPECT_NE(down.out.find("unknown  latest snapshot"), std::string::npos) << down.out;
}

TEST_F(preflight_test, an_api_that_cannot_be_asked_is_exit_2) {
    // Wrong keys: the gateway refuses every call.
    const auto ak = dir_.path() / "ak";
    const auto sk = dir_.path() / "sk";
    write_text(ak, "test-ak\n");
    write_text(sk, "not-the-secret\n");
    daemon_spec wrong = spec_;
    wrong.access_key_file = ak.string();
    wrong.secret_key_file = sk.string();
    write_text(config_, daemon_config(wrong, dir_.path()));
    const auto r = preflight({"ready"});
    EXPECT_EQ(r.code, 2) << r.out << r.err;
    EXPECT_NE(r.out.find("UNDECIDED: the API could not be asked"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("getClusterInfo: authentication failed"), std::string::npos) << r.out;

    // An unknown cluster is bad usage.
    const auto unknown = preflight({"nope"});
    EXPECT_EQ(unknown.code, 2);
    EXPECT_NE(unknown.err.find("unknown cluster \"nope\""), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace sesmon::daemon_test
