// The OpenSearch view end to end (SPEC §16): the real daemon reading the simulator's
// OpenSearch endpoints — recovery_stuck with the shard counts, red health during an upgrade
// (once, then cleared), an unreachable view that changes no alert, what `status` and the
// HTTP API show, and from_api over TLS. Virtual time is frozen (--time-scale 0) and moved by
// the test; the daemon's own timeouts are a few seconds of real time. "Nothing more happens"
// is checked after counted reads (the simulator counts the requests), never after a sleep.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <csignal>
#include <regex>

#include "harness.hpp"
#include "support/etcd_server.hpp"

namespace sesmon::daemon_test {
namespace {

const std::string opensearch_scenario = "tests/daemon/scenarios/opensearch.yaml";

bool has(daemon_process& d, const std::string& type, const std::string& cluster,
         std::chrono::milliseconds timeout) {
    return wait_until([&] { return count(emitted_events(d.log_text()), type, cluster) > 0; },
                      timeout);
}

// The generic bodies the webhook sink received for `type`, parsed.
std::vector<rapidjson::Document> hooks_of(const simulator& sim, const std::string& type) {
    std::vector<rapidjson::Document> out;
    const auto list = http("GET", sim.port(), "/_sim/hooks");
    rapidjson::Document all;
    all.Parse(list.value_or("[]").c_str());
    for (const auto& h : all.GetArray()) {
        rapidjson::Document body;
        body.Parse(h["body"].GetString());
        if (body.IsObject() && body.HasMember("type") && body["type"].GetString() == type)
            out.push_back(std::move(body));
    }
    return out;
}

// Waits until the daemon's /api/v1/clusters contains `needle`.
bool api_shows(daemon_process& d, const std::string& needle, std::chrono::milliseconds timeout) {
    return wait_until(
        [&] {
            const auto body = http("GET", d.server_port(), "/api/v1/clusters");
            return body && body->find(needle) != std::string::npos;
        },
        timeout);
}

std::size_t lines_with(const std::string& log, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1))
        ++n;
    return n;
}

class opensearch_daemon_test : public ::testing::Test {
  protected:
    opensearch_daemon_test() : sim_(dir_.path(), opensearch_scenario, 0, {"--webhook-sink"}) {
        write_text(dir_.path() / "os-password", "os-test-password\n");
        spec_.endpoint = sim_.url();
        spec_.stall =
            "{ node_stage_timeout: 0s, no_progress_timeout: 0s, blind_timeout: 0s, "
            "recovery_timeout: 3s }";
        spec_.notifiers =
            "  - name: hooks\n    type: webhook\n    url: " + sim_.url() + "/hooks/ops\n";
    }

    // Waits until the daemon has begun `n` more reads of `no`'s view (each read starts with
    // _cluster/health; reads are sequential, so all but the last have been taken in).
    void wait_reads(const std::string& no, std::uint64_t n) const {
        const auto base = sim_.opensearch_requests(no, "/_cluster/health");
        ASSERT_TRUE(wait_until(
            [&] { return sim_.opensearch_requests(no, "/_cluster/health") >= base + n; }, 20s))
            << "fewer than " << n << " reads of " << no << " after " << base;
    }

    // The cluster entry's `opensearch:` for instance `no` (user monitor unless `user` is "").
    std::string view_of(const std::string& no, const std::string& user = "monitor") const {
        std::string v = "opensearch: { url: \"" + sim_.opensearch_url(no) + "\", interval: 1s";
        if (!user.empty())
            v += ", username: " + user +
                 ", password_file: " + (dir_.path() / "os-password").string();
        return v + " }";
    }

    fs::path write_config() {
        const auto path = dir_.path() / "config.yaml";
        write_text(path, daemon_config(spec_, dir_.path()));
        return path;
    }

    temp_dir dir_;
    simulator sim_;
    daemon_spec spec_;
};

TEST_F(opensearch_daemon_test, a_stuck_recovery_is_recovery_stuck_with_the_shard_counts) {
    spec_.clusters = {{"viewed", "1037401", view_of("1037401")}};
    daemon_process d(write_config(), dir_.path() / "daemon.log");
    ASSERT_TRUE(d.wait_polls("viewed", 2));
    // vw-1 upgraded 10s..70s; from 75s its 3 copies recover (0.8 % of 10 min at 75s) and
    // vw-2 is restarting (its 3 copies unassigned).
    sim_.advance(75);
    ASSERT_TRUE(has(d, "upgrade_started", "viewed", 5s)) << d.log_text();

    // Recoveries that move are not stuck, for twice recovery_timeout: one virtual second
    // after each read, so that every read sees them further on.
    const auto moving_since = std::chrono::steady_clock::now();
    int steps = 0;
    for (; std::chrono::steady_clock::now() - moving_since < 6s; ++steps) {
        const auto done = sim_.opensearch_requests("1037401", "/_cat/recovery");
        ASSERT_TRUE(wait_until(
            [&] { return sim_.opensearch_requests("1037401", "/_cat/recovery") > done; }, 20s));
        sim_.advance(1);
    }
    wait_reads("1037401", 2);  // the last step taken in
    EXPECT_EQ(count(emitted_events(d.log_text()), "recovery_stuck", "viewed"), 0u) << d.log_text();

    // Virtual time stands still now: no progress.
    const auto started = std::chrono::steady_clock::now();
    ASSERT_TRUE(has(d, "recovery_stuck", "viewed", 15s)) << d.log_text();
    // recovery_timeout 3s from the first reading after the last step (read within a second
    // of it: whole seconds on the tracker's clock make it up to 1 s early).
    EXPECT_GE(std::chrono::steady_clock::now() - started, 1500ms);

    ASSERT_TRUE(wait_until([&] { return !hooks_of(sim_, "recovery_stuck").empty(); }, 10s));
    const auto bodies = hooks_of(sim_, "recovery_stuck");
    const auto& stall = bodies[0]["stall"];
    EXPECT_STREQ(stall["reason"].GetString(), "recovery_stuck");
    EXPECT_STREQ(stall["cluster_health"].GetString(), "yellow");
    EXPECT_EQ(stall["shards"]["initializing"].GetInt(), 3);
    EXPECT_EQ(stall["shards"]["relocating"].GetInt(), 0);
    EXPECT_EQ(stall["shards"]["unassigned"].GetInt(), 3);
    EXPECT_EQ(stall["recoveries"]["count"].GetInt(), 3);
    // 5 s + the steps into 10 minutes of recovery (the payload cuts to tenths).
    const double percent = (5 + steps) / 6.0;
    EXPECT_NEAR(stall["recoveries"]["percent_done"].GetDouble(), percent - 0.05, 0.06);
    EXPECT_GE(stall["stalled_for_seconds"].GetInt64(), 2);
    EXPECT_NE(
        std::string(bodies[0]["summary"].GetString()).find("shard recoveries made no progress for"),
        std::string::npos);

    // Still stuck over several more reads: once.
    wait_reads("1037401", 4);
    EXPECT_EQ(count(emitted_events(d.log_text()), "recovery_stuck", "viewed"), 1u);

    // The status surfaces show health and recovery progress.
    const auto clusters = http("GET", d.server_port(), "/api/v1/clusters");
    ASSERT_TRUE(clusters);
    EXPECT_NE(clusters->find(R"("opensearch":{"current":true,"error":null)"), std::string::npos)
        << *clusters;
    EXPECT_NE(clusters->find(R"("recoveries":{"count":3,"percent_done":)"), std::string::npos)
        << *clusters;
    EXPECT_NE(clusters->find(R"("in_cluster":false,"opensearch_version":null)"),
              std::string::npos)
        << *clusters;  // vw-2 restarting
    // The fleet table is one line per cluster: the view is in the cluster's detail.
    const auto table = run_command(
        dir_.path(),
        {"status", "-c", (dir_.path() / "config.yaml").string(), "--cluster", "viewed"});
    EXPECT_EQ(table.code, 0) << table.err;
    EXPECT_TRUE(std::regex_search(
        table.out, std::regex("opensearch yellow, shards 3 initializing, 0 "
                              "relocating, 3 unassigned, 3 recoveries [0-9]+% done")))
        << table.out;
    EXPECT_NE(table.out.find("not in cluster"), std::string::npos) << table.out;
    EXPECT_EQ(d.stop(), 0);
}

TEST_F(opensearch_daemon_test, red_health_during_an_upgrade_alerts_once_and_clears) {
    spec_.stall =
        "{ node_stage_timeout: 0s, no_progress_timeout: 0s, blind_timeout: 0s, "
        "recovery_timeout: 0s }";
    spec_.clusters = {{"viewed", "1037401", view_of("1037401")}};
    // Red already at the read at start, while no upgrade runs: shown, not an alert.
    sim_.opensearch(R"({"cluster":"1037401","health":"red"})");
    daemon_process d(write_config(), dir_.path() / "daemon.log");
    ASSERT_TRUE(d.wait_polls("viewed", 2));
    ASSERT_TRUE(api_shows(d, R"("health":"red")", 10s)) << d.log_text();
    EXPECT_EQ(count(emitted_events(d.log_text()), "cluster_health_red", "viewed"), 0u);
    // No upgrade: that one read, no other for several polls over more than the interval (1s).
    const auto idle_reads = sim_.opensearch_requests("1037401", "/_cluster/health");
    const auto idle_since = std::chrono::steady_clock::now();
    ASSERT_TRUE(d.wait_polls("viewed", 6));
    ASSERT_GT(std::chrono::steady_clock::now() - idle_since, 1200ms);
    EXPECT_EQ(sim_.opensearch_requests("1037401", "/_cluster/health"), idle_reads);

    sim_.advance(30);  // the upgrade runs
    ASSERT_TRUE(has(d, "cluster_health_red", "viewed", 10s)) << d.log_text();
    // More red readings, at most one per interval: 4 reads begin 3 intervals apart at least
    // (the clocks of the daemon and the test differ by the time a request takes: 200 ms slack).
    const auto reads_since = std::chrono::steady_clock::now();
    wait_reads("1037401", 4);
    EXPECT_GE(std::chrono::steady_clock::now() - reads_since, 2800ms);
    EXPECT_EQ(count(emitted_events(d.log_text()), "cluster_health_red", "viewed"), 1u);

    sim_.opensearch(R"({"cluster":"1037401","health":"auto"})");
    ASSERT_TRUE(has(d, "cluster_health_cleared", "viewed", 10s)) << d.log_text();
    wait_reads("1037401", 3);
    const auto events = emitted_events(d.log_text());
    EXPECT_EQ(count(events, "cluster_health_red", "viewed"), 1u);
    EXPECT_EQ(count(events, "cluster_health_cleared", "viewed"), 1u);

    ASSERT_TRUE(wait_until([&] { return !hooks_of(sim_, "cluster_health_cleared").empty(); }, 10s));
    const auto red = hooks_of(sim_, "cluster_health_red");
    ASSERT_EQ(red.size(), 1u);
    EXPECT_STREQ(red[0]["stall"]["cluster_health"].GetString(), "red");
    const auto cleared = hooks_of(sim_, "cluster_health_cleared");
    EXPECT_STREQ(cleared[0]["stall"]["cluster_health"].GetString(), "yellow");
    EXPECT_EQ(d.stop(), 0);

    // A restart repeats neither (the episode is in state.db).
    daemon_process again(dir_.path() / "config.yaml", dir_.path() / "daemon2.log");
    ASSERT_TRUE(again.wait_polls("viewed", 3));
    wait_reads("1037401", 3);
    const auto after = emitted_events(again.log_text());
    EXPECT_EQ(count(after, "cluster_health_red"), 0u);
    EXPECT_EQ(count(after, "cluster_health_cleared"), 0u);
    EXPECT_EQ(again.stop(), 0);
}

TEST_F(opensearch_daemon_test, an_unreachable_view_changes_no_alert) {
    spec_.stall =
        "{ node_stage_timeout: 3s, no_progress_timeout: 0s, blind_timeout: 0s, "
        "recovery_timeout: 3s }";
    // blind-view's endpoint resets every connection; reference has no view at all. Both play
    // the same upgrade: they must get the same alerts.
    sim_.opensearch(R"({"cluster":"1037402","unreachable":true})");
    spec_.clusters = {{"blind-view", "1037402", view_of("1037402", "")},
                      {"reference", "1037403", ""}};
    daemon_process d(write_config(), dir_.path() / "daemon.log");
    ASSERT_TRUE(d.wait_polls("reference", 2));
    sim_.advance(30);  // both first nodes in Upgrade_OpenSearch, stuck past 3 s
    ASSERT_TRUE(has(d, "upgrade_stalled", "blind-view", 15s)) << d.log_text();
    ASSERT_TRUE(has(d, "upgrade_stalled", "reference", 15s)) << d.log_text();
    wait_reads("1037402", 4);  // several more failing reads
    const auto events = emitted_events(d.log_text());
    for (const std::string type : {"upgrade_started", "upgrade_stalled"}) {
        EXPECT_EQ(count(events, type, "blind-view"), 1u) << type;
        EXPECT_EQ(count(events, type, "reference"), 1u) << type;
    }
    for (const std::string type : {"cluster_health_red", "cluster_health_cleared", "recovery_stuck",
                                   "stall_cleared", "monitor_blind"})
        EXPECT_EQ(count(events, type), 0u) << type;
    const auto log = d.log_text();
    // Logged once per episode, however many reads failed.
    EXPECT_EQ(lines_with(log, "warn cluster blind-view: OpenSearch view unavailable"), 1u) << log;
    EXPECT_GE(lines_with(log, "cluster blind-view: OpenSearch view unavailable"), 3u) << log;
    // The alert says the view was unavailable; the reference's says nothing about one.
    EXPECT_NE(log.find("event=upgrade_stalled cluster=blind-view"), std::string::npos);
    EXPECT_NE(std::regex_search(log, std::regex("event=upgrade_stalled cluster=blind-view[^\\n]*"
                                                "health=unknown")),
              false)
        << log;
    EXPECT_FALSE(std::regex_search(
        log, std::regex("event=upgrade_stalled cluster=reference[^\\n]*health=")));
    const auto stalled = hooks_of(sim_, "upgrade_stalled");
    ASSERT_EQ(stalled.size(), 2u);
    for (const auto& body : stalled) {
        const bool viewed = std::string(body["cluster"]["name"].GetString()) == "blind-view";
        EXPECT_EQ(body["stall"].HasMember("cluster_view_error"), viewed);
        if (viewed) {
            EXPECT_TRUE(body["stall"]["cluster_health"].IsNull());
        }
    }

    // Shown as unavailable, and no reason for `status` to fail.
    EXPECT_TRUE(
        api_shows(d, R"("opensearch":{"current":false,"error":"OpenSearch unreachable: )", 5s));
    const auto table = run_command(
        dir_.path(),
        {"status", "-c", (dir_.path() / "config.yaml").string(), "--cluster", "blind-view"});
    EXPECT_EQ(table.code, 0) << table.err;
    EXPECT_NE(table.out.find("opensearch view unavailable: OpenSearch unreachable: "),
              std::string::npos)
        << table.out;

    // Back: one line says so.
    sim_.opensearch(R"({"cluster":"1037402","unreachable":false})");
    ASSERT_TRUE(wait_until(
        [&] {
            return d.log_text().find("cluster blind-view: the OpenSearch view answers again") !=
                   std::string::npos;
        },
        10s))
        << d.log_text();
    EXPECT_EQ(d.stop(), 0);
}

TEST_F(opensearch_daemon_test, a_standby_reads_no_view_until_it_leads) {
    // An HA pair on a real etcd. Each member's view of `viewed` points at an endpoint of its
    // own (the standby's at 1037402's listener), so that the simulator tells their reads apart.
    test::etcd_server etcd(dir_.path() / "etcd");
    const auto configure = [&](const std::string& member, const std::string& view) {
        const auto home = dir_.path() / member;
        fs::create_directories(home);
        daemon_spec spec = spec_;
        spec.clusters = {{"viewed", "1037401", view}};
        spec.extra = "ha:\n  etcd: { endpoints: [" + etcd.endpoint() +
                     "] }\n  prefix: /sesmon/test\n  member: " + member + "\n  lease_ttl: 2s\n";
        write_text(home / "config.yaml", daemon_config(spec, home));
        return home / "config.yaml";
    };
    const auto leads = [](daemon_process& d) {
        return d.metric_sum("ses_upgrade_monitor_leader") == 1;
    };
    const auto standby_view = [&](const std::string& interval) {
        return "opensearch: { url: \"" + sim_.opensearch_url("1037402") +
               "\", interval: " + interval + " }";
    };
    daemon_process a(configure("a", view_of("1037401")), dir_.path() / "a" / "daemon.log");
    ASSERT_TRUE(wait_until([&] { return leads(a); }, 10s)) << a.log_text();
    const auto b_config = configure("b", standby_view("1s"));
    daemon_process b(b_config, dir_.path() / "b" / "daemon.log");
    ASSERT_TRUE(wait_until(
        [&] {
            const auto r = http_exchange("GET", b.server_port(), "/readyz");
            return r && r->status == 200 && r->body.find("member a leads") != std::string::npos;
        },
        10s))
        << b.log_text();
    sim_.advance(30);  // the upgrade runs: the leader reads its view every second
    ASSERT_TRUE(has(a, "upgrade_started", "viewed", 10s)) << a.log_text();

    // A reload that changes the standby's view must not start it either.
    configure("b", standby_view("2s"));
    b.process().signal(SIGHUP);
    ASSERT_TRUE(wait_until(
        [&] {
            return b.log_text().find("cluster viewed: configuration updated") != std::string::npos;
        },
        10s))
        << b.log_text();
    wait_reads("1037401", 4);
    EXPECT_EQ(sim_.opensearch_requests("1037402", "/_cluster/health"), 0u) << b.log_text();

    // The leader goes: the new one reads its own view.
    EXPECT_EQ(a.stop(), 0);
    ASSERT_TRUE(wait_until([&] { return leads(b); }, 15s)) << b.log_text();
    EXPECT_TRUE(wait_until(
        [&] { return sim_.opensearch_requests("1037402", "/_cluster/health") > 0; }, 15s))
        << b.log_text();
    EXPECT_EQ(b.stop(), 0);
}

TEST_F(opensearch_daemon_test, from_api_finds_the_endpoint_through_the_api_over_tls) {
    // A simulator of its own over TLS (from_api addresses are https://).
    temp_dir tls_dir;
    const auto cert = tls_dir.path() / "sim-cert.pem";
    simulator tls_sim(tls_dir.path(), opensearch_scenario, 0, {"--self-signed", cert.string()});
    daemon_spec spec;
    spec.endpoint = "https://127.0.0.1:" + std::to_string(tls_sim.port());
    spec.api_extra = "  ca_file: " + cert.string() + "\n";
    spec.clusters = {
        {"ready", "1037404",
         "opensearch: { from_api: true, password_file: " + (dir_.path() / "os-password").string() +
             ", ca_file: " + cert.string() + ", interval: 1s }"}};
    const auto config = tls_dir.path() / "config.yaml";
    write_text(config, daemon_config(spec, tls_dir.path()));

    const auto status =
        run_command(tls_dir.path(), {"status", "-c", config.string(), "--cluster", "ready"});
    EXPECT_EQ(status.code, 0) << status.err;
    EXPECT_NE(status.out.find("opensearch green, shards 0 initializing, 0 relocating, 0 "
                              "unassigned, no recovery active"),
              std::string::npos)
        << status.out << status.err;

    daemon_process d(config, tls_dir.path() / "daemon.log");
    ASSERT_TRUE(api_shows(d, R"("opensearch":{"current":true)", 15s)) << d.log_text();
    EXPECT_NE(d.log_text().find("cluster ready: OpenSearch view at 1 address(es) (from the API)"),
              std::string::npos)
        << d.log_text();
    EXPECT_EQ(d.stop(), 0);
}

}  // namespace
}  // namespace sesmon::daemon_test
