// The fleet endpoints through the router (SPEC §13): summary, pages, one cluster, the whole
// document as before, ETags and 304s, and the /api/v1/changes long poll with its bounds.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "http_helpers.hpp"
#include "sample_view.hpp"
#include "support/run_awaitable.hpp"
#include "web/routes.hpp"

namespace sesmon::web {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

using testing::header;

// A GET (or `method`) of `target`.
net::server_request request(std::string target, sesmon::http_headers headers = {},
                            std::string method = "GET") {
    return testing::request(std::move(method), std::move(target), std::move(headers));
}

rapidjson::Document parse(const std::string& body) {
    rapidjson::Document d;
    d.Parse(body.c_str());
    EXPECT_FALSE(d.HasParseError()) << body;
    return d;
}

fleet_row row_of(const cluster_view& c) {
    fleet_row r;
    r.name = c.name;
    r.instance_no = c.instance_no;
    r.labels = c.labels;
    r.facts = {c.failed, c.stalled, c.blind, c.upgrade_in_progress, c.finished_at};
    r.eta = c.expected_finish;
    return r;
}

class fleet_api_test : public ::testing::Test {
  protected:
    fleet_api_test() {
        for (const auto& c : view_.clusters)
            index_.update(row_of(c), false, view_.now);
        router_.set_fleet(deps());
        locked_.set_fleet(deps());
    }

    fleet_api_deps deps() {
        fleet_api_deps d;
        d.index = &index_;
        d.feed = &feed_;
        d.header = [this] {
            daemon_view h = view_;
            h.clusters.clear();
            return h;
        };
        d.whole = [this] { return view_; };
        d.cluster = [this](const std::string& name) -> std::optional<cluster_view> {
            for (const auto& c : view_.clusters) {
                if (c.name == name)
                    return c;
            }
            return std::nullopt;
        };
        return d;
    }

    // A cluster's shown content changed (a node's status, say).
    void touch(std::size_t i) { index_.update(row_of(view_.clusters[i]), true, view_.now); }

    asio::io_context io_;
    metrics metrics_;
    daemon_view view_ = testing::sample_view();
    fleet_index index_{5000};
    change_feed feed_{io_.get_executor(), change_feed_options{.max_waiters = 2}};
    router router_{[this] { return view_; }, metrics_};
    router locked_{[this] { return view_; }, metrics_, secret("s3cret-token", "file /t")};
};

TEST_F(fleet_api_test, summary_counts_by_state_overall_and_per_label_value) {
    const auto res = router_.handle(request("/api/v1/summary"));
    ASSERT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(header(res, "Content-Type"), "application/json");
    EXPECT_EQ(header(res, "Cache-Control"), "no-store");
    const auto d = parse(res.body);
    EXPECT_STREQ(d["version"].GetString(), "0.1.0");
    EXPECT_STREQ(d["now"].GetString(), "2026-11-26T20:00:00Z");
    EXPECT_EQ(d["revision"].GetUint64(), index_.revision());
    EXPECT_EQ(d["clusters"].GetUint64(), 2u);
    EXPECT_EQ(d["counts"]["stalled"].GetUint64(), 1u);
    EXPECT_EQ(d["counts"]["blind"].GetUint64(), 1u);
    EXPECT_EQ(d["counts"]["failed"].GetUint64(), 0u);
    EXPECT_EQ(d["counts"]["idle"].GetUint64(), 0u);
    EXPECT_EQ(d["labels"]["team"]["search"]["clusters"].GetUint64(), 1u);
    EXPECT_EQ(d["labels"]["team"]["search"]["stalled"].GetUint64(), 1u);
    EXPECT_EQ(d["labels"]["env"]["prod"]["upgrading"].GetUint64(), 0u);
    EXPECT_EQ(d["labels_truncated"].Size(), 0u);
}

TEST_F(fleet_api_test, every_answer_has_a_weak_etag_and_a_matching_if_none_match_gets_304) {
    for (const char* target : {"/api/v1/summary", "/api/v1/clusters", "/api/v1/clusters?limit=1",
                               "/api/v1/clusters/prod-logs"}) {
        const auto first = router_.handle(request(target));
        ASSERT_EQ(first.status, 200) << target;
        const std::string etag = header(first, "ETag");
        EXPECT_EQ(etag.substr(0, 3), "W/\"") << target;
        const auto again = router_.handle(request(target, {{"If-None-Match", etag}}));
        EXPECT_EQ(again.status, 304) << target;
        EXPECT_EQ(again.body, "") << target;
        EXPECT_EQ(header(again, "ETag"), etag) << target;
        // A list of validators, one of them current; the strong form of the same tag.
        EXPECT_EQ(router_.handle(request(target, {{"If-None-Match", "\"x\", " + etag}})).status,
                  304);
        EXPECT_EQ(router_.handle(request(target, {{"If-None-Match", etag.substr(2)}})).status, 304);
        EXPECT_EQ(router_.handle(request(target, {{"If-None-Match", "W/\"other\""}})).status, 200);
    }
}

TEST_F(fleet_api_test, the_validators_move_with_what_each_answer_shows) {
    const auto tag = [&](const char* target) {
        return header(router_.handle(request(target)), "ETag");
    };
    const auto summary = tag("/api/v1/summary");
    const auto whole = tag("/api/v1/clusters");
    const auto prod = tag("/api/v1/clusters/prod-logs");
    const auto staging = tag("/api/v1/clusters/staging%20%22eu%22");
    touch(1);  // staging changes
    EXPECT_NE(tag("/api/v1/summary"), summary);
    EXPECT_NE(tag("/api/v1/clusters"), whole);
    EXPECT_EQ(tag("/api/v1/clusters/prod-logs"), prod) << "another cluster changed";
    EXPECT_NE(tag("/api/v1/clusters/staging%20%22eu%22"), staging);
    // The daemon's readiness is part of every answer.
    const auto before = tag("/api/v1/clusters/prod-logs");
    view_.ready = false;
    EXPECT_NE(tag("/api/v1/clusters/prod-logs"), before);
}

TEST_F(fleet_api_test, the_whole_document_is_unchanged_for_its_old_callers) {
    const auto res = router_.handle(request("/api/v1/clusters?pretty=0"));
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, to_json(view_));
}

TEST_F(fleet_api_test, a_page_holds_only_the_clusters_asked_for_with_or_without_nodes) {
    auto res = router_.handle(request("/api/v1/clusters?state=stalled,failed"));
    ASSERT_EQ(res.status, 200) << res.body;
    auto d = parse(res.body);
    EXPECT_EQ(d["total"].GetUint64(), 1u);
    ASSERT_EQ(d["clusters"].Size(), 1u);
    EXPECT_STREQ(d["clusters"][0]["name"].GetString(), "prod-logs");
    EXPECT_STREQ(d["clusters"][0]["state"].GetString(), "stalled");
    EXPECT_EQ(d["clusters"][0]["nodes"].Size(), 3u);
    EXPECT_TRUE(d["next_cursor"].IsNull());
    EXPECT_EQ(d["revision"].GetUint64(), index_.revision());

    res = router_.handle(request("/api/v1/clusters?sort=name&limit=1&nodes=0"));
    d = parse(res.body);
    EXPECT_EQ(d["total"].GetUint64(), 2u);
    ASSERT_EQ(d["clusters"].Size(), 1u);
    EXPECT_STREQ(d["clusters"][0]["name"].GetString(), "prod-logs");
    EXPECT_FALSE(d["clusters"][0].HasMember("nodes"));
    ASSERT_TRUE(d["next_cursor"].IsString());
    res = router_.handle(request(std::string("/api/v1/clusters?sort=name&limit=1&nodes=0&cursor=") +
                                 d["next_cursor"].GetString()));
    d = parse(res.body);
    ASSERT_EQ(d["clusters"].Size(), 1u);
    EXPECT_STREQ(d["clusters"][0]["name"].GetString(), "staging \"eu\"");
    EXPECT_TRUE(d["next_cursor"].IsNull());

    res = router_.handle(request("/api/v1/clusters?label=team:search&q=LOGS"));
    d = parse(res.body);
    ASSERT_EQ(d["clusters"].Size(), 1u);
    EXPECT_STREQ(d["clusters"][0]["labels"]["team"].GetString(), "search");
}

TEST_F(fleet_api_test, bad_parameters_are_400_with_the_reason) {
    auto res = router_.handle(request("/api/v1/clusters?state=stuck"));
    EXPECT_EQ(res.status, 400);
    EXPECT_EQ(res.body,
              "state \"stuck\": expected failed, stalled, blind, upgrading, finished or idle\n");
    res = router_.handle(request("/api/v1/clusters?cursor=nope"));
    EXPECT_EQ(res.status, 400);
    EXPECT_EQ(res.body, "cursor: not a cursor of this API for sort=attention\n");
    res = router_.handle(request("/api/v1/changes?since=abc"));
    EXPECT_EQ(res.status, 400);
    res = router_.handle(request("/api/v1/changes?since=1&wait=56"));
    EXPECT_EQ(res.status, 400);
    EXPECT_EQ(res.body, "wait must be a whole number of seconds from 0 to 55\n");
}

TEST_F(fleet_api_test, one_cluster_by_its_name_or_404) {
    auto res = router_.handle(request("/api/v1/clusters/staging%20%22eu%22"));
    ASSERT_EQ(res.status, 200) << res.body;
    auto d = parse(res.body);
    EXPECT_STREQ(d["cluster"]["name"].GetString(), "staging \"eu\"");
    EXPECT_STREQ(d["cluster"]["state"].GetString(), "blind");
    EXPECT_TRUE(d["cluster"]["nodes"].IsArray());
    EXPECT_STREQ(d["now"].GetString(), "2026-11-26T20:00:00Z");
    res = router_.handle(request("/api/v1/clusters/nobody"));
    EXPECT_EQ(res.status, 404);
    EXPECT_EQ(res.body, "no cluster nobody is watched\n");
}

TEST_F(fleet_api_test, the_fleet_paths_need_the_token_like_the_rest) {
    for (const char* target : {"/api/v1/summary", "/api/v1/clusters/prod-logs",
                               "/api/v1/clusters?limit=1", "/api/v1/changes?since=1"}) {
        EXPECT_EQ(locked_.handle(request(target)).status, 401) << target;
        const auto refused =
            test::run_awaitable(io_, locked_.answer(request(target)), std::chrono::seconds(5));
        EXPECT_EQ(refused.status, 401) << target;
    }
    EXPECT_EQ(router_.handle(request("/api/v1/summary", {}, "POST")).status, 405);
}

TEST_F(fleet_api_test, changes_answers_at_once_unless_the_caller_has_the_current_revision) {
    const auto revision = index_.revision();
    auto d = parse(router_.handle(request("/api/v1/changes")).body);
    EXPECT_EQ(d["revision"].GetUint64(), revision);
    EXPECT_EQ(d["counts"]["stalled"].GetUint64(), 1u);
    EXPECT_EQ(d["clusters"].GetUint64(), 2u);
    // An older revision (or one of an earlier run of the daemon): changed, at once.
    const auto res = test::run_awaitable(
        io_, router_.answer(request("/api/v1/changes?since=" + std::to_string(revision - 1))),
        std::chrono::seconds(1));
    d = parse(res.body);
    EXPECT_TRUE(d["changed"].GetBool());
    EXPECT_EQ(d["revision"].GetUint64(), revision);
    // wait=0 never waits.
    d = parse(test::run_awaitable(io_,
                                  router_.answer(request("/api/v1/changes?wait=0&since=" +
                                                         std::to_string(revision))),
                                  std::chrono::seconds(1))
                  .body);
    EXPECT_FALSE(d["changed"].GetBool());
}

// Runs `answer` of the changes path in the background; the result lands in `out`.
void start_poll(asio::io_context& io, router& r, std::string target,
                std::optional<net::server_response>& out) {
    asio::co_spawn(io, r.answer(request(std::move(target))),
                   [&out](std::exception_ptr e, net::server_response res) {
                       if (!e)
                           out = std::move(res);
                   });
}

void run_for(asio::io_context& io, std::chrono::milliseconds d) {
    io.restart();
    io.run_for(d);
}

TEST_F(fleet_api_test, a_long_poll_answers_when_the_revision_moves) {
    const auto revision = index_.revision();
    std::optional<net::server_response> got;
    start_poll(io_, router_, "/api/v1/changes?wait=20&since=" + std::to_string(revision), got);
    run_for(io_, 50ms);
    EXPECT_FALSE(got) << "nothing changed yet";
    EXPECT_EQ(feed_.waiting(), 1u);
    index_.on_change([this] { feed_.notify(); });
    const auto changed_at = std::chrono::steady_clock::now();
    touch(0);
    while (!got && std::chrono::steady_clock::now() - changed_at < 5s)
        run_for(io_, 10ms);
    ASSERT_TRUE(got);
    EXPECT_LT(std::chrono::steady_clock::now() - changed_at, 2s);
    const auto d = parse(got->body);
    EXPECT_TRUE(d["changed"].GetBool());
    EXPECT_EQ(d["revision"].GetUint64(), revision + 1);
    EXPECT_EQ(feed_.waiting(), 0u);
}

TEST_F(fleet_api_test, a_long_poll_ends_at_its_wait_and_not_before) {
    const auto revision = index_.revision();
    std::optional<net::server_response> got;
    const auto started = std::chrono::steady_clock::now();
    start_poll(io_, router_, "/api/v1/changes?wait=1&since=" + std::to_string(revision), got);
    while (!got && std::chrono::steady_clock::now() - started < 10s)
        run_for(io_, 20ms);
    ASSERT_TRUE(got);
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_GE(took, 1s);
    EXPECT_LT(took, 5s);  // 1 s, with slack for a loaded machine
    const auto d = parse(got->body);
    EXPECT_FALSE(d["changed"].GetBool());
    EXPECT_EQ(d["revision"].GetUint64(), revision);
}

TEST_F(fleet_api_test, waiters_are_capped_and_released_by_stop) {
    const std::string target = "/api/v1/changes?wait=50&since=" + std::to_string(index_.revision());
    std::optional<net::server_response> a, b, c;
    start_poll(io_, router_, target, a);
    start_poll(io_, router_, target, b);
    run_for(io_, 50ms);
    EXPECT_EQ(feed_.waiting(), 2u);
    start_poll(io_, router_, target, c);  // the third: over max_waiters
    run_for(io_, 50ms);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->status, 429);
    EXPECT_EQ(header(*c, "Retry-After"), "5");
    EXPECT_FALSE(a);
    const auto stopped_at = std::chrono::steady_clock::now();
    feed_.stop();
    while ((!a || !b) && std::chrono::steady_clock::now() - stopped_at < 5s)
        run_for(io_, 10ms);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->status, 200);
    EXPECT_FALSE(parse(a->body)["changed"].GetBool());
    // Once stopped, nobody waits.
    std::optional<net::server_response> later;
    start_poll(io_, router_, target, later);
    run_for(io_, 50ms);
    EXPECT_TRUE(later);
}

}  // namespace
}  // namespace sesmon::web
