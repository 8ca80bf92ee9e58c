#pragma once
// store_reader: the store's reads — the state of a cluster a reload adds, the pending
// deliveries of a notifier it adds — on a thread of their own, answered from what the store
// holds unwritten first, then from disk. So a read sees every write handed over before it
// whether the disk works, fails or hangs (the writer may be stuck in an fsync: reads never
// wait for it), and a cluster re-added during an outage resumes where it stopped.
//
// Disk reads go through a committed_view (database.hpp): a live read-only connection where
// SQLite allows one, else a frozen copy of what was committed — replaced once the writer has
// written anything since.
//
// Answers reach the loop through the commit_tracker, behind the commit handlers handed over
// before them. Threading: every call from the loop's thread.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sesmon/time.hpp"
#include "state/records.hpp"
#include "state/worker_thread.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::state {

class commit_tracker;
class loop_link;
class unwritten;

class store_reader {
  public:
    store_reader(std::filesystem::path directory, std::shared_ptr<unwritten> writes,
                 std::shared_ptr<loop_link> loop, std::shared_ptr<commit_tracker> tracker,
                 std::shared_ptr<spdlog::logger> log);
    ~store_reader();
    store_reader(const store_reader&) = delete;
    store_reader& operator=(const store_reader&) = delete;

    void load_cluster(std::string instance_no,
                      std::function<void(std::optional<cluster_record>)> done);
    void load_pending(std::string notifier, std::function<void(std::vector<delivery_record>)> done);

    // Reads still queued are answered as if nothing were stored; the thread ends after the one
    // in progress. False when it did not end within `max_wait` (left behind, cut off).
    bool close(duration max_wait);

  private:
    struct core;
    std::shared_ptr<core> core_;
    worker_thread thread_;
};

}  // namespace sesmon::state
