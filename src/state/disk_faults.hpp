#pragma once
// disk_faults: the fault seam of the state directory (LevelDB's ErrorEnv idea) — whether the
// store's files behave like a healthy disk or like one that is read-only, full, failing,
// slow or hung. fault_vfs consults it on every open, write and sync of state.db and its
// journals. Tests set it in the process (set()); the external fault harness (scripts/faults)
// drives a running daemon through a control file named by the environment variable
// SESMON_TEST_DISK_FAULTS — a test hook, read only when that variable is set, never by
// default, never reachable over the network (docs/development.md, "The disk fault seam").
//
// The control file holds one line: `ok` (or nothing, or no file), `read-only`, `full`,
// `io-error`, `slow <milliseconds>` or `hung`. It is re-read at most every 20 ms; anything
// else in it counts as `ok` (problem() says what was wrong).
//
// Thread-safe: set() from a test thread, the rest from any thread SQLite runs on.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace sesmon::state {

enum class disk_fault {
    none,
    read_only,  // opening for writing fails (files open read-only); writes fail with EROFS
    full,       // every write fails with ENOSPC (SQLITE_FULL)
    io_error,   // every write and sync fails with EIO (SQLITE_IOERR)
    slow,       // every sync takes `sync_delay` longer
    hung,       // every write and sync blocks until the mode changes
};

struct disk_fault_setting {
    disk_fault mode = disk_fault::none;
    std::chrono::milliseconds sync_delay{0};  // for `slow`
    friend bool operator==(const disk_fault_setting&, const disk_fault_setting&) = default;
};

// "ok", "read-only", "full", "io-error", "slow 250", "hung" (surrounding blanks ignored);
// nullopt for anything else.
std::optional<disk_fault_setting> parse_disk_fault(std::string_view text);
std::string to_string(const disk_fault_setting& s);

class disk_faults {
  public:
    // Controlled by set() (tests in the process); starts healthy.
    disk_faults() = default;
    // Controlled by the file at `control_file` (the external harness).
    explicit disk_faults(std::filesystem::path control_file);
    disk_faults(const disk_faults&) = delete;
    disk_faults& operator=(const disk_faults&) = delete;

    // In-process control; ignored when a control file is in charge.
    void set(disk_fault_setting s);
    void set(disk_fault mode) { set(disk_fault_setting{mode, {}}); }

    disk_fault_setting current();
    // While the mode is `hung`, blocks (re-checking every 20 ms, or at once on set()); then
    // returns the setting that ended the hang.
    disk_fault_setting wait_while_hung();
    // How many threads wait_while_hung() holds now (tests wait for the hang to bite).
    std::size_t blocked();
    // What was wrong with the control file's content at its last reading ("" if nothing).
    std::string problem();

  private:
    disk_fault_setting read_locked();

    std::optional<std::filesystem::path> control_file_;
    std::mutex mutex_;
    std::condition_variable changed_;
    disk_fault_setting setting_;
    std::chrono::steady_clock::time_point read_at_{};
    std::string problem_;
    std::size_t blocked_ = 0;
};

}  // namespace sesmon::state
