#pragma once
// sqlite_store: the state store in <state.directory>/state.db (SPEC §6), written by one
// writer thread that owns the write connection and commits in groups.
//
// Group commit (the shape of LevelDB's DBImpl::Write): the event loop queues work and
// returns; the writer commits everything queued as one transaction — one WAL fsync however
// many clusters, events and delivery results it holds — and starts commits at most once
// per `group_window`. So a quiet daemon commits at once (an alert waits only for its
// fsync), and a busy one gathers everything produced within the window into one commit:
// at most 1 s / group_window commits (and fsyncs) a second, whatever the event rate.
//
// Failure (SPEC §6, "a disk that fails"): a failed commit keeps its writes in memory
// (pending_writes, coalesced), reports the store degraded, and is retried with backoff
// (`retry_initial` doubling to `retry_max`) together with everything queued since; commit
// handlers then complete at once with store_errc::degraded so alerts go out from memory.
// A commit hanging longer than `stuck_after` is treated alike (commit_tracker). A database
// that cannot be opened at start is a degraded start: the daemon runs, the store retries.
//
// Construction opens (and if needed creates, migrates, repairs) the database, imports a
// per-file state directory of older versions, and loads the initial state — blocking, before
// the event loop runs. close() (or the destructor) makes one last attempt at everything
// queued and joins the writer.
#include <boost/asio/any_io_executor.hpp>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "sesmon/time.hpp"
#include "state/legacy_import.hpp"
#include "state/pending_writes.hpp"
#include "state/store.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::state {

class commit_tracker;
class write_statements;
namespace sqlite {
class connection;
}

struct sqlite_store_options {
    std::filesystem::path directory;
    duration group_window = std::chrono::milliseconds(40);  // ≤ 25 commits/s
    duration stuck_after = std::chrono::seconds(5);
    duration retry_initial = std::chrono::seconds(1);
    duration retry_max = std::chrono::seconds(30);
    duration history_retention = std::chrono::hours(24 * 400);
    // Events held in memory while the disk fails; older ones lose their record (they were
    // delivered from memory already).
    std::size_t backlog_event_limit = 100000;
    legacy_hooks legacy;
    // Test seam (the LevelDB ErrorEnv idea): called on the writer thread before each commit;
    // a non-zero SQLite result code fails that commit as if the disk had returned it.
    std::function<int()> fault;
    // Metrics hooks, called on the writer thread (so they must be thread-safe).
    std::function<void(double seconds)> on_commit;
    std::function<void()> on_error;
};

class sqlite_store final : public store {
  public:
    sqlite_store(boost::asio::any_io_executor executor, sqlite_store_options options,
                 std::shared_ptr<spdlog::logger> log);
    ~sqlite_store() override;
    sqlite_store(const sqlite_store&) = delete;
    sqlite_store& operator=(const sqlite_store&) = delete;

    initial_state take_initial() override { return std::move(initial_); }
    void commit(batch b, commit_handler done) override;
    void record(delivery_update u) override;
    void load_cluster(std::string instance_no,
                      std::function<void(std::optional<cluster_record>)> done) override;
    void load_pending(std::string notifier,
                      std::function<void(std::vector<delivery_record>)> done) override;
    void flush(std::function<void()> done) override;
    store_health health() const override;
    void on_health_change(std::function<void(const store_health&)> observer) override;

    // Blocks until everything queued was attempted once more and the writer has ended.
    void close() override;

  private:
    struct work_item;

    void open_at_start();
    void load_initial();
    void check_once();
    void enqueue(work_item item);
    void writer_main();
    void run_group(std::deque<work_item>& work, bool closing);
    bool try_commit(std::string& failure);
    void serve(work_item& item);
    // Posts a read's result or a flush marker to the loop, in order behind the commits.
    void answer(std::function<void()> reply);
    void maybe_prune();
    std::chrono::steady_clock::time_point next_wakeup() const;

    boost::asio::any_io_executor executor_;
    sqlite_store_options options_;
    std::shared_ptr<spdlog::logger> log_;
    std::shared_ptr<commit_tracker> tracker_;
    initial_state initial_;

    // Shared with the writer thread, under mutex_.
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<work_item> queue_;
    bool closing_ = false;
    bool closed_ = false;

    // The writer thread's own (also used by the constructor before it starts).
    std::unique_ptr<sqlite::connection> db_;
    std::unique_ptr<write_statements> statements_;
    pending_writes pending_;
    bool failing_ = false;
    duration retry_delay_{};
    std::chrono::steady_clock::time_point retry_at_{};
    std::chrono::steady_clock::time_point prune_at_{};
    std::chrono::steady_clock::time_point last_commit_{};  // when the last group started
    std::size_t dropped_events_ = 0;

    std::thread writer_;
};

}  // namespace sesmon::state
