#pragma once
// ha_pair: the fixture of the HA integration tests (ha_test.cpp, ha_pause_test.cpp): a real
// etcd, the simulator playing the seed upgrade in frozen virtual time with its webhook sink,
// and the members of one group (a, b, ...) as real daemons. What the sink received is checked
// by scripts/lib/chaos_check.py (every transition delivered, none under two ids). Each member's
// webhook carries `X-Sesmon-Member: <name>`, so a test can tell who sent what.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>

#include "harness.hpp"
#include "support/etcd_server.hpp"

namespace sesmon::daemon_test {

using steady = std::chrono::steady_clock;

// The sink's deliveries answered 200 (event id and type), in receipt order.
struct delivery {
    std::string id;
    std::string type;
};
inline std::vector<delivery> deliveries(const std::string& hooks_json) {
    rapidjson::Document doc;
    doc.Parse(hooks_json.c_str());
    std::vector<delivery> out;
    if (!doc.IsArray())
        return out;
    for (const auto& hook : doc.GetArray()) {
        if (!hook.HasMember("status") || hook["status"].GetInt() != 200)
            continue;
        rapidjson::Document body;
        body.Parse(hook["body"].GetString());
        if (body.IsObject() && body.HasMember("id") && body.HasMember("type"))
            out.push_back({body["id"].GetString(), body["type"].GetString()});
    }
    return out;
}

// The outcome of scripts/lib/chaos_check.py on what the sink received.
struct check_result {
    int exit_code = -1;
    std::string output;
};

class ha_pair : public ::testing::Test {
  protected:
    void SetUp() override {
        etcd_ = std::make_unique<test::etcd_server>(dir_.path() / "etcd");
        sim_ = std::make_unique<simulator>(dir_.path(), "config/scenarios/seed.yaml", 0,
                                           std::vector<std::string>{"--webhook-sink"});
    }

    // Writes member `name`'s configuration (lease TTL `ttl`); its path.
    fs::path configure(const std::string& name, const std::string& ttl = "2s") {
        const auto home = dir_.path() / name;
        fs::create_directories(home);
        daemon_spec spec;
        spec.endpoint = sim_->url();
        spec.clusters = {{"cluster000", "1037001", ""}};
        spec.clusters.insert(spec.clusters.end(), extra_clusters_.begin(), extra_clusters_.end());
        if (!polling_.empty())
            spec.polling = polling_;
        spec.notifiers = "  - name: sink\n    type: webhook\n    url: " + sim_->url() +
                         "/hooks/sink\n    events: [upgrade_started, node_changed, "
                         "upgrade_finished, upgrade_failed, upgrade_stalled, stall_cleared, "
                         "upgrade_vanished, monitor_blind, monitor_recovered]\n"
                         "    retry: { initial_backoff: 50ms, max_backoff: 300ms, max_age: 24h }\n"
                         "    headers: { X-Sesmon-Member: " +
                         name + " }\n";
        spec.extra = "ha:\n  etcd: { endpoints: [" + etcd_->endpoint() +
                     "] }\n  prefix: /sesmon/test\n  member: " + name + "\n  lease_ttl: " + ttl +
                     "\n";
        write_text(home / "config.yaml", daemon_config(spec, home));
        return home / "config.yaml";
    }
    // Starts member `name` of the group, lease TTL `ttl`.
    daemon_process& start(const std::string& name, const std::string& ttl = "2s") {
        const auto config = configure(name, ttl);
        auto [it, fresh] = members_.try_emplace(name, nullptr);
        it->second = std::make_unique<daemon_process>(config, config.parent_path() / "daemon.log");
        return *it->second;
    }
    // `ses-upgrade-monitor status` with member `name`'s configuration.
    command_result status(const std::string& name, std::vector<std::string> args = {}) {
        const auto home = dir_.path() / name;
        args.insert(args.begin(), {"status", "-c", (home / "config.yaml").string()});
        return run_command(home, std::move(args));
    }
    daemon_process& member(const std::string& name) { return *members_.at(name); }
    std::string logs() {
        std::string all;
        for (auto& [name, d] : members_)
            all += "--- " + name + " ---\n" + d->log_text();
        return all;
    }

    static bool leads(daemon_process& d) { return d.metric_sum("ses_upgrade_monitor_leader") == 1; }
    static std::optional<http_reply> readyz(daemon_process& d) {
        return http_exchange("GET", d.server_port(), "/readyz");
    }

    // a leads, b follows it (ready, `leader` 0).
    void start_pair(const std::string& ttl = "2s") {
        auto& a = start("a", ttl);
        ASSERT_TRUE(wait_until([&] { return leads(a); }, 10s)) << logs();
        auto& b = start("b", ttl);
        ASSERT_TRUE(wait_until(
            [&] {
                const auto r = readyz(b);
                return r && r->status == 200 && r->body.find("member a leads") != std::string::npos;
            },
            10s))
            << logs();
        EXPECT_EQ(b.metric_sum("ses_upgrade_monitor_leader"), 0);
        // The upgrade begins (at +10 s) and a sees it: where chaos_check starts each node.
        sim_->advance(10);
        ASSERT_TRUE(a.wait_polls("cluster000", 2)) << logs();
        initial_state_ = http("GET", sim_->port(), "/_sim/state").value_or("");
        ASSERT_FALSE(initial_state_.empty());
    }

    // Deliveries the sink answered with an error status.
    std::size_t refused() {
        rapidjson::Document doc;
        doc.Parse(http("GET", sim_->port(), "/_sim/hooks?name=sink").value_or("[]").c_str());
        std::size_t n = 0;
        for (const auto& hook : doc.GetArray())
            n += hook["status"].GetInt() != 200;
        return n;
    }
    std::vector<delivery> received() {
        return deliveries(http("GET", sim_->port(), "/_sim/hooks?name=sink").value_or(""));
    }
    // Deliveries the sink answered 200 that member `name` sent (its X-Sesmon-Member header).
    std::size_t received_from(const std::string& name) {
        rapidjson::Document doc;
        doc.Parse(http("GET", sim_->port(), "/_sim/hooks?name=sink").value_or("[]").c_str());
        std::size_t n = 0;
        for (const auto& hook : doc.GetArray()) {
            const auto& headers = hook["headers"];
            n += hook["status"].GetInt() == 200 && headers.HasMember("x-sesmon-member") &&
                 headers["x-sesmon-member"].GetString() == name;
        }
        return n;
    }
    // Polls of every result a member made (-1 when its status server does not answer).
    static double polls(daemon_process& d) {
        return d.metric_sum("ses_upgrade_monitor_polls_total");
    }
    // Waits until the sink's count has not moved for `quiet`.
    std::size_t settle(std::chrono::milliseconds quiet = 600ms) {
        std::size_t last = received().size();
        auto since = steady::now();
        wait_until(
            [&] {
                const auto now = received().size();
                if (now != last) {
                    last = now;
                    since = steady::now();
                }
                return steady::now() - since >= quiet;
            },
            20s);
        return last;
    }

    // Moves virtual time by `seconds` in steps of `step`, each after `leader` polled twice,
    // so every status is seen.
    void drive(daemon_process& leader, int seconds, int step = 20) {
        for (int done = 0; done < seconds; done += step) {
            sim_->advance(step);
            ASSERT_TRUE(leader.wait_polls("cluster000", 2)) << logs();
        }
    }
    // To the end of the seed upgrade (≈ 870 s of virtual time) and until it was delivered.
    void finish(daemon_process& leader) {
        drive(leader, 900);
        ASSERT_TRUE(wait_until(
            [&] {
                const auto got = received();
                return std::any_of(got.begin(), got.end(),
                                   [](const delivery& d) { return d.type == "upgrade_finished"; });
            },
            20s))
            << logs();
        settle();
    }

    check_result check() {
        write_text(dir_.path() / "hooks.json",
                   http("GET", sim_->port(), "/_sim/hooks?name=sink").value_or("[]"));
        write_text(dir_.path() / "initial.json", initial_state_);
        write_text(dir_.path() / "final.json", http("GET", sim_->port(), "/_sim/state").value());
        const std::string cmd =
            "python3 " + std::string(SESMON_SOURCE_DIR) + "/scripts/lib/chaos_check.py " +
            (dir_.path() / "hooks.json").string() + " " + (dir_.path() / "initial.json").string() +
            " " + (dir_.path() / "final.json").string() + " 1 0 2>&1";
        check_result r;
        FILE* p = popen(cmd.c_str(), "r");
        if (p == nullptr)
            return r;
        char buf[4096];
        std::size_t n;
        while ((n = fread(buf, 1, sizeof buf, p)) > 0)
            r.output.append(buf, n);
        const int status = pclose(p);
        r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return r;
    }

    // POST /_sim/hooks/fail (docs/simulator.md).
    void hooks_fail(const std::string& json) {
        ASSERT_TRUE(http("POST", sim_->port(), "/_sim/hooks/fail", json));
    }
    // Ids received more than once.
    std::map<std::string, int> repeats() {
        std::map<std::string, int> seen, out;
        for (const auto& d : received())
            ++seen[d.id];
        for (const auto& [id, n] : seen) {
            if (n > 1)
                out[id] = n;
        }
        return out;
    }

    temp_dir dir_;
    std::string polling_;  // the members' `polling:`; "" = the harness's (100 ms)
    std::vector<cluster_spec> extra_clusters_;  // after cluster000 in the members' clusters[]
    std::unique_ptr<test::etcd_server> etcd_;
    std::unique_ptr<simulator> sim_;
    std::string initial_state_;
    std::map<std::string, std::unique_ptr<daemon_process>> members_;
};

}  // namespace sesmon::daemon_test
