// prefix_watch against a real etcd: the snapshot, then every change once and in order —
// across an etcd restart, and with a fresh snapshot when etcd compacted what it needed.
#include "ha/prefix_watch.hpp"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <sstream>

#include "support/etcd_server.hpp"
#include "support/run_awaitable.hpp"
#include "support/test_certs.hpp"

namespace sesmon::ha {
namespace {

using namespace std::chrono_literals;
using sesmon::test::run_awaitable;

class prefix_watch_test : public ::testing::Test {
  protected:
    void SetUp() override {
        log_ = std::make_shared<spdlog::logger>(
            "w", std::make_shared<spdlog::sinks::ostream_sink_st>(log_text_));
    }
    void start(prefix_watch_options o = {200ms, 200ms, 30s}) {
        watch_ = std::make_unique<prefix_watch>(io_.get_executor(), client_, "/g/", o, log_);
        prefix_watch_handler h;
        h.snapshot_begin = [this] { snapshot_.clear(); };
        h.snapshot_page = [this](std::vector<key_value>& page) {
            ++pages_;
            for (const auto& kv : page)
                snapshot_.push_back("snapshot " + kv.key + "=" + kv.value);
        };
        h.snapshot_end = [this](std::int64_t) {
            ++snapshots_;
            seen_.insert(seen_.end(), snapshot_.begin(), snapshot_.end());
        };
        h.changed = [this](const watch_event& e) {
            seen_.push_back((e.type == watch_event::kind::put ? "put " : "del ") + e.kv.key + "=" +
                            e.kv.value);
        };
        watch_->start(std::move(h));
    }
    void put(const std::string& k, const std::string& v) {
        ASSERT_TRUE(run_awaitable(io_, client_.put({k, v}, 2s)));
    }
    bool run_until(const std::function<bool()>& done, duration limit = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline)
                return false;
            io_.restart();
            io_.run_for(5ms);
        }
        return true;
    }
    void TearDown() override {
        if (watch_)
            watch_->stop();
        io_.restart();
        io_.run_for(50ms);
    }

    sesmon::test::temp_dir dir_;
    std::unique_ptr<sesmon::test::etcd_server> etcd_ =
        std::make_unique<sesmon::test::etcd_server>(dir_.path() / "etcd");
    boost::asio::io_context io_;
    etcd_client client_{io_.get_executor(), {{etcd_->endpoint()}, {}, "", {}}};
    std::ostringstream log_text_;
    std::shared_ptr<spdlog::logger> log_;
    std::unique_ptr<prefix_watch> watch_;
    std::vector<std::string> seen_;
    std::vector<std::string> snapshot_;  // of the read in progress
    int snapshots_ = 0;
    int pages_ = 0;
};

TEST_F(prefix_watch_test, snapshot_then_changes_in_order_and_nothing_else) {
    put("/g/a", "1");
    put("/other", "x");
    start();
    ASSERT_TRUE(run_until([&] { return snapshots_ == 1; }));
    put("/g/b", "2");
    put("/g/a", "3");
    ASSERT_TRUE(run_awaitable(io_, client_.remove({"/g/b"}, 2s)));
    put("/other", "y");
    ASSERT_TRUE(run_until([&] { return seen_.size() == 4; }));
    EXPECT_EQ(seen_, (std::vector<std::string>{"snapshot /g/a=1", "put /g/b=2", "put /g/a=3",
                                               "del /g/b="}));
}

// The read of everything goes in pages (3 keys here), all at the revision of the first:
// what changes meanwhile is not in the snapshot, and comes as a change after it.
TEST_F(prefix_watch_test, the_snapshot_is_read_in_pages_at_one_revision) {
    for (int i = 0; i < 10; ++i)
        put("/g/k" + std::to_string(i), "v");
    prefix_watch_options o{200ms, 200ms, 30s, 3};
    watch_ = std::make_unique<prefix_watch>(io_.get_executor(), client_, "/g/", o, log_);
    prefix_watch_handler h;
    std::vector<std::string> snapshot;
    bool changed_meanwhile = false;
    h.snapshot_page = [&](std::vector<key_value>& page) {
        ++pages_;
        EXPECT_LE(page.size(), 3u);
        for (const auto& kv : page)
            snapshot.push_back(kv.key);
        if (!changed_meanwhile) {  // after the first page: a new key and a removed one
            changed_meanwhile = true;
            boost::asio::co_spawn(
                io_,
                [this]() -> boost::asio::awaitable<void> {
                    // Named requests: GCC 12 destroys a braced temporary in co_await twice.
                    put_request added{"/g/k95", "new"};
                    delete_request removed{"/g/k8"};
                    co_await client_.put(std::move(added), 2s);
                    co_await client_.remove(std::move(removed), 2s);
                },
                boost::asio::detached);
        }
    };
    h.snapshot_end = [&](std::int64_t) { ++snapshots_; };
    h.changed = [&](const watch_event& e) {
        seen_.push_back((e.type == watch_event::kind::put ? "put " : "del ") + e.kv.key);
    };
    watch_->start(std::move(h));
    ASSERT_TRUE(run_until([&] { return snapshots_ == 1 && seen_.size() == 2; })) << log_text_.str();
    EXPECT_EQ(pages_, 4);
    ASSERT_EQ(snapshot.size(), 10u);  // as of the first page: k8 still there, k95 not yet
    EXPECT_EQ(snapshot.back(), "/g/k9");
    EXPECT_EQ(seen_, (std::vector<std::string>{"put /g/k95", "del /g/k8"}));
}

TEST_F(prefix_watch_test, an_etcd_restart_loses_and_repeats_nothing) {
    start();
    ASSERT_TRUE(run_until([&] { return snapshots_ == 1; }));
    put("/g/a", "1");
    ASSERT_TRUE(run_until([&] { return seen_.size() == 1; }));
    etcd_->stop();
    io_.restart();
    io_.run_for(300ms);  // the stream breaks; reconnecting fails meanwhile
    etcd_->start();
    put("/g/b", "2");
    ASSERT_TRUE(run_until([&] { return seen_.size() == 2; })) << log_text_.str();
    io_.restart();
    io_.run_for(300ms);
    EXPECT_EQ(seen_, (std::vector<std::string>{"put /g/a=1", "put /g/b=2"}));
    EXPECT_EQ(snapshots_, 1);
}

TEST_F(prefix_watch_test, a_compacted_history_is_read_again_as_a_snapshot) {
    put("/g/a", "1");
    start({200ms, 1500ms, 30s});
    ASSERT_TRUE(run_until([&] { return snapshots_ == 1; }));
    etcd_->stop();
    io_.restart();
    io_.run_for(100ms);  // the stream broke: the watch waits 1.5 s before it reconnects
    etcd_->start();
    put("/g/a", "2");
    auto last = run_awaitable(io_, client_.put({"/g/b", "3"}, 2s));
    ASSERT_TRUE(last);
    ASSERT_TRUE(run_awaitable(io_, client_.compact(last->revision, 2s)));
    ASSERT_TRUE(run_until([&] { return snapshots_ == 2; })) << log_text_.str();
    EXPECT_EQ(seen_,
              (std::vector<std::string>{"snapshot /g/a=1", "snapshot /g/a=2", "snapshot /g/b=3"}));
    EXPECT_NE(log_text_.str().find("compacted the group's history"), std::string::npos);
}

TEST_F(prefix_watch_test, an_idle_stream_is_reopened_without_losing_changes) {
    start({200ms, 200ms, 300ms});
    ASSERT_TRUE(run_until([&] { return snapshots_ == 1; }));
    io_.restart();
    io_.run_for(1s);  // a few idle re-opens
    put("/g/a", "1");
    ASSERT_TRUE(run_until([&] { return seen_.size() == 1; }));
    EXPECT_EQ(seen_.front(), "put /g/a=1");
}

}  // namespace
}  // namespace sesmon::ha
