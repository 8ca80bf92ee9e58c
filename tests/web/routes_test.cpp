#include "web/routes.hpp"

#include <gtest/gtest.h>

#include "common/crypto.hpp"
#include "exposition_check.hpp"
#include "http_helpers.hpp"
#include "sample_view.hpp"

namespace sesmon::web {
namespace {

using testing::header;
using testing::request;

std::vector<std::string> headers(const net::server_response& res, std::string_view name) {
    std::vector<std::string> out;
    for (const auto& [k, v] : res.headers) {
        if (k == name)
            out.push_back(v);
    }
    return out;
}

class routes_test : public ::testing::Test {
  protected:
    metrics metrics_;
    daemon_view view_ = testing::sample_view();
    bool ready_ = false;
    std::string note_;
    router open_{[this] { return view_; }, metrics_, std::nullopt,
                 [this] {
                     return readiness{ready_, note_};
                 }};
    router locked_{[this] { return view_; }, metrics_, secret("s3cret-token", "file /t"),
                   [this] {
                       return readiness{ready_, note_};
                   }};
};

TEST_F(routes_test, healthz_answers_ok) {
    auto res = open_.handle(request("GET", "/healthz"));
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, "ok\n");
    EXPECT_EQ(header(res, "Content-Type"), "text/plain; charset=utf-8");
}

TEST_F(routes_test, readyz_is_503_until_the_first_poll_round_then_200) {
    EXPECT_EQ(open_.handle(request("GET", "/readyz")).status, 503);
    ready_ = true;
    EXPECT_EQ(open_.handle(request("GET", "/readyz")).status, 200);
}

TEST_F(routes_test, readyz_carries_a_degraded_note_without_changing_its_status) {
    ready_ = true;
    note_ = "state store degraded: database or disk is full";
    const auto res = open_.handle(request("GET", "/readyz"));
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, "ready; state store degraded: database or disk is full\n");
    ready_ = false;
    EXPECT_EQ(open_.handle(request("GET", "/readyz")).body,
              "not ready: the first poll round has not been attempted; state store degraded: "
              "database or disk is full\n");
}

TEST_F(routes_test, readyz_follows_the_view_when_no_provider_is_given) {
    router r([this] { return view_; }, metrics_);
    view_.ready = false;
    EXPECT_EQ(r.handle(request("GET", "/readyz")).status, 503);
    view_.ready = true;
    EXPECT_EQ(r.handle(request("GET", "/readyz")).status, 200);
}

TEST_F(routes_test, metrics_is_valid_exposition_refreshed_from_the_view) {
    auto res = open_.handle(request("GET", "/metrics"));
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(header(res, "Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    const auto e = testing::check_exposition(res.body);
    EXPECT_TRUE(e.errors.empty()) << res.body;
    const auto* stalled = e.find("ses_upgrade_monitor_stalled", {{"cluster", "prod-logs"}});
    ASSERT_NE(stalled, nullptr);
    EXPECT_EQ(stalled->value, 1);

    view_.clusters.pop_back();  // a reload removed the second cluster
    res = open_.handle(request("GET", "/metrics"));
    EXPECT_EQ(res.body.find("staging"), std::string::npos) << res.body;
}

TEST_F(routes_test, metrics_whose_gauges_are_kept_current_do_not_build_the_view) {
    int views = 0;
    router r(
        [&] {
            ++views;
            return view_;
        },
        metrics_, std::nullopt,
        [] {
            return readiness{true, ""};
        },
        true);
    metrics_.set_cluster(metrics_.cluster("owned"), {.stalled = true});
    const auto res = r.handle(request("GET", "/metrics"));
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(views, 0);
    const auto e = testing::check_exposition(res.body);
    const auto* stalled = e.find("ses_upgrade_monitor_stalled", {{"cluster", "owned"}});
    ASSERT_NE(stalled, nullptr);
    EXPECT_EQ(stalled->value, 1);
}

TEST_F(routes_test, clusters_api_returns_the_view_as_json_and_is_not_cached) {
    auto res = open_.handle(request("GET", "/api/v1/clusters?pretty=0"));
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(header(res, "Content-Type"), "application/json");
    EXPECT_EQ(header(res, "Cache-Control"), "no-store");
    EXPECT_EQ(res.body, to_json(view_));
}

TEST_F(routes_test, dashboard_is_html_whose_csp_allows_exactly_its_inline_scripts) {
    auto res = open_.handle(request("GET", "/"));
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(header(res, "Content-Type"), "text/html; charset=utf-8");
    const std::string csp = header(res, "Content-Security-Policy");
    // Every inline <script> and <style> by its hash (the core's, the fleet view's, the cluster
    // view's and the timeline's scripts).
    int scripts = 0;
    for (const auto& [tag, directive] :
         {std::pair<std::string, std::string>{"script", "script-src"}, {"style", "style-src"}}) {
        for (auto at = res.body.find("<" + tag + ">"); at != std::string::npos;
             at = res.body.find("<" + tag + ">", at + 1)) {
            const auto open = at + tag.size() + 2;
            const auto close = res.body.find("</" + tag + ">", open);
            ASSERT_NE(close, std::string::npos);
            const std::string hash =
                common::base64_encode(common::sha256(res.body.substr(open, close - open)));
            EXPECT_NE(csp.find("'sha256-" + hash + "'"), std::string::npos) << tag << ": " << csp;
            scripts += tag == "script";
        }
    }
    EXPECT_EQ(scripts, 4);
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
    EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos);
    // Self-contained: nothing loaded from elsewhere.
    EXPECT_EQ(res.body.find("http://"), std::string::npos);
    EXPECT_EQ(res.body.find("https://"), std::string::npos);
    EXPECT_EQ(res.body.find("innerHTML"), std::string::npos);
    EXPECT_NE(res.body.find("api/v1/clusters"), std::string::npos);
    EXPECT_NE(res.body.find("api/v1/changes"), std::string::npos);
}

TEST_F(routes_test, unknown_paths_are_404_and_other_methods_405_with_allow) {
    EXPECT_EQ(open_.handle(request("GET", "/nope")).status, 404);
    EXPECT_EQ(open_.handle(request("GET", "/api/v1/clusters/x")).status, 404);
    for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS"}) {
        auto res = open_.handle(request(method, "/api/v1/clusters"));
        EXPECT_EQ(res.status, 405) << method;
        EXPECT_EQ(header(res, "Allow"), "GET, HEAD");
    }
}

TEST_F(routes_test, head_answers_like_get) {
    // The router answers HEAD as GET; net::http_server drops the body on the wire but keeps
    // its Content-Length (server_test checks that).
    auto get = open_.handle(request("GET", "/api/v1/clusters"));
    auto head = open_.handle(request("HEAD", "/api/v1/clusters"));
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(header(head, "Content-Type"), header(get, "Content-Type"));
    EXPECT_EQ(head.body.size(), get.body.size());
}

TEST_F(routes_test, with_a_token_every_path_but_healthz_needs_it) {
    EXPECT_EQ(locked_.handle(request("GET", "/healthz")).status, 200);
    for (const char* path : {"/", "/readyz", "/metrics", "/api/v1/clusters", "/unknown"}) {
        auto res = locked_.handle(request("GET", path));
        EXPECT_EQ(res.status, 401) << path;
        EXPECT_EQ(res.body.find("s3cret"), std::string::npos);
        const auto challenges = headers(res, "WWW-Authenticate");
        ASSERT_EQ(challenges.size(), 2u);
        EXPECT_EQ(challenges[0], "Bearer realm=\"ses-upgrade-monitor\"");
    }
}

TEST_F(routes_test, the_right_bearer_token_is_accepted) {
    auto res = locked_.handle(
        request("GET", "/api/v1/clusters", {{"authorization", "Bearer s3cret-token"}}));
    EXPECT_EQ(res.status, 200);
    res = locked_.handle(request("GET", "/metrics", {{"Authorization", "bearer  s3cret-token "}}));
    EXPECT_EQ(res.status, 200);
}

TEST_F(routes_test, wrong_partial_or_longer_tokens_are_refused) {
    for (const char* value : {"Bearer s3cret-tokeN", "Bearer s3cret", "Bearer s3cret-token2",
                              "Bearer ", "s3cret-token", "Token s3cret-token", ""}) {
        auto res = locked_.handle(request("GET", "/api/v1/clusters", {{"Authorization", value}}));
        EXPECT_EQ(res.status, 401) << value;
    }
}

TEST_F(routes_test, basic_credentials_with_the_token_as_password_are_accepted) {
    const std::string good = "Basic " + common::base64_encode("ops:s3cret-token");
    EXPECT_EQ(locked_.handle(request("GET", "/", {{"Authorization", good}})).status, 200);
    const std::string bad = "Basic " + common::base64_encode("s3cret-token:nope");
    EXPECT_EQ(locked_.handle(request("GET", "/", {{"Authorization", bad}})).status, 401);
    EXPECT_EQ(locked_.handle(request("GET", "/", {{"Authorization", "Basic !!"}})).status, 401);
}

TEST_F(routes_test, an_empty_configured_token_fails_closed) {
    router r([this] { return view_; }, metrics_, secret("", "file /empty"));
    const std::string empty_password = "Basic " + common::base64_encode("ops:");
    EXPECT_EQ(r.handle(request("GET", "/", {{"Authorization", empty_password}})).status, 401);
    EXPECT_EQ(r.handle(request("GET", "/", {{"Authorization", "Bearer "}})).status, 401);
    EXPECT_EQ(r.handle(request("GET", "/")).status, 401);
    EXPECT_EQ(r.handle(request("GET", "/healthz")).status, 200);
}

}  // namespace
}  // namespace sesmon::web
