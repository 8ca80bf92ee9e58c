#pragma once
// store_writer: the store's writer thread. It owns the write connection, takes what arrived
// (unwritten) as one group and commits it as one transaction and one fsync, however many
// clusters, events and delivery results it holds (group commit: LevelDB's DBImpl::Write);
// keeps a group that failed in memory and retries it, with everything that arrived since,
// while the disk fails; and prunes the history in small steps — all on writer_schedule's one
// timing rule. Results reach the loop's commit_tracker through the loop_link.
//
// close() makes one last attempt at everything that arrived and ends the thread, waiting at
// most `max_wait` for it: a hung disk leaves the thread behind, cut off from the loop (it owns
// what it touches), and the process exits without it (SPEC §12, invariant 5).
//
// Threading: the constructor, wake() and close() from the loop's thread.
#include <filesystem>
#include <functional>
#include <memory>

#include "sesmon/time.hpp"
#include "state/worker_thread.hpp"
#include "state/writer_schedule.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::state {

class commit_tracker;
class fault_vfs;
class loop_link;
class unwritten;
namespace sqlite {
class connection;
}

class store_writer {
  public:
    struct options {
        std::filesystem::path directory;
        writer_schedule::options timing;
        duration history_retention = std::chrono::hours(24 * 400);
        // Called on the writer thread (thread-safe metrics).
        std::function<void(double seconds)> on_commit;
        std::function<void()> on_error;
    };
    // What the writer shares with the rest of the store.
    struct links {
        std::shared_ptr<unwritten> writes;
        std::shared_ptr<loop_link> loop;
        std::shared_ptr<commit_tracker> tracker;  // touched only in posts to the loop
        std::shared_ptr<fault_vfs> vfs;           // null: SQLite's default VFS
        std::shared_ptr<spdlog::logger> log;
    };

    // `db`: the connection opened at start, or null after a degraded start (the writer opens
    // it at its first retry).
    store_writer(options o, links l, std::unique_ptr<sqlite::connection> db);
    ~store_writer();
    store_writer(const store_writer&) = delete;
    store_writer& operator=(const store_writer&) = delete;

    // Something arrived in `writes` while nothing was waiting to be taken.
    void wake();

    // The last attempt, then the thread ends; false when it did not end within `max_wait`
    // (it was left behind). Idempotent.
    bool close(duration max_wait);

  private:
    struct core;
    std::shared_ptr<core> core_;
    worker_thread thread_;
};

}  // namespace sesmon::state
