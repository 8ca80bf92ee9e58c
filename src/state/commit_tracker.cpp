#include "state/commit_tracker.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "common/time_format.hpp"

namespace sesmon::state {
namespace asio = boost::asio;

commit_tracker::commit_tracker(asio::any_io_executor executor, duration stuck_after,
                               std::shared_ptr<spdlog::logger> log)
    : executor_(std::move(executor)),
      stuck_after_(stuck_after),
      log_(std::move(log)),
      watchdog_(executor_) {}

std::uint64_t commit_tracker::wait(store::commit_handler done) {
    if (closed_ || failing_ || slow_) {
        const std::error_code ec = closed_ ? make_error_code(store_errc::closed)
                                   : slow_ ? make_error_code(store_errc::slow)
                                           : make_error_code(store_errc::degraded);
        if (done)
            hand_over(std::move(done), ec);
        return 0;
    }
    const std::uint64_t ticket = next_ticket_++;
    if (done) {
        waiting_.emplace(ticket, waiting{std::move(done), std::chrono::steady_clock::now()});
        arm_watchdog();
    }
    return ticket;
}

void commit_tracker::completed(const std::vector<std::uint64_t>& tickets,
                               const std::string& failure) {
    const std::error_code ec =
        failure.empty() ? std::error_code() : make_error_code(store_errc::degraded);
    for (std::uint64_t ticket : tickets) {
        auto it = waiting_.find(ticket);
        if (it == waiting_.end())
            continue;  // released earlier (slow disk, close): its handler already ran
        hand_over(std::move(it->second.done), ec);
        waiting_.erase(it);
    }
}

void commit_tracker::run_in_order(std::function<void()> answer) {
    ready_.push_back(std::move(answer));
    if (run_posted_)
        return;
    run_posted_ = true;
    asio::post(executor_, [self = shared_from_this()] { self->run_ready(); });
}

void commit_tracker::hand_over(store::commit_handler done, std::error_code ec) {
    run_in_order([done = std::move(done), ec] { done(ec); });
}

void commit_tracker::run_ready() {
    // Long enough that the post per slice costs nothing, short enough that a scrape or a
    // socket waiting behind it does not notice.
    constexpr auto slice = std::chrono::milliseconds(2);
    run_posted_ = false;
    const auto until = std::chrono::steady_clock::now() + slice;
    while (!ready_.empty()) {
        auto next = std::move(ready_.front());
        ready_.pop_front();
        next();
        if (!ready_.empty() && std::chrono::steady_clock::now() >= until) {
            run_posted_ = true;
            asio::post(executor_, [self = shared_from_this()] { self->run_ready(); });
            return;
        }
    }
}

void commit_tracker::report(const write_attempt& a) {
    if (closed_)
        return;
    if (!a.ok) {
        slow_ = false;
        failing_ = true;
        failure_ = a.failure;
        // Handlers of writes the failed group did not hold must not wait for the retry.
        release_all(make_error_code(store_errc::degraded));
        set_health({true, failure_});
        return;
    }
    failing_ = false;
    slow_ = a.took >= stuck_after_;
    if (slow_) {
        release_all(make_error_code(store_errc::slow));
        set_health({true, slow_reason()});
    } else {
        set_health(healthy());
    }
}

void commit_tracker::report_damaged(const std::string& problem) {
    if (closed_)
        return;
    damaged_ = "state.db is damaged (" + problem + "); it is moved aside at the next start";
    if (health_.degraded)  // an episode already said its line: this is news of its own
        log_->error("state: {}", damaged_);
    else
        set_health(healthy());
}

void commit_tracker::events_dropped(std::size_t total) {
    dropped_total_ = total;
    if (dropped_said_ || closed_)
        return;
    dropped_said_ = true;
    log_->warn(
        "state: the disk has failed for long enough that event records are dropped from "
        "memory, oldest first ({} so far); they were delivered, only their record is lost",
        total - dropped_before_episode_);
}

store_health commit_tracker::healthy() const {
    if (damaged_.empty())
        return {};
    return {true, damaged_};
}

std::string commit_tracker::slow_reason() const {
    return "writes take longer than " + common::format_duration(stuck_after_) +
           " (slow or hung disk)";
}

void commit_tracker::start_degraded(const std::string& failure) {
    failing_ = true;
    failure_ = failure;
    set_health({true, failure_});
}

void commit_tracker::close() {
    closed_ = true;
    watchdog_.cancel();
    // Everything still waiting runs now, in order: nothing is left for a later turn.
    release_all(make_error_code(store_errc::closed));
    while (!ready_.empty()) {
        auto next = std::move(ready_.front());
        ready_.pop_front();
        next();
    }
}

void commit_tracker::arm_watchdog() {
    if (watchdog_armed_ || closed_)
        return;
    watchdog_armed_ = true;
    watchdog_.expires_after(std::max<duration>(stuck_after_ / 4, std::chrono::milliseconds(10)));
    watchdog_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        self->watchdog_armed_ = false;
        if (!ec)
            self->check_stuck();
    });
}

void commit_tracker::check_stuck() {
    if (waiting_.empty() || closed_)
        return;
    const auto oldest = waiting_.begin()->second.since;  // tickets grow with time
    if (std::chrono::steady_clock::now() - oldest < stuck_after_) {
        arm_watchdog();
        return;
    }
    slow_ = true;
    release_all(make_error_code(store_errc::slow));
    set_health({true, slow_reason()});
}

void commit_tracker::release_all(std::error_code ec) {
    auto released = std::move(waiting_);
    waiting_.clear();
    for (auto& [ticket, w] : released)
        hand_over(std::move(w.done), ec);
}

void commit_tracker::set_health(store_health next) {
    // At most this many "still degraded" lines per episode, whatever the disk says.
    constexpr std::size_t reasons_logged = 3;
    if (next == health_)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (next.degraded && !health_.degraded) {
        degraded_since_ = now;
        reasons_said_ = {next.reason};
        dropped_before_episode_ = dropped_total_;
        dropped_said_ = false;
        log_->error(
            "state store degraded: {}; polling and alerting continue from memory, "
            "writes are retried",
            next.reason);
    } else if (next.degraded) {
        if (reasons_said_.size() < reasons_logged + 1 && reasons_said_.insert(next.reason).second)
            log_->warn("state store still degraded, now: {}", next.reason);
    } else {
        const std::size_t dropped = dropped_total_ - dropped_before_episode_;
        log_->info(
            "state store recovered after {}: the writes held in memory are on disk{}",
            common::format_duration(std::chrono::duration_cast<duration>(now - degraded_since_)),
            dropped > 0 ? " (" + std::to_string(dropped) + " event record(s) were dropped)"
                        : std::string());
    }
    health_ = std::move(next);
    if (observer_)
        observer_(health_);
}

}  // namespace sesmon::state
