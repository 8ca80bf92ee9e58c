#pragma once
// writer_schedule: the one timing rule of the store's writer thread. The writer sleeps until
// the earliest of three deadlines, and wakes early only when work arrives or the store closes:
//   group  a commit of what arrived: at most one per `group_window` (the last group's start
//          + window); a deadline only while something has arrived and not been taken;
//   retry  the next attempt after a failed one (backoff: `retry_initial` doubling to
//          `retry_max`); a deadline only while the disk fails;
//   prune  the next step of retention pruning (first `prune_first_after` after start, then
//          every `prune_every`, or `prune_again_after` while rows are left); a deadline only
//          while the disk works.
// Doing (or giving up) the work of a deadline moves that deadline forward, so a deadline in
// the past is work to do now, never a reason to wake again at once: an idle writer, healthy or
// degraded, wakes only for its retries and prune steps (SPEC §12, invariant 4: an idle
// daemon uses ≤ 0.02 core in every degraded mode).
//
// Pure: time is passed in (the writer passes steady_clock::now(); tests pass virtual time).
// Not thread-safe: the writer thread's own.
#include <chrono>

#include "sesmon/time.hpp"

namespace sesmon::state {

class writer_schedule {
  public:
    using time_point = std::chrono::steady_clock::time_point;

    struct options {
        duration group_window = std::chrono::milliseconds(40);
        duration retry_initial = std::chrono::seconds(1);
        duration retry_max = std::chrono::seconds(30);
        duration prune_first_after = std::chrono::minutes(1);
        duration prune_every = std::chrono::hours(1);
        duration prune_again_after = std::chrono::seconds(1);
    };

    writer_schedule(options o, time_point now);

    // When the writer has something to do next: `arrived` says whether work waits to be
    // taken. time_point::max() when nothing will ever be due without new work.
    time_point next_wake(bool arrived) const;

    // At `now`: whether what arrived is taken as a group, whether a commit is attempted (the
    // disk works, or the retry is due), whether a prune step runs.
    bool group_due(bool arrived, time_point now) const;
    bool attempt_due(time_point now) const;
    bool prune_due(time_point now) const;

    void group_started(time_point now);
    void attempt_succeeded();
    void attempt_failed(time_point now);
    // A prune step ran (or failed: rows_left false waits the full period).
    void pruned(time_point now, bool rows_left);
    // The disk fails from the start (the store could not open state.db for writing).
    void start_failing(time_point now);

    bool failing() const { return failing_; }
    duration retry_delay() const { return retry_delay_; }

  private:
    options options_;
    bool failing_ = false;
    duration retry_delay_;
    time_point retry_at_{};
    time_point prune_at_;
    time_point last_group_{};
};

}  // namespace sesmon::state
