#include "state/writer_schedule.hpp"

#include <algorithm>

namespace sesmon::state {

writer_schedule::writer_schedule(options o, time_point now)
    : options_(o),
      retry_delay_(o.retry_initial),
      prune_at_(now + o.prune_first_after),
      last_group_(now - o.group_window) {}

writer_schedule::time_point writer_schedule::next_wake(bool arrived) const {
    time_point at = time_point::max();
    if (arrived)
        at = std::min(at, last_group_ + options_.group_window);
    at = std::min(at, failing_ ? retry_at_ : prune_at_);
    return at;
}

bool writer_schedule::group_due(bool arrived, time_point now) const {
    return arrived && now >= last_group_ + options_.group_window;
}

bool writer_schedule::attempt_due(time_point now) const {
    return !failing_ || now >= retry_at_;
}

bool writer_schedule::prune_due(time_point now) const {
    return !failing_ && now >= prune_at_;
}

void writer_schedule::group_started(time_point now) {
    last_group_ = now;
}

void writer_schedule::attempt_succeeded() {
    failing_ = false;
    retry_delay_ = options_.retry_initial;
}

void writer_schedule::attempt_failed(time_point now) {
    failing_ = true;
    retry_at_ = now + retry_delay_;
    retry_delay_ = std::min(retry_delay_ * 2, options_.retry_max);
}

void writer_schedule::pruned(time_point now, bool rows_left) {
    prune_at_ = now + (rows_left ? options_.prune_again_after : options_.prune_every);
}

void writer_schedule::start_failing(time_point now) {
    attempt_failed(now);
}

}  // namespace sesmon::state
