// writer_schedule in virtual time: the writer's one timing rule never wakes it again and again
// for nothing, in any mode of the disk, over days — the deterministic half of SPEC §12,
// invariant 4 (sqlite_store_test measures the CPU of the real thread).
#include "state/writer_schedule.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace sesmon::state {
namespace {

using namespace std::chrono_literals;
using time_point = writer_schedule::time_point;

const time_point t0 = time_point{} + 1000h;

// The writer's loop, with a disk that works or not as `disk_ok` says at each attempt and
// nothing arriving: sleeps until next_wake, does what is due, and checks that afterwards
// nothing is due any more. Returns how many times it woke within `span`.
int idle_wakes(writer_schedule& s, time_point from, duration span,
               const std::function<bool(time_point)>& disk_ok) {
    int wakes = 0;
    time_point now = from;
    for (;;) {
        const time_point next = s.next_wake(false);
        EXPECT_GT(next, now) << "woken again at once, after " << wakes << " wakes";
        if (next <= now || next >= from + span)
            return wakes;
        now = next;
        ++wakes;
        if (s.attempt_due(now) && s.failing()) {
            if (disk_ok(now))
                s.attempt_succeeded();
            else
                s.attempt_failed(now);
        }
        if (s.prune_due(now))
            s.pruned(now, false);
    }
}

TEST(writer_schedule_test, a_healthy_idle_writer_wakes_only_to_prune) {
    writer_schedule s({}, t0);
    // The first step after a minute, then one an hour.
    EXPECT_EQ(idle_wakes(s, t0, 24h, [](time_point) { return true; }), 24);
}

TEST(writer_schedule_test, a_failing_idle_writer_wakes_only_to_retry_never_for_the_skipped_prune) {
    writer_schedule s({}, t0);
    s.attempt_failed(t0);  // the disk failed with writes pending
    // Retries at 1, 2, 4, 8, 16 s, then every 30 s; the prune deadline (a minute after start,
    // long past) is not a reason to wake while the disk fails.
    const int wakes = idle_wakes(s, t0, 24h, [](time_point) { return false; });
    EXPECT_LE(wakes, 24 * 3600 / 30 + 5);
    EXPECT_GE(wakes, 24 * 3600 / 30 - 5);
}

TEST(writer_schedule_test, a_degraded_start_retries_and_prunes_once_the_disk_is_back) {
    writer_schedule s({}, t0);
    s.start_failing(t0);
    const time_point back = t0 + 2h;
    const int wakes = idle_wakes(s, t0, 4h, [&](time_point now) { return now >= back; });
    // Two hours of retries (~240), then the prune deadline, long past, once, and hourly.
    EXPECT_FALSE(s.failing());
    EXPECT_LE(wakes, 2 * 3600 / 30 + 5 + 1 + 2);
}

TEST(writer_schedule_test, what_arrives_is_taken_once_per_window_and_at_once_after_a_quiet_spell) {
    writer_schedule::options o;
    o.group_window = 40ms;
    writer_schedule s(o, t0);
    EXPECT_TRUE(s.group_due(true, t0));  // idle since start: at once
    s.group_started(t0);
    s.attempt_succeeded();
    EXPECT_FALSE(s.group_due(true, t0 + 10ms));
    EXPECT_EQ(s.next_wake(true), t0 + 40ms);
    EXPECT_TRUE(s.group_due(true, t0 + 40ms));
    EXPECT_FALSE(s.group_due(false, t0 + 1s));  // nothing arrived: nothing to take
}

TEST(writer_schedule_test, while_failing_what_arrives_is_taken_but_not_attempted_before_the_retry) {
    writer_schedule::options o;
    o.retry_initial = 1s;
    o.retry_max = 30s;
    writer_schedule s(o, t0);
    s.group_started(t0);
    s.attempt_failed(t0);
    EXPECT_TRUE(s.group_due(true, t0 + 100ms));
    EXPECT_FALSE(s.attempt_due(t0 + 100ms));
    EXPECT_TRUE(s.attempt_due(t0 + 1s));
    s.attempt_failed(t0 + 1s);
    EXPECT_EQ(s.next_wake(false), t0 + 3s);  // the delay doubled
    for (int i = 0; i < 10; ++i)
        s.attempt_failed(t0 + 10s);
    EXPECT_EQ(s.retry_delay(), 30s);  // and stops at retry_max
    s.attempt_succeeded();
    EXPECT_EQ(s.retry_delay(), 1s);
}

TEST(writer_schedule_test, rows_left_to_prune_are_pruned_every_second_then_hourly) {
    writer_schedule s({}, t0);
    const time_point first = t0 + 1min;
    EXPECT_EQ(s.next_wake(false), first);
    s.pruned(first, true);
    EXPECT_EQ(s.next_wake(false), first + 1s);
    s.pruned(first + 1s, false);
    EXPECT_EQ(s.next_wake(false), first + 1s + 1h);
}

}  // namespace
}  // namespace sesmon::state
