// The history routes (GET /api/v1/history, GET /api/v1/upgrades/{id}): answered by the
// router asynchronously, from a history_source that completes later — as the daemon's,
// which reads state.db on another thread — while the event loop serves everything else.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <spdlog/logger.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <thread>

#include "net/http_server.hpp"
#include "sample_view.hpp"
#include "support/run_awaitable.hpp"
#include "web/routes.hpp"

namespace sesmon::web {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

const wall_time api_t0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 26} + 20h;

state::upgrade_summary summary(std::string id, std::string outcome) {
    state::upgrade_summary u;
    u.id = std::move(id);
    u.instance_no = "1037001";
    u.cluster = "prod-logs";
    u.from_version = "2140";
    u.to_version = "2150";
    u.action_date = "2026-11-27T05:00:00+09:00";
    u.started_at = api_t0;
    u.outcome = std::move(outcome);
    u.nodes_total = 2;
    u.nodes_complete = 1;
    if (u.outcome == "finished") {
        u.finished_at = api_t0 + 30min;
        u.ended_at = api_t0 + 31min;
        u.nodes_complete = 2;
    }
    return u;
}

// Answers when told to (release()), or at once (immediate), on the loop.
class fake_source final : public history_source {
  public:
    void upgrades(std::optional<std::string> cluster, int limit,
                  callback<std::vector<state::upgrade_summary>> done) override {
        asked_cluster = std::move(cluster);
        asked_limit = limit;
        auto answer = [this, done] {
            if (!error.empty())
                return done(std::nullopt, error);
            done(std::vector<state::upgrade_summary>{summary("00000000000000aa", "in_progress"),
                                                     summary("00000000000000bb", "finished")},
                 "");
        };
        if (immediate)
            answer();
        else
            held = answer;
    }
    void timeline(std::string id, callback<std::optional<state::upgrade_timeline>> done) override {
        ++timeline_reads;
        if (id != "00000000000000aa")
            return done(std::optional<state::upgrade_timeline>(), "");
        state::upgrade_timeline t;
        t.upgrade = summary(id, "in_progress");
        t.nodes = {
            {"a",
             "D",
             {{"running", api_t0, api_t0 + 1min}, {"Upgrade_OpenSearch", api_t0 + 1min, {}}}},
            {"b", "D", {{"running", api_t0, {}}}}};
        done(std::optional<state::upgrade_timeline>(std::move(t)), "");
    }
    // Says t0 + 40 min for every upgrade it is asked about: only those in progress are asked.
    std::optional<wall_time> expected_finish(const state::upgrade_summary& u) const override {
        eta_asked.push_back(u.id);
        return api_t0 + 40min;
    }
    wall_time now() const override { return api_t0 + 5min; }

    void release() {
        auto h = std::move(held);
        held = nullptr;
        h();
    }

    bool immediate = true;
    mutable std::vector<std::string> eta_asked;
    std::string error;
    std::function<void()> held;
    std::optional<std::string> asked_cluster;
    int asked_limit = 0;
    int timeline_reads = 0;
};

class history_api_test : public ::testing::Test {
  protected:
    net::server_response get(const std::string& target, std::optional<secret> token = {},
                             std::string method = "GET") {
        router r([] { return testing::sample_view(); }, metrics_, std::move(token), nullptr, false,
                 &source_);
        net::server_request req;
        req.method = std::move(method);
        req.target = target;
        return sesmon::test::run_awaitable(io_, r.answer(req));
    }
    static rapidjson::Document json(const net::server_response& res) {
        rapidjson::Document d;
        d.Parse(res.body.c_str());
        EXPECT_FALSE(d.HasParseError()) << res.body;
        return d;
    }

    asio::io_context io_;
    metrics metrics_;
    fake_source source_;
};

TEST_F(history_api_test, lists_upgrades_with_durations_outcome_and_the_live_eta) {
    const auto res = get("/api/v1/history?cluster=prod%2Dlogs&limit=7");
    ASSERT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(source_.asked_cluster, "prod-logs");
    EXPECT_EQ(source_.asked_limit, 7);
    const auto d = json(res);
    EXPECT_STREQ(d["now"].GetString(), "2026-11-26T20:05:00Z");
    const auto& list = d["upgrades"];
    ASSERT_EQ(list.Size(), 2u);
    EXPECT_STREQ(list[0]["id"].GetString(), "00000000000000aa");
    EXPECT_STREQ(list[0]["outcome"].GetString(), "in_progress");
    EXPECT_EQ(list[0]["duration_seconds"].GetInt64(), 300);  // so far
    EXPECT_STREQ(list[0]["expected_finish"].GetString(), "2026-11-26T20:40:00Z");
    EXPECT_EQ(list[1]["duration_seconds"].GetInt64(), 1800);  // to finished_at
    EXPECT_TRUE(list[1]["expected_finish"].IsNull());
    EXPECT_EQ(source_.eta_asked, std::vector<std::string>{"00000000000000aa"});
    EXPECT_EQ(list[1]["nodes"]["complete"].GetInt(), 2);
    EXPECT_EQ(list[1]["nodes"]["total"].GetInt(), 2);
}

TEST_F(history_api_test, defaults_to_50_of_every_cluster) {
    ASSERT_EQ(get("/api/v1/history").status, 200);
    EXPECT_EQ(source_.asked_cluster, std::nullopt);
    EXPECT_EQ(source_.asked_limit, 50);
}

TEST_F(history_api_test, refuses_a_bad_limit) {
    for (const char* bad : {"0", "1001", "-1", "ten", "5x", ""}) {
        const auto res = get(std::string("/api/v1/history?limit=") + bad);
        EXPECT_EQ(res.status, 400) << bad;
        EXPECT_NE(res.body.find("limit must be"), std::string::npos);
    }
    EXPECT_EQ(source_.asked_limit, 0);  // never asked
}

TEST_F(history_api_test, a_timeline_has_every_node_and_status_with_its_times) {
    const auto res = get("/api/v1/upgrades/00000000000000aa");
    ASSERT_EQ(res.status, 200) << res.body;
    const auto d = json(res);
    EXPECT_STREQ(d["upgrade"]["expected_finish"].GetString(), "2026-11-26T20:40:00Z");
    const auto& nodes = d["nodes"];
    ASSERT_EQ(nodes.Size(), 2u);
    const auto& a = nodes[0]["statuses"];
    ASSERT_EQ(a.Size(), 2u);
    EXPECT_STREQ(a[0]["status"].GetString(), "running");
    EXPECT_STREQ(a[0]["phase"].GetString(), "pending");
    EXPECT_EQ(a[0]["seconds"].GetInt64(), 60);
    EXPECT_STREQ(a[1]["phase"].GetString(), "upgrading");
    EXPECT_TRUE(a[1]["ended_at"].IsNull());
    EXPECT_EQ(a[1]["seconds"].GetInt64(), 240);  // open: until now
}

TEST_F(history_api_test, unknown_and_malformed_ids_are_404) {
    EXPECT_EQ(get("/api/v1/upgrades/00000000000000cc").status, 404);
    EXPECT_EQ(source_.timeline_reads, 1);
    for (const char* bad : {"/api/v1/upgrades/zz", "/api/v1/upgrades/00000000000000AA",
                            "/api/v1/upgrades/00000000000000aa/x"})
        EXPECT_EQ(get(bad).status, 404) << bad;
    EXPECT_EQ(source_.timeline_reads, 1);  // no read for ids that cannot exist
    EXPECT_EQ(get("/api/v1/upgrades/").status, 404);
}

TEST_F(history_api_test, a_failed_read_is_503_with_the_reason) {
    source_.error = "no /var/lib/x/state.db (has the daemon run?)";
    const auto res = get("/api/v1/history");
    EXPECT_EQ(res.status, 503);
    EXPECT_NE(res.body.find("has the daemon run?"), std::string::npos) << res.body;
}

TEST_F(history_api_test, needs_the_token_and_a_read_method_like_every_route) {
    EXPECT_EQ(get("/api/v1/history", secret("tok", "test")).status, 401);
    EXPECT_EQ(get("/api/v1/upgrades/00000000000000aa", secret("tok", "test")).status, 401);
    EXPECT_EQ(get("/api/v1/history", std::nullopt, "POST").status, 405);
    EXPECT_EQ(get("/api/v1/history", std::nullopt, "HEAD").status, 200);
    EXPECT_EQ(source_.timeline_reads, 0);
}

TEST_F(history_api_test, without_a_history_source_the_paths_do_not_exist) {
    router r([] { return testing::sample_view(); }, metrics_);
    net::server_request req;
    req.method = "GET";
    req.target = "/api/v1/history";
    EXPECT_EQ(sesmon::test::run_awaitable(io_, r.answer(req)).status, 404);
}

// One exchange on a fresh connection; the status code, or 0 when the connection failed.
int status_of(unsigned short port, const std::string& target) {
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    const std::string request =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    asio::write(socket, asio::buffer(request));
    std::string raw;
    boost::system::error_code ec;
    asio::read(socket, asio::dynamic_buffer(raw), ec);
    return raw.size() > 12 ? std::stoi(raw.substr(9, 3)) : 0;
}

TEST_F(history_api_test, the_loop_serves_other_requests_while_a_history_read_waits) {
    source_.immediate = false;
    router r([] { return testing::sample_view(); }, metrics_, std::nullopt,
             [] {
                 return readiness{true, ""};
             },
             false, &source_);
    net::http_server_options options;
    options.listen = "127.0.0.1:0";
    net::http_server server(io_.get_executor(), options, r.handler(),
                            std::make_shared<spdlog::logger>("history-test"));
    server.start();
    std::thread loop([this] {
        auto guard = asio::make_work_guard(io_);
        io_.run();
    });
    const unsigned short port = server.port();
    auto waiting =
        std::async(std::launch::async, [port] { return status_of(port, "/api/v1/history"); });
    // The read has been asked for and is held: the loop is free.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    bool asked = false;
    while (!asked && std::chrono::steady_clock::now() < deadline) {
        std::promise<bool> held;  // read on the loop, which owns the source
        asio::post(io_, [&] { held.set_value(static_cast<bool>(source_.held)); });
        asked = held.get_future().get();
        if (!asked)
            std::this_thread::sleep_for(5ms);
    }
    const auto stop = [&] {
        asio::post(io_, [&] {
            server.stop();
            io_.stop();
        });
        loop.join();
    };
    if (!asked) {
        stop();
        FAIL() << "the history read was never asked for";
    }
    EXPECT_EQ(status_of(port, "/healthz"), 200);
    EXPECT_EQ(status_of(port, "/api/v1/clusters"), 200);
    EXPECT_EQ(waiting.wait_for(0s), std::future_status::timeout);  // still waiting
    asio::post(io_, [this] { source_.release(); });
    EXPECT_EQ(waiting.get(), 200);
    stop();
}

}  // namespace
}  // namespace sesmon::web
