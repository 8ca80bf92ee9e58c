// The history as the tools read it (history_reads.hpp), the node rows written from cluster
// states, the reader thread of the daemon, and schema 1 databases.
#include "state/history_reads.hpp"

#include "state/history.hpp"
#include "state/history_fixture.hpp"
#include "state/history_reader.hpp"

namespace sesmon::state::test {
namespace {

const std::string seed_id = upgrade_id("1037001", "2025-03-24T17:09:41+09:00", "2150");

monitor::node_record node_rec(const std::string& host, const std::string& status, wall_time since,
                              const std::string& role = "MO") {
    monitor::node_record n;
    n.hostname = host;
    n.role = role;
    n.status = status;
    n.since = since;
    n.first_seen = since;
    n.last_seen = since;
    return n;
}

cluster_record record_with(std::vector<monitor::node_record> nodes,
                           monitor::upgrade_phase phase = monitor::upgrade_phase::in_progress) {
    monitor::cluster_state s;
    monitor::upgrade_record u;
    u.identity = {"2025-03-24 17:09:41", "2150"};
    u.phase = phase;
    u.started_at = t0;
    u.nodes = std::move(nodes);
    s.upgrade = u;
    return {"1037001", "prod-logs", s, seed_id};
}

class history_reads_test : public history_test {
  protected:
    // One finished upgrade of `cluster` starting at `start`: nodes of `minutes` each, in turn.
    void finished_upgrade(const std::string& instance_no, const std::string& action_date,
                          wall_time start,
                          const std::vector<std::pair<std::string, int>>& role_minutes) {
        auto e = [&](event_type type, const std::string& host, const std::string& from,
                     const std::string& to, wall_time at) {
            auto ev = make_event(type, host, to, 0, at);
            ev.cluster.instance_no = instance_no;
            ev.cluster.name = "c" + instance_no;
            ev.upgrade->action_date = action_date;
            ev.upgrade->started_at = start;
            ev.id = instance_no + action_date + std::string(to_string(type)) + host + to;
            if (ev.node) {
                ev.node->previous_status = from;
                ev.node->role = role_minutes[std::stoul(host.substr(1))].first;
            }
            return ev;
        };
        std::vector<sesmon::event> events{e(event_type::upgrade_started, "", "", "", start)};
        wall_time at = start;
        for (std::size_t i = 0; i < role_minutes.size(); ++i) {
            const std::string host = "n" + std::to_string(i);
            events.push_back(
                e(event_type::node_changed, host, "running", "Upgrade_OpenSearch", at));
            at += std::chrono::minutes(role_minutes[i].second);
            events.push_back(
                e(event_type::node_changed, host, "Upgrade_OpenSearch", "complete", at));
        }
        auto done = e(event_type::upgrade_finished, "", "", "", at);
        done.upgrade->finished_at = at;
        events.push_back(done);
        commit(events, at);
    }
};

TEST_F(history_reads_test, every_node_of_an_upgrade_in_progress_gets_a_row_from_the_state) {
    // a is upgrading, b not yet: no node_changed for either, yet both have a row.
    commit_with_state({make_event(event_type::upgrade_started, "", "", 0, t0)},
                      record_with({node_rec("a", "Upgrade_OpenSearch", t0 + 1min),
                                   node_rec("b", "running", t0 - 30 * 24h)}));
    EXPECT_EQ(query("SELECT hostname || ' ' || status || ' ' || (started_at - " +
                    std::to_string(t0.time_since_epoch().count()) +
                    ") || ' ' || ifnull(ended_at, 'open') FROM node_statuses ORDER BY hostname"),
              "a Upgrade_OpenSearch 60 open\nb running 0 open");  // b: not before the start
    // b's first change closes that row; the next state adds nothing.
    auto moved = node("b", "running", "Upgrade_OpenSearch", 1, t0 + 5min);
    commit_with_state({moved}, record_with({node_rec("a", "complete", t0 + 4min),
                                            node_rec("b", "Upgrade_OpenSearch", t0 + 5min)}));
    const auto t = read_timeline(*db_, seed_id);
    ASSERT_TRUE(t);
    ASSERT_EQ(t->nodes.size(), 2u);
    EXPECT_EQ(t->nodes[1].hostname, "b");
    ASSERT_EQ(t->nodes[1].statuses.size(), 2u);
    EXPECT_EQ(t->nodes[1].statuses[0].ended_at, t0 + 5min);
    EXPECT_EQ(t->nodes[0].statuses.size(), 1u);  // a's change came without its event here
}

TEST_F(history_reads_test, no_rows_from_states_of_ended_or_unknown_upgrades) {
    commit_with_state({}, record_with({node_rec("a", "running", t0)}));  // no upgrades row
    EXPECT_EQ(query("SELECT count(*) FROM node_statuses"), "0");
    commit({make_event(event_type::upgrade_started)});
    commit({make_event(event_type::upgrade_vanished)});
    commit_with_state({}, record_with({node_rec("a", "running", t0)}));
    EXPECT_EQ(query("SELECT count(*) FROM node_statuses"), "0");
}

TEST_F(history_reads_test, upgrades_newest_first_by_cluster_and_limit) {
    finished_upgrade("1", "2026-01-01", t0 - 48h, {{"D", 3}});
    finished_upgrade("2", "2026-01-02", t0 - 24h, {{"D", 3}});
    finished_upgrade("1", "2026-01-03", t0, {{"D", 3}});
    const auto all = read_upgrades(*db_, std::nullopt, 50);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].action_date, "2026-01-03");
    EXPECT_EQ(all[2].action_date, "2026-01-01");
    EXPECT_EQ(all[0].outcome, "finished");
    EXPECT_EQ(all[0].duration_at(t0 + 100h), 3min);
    const auto one = read_upgrades(*db_, std::string("c1"), 1);
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].action_date, "2026-01-03");
    EXPECT_TRUE(read_upgrades(*db_, std::string("nope"), 5).empty());
    EXPECT_EQ(read_timeline(*db_, "0000000000000000"), std::nullopt);
}

TEST_F(history_reads_test, a_timeline_lists_nodes_in_upgrade_order) {
    finished_upgrade("1", "2026-01-01", t0, {{"D", 5}, {"D", 2}, {"M", 4}});
    const auto list = read_upgrades(*db_, std::nullopt, 1);
    const auto t = read_timeline(*db_, list.at(0).id);
    ASSERT_TRUE(t);
    ASSERT_EQ(t->nodes.size(), 3u);
    EXPECT_EQ(t->nodes[0].hostname, "n0");
    EXPECT_EQ(t->nodes[2].hostname, "n2");
    EXPECT_EQ(t->nodes[2].role, "M");
    ASSERT_EQ(t->nodes[1].statuses.size(), 3u);  // running, Upgrade_OpenSearch, complete
    EXPECT_EQ(node_time(t->nodes[0]), 5min);
    EXPECT_EQ(node_time(t->nodes[1]), 2min);
}

TEST_F(history_reads_test, past_node_times_per_cluster_from_the_last_finished_upgrades) {
    // Cluster 1: an old upgrade of 60-min nodes, then five of D 3 min and M 1 min nodes.
    finished_upgrade("1", "old", t0 - 100 * 24h, {{"D", 60}, {"D", 60}});
    for (int i = 0; i < 5; ++i) {
        finished_upgrade("1", "u" + std::to_string(i), t0 - std::chrono::hours(24 * (10 - i)),
                         {{"D", 3}, {"M", 1}, {"D", 3}});
    }
    finished_upgrade("2", "x", t0, {{"D", 7}});
    commit({make_event(event_type::upgrade_started)});  // in progress: not counted
    const auto all = read_node_time_medians(*db_, std::nullopt);
    ASSERT_EQ(all.size(), 2u);
    const auto& one = all.at("1");
    EXPECT_EQ(one.typical("D"), 3min);  // the old upgrade is beyond the last five
    EXPECT_EQ(one.typical("M"), 1min);
    EXPECT_EQ(all.at("2").typical("D"), 7min);
    const auto only = read_node_time_medians(*db_, std::string("2"));
    EXPECT_EQ(only.size(), 1u);
}

// status over a fleet reads one cluster after another with one prepared statement: each read
// is that cluster's alone, also after a cluster without history.
TEST_F(history_reads_test, one_reader_answers_cluster_after_cluster) {
    finished_upgrade("1", "a", t0 - 24h, {{"D", 3}, {"D", 3}, {"M", 1}, {"M", 1}});
    finished_upgrade("2", "x", t0, {{"D", 7}});
    node_time_reader reader(*db_);
    EXPECT_EQ(reader.read("1").typical("D"), 3min);
    EXPECT_TRUE(reader.read("9").empty()) << "no finished upgrade";
    EXPECT_EQ(reader.read("2").typical("M"), 7min);  // one sample: the overall median
    EXPECT_EQ(reader.read("1").typical("M"), 1min);
    for (const std::string no : {"1", "2"})
        EXPECT_EQ(reader.read(no), read_node_time_medians(*db_, no).at(no)) << no;
}

TEST_F(history_reads_test, the_reader_thread_answers_on_the_executor) {
    finished_upgrade("1", "2026-01-01", t0, {{"D", 3}});
    history_reader reader(io_.get_executor(), dir_);
    std::optional<std::vector<upgrade_summary>> got;
    std::string error = "unset";
    reader.read<std::vector<upgrade_summary>>(
        [](sqlite::connection& db) { return read_upgrades(db, std::nullopt, 10); },
        [&](std::optional<std::vector<upgrade_summary>> r, std::string e) {
            got = std::move(r);
            error = std::move(e);
        });
    ASSERT_TRUE(run_until([&] { return error != "unset"; }));
    ASSERT_TRUE(got);
    EXPECT_EQ(got->size(), 1u);
    EXPECT_EQ(error, "");
}

TEST_F(history_reads_test, the_reader_reports_failures_and_refuses_floods) {
    history_reader missing(io_.get_executor(), dir_ / "nowhere", 2);
    std::vector<std::string> errors;
    const auto ask = [&](history_reader& r) {
        r.read<int>([](sqlite::connection&) { return 1; },
                    [&](std::optional<int> v, std::string e) { errors.push_back(v ? "ok" : e); });
    };
    ask(missing);
    ASSERT_TRUE(run_until([&] { return errors.size() == 1; }));
    EXPECT_NE(errors[0].find("has the daemon run?"), std::string::npos) << errors[0];

    // A query that throws: its error, and the next query still runs.
    history_reader reader(io_.get_executor(), dir_, 1);
    reader.read<int>([](sqlite::connection& db) { return int(db.query_int("SELECT nope")); },
                     [&](std::optional<int>, std::string e) { errors.push_back(e); });
    ask(reader);  // queued behind it, or refused (first) when the first is still queued
    ASSERT_TRUE(run_until([&] { return errors.size() == 3; }));
    const auto has = [&](const std::function<bool(const std::string&)>& match) {
        return std::any_of(errors.begin() + 1, errors.end(), match);
    };
    EXPECT_TRUE(has([](const std::string& e) { return e.find("nope") != std::string::npos; }));
    EXPECT_TRUE(has([](const std::string& e) { return e == "ok" || e.starts_with("busy"); }));

    reader.close();
    ask(reader);
    ASSERT_TRUE(run_until([&] { return errors.size() == 4; }));
    EXPECT_TRUE(errors[3].starts_with("closed")) << errors[3];
}

TEST_F(history_reads_test, a_schema_1_database_is_read_then_migrated) {
    finished_upgrade("1", "2026-01-01", t0, {{"D", 3}});
    make_schema_1(*db_);
    writes_.reset();
    db_.reset();
    {
        auto reader = open_for_reading(dir_);  // not migrated yet: still readable
        EXPECT_EQ(read_upgrades(*reader, std::nullopt, 5).size(), 1u);
    }
    db_ = open_for_writing(dir_, open_purpose::start, *log_);
    EXPECT_EQ(db_->query_int("PRAGMA user_version"), schema_version);
    EXPECT_EQ(query("SELECT count(*) FROM sqlite_master WHERE name LIKE 'upgrades_by_%'"), "4");
    writes_ = std::make_unique<write_statements>(*db_);
}

}  // namespace
}  // namespace sesmon::state::test
