#pragma once
// store_harness: a real state store (state.db in a temp dir) for the dispatcher tests, and
// the daemon's hand-over path in miniature: route, commit the event with its outbox rows,
// enqueue once durable (cluster_runtime::commit does the same).
#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "notify/dispatcher.hpp"
#include "state/database.hpp"
#include "state/reads.hpp"
#include "state/sqlite_store.hpp"

namespace sesmon::notify::test {

class store_harness {
  public:
    store_harness(boost::asio::io_context& io, const std::filesystem::path& dir) : io_(io) {
        state::sqlite_store_options o;
        o.directory = dir;
        o.group_window = std::chrono::milliseconds(1);
        dir_ = dir;
        store_ = std::make_unique<state::sqlite_store>(io.get_executor(), std::move(o), log_);
    }
    state::store& store() { return *store_; }
    std::vector<state::delivery_record> take_pending() { return store_->take_initial().pending; }

    // Routes, commits and enqueues `e` as the daemon does; returns once it is enqueued.
    void submit(dispatcher& d, const event& e, const std::vector<std::string>& notify_list) {
        const auto notifiers = d.route(e, notify_list);
        state::batch b;
        b.events.push_back({e, notifiers});
        bool done = false;
        store_->commit(std::move(b), [&, e, notifiers](std::error_code) {
            d.enqueue(e, notifiers);
            done = true;
        });
        run_until([&] { return done; });
    }
    // The outbox rows with `status` once every queued write is on disk.
    std::vector<state::delivery_record> rows(state::delivery_status status) {
        bool flushed = false;
        store_->flush([&] { flushed = true; });
        run_until([&] { return flushed; });
        auto db = state::open_for_reading(dir_);
        return state::read_deliveries(*db, status, std::nullopt, *log_);
    }
    // A restart: closes the store and opens it again on the same directory.
    void reopen() {
        store_->close();
        store_.reset();
        state::sqlite_store_options o;
        o.directory = dir_;
        o.group_window = std::chrono::milliseconds(1);
        store_ = std::make_unique<state::sqlite_store>(io_.get_executor(), std::move(o), log_);
    }

  private:
    template <class Predicate>
    void run_until(Predicate done) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            io_.restart();
            io_.run_one_for(std::chrono::milliseconds(5));
        }
    }

    boost::asio::io_context& io_;
    std::filesystem::path dir_;
    std::shared_ptr<spdlog::logger> log_ =
        std::make_shared<spdlog::logger>("state", std::make_shared<spdlog::sinks::null_sink_st>());
    std::unique_ptr<state::sqlite_store> store_;
};

}  // namespace sesmon::notify::test
