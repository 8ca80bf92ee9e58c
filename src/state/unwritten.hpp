#pragma once
// unwritten: what the store has been handed and has not yet made durable — the newest truth
// about a cluster or a delivery while the disk does not hold it. Three threads share it:
// - the loop adds each commit and delivery result as it is handed over (coalesced like
//   pending_writes: memory grows with what changed, not with how often);
// - the writer takes what arrived into the group it writes, and forgets the group once it is
//   durable (written()); a group that failed stays, and the next one joins it;
// - the reader answers from it first, then from disk, so a cluster re-added while the disk
//   fails or hangs starts from its latest state, never from "nothing stored".
// Events beyond `event_limit` (give or take a tenth) are dropped oldest first — in what
// arrived and in the group alike, so that a hung disk, which never lets the writer take anything,
// is bounded too. That happens only while the disk fails (a healthy writer takes everything within
// a group window); the events were delivered from memory, only their record is lost.
//
// Thread-safe. writing() alone is the writer thread's, read without the lock: only the writer
// changes the group, and only under the lock.
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "state/pending_writes.hpp"

namespace sesmon::state {

class unwritten {
  public:
    explicit unwritten(std::size_t event_limit) : event_limit_(event_limit) {}

    // The loop. `ticket` 0: nobody waits for this commit. An empty batch with a ticket is a
    // flush marker: its handler runs once everything before it was attempted. True when
    // nothing was waiting to be taken before (the writer needs waking).
    bool add(batch b, std::uint64_t ticket);
    bool add(delivery_update u);

    // The writer.
    bool arrived() const;
    // What arrived joins the group being written; returns the tickets it brought.
    std::vector<std::uint64_t> take();
    const pending_writes& writing() const { return writing_; }
    // The group is durable: forgotten. Counts a generation of what is on disk.
    void written();

    // The reader. `generation` is set to the number of groups written so far, read under the
    // same lock as the answer (a reader of a frozen copy of the disk learns it is stale).
    std::optional<cluster_record> cluster(const std::string& instance_no,
                                          std::uint64_t& generation) const;
    struct for_notifier {
        std::vector<sesmon::event> events;     // routed to it, oldest first
        std::vector<delivery_update> updates;  // its results, newest last
    };
    for_notifier pending_for(const std::string& notifier, std::uint64_t& generation) const;

    // Event records dropped so far (see above).
    std::size_t dropped_events() const;

  private:
    void trim(pending_writes& w);  // under the lock

    mutable std::mutex mutex_;
    pending_writes arrived_;
    std::vector<std::uint64_t> tickets_;
    bool has_arrived_ = false;
    pending_writes writing_;
    std::uint64_t generation_ = 0;
    std::size_t event_limit_;
    std::size_t dropped_ = 0;
};

}  // namespace sesmon::state
