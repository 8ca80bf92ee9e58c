#pragma once
// sqlite_store: the state store in <state.directory>/state.db (SPEC §6). Four parts, each on
// the thread it needs:
// - the loop side (this object, commit_tracker): hands writes over and returns at once;
//   holds commit handlers until their writes are durable; store health, logged once per
//   episode;
// - unwritten: what was handed over and is not durable yet — coalesced, shared;
// - store_writer, the writer thread: group commit (one transaction, one fsync, at most one
//   per `group_window`), retries while the disk fails, history pruning, on one timing rule
//   (writer_schedule);
// - store_reader, the reader thread: reads answered from unwritten, then from disk — never
//   "nothing stored" because the disk failed, never waiting for a hung writer;
// and, once after start, integrity_check on a thread of its own.
//
// Failure (SPEC §6, "a disk that fails"; docs/daemon.md has the table of degraded modes): a
// failed commit keeps its writes in memory and reports the store degraded; commit handlers
// then complete at once with store_errc::degraded so alerts go out from memory; the writer
// retries with backoff (`retry_initial` doubling to `retry_max`) with everything that arrived
// since. A commit not finished after `stuck_after` (a slow or hung disk) releases its handlers
// with store_errc::slow. A state directory that cannot be written at start is a degraded
// start: what was committed is read (its WAL included, database.hpp: committed_view) and the
// writer retries. A state.db of a newer schema is refused: the constructor throws
// schema_too_new, and leaves the file alone.
//
// Construction opens (and if needed creates, migrates, repairs) the database, imports a
// per-file state directory of older versions, and loads the initial state — blocking, before
// the event loop runs. close() makes one last attempt at everything handed over and waits at
// most `close_timeout` for the threads: a hung disk is left behind, never waited for.
#include <boost/asio/any_io_executor.hpp>
#include <filesystem>
#include <functional>
#include <memory>

#include "sesmon/time.hpp"
#include "state/legacy_import.hpp"
#include "state/store.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::state {

class commit_tracker;
class disk_faults;
class fault_vfs;
class integrity_check;
class loop_link;
class store_reader;
class store_writer;
class unwritten;
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
    // When the first step of retention pruning runs (then hourly). Tests shorten it.
    duration prune_first_after = std::chrono::minutes(1);
    // How long close() waits for the last attempt and the threads (a hung disk: no longer).
    duration close_timeout = std::chrono::seconds(2);
    // Events held in memory while the disk fails; older ones lose their record (they were
    // delivered from memory already).
    std::size_t backlog_event_limit = 100000;
    legacy_hooks legacy;
    // The disk fault seam (disk_faults.hpp, fault_vfs.hpp): when set, the writer's
    // connection goes through a VFS that fails as this says. Tests, and the daemon when
    // SESMON_TEST_DISK_FAULTS names a control file; never set otherwise.
    std::shared_ptr<disk_faults> faults;
    // Test seam: called on the integrity check's thread before it reads the file.
    std::function<void()> before_integrity_check;
    // Metrics hooks, called on the writer thread (so they must be thread-safe).
    std::function<void(double seconds)> on_commit;
    std::function<void()> on_error;
};

class sqlite_store final : public store {
  public:
    // Throws schema_too_new (database.hpp) for a state.db of a newer version.
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

    // One last attempt at everything handed over; waits at most `close_timeout`.
    void close() override;

  private:
    // Opens state.db for writing, or reads what it can for a degraded start (then null).
    std::unique_ptr<sqlite::connection> open_at_start();
    std::unique_ptr<sqlite::connection> load_initial();
    void load_read_only();

    boost::asio::any_io_executor executor_;
    sqlite_store_options options_;
    std::shared_ptr<spdlog::logger> log_;
    std::shared_ptr<loop_link> loop_;
    std::shared_ptr<commit_tracker> tracker_;
    std::shared_ptr<unwritten> unwritten_;
    std::shared_ptr<fault_vfs> vfs_;
    initial_state initial_;
    std::unique_ptr<store_writer> writer_;
    std::unique_ptr<store_reader> reader_;
    std::unique_ptr<integrity_check> check_;
    bool closed_ = false;
};

}  // namespace sesmon::state
