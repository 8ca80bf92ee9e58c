// An HA group at work on a real etcd (issue 22): discovery in a group (the leader lists, the
// known set lives in etcd, a standby shows the found clusters read-only and lists only once
// it leads), and etcd refusing the group's writes (NOSPACE): a monitor_degraded alert
// through the notifiers, /readyz 503 with the reason, alerts resumed once space is freed.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <csignal>
#include <set>

#include "discovery_support.hpp"
#include "harness.hpp"
#include "support/etcd_server.hpp"

namespace sesmon::daemon_test {
namespace {

std::string base64(const std::string& in) {
    static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                           (static_cast<unsigned char>(in[i + 1]) << 8) |
                           static_cast<unsigned char>(in[i + 2]);
        for (int s : {18, 12, 6, 0})
            out.push_back(table[(n >> s) & 63]);
    }
    if (i < in.size()) {
        unsigned n = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size())
            n |= static_cast<unsigned char>(in[i + 1]) << 8;
        out.push_back(table[(n >> 18) & 63]);
        out.push_back(table[(n >> 12) & 63]);
        out.push_back(i + 1 < in.size() ? table[(n >> 6) & 63] : '=');
        out.push_back('=');
    }
    return out;
}

// etcd's JSON gateway, as an operator's etcdctl would be used.
struct etcd_gateway {
    unsigned short port;
    std::optional<std::string> post(const std::string& path, const std::string& body) const {
        return http("POST", port, path, body, "Content-Type: application/json\r\n");
    }
    // Keys under `prefix`.
    long count(const std::string& prefix) const {
        std::string end = prefix;
        end.back() = static_cast<char>(end.back() + 1);
        const auto answer =
            post("/v3/kv/range", R"({"key":")" + base64(prefix) + R"(","range_end":")" +
                                     base64(end) + R"(","count_only":true})");
        if (!answer)
            return -1;
        rapidjson::Document doc;
        doc.Parse(answer->c_str());
        if (!doc.IsObject())
            return -1;
        if (!doc.HasMember("count"))
            return 0;
        return std::stol(doc["count"].GetString());
    }
};

double listings(daemon_process& d) {
    const auto body = http("GET", d.server_port(), "/metrics");
    if (!body)
        return -1;
    const std::string series = "\nses_upgrade_monitor_discovery_listings_total{result=\"ok\"} ";
    const auto at = body->find(series);
    return at == std::string::npos ? 0 : std::stod(body->substr(at + series.size()));
}

bool leads(daemon_process& d) {
    return d.metric_sum("ses_upgrade_monitor_leader") == 1;
}

class ha_group : public ::testing::Test {
  protected:
    // Member `name`: `spec` plus the group's ha section.
    daemon_process& start(const std::string& name, daemon_spec spec) {
        const auto home = dir_.path() / name;
        fs::create_directories(home);
        spec.extra += "\nha:\n  etcd: { endpoints: [" + etcd_->endpoint() +
                      "] }\n  prefix: /sesmon/group\n  member: " + name + "\n  lease_ttl: 2s\n";
        write_text(home / "config.yaml", daemon_config(spec, home));
        members_[name] =
            std::make_unique<daemon_process>(home / "config.yaml", home / "daemon.log");
        return *members_[name];
    }
    std::string logs() {
        std::string all;
        for (auto& [name, d] : members_)
            all += "--- " + name + " ---\n" + d->log_text();
        return all;
    }

    temp_dir dir_;
    std::unique_ptr<test::etcd_server> etcd_;
    std::map<std::string, std::unique_ptr<daemon_process>> members_;
};

TEST_F(ha_group, discovery_lists_on_the_leader_only_and_a_standby_shows_what_it_found) {
    etcd_ = std::make_unique<test::etcd_server>(dir_.path() / "etcd");
    simulator sim(dir_.path(), "tests/daemon/scenarios/discovery.yaml", 0);
    daemon_spec spec;
    spec.endpoint = sim.url();
    spec.clusters = {{"mine", "4002", ""}};
    spec.polling = "{ interval: 200ms, idle_interval: 2s, jitter: 0.1, max_backoff: 1s }";
    spec.extra =
        "discovery:\n  enabled: true\n  interval: 1s\n  include: \"^prod\"\n"
        "  exclude: \"-tmp$\"";
    auto& a = start("a", spec);
    ASSERT_TRUE(wait_until([&] { return leads(a); }, 10s)) << logs();
    ASSERT_TRUE(wait_until([&] { return discovered_names(a) == discovered_at_start(); }, 15s))
        << logs();
    ASSERT_TRUE(a.wait_polls("prod-03", 1)) << logs();

    // The known set lives in the group's keys, one per cluster of the listing the keys may
    // see (23: the filters decide which of them are watched).
    const etcd_gateway etcd{etcd_->port()};
    ASSERT_TRUE(wait_until([&] { return etcd.count("/sesmon/group/discovered/") == 23; }, 10s))
        << etcd.count("/sesmon/group/discovered/");

    // A standby shows them, read-only, and lists nothing.
    auto& b = start("b", spec);
    ASSERT_TRUE(wait_until([&] { return discovered_names(b) == discovered_at_start(); }, 15s))
        << logs();
    const double listed_by_a = listings(a);
    ASSERT_TRUE(wait_until([&] { return listings(a) >= listed_by_a + 2; }, 10s));
    EXPECT_EQ(listings(b), 0);
    EXPECT_EQ(b.metric_sum("ses_upgrade_monitor_polls_total"), 0);
    EXPECT_NE(b.log_text().find("this member lists them while it leads"), std::string::npos)
        << logs();

    // The leader dies: the standby takes the group's set over, lists, and polls its clusters.
    a.process().signal(SIGKILL);
    ASSERT_TRUE(wait_until([&] { return leads(b); }, 10s)) << logs();
    ASSERT_TRUE(wait_until([&] { return listings(b) >= 1; }, 10s)) << logs();
    ASSERT_TRUE(b.wait_polls("prod-03", 1)) << logs();
    ASSERT_TRUE(b.wait_polls("prod-logs-eu", 1)) << logs();
    EXPECT_EQ(discovered_names(b), discovered_at_start());
    EXPECT_EQ(b.stop(), 0) << logs();
}

// etcd's space quota reached: its NOSPACE alarm refuses every write of the group. The
// leader keeps its lease (keep-alives are not writes) and says so through its notifiers.
TEST_F(ha_group, nospace_alerts_monitor_degraded_and_readyz_says_why_until_space_is_freed) {
    test::etcd_options small;
    small.args = {"--quota-backend-bytes=4194304"};
    etcd_ = std::make_unique<test::etcd_server>(dir_.path() / "etcd", small);
    simulator sim(dir_.path(), "config/scenarios/seed.yaml", 0, {"--webhook-sink"});
    daemon_spec spec;
    spec.endpoint = sim.url();
    spec.clusters = {{"cluster000", "1037001", ""}};
    spec.notifiers = "  - name: sink\n    type: webhook\n    url: " + sim.url() +
                     "/hooks/sink\n    events: [upgrade_started, monitor_degraded]\n"
                     "    retry: { initial_backoff: 50ms, max_backoff: 300ms, max_age: 24h }\n";
    auto& a = start("a", spec);
    ASSERT_TRUE(wait_until([&] { return leads(a); }, 10s)) << logs();
    ASSERT_TRUE(a.wait_polls("cluster000", 2)) << logs();

    const etcd_gateway etcd{etcd_->port()};
    const std::string filler = base64(std::string(512 * 1024, 'x'));
    for (int i = 0; i < 12; ++i)
        etcd.post("/v3/kv/put", R"({"key":")" + base64("/filler/" + std::to_string(i)) +
                                    R"(","value":")" + filler + R"("})");
    sim.advance(10);  // the upgrade starts: a state and an event to write
    const auto hooks = [&] {
        return http("GET", sim.port(), "/_sim/hooks?name=sink").value_or("");
    };
    ASSERT_TRUE(
        wait_until([&] { return hooks().find("monitor_degraded") != std::string::npos; }, 15s))
        << logs();
    EXPECT_EQ(hooks().find("upgrade_started"), std::string::npos);  // it waits for etcd
    const auto ready = http_exchange("GET", a.server_port(), "/readyz");
    ASSERT_TRUE(ready);
    EXPECT_EQ(ready->status, 503);
    EXPECT_NE(ready->body.find("database space exceeded"), std::string::npos) << ready->body;
    EXPECT_TRUE(leads(a)) << logs();

    // An operator frees space (docs/operations.md): delete, compact, defragment, disarm.
    std::string end = "/filler0";
    etcd.post("/v3/kv/deleterange",
              R"({"key":")" + base64("/filler/") + R"(","range_end":")" + base64(end) + R"("})");
    const auto status = etcd.post("/v3/maintenance/status", "{}");
    ASSERT_TRUE(status);
    rapidjson::Document doc;
    doc.Parse(status->c_str());
    const std::string revision = doc["header"]["revision"].GetString();
    const std::string member = doc["header"]["member_id"].GetString();
    etcd.post("/v3/kv/compaction", R"({"revision":")" + revision + R"("})");
    etcd.post("/v3/maintenance/defragment", "{}");
    etcd.post("/v3/maintenance/alarm",
              R"({"action":"DEACTIVATE","memberID":")" + member + R"(","alarm":"NOSPACE"})");
    ASSERT_TRUE(
        wait_until([&] { return hooks().find("upgrade_started") != std::string::npos; }, 15s))
        << logs();
    ASSERT_TRUE(wait_until(
        [&] {
            const auto r = http_exchange("GET", a.server_port(), "/readyz");
            return r && r->status == 200;
        },
        10s))
        << logs();
    const auto log = a.log_text();
    std::size_t refused = 0;
    for (auto at = log.find("database space exceeded"); at != std::string::npos;
         at = log.find("database space exceeded", at + 1))
        ++refused;
    EXPECT_LE(refused, 3u) << log;  // the store's line, the alert's log line: not per retry
    EXPECT_EQ(a.stop(), 0) << logs();
}

}  // namespace
}  // namespace sesmon::daemon_test
