#pragma once
// Shared set-up of the state store tests: a fresh directory per test, a logger that records
// what the store says, an io_context on the test thread to run completion handlers, and
// small builders for cluster states and events.
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include "monitor/event_id.hpp"
#include "state/sqlite.hpp"
#include "state/sqlite_store.hpp"

namespace sesmon::state::test {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// Turns a database of the current schema back into what schema 1 was (the migration tests):
// every later step's objects dropped, user_version 1.
inline void make_schema_1(sqlite::connection& db) {
    db.exec(
        "ALTER TABLE clusters DROP COLUMN silence; "                       // version 4
        "DROP INDEX upgrades_by_start; DROP INDEX upgrades_by_instance; "  // version 2
        "DROP TABLE discovered_clusters; "                                 // version 3
        "PRAGMA user_version = 1");
}

inline const wall_time t0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 26} + 20h;

class store_fixture : public ::testing::Test {
  public:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("sesmon-state-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        log_ = std::make_shared<spdlog::logger>(
            "state", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text_));
    }
    void TearDown() override {
        store_.reset();
        fs::remove_all(dir_);
    }

    sqlite_store_options options() const {
        sqlite_store_options o;
        o.directory = dir_;
        o.group_window = 5ms;
        o.retry_initial = 20ms;
        o.retry_max = 50ms;
        return o;
    }
    sqlite_store& open(sqlite_store_options o) {
        store_.reset();
        store_ = std::make_unique<sqlite_store>(io_.get_executor(), std::move(o), log_);
        return *store_;
    }
    sqlite_store& open() { return open(options()); }
    void close() { store_.reset(); }

    // Runs handlers on this thread until `done` holds or `timeout` passes.
    bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline)
                return false;
            io_.restart();
            io_.run_for(2ms);
        }
        return true;
    }
    // Commits and waits for the handler; returns its error code.
    std::error_code commit_and_wait(batch b) {
        std::optional<std::error_code> result;
        store_->commit(std::move(b), [&](std::error_code ec) { result = ec; });
        EXPECT_TRUE(run_until([&] { return result.has_value(); }));
        return result.value_or(make_error_code(store_errc::closed));
    }
    void flush_and_wait() {
        bool done = false;
        store_->flush([&] { done = true; });
        ASSERT_TRUE(run_until([&] { return done; }));
    }
    std::string log_text() const { return log_text_.str(); }

    static monitor::cluster_state state_with(const std::string& emitted_id) {
        monitor::cluster_state s;
        monitor::upgrade_record u;
        u.identity = {"2025-03-24 17:09:41", "2150"};
        u.from_version = "2140";
        u.to_version = "2150";
        u.started_at = t0;
        u.last_change = t0;
        u.node_count = 2;
        monitor::node_record n;
        n.hostname = "node-a";
        n.role = "MO";
        n.status = "Upgrade_OpenSearch";
        n.previous_status = "running";
        n.since = t0;
        n.first_seen = t0;
        n.last_seen = t0;
        n.changes = 1;
        u.nodes.push_back(n);
        s.upgrade = u;
        s.emitted.push_back(emitted_id);
        return s;
    }

    static sesmon::event make_event(event_type type, const std::string& node = "",
                                    const std::string& status = "", std::uint64_t n = 0,
                                    wall_time at = t0) {
        sesmon::event e;
        e.type = type;
        e.occurred_at = at;
        e.cluster = {"prod-logs", "1037001", "KR"};
        e.upgrade = upgrade_info{"2140", "2150", "2025-03-24T17:09:41+09:00", 2, 0, t0, {}};
        if (!node.empty())
            e.node = node_info{node, "MO", status, "running", at};
        e.id = monitor::make_event_id(
            {"1037001", "2025-03-24 17:09:41", "2150", type, node, status, n});
        e.summary = "prod-logs: " + std::string(to_string(type));
        return e;
    }

    static batch batch_of(const std::string& instance_no, monitor::cluster_state s,
                          std::vector<routed_event> events = {}) {
        batch b;
        b.clusters.push_back({instance_no, "prod-logs", std::move(s)});
        b.events = std::move(events);
        return b;
    }

    fs::path dir_;
    boost::asio::io_context io_;
    std::ostringstream log_text_;
    std::shared_ptr<spdlog::logger> log_;
    std::unique_ptr<sqlite_store> store_;
};

}  // namespace sesmon::state::test
