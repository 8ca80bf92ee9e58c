// Discovery end to end (SPEC §10): the real daemon and the real simulator (scenario
// tests/daemon/scenarios/discovery.yaml), virtual time frozen and moved by /_sim/advance,
// discovery listing every second of real time.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <regex>
#include <set>

#include "discovery_support.hpp"
#include "harness.hpp"
#include "state/database.hpp"
#include "state/reads.hpp"

namespace sesmon::daemon_test {
namespace {

constexpr const char* scenario = "tests/daemon/scenarios/discovery.yaml";

const std::set<std::string> expected_at_start = daemon_test::discovered_at_start();

daemon_spec discovery_spec(const simulator& sim, const std::string& interval = "1s") {
    daemon_spec spec;
    spec.endpoint = sim.url();
    spec.clusters = {{"mine", "4002", ""}};
    // Idle clusters are polled every 2 s so that 20 of them stay far below the default
    // 20 requests per second, which listings share.
    spec.polling = "{ interval: 200ms, idle_interval: 2s, jitter: 0.1, max_backoff: 1s }";
    spec.extra = "discovery:\n  enabled: true\n  interval: " + interval +
                 "\n  include: \"^prod\"\n  exclude: \"-tmp$\"";
    return spec;
}

// A metric series' value from /metrics (`series` is the name with its labels, exactly as
// rendered); -1 when absent.
double metric(daemon_process& d, const std::string& series) {
    const auto body = http("GET", d.server_port(), "/metrics");
    if (!body)
        return -1;
    const auto at = body->find("\n" + series + " ");
    if (at == std::string::npos)
        return -1;
    return std::stod(body->substr(at + series.size() + 2));
}

double listings(daemon_process& d, const std::string& result) {
    return metric(d, "ses_upgrade_monitor_discovery_listings_total{result=\"" + result + "\"}");
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++n;
    return n;
}

void set_faults(const simulator& sim, const std::string& json) {
    ASSERT_TRUE(http("POST", sim.port(), "/_sim/faults", json)) << json;
}

// A simulator and, once start()ed, a daemon on its configuration.
class daemon_discovery_test : public ::testing::Test {
  protected:
    // Writes the configuration for `spec` and starts the daemon, logging to `log`.
    daemon_process& start(const daemon_spec& spec, const std::string& log = "daemon.log") {
        write_text(config(), daemon_config(spec, dir_.path()));
        daemon_.reset();
        daemon_.emplace(config(), dir_.path() / log);
        return *daemon_;
    }
    // Waits until the daemon watches exactly the clusters discovered at the scenario's start.
    bool found_all() {
        if (wait_until([&] { return discovered_names(*daemon_) == expected_at_start; }, 15s))
            return true;
        ADD_FAILURE() << daemon_->log_text();
        return false;
    }
    fs::path config() const { return dir_.path() / "config.yaml"; }

    temp_dir dir_;
    simulator sim_{dir_.path(), scenario, 0};
    std::optional<daemon_process> daemon_;
};

TEST_F(daemon_discovery_test, pages_filters_and_marks_what_it_watches) {
    auto& d = start(discovery_spec(sim_));
    ASSERT_TRUE(found_all());
    const auto all = watched(d);
    EXPECT_EQ(all.size(), expected_at_start.size() + 1);
    EXPECT_FALSE(all.at("mine"));  // the static entry wins instance 4002
    EXPECT_EQ(metric(d, "ses_upgrade_monitor_discovered_clusters"), 19);
    EXPECT_EQ(metric(d, "ses_upgrade_monitor_cluster_discovered{cluster=\"prod-03\"}"), 1);
    EXPECT_EQ(metric(d, "ses_upgrade_monitor_cluster_discovered{cluster=\"mine\"}"), 0);
    ASSERT_TRUE(d.wait_polls("prod-logs-eu", 1));
    ASSERT_TRUE(wait_until(
        [&] { return count(emitted_events(d.log_text()), "upgrade_started", "prod-01") == 1; },
        10s));
    // A few more listings: the disallowed cluster is logged once, nothing is restarted.
    const double ok = listings(d, "ok");
    ASSERT_TRUE(wait_until([&] { return listings(d, "ok") >= ok + 2; }, 10s));
    const auto log = d.log_text();
    EXPECT_EQ(occurrences(log,
                          "discovery: cluster prod-secret (instance 4501, KR) is listed as "
                          "disallowed for these API keys: not watched"),
              1u);
    EXPECT_EQ(occurrences(log, "cluster prod-03: watching instance 4003 (KR)"), 1u) << log;
    EXPECT_NE(log.find("found by discovery"), std::string::npos);
    EXPECT_EQ(log.find("cluster dev-01"), std::string::npos);
    EXPECT_EQ(log.find("prod-cache-tmp:"), std::string::npos);
    EXPECT_EQ(d.stop(), 0);
    // The known set is in state.db, each watched cluster under the name it was watched as.
    std::set<std::string> stored;
    for (const auto& r : state::read_discovered(*state::open_for_reading(dir_.path() / "state")))
        stored.insert(r.name);
    for (const auto& name : expected_at_start)
        EXPECT_EQ(stored.count(name), 1u) << name;
}

TEST_F(daemon_discovery_test,
       a_created_cluster_starts_within_one_interval_a_deleted_one_stops_after_two_listings) {
    auto& d = start(discovery_spec(sim_));
    ASSERT_TRUE(found_all());

    const double before = listings(d, "ok");
    const auto advanced_at = std::chrono::steady_clock::now();
    sim_.advance(600);  // prod-new is created, prod-old deleted
    ASSERT_TRUE(wait_until([&] { return discovered_names(d).count("prod-new") == 1; }, 5s))
        << d.log_text();
    // The listing running at the advance may have started before it; the next one (within
    // one interval of 1 s) sees prod-new. Allow for a loaded machine on top.
    EXPECT_LT(std::chrono::steady_clock::now() - advanced_at, 4s);
    ASSERT_TRUE(d.wait_polls("prod-new", 1));

    const std::string stopped =
        "cluster prod-old: no longer watched (gone from two consecutive complete cluster "
        "listings; its state stays in the store)";
    ASSERT_TRUE(wait_until([&] { return d.log_text().find(stopped) != std::string::npos; }, 10s))
        << d.log_text();
    EXPECT_GE(listings(d, "ok"), before + 2);
    EXPECT_EQ(discovered_names(d).count("prod-old"), 0u);
    EXPECT_EQ(metric(d, "ses_upgrade_monitor_discovered_clusters"), 19);
    EXPECT_EQ(d.stop(), 0);
}

TEST_F(daemon_discovery_test, failed_and_partial_listings_change_nothing_and_polling_goes_on) {
    auto& d = start(discovery_spec(sim_));
    ASSERT_TRUE(found_all());

    // Every list request fails; then prod-new appears and prod-old goes.
    set_faults(sim_, R"({"faults":[{"kind":"gateway_error","status":503,"route":"list"}]})");
    sim_.advance(600);
    ASSERT_TRUE(wait_until([&] { return listings(d, "server") >= 3; }, 20s)) << d.log_text();
    EXPECT_EQ(discovered_names(d), expected_at_start);
    ASSERT_TRUE(d.wait_polls("prod-03", 2));  // known clusters are still polled

    // Only the second page fails: a partial listing, which changes nothing either.
    set_faults(sim_,
               R"({"clear":true,"faults":[{"kind":"invalid_json","route":"list","page":2}]})");
    ASSERT_TRUE(wait_until([&] { return listings(d, "invalid_response") >= 3; }, 20s))
        << d.log_text();
    EXPECT_EQ(discovered_names(d), expected_at_start);

    const auto log = d.log_text();
    EXPECT_EQ(occurrences(log,
                          " warn discovery: cannot read the cluster list (server HTTP 503): "
                          "region KR, page 1:"),
              1u)
        << log;
    EXPECT_EQ(occurrences(log,
                          " warn discovery: cannot read the cluster list (invalid_response "
                          "HTTP 200): region KR, page 2:"),
              1u)
        << log;

    // The API answers again: the changes come through.
    set_faults(sim_, R"({"clear":true})");
    ASSERT_TRUE(wait_until(
        [&] {
            const auto names = discovered_names(d);
            return names.count("prod-new") == 1 && names.count("prod-old") == 0;
        },
        15s))
        << d.log_text();
    EXPECT_NE(d.log_text().find("discovery: cluster list read again after"), std::string::npos);
    EXPECT_EQ(d.stop(), 0);
}

TEST_F(daemon_discovery_test,
       a_restart_watches_the_discovered_set_before_any_listing_and_does_not_re_alert) {
    {
        auto& first = start(discovery_spec(sim_), "first.log");
        ASSERT_TRUE(found_all());
        ASSERT_TRUE(wait_until(
            [&] {
                return count(emitted_events(first.log_text()), "upgrade_started", "prod-01") == 1;
            },
            10s));
        EXPECT_EQ(first.stop(), 0);
    }
    // The cluster list cannot be read at all now: only the saved set can be watched.
    set_faults(sim_, R"({"faults":[{"kind":"gateway_error","status":503,"route":"list"}]})");
    auto& d = start(discovery_spec(sim_), "second.log");
    ASSERT_TRUE(found_all());
    ASSERT_TRUE(d.wait_polls("prod-01", 2));
    ASSERT_TRUE(d.wait_polls("prod-logs-eu", 1));
    EXPECT_GE(listings(d, "server"), 1);
    EXPECT_EQ(listings(d, "ok"), -1);  // never listed successfully in this run
    EXPECT_EQ(d.stop(), 0);
    EXPECT_EQ(count(emitted_events(d.log_text()), "upgrade_started", "prod-01"), 0u)
        << d.log_text();
}

TEST_F(daemon_discovery_test, reload_reapplies_include_and_exclude_to_the_known_set_at_once) {
    auto spec = discovery_spec(sim_, "1h");  // no second listing during the test
    auto& d = start(spec);
    ASSERT_TRUE(found_all());

    spec.extra = "discovery:\n  enabled: true\n  interval: 1h\n  include: \"^prod-0[12]$\"";
    write_text(config(), daemon_config(spec, dir_.path()));
    d.process().signal(SIGHUP);
    ASSERT_TRUE(
        wait_until([&] { return discovered_names(d) == std::set<std::string>{"prod-01"}; }, 10s))
        << d.log_text();

    // Discovery off: every discovered cluster stops, the static one stays.
    spec.extra = "discovery: { enabled: false }";
    write_text(config(), daemon_config(spec, dir_.path()));
    d.process().signal(SIGHUP);
    ASSERT_TRUE(wait_until(
        [&] {
            return watched(d) == std::map<std::string, bool>{{"mine", false}};
        },
        10s))
        << d.log_text();
    EXPECT_EQ(d.stop(), 0);
}

// --- readiness ---------------------------------------------------------------------------

bool ready(daemon_process& d) {
    return http("GET", d.server_port(), "/readyz").has_value();
}

TEST_F(daemon_discovery_test, readiness_waits_for_the_clusters_watched_at_start_not_for_new_ones) {
    // mine's first poll hangs until the request times out (6 s: time enough, on a loaded
    // machine too, for the first listing to answer and the clusters it found to poll).
    set_faults(sim_,
               R"({"faults":[{"kind":"timeout","route":"progress","cluster":"4002","count":1}]})");
    auto spec = discovery_spec(sim_);
    spec.api_timeout = "6s";
    auto& d = start(spec);
    ASSERT_TRUE(found_all());
    ASSERT_TRUE(d.wait_polls("prod-03", 1));
    EXPECT_FALSE(ready(d)) << "ready before mine's first poll attempt:\n" << d.log_text();
    ASSERT_TRUE(wait_until([&] { return ready(d); }, 15s)) << d.log_text();
    EXPECT_EQ(d.stop(), 0);
}

TEST_F(daemon_discovery_test,
       a_cluster_stopped_before_its_first_poll_does_not_hold_readiness_back) {
    // mine's polls hang (for longer than the test); a reload removes it.
    set_faults(sim_, R"({"faults":[{"kind":"timeout","route":"progress","cluster":"4002"}]})");
    daemon_spec spec;
    spec.endpoint = sim_.url();
    spec.clusters = {{"mine", "4002", ""}, {"other", "4003", ""}};
    spec.api_timeout = "60s";
    auto& d = start(spec);
    ASSERT_TRUE(d.wait_polls("other", 1));
    EXPECT_FALSE(ready(d));
    // A reload that changes nothing (discovery off: no listing to wait for) changes nothing.
    d.process().signal(SIGHUP);
    ASSERT_TRUE(wait_until(
        [&] { return d.log_text().find("reloaded: 0 cluster(s) added") != std::string::npos; },
        5s));
    EXPECT_FALSE(ready(d)) << d.log_text();

    spec.clusters.erase(spec.clusters.begin());
    write_text(config(), daemon_config(spec, dir_.path()));
    d.process().signal(SIGHUP);
    ASSERT_TRUE(wait_until([&] { return ready(d); }, 10s)) << d.log_text();
    EXPECT_NE(d.log_text().find("cluster mine: no longer watched"), std::string::npos);
    EXPECT_EQ(d.stop(), 0);
}

// --- the operator commands --------------------------------------------------------------

TEST_F(daemon_discovery_test, discover_lists_every_cluster_with_its_verdict) {
    const auto& dir = dir_;
    const auto config = this->config().string();
    write_text(config, daemon_config(discovery_spec(sim_), dir.path()));

    const auto json = run_command(dir.path(), {"discover", "-c", config, "--format", "json"});
    ASSERT_EQ(json.code, 0) << json.err;
    rapidjson::Document doc;
    doc.Parse(json.out.c_str());
    ASSERT_TRUE(doc.IsObject()) << json.out;
    EXPECT_EQ(doc["watched"].GetInt(), 19);
    EXPECT_EQ(doc["skipped"].GetInt(), 5);
    std::map<std::string, std::string> reasons;
    for (const auto& c : doc["clusters"].GetArray()) {
        reasons[c["cluster_name"].GetString()] =
            c["reason"].IsNull() ? std::string("watch as ") + c["name"].GetString()
                                 : c["reason"].GetString();
    }
    EXPECT_EQ(reasons.at("prod logs (eu)"), "watch as prod-logs-eu");
    EXPECT_EQ(reasons.at("prod-02"), "configured");
    EXPECT_EQ(reasons.at("prod-cache-tmp"), "excluded");
    EXPECT_EQ(reasons.at("dev-01"), "not_included");
    EXPECT_EQ(reasons.at("prod-secret"), "disallowed");

    const auto table = run_command(dir.path(), {"discover", "-c", config});
    ASSERT_EQ(table.code, 0) << table.err;
    EXPECT_NE(table.out.find("skip: listed in clusters[] as mine"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("24 cluster(s) listed: 19 would be watched, 5 skipped"),
              std::string::npos)
        << table.out;

    const auto status = run_command(dir.path(), {"status", "-c", config, "--cluster", "prod-01"});
    EXPECT_EQ(status.code, 0) << status.err;
    EXPECT_NE(status.out.find("prod-01  (instance 4001, KR, discovered)"), std::string::npos)
        << status.out;
    // The fleet's rows: the configured cluster and the 19 discovered ones.
    const auto all = run_command(dir.path(), {"status", "-c", config, "--all"});
    EXPECT_EQ(all.code, 0) << all.err;
    EXPECT_EQ(all.out.rfind("20 clusters: ", 0), 0u) << all.out;
    EXPECT_NE(all.out.find("\nmine "), std::string::npos) << all.out;
    EXPECT_NE(all.out.find("\nprod-01 "), std::string::npos) << all.out;

    set_faults(sim_, R"({"faults":[{"kind":"rate_limit","route":"list"}]})");
    const auto failed = run_command(dir.path(), {"discover", "-c", config});
    EXPECT_EQ(failed.code, 1);
    EXPECT_NE(failed.err.find("cannot read the cluster list: region KR, page 1:"),
              std::string::npos)
        << failed.err;
    const auto status_failed =
        run_command(dir.path(), {"status", "-c", config, "--cluster", "mine"});
    EXPECT_EQ(status_failed.code, 1);
    EXPECT_NE(status_failed.out.find("mine  (instance 4002, KR)"), std::string::npos);
}

}  // namespace
}  // namespace sesmon::daemon_test
