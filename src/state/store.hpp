#pragma once
// store: the durable per-cluster state (SPEC §6) — one JSON file per cluster,
// <directory>/clusters/<instance_no>.json, holding monitor::cluster_state.
//
// Writes are atomic (temp file, fsync, rename, fsync directory: common::write_file_atomically)
// and coalesced: the daemon calls mark_dirty() whenever a tracker's state changed and
// flush() on a timer (e.g. every second) and at shutdown, so each changed cluster costs at
// most one write per flush however often it changed.
//
// A state file that cannot be read or parsed never stops the daemon: load() renames it to
// <file>.corrupt-<unix seconds>, logs a warning and returns a fresh state.
//
// Not thread-safe: one owner (the daemon's event loop). I/O errors are logged and reported
// as values; only the constructor throws (the state directory cannot be created).
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "monitor/cluster_state.hpp"
#include "sesmon/clock.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::state {

class store {
  public:
    // Creates `directory` and its clusters/ subdirectory (mode 0700) when missing and
    // removes temp files a crash left behind. `clk` names corrupt files; both `log` and
    // `clk` must outlive the store. Throws std::system_error if the directories cannot be
    // created.
    store(std::filesystem::path directory, std::shared_ptr<spdlog::logger> log, const clock& clk);

    // The saved state of the cluster, or cluster_state{} when there is none. Unreadable,
    // unparsable, other-format or other-cluster files are moved aside (warning) and a
    // fresh state is returned. Never throws for file contents or I/O errors.
    monitor::cluster_state load(const std::string& instance_no);

    // Writes the cluster's state now. False (and an error log line) if the write failed.
    bool save(const std::string& instance_no, const monitor::cluster_state& state);

    // Remembers `state` as the cluster's latest; the next flush() writes it (a later
    // mark_dirty of the same cluster before the flush replaces it).
    void mark_dirty(const std::string& instance_no, const monitor::cluster_state& state);

    // Forgets a pending write (the cluster was removed from the configuration). Its file
    // stays, so re-adding the cluster later resumes without repeating events.
    void discard(const std::string& instance_no);

    // Writes every cluster marked since the last flush, once each. Returns how many were
    // written; failed ones stay pending for the next flush, with one error line per flush.
    std::size_t flush();

    std::size_t pending() const { return dirty_.size(); }

    // Where the cluster's state lives. Instance numbers that are not plain
    // [A-Za-z0-9_-] (≤ 64 chars) are hashed, so a name can never leave clusters/.
    std::filesystem::path file_of(const std::string& instance_no) const;

  private:
    void move_aside(const std::filesystem::path& file, const std::string& reason);

    std::filesystem::path clusters_dir_;
    std::shared_ptr<spdlog::logger> log_;
    const clock& clock_;
    std::map<std::string, monitor::cluster_state> dirty_;
};

}  // namespace sesmon::state
