#pragma once
// history_reader: read-only queries of state.db on a thread of their own, for the daemon —
// the HTTP API's history endpoints and the ETA's past node times — so that the event loop
// never waits for the disk (SPEC §6) and a long read never delays the writer's commits.
//
// One thread, one read-only connection (opened at the first query and again after any
// failure, so a database that appears later or is replaced is found). Queries run one at a
// time in submission order; each result is posted to the executor. At most `max_queued`
// queries wait: beyond that a query fails at once ("busy"), so a flood of requests costs
// neither memory nor latency for the others. WAL readers see every committed transaction
// and never block the writer.
//
// Threading: read() and close() from the executor's thread; `query` runs on the reader's
// thread with its connection (it must not touch anything else); `done` runs on the executor,
// exactly once per read() — after close() with an error for queries not yet run. The
// destructor closes and joins the thread (it waits for a query in progress).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "state/sqlite.hpp"

namespace sesmon::state {

class history_reader {
  public:
    history_reader(boost::asio::any_io_executor executor, std::filesystem::path directory,
                   std::size_t max_queued = 32);
    ~history_reader();
    history_reader(const history_reader&) = delete;
    history_reader& operator=(const history_reader&) = delete;

    // Runs `query` on the reader thread; `done` gets its result, or nullopt and a one-line
    // error (state.db missing or unreadable, the query threw, too many queued, closed).
    template <class Result>
    void read(std::function<Result(sqlite::connection&)> query,
              std::function<void(std::optional<Result>, std::string)> done) {
        auto ex = executor_;
        submit(
            [ex, query = std::move(query), done](sqlite::connection* db, std::string error) {
                std::optional<Result> result;
                if (db != nullptr) {
                    try {
                        result = query(*db);
                    } catch (const std::exception& e) {
                        error = e.what();
                    }
                }
                const bool ok = result.has_value();
                boost::asio::post(ex, [done, result = std::move(result), error]() mutable {
                    done(std::move(result), error);
                });
                return ok;
            },
            [ex, done](std::string why) {
                boost::asio::post(ex, [done, why] { done(std::nullopt, why); });
            });
    }

    // Fails every query not yet run (their `done` get "closed") and lets the thread end
    // after the one in progress. Does not wait; idempotent.
    void close();

  private:
    // Runs one query with the connection (nullptr and the reason when it cannot be opened);
    // false when it failed.
    using job = std::function<bool(sqlite::connection*, std::string)>;
    void submit(job j, const std::function<void(std::string)>& reject);
    void run();

    boost::asio::any_io_executor executor_;
    std::filesystem::path directory_;
    std::size_t max_queued_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<job> queue_;
    bool closing_ = false;
    std::unique_ptr<sqlite::connection> db_;  // the reader thread's
    std::thread thread_;
};

}  // namespace sesmon::state
