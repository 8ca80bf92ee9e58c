#include "monitor/cluster_watcher.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/system/error_code.hpp>

#include "common/exceptions.hpp"

namespace sesmon::monitor {

namespace asio = boost::asio;
using std::chrono::steady_clock;

cluster_watcher::cluster_watcher(asio::any_io_executor executor, progress_source& source,
                                 rate_limiter& limiter, const sesmon::clock& clock,
                                 random_engine& rng, poll_handler& handler,
                                 std::shared_ptr<spdlog::logger> logger, watcher_options options)
    : executor_(std::move(executor)),
      source_(source),
      limiter_(limiter),
      clock_(clock),
      rng_(rng),
      handler_(handler),
      logger_(std::move(logger)),
      options_(std::move(options)),
      timer_(executor_) {}

void cluster_watcher::start(std::function<void()> on_exit) {
    if (running_)
        return;
    running_ = true;
    on_exit_ = std::move(on_exit);
    const auto spread = options_.first_poll_spread;
    arm(steady_clock::now() +
        duration(static_cast<duration::rep>(static_cast<double>(spread.count()) * draw())));
    wait();
}

void cluster_watcher::wait() {
    timer_.async_wait([self = shared_from_this()](boost::system::error_code) { self->wake(); });
}

void cluster_watcher::wake() {
    if (stopping_)
        return finish();
    // A re-arm (update, poll_now) aborts the wait; keep waiting until the current expiry.
    if (steady_clock::now() < timer_.expiry())
        return wait();
    auto self = shared_from_this();
    asio::co_spawn(executor_, poll_once(),
                   asio::bind_cancellation_slot(cancel_.slot(), [self](std::exception_ptr error) {
                       self->after_poll(error);
                   }));
}

void cluster_watcher::after_poll(std::exception_ptr error) {
    if (stopping_)
        return finish();  // a cancelled poll ends with operation_aborted: nothing to report
    if (error) {
        // The source returns errors as values: what is thrown here is a bug or an exhausted
        // resource. It must not end this cluster's monitoring: a failed poll, retried.
        const std::string what = common::exception_text(error);
        logger_->error("cluster {}: the poll failed inside the daemon: {}", name(), what);
        on_failed_poll({api_error_kind::invalid_response, 0, "", "internal error: " + what},
                       duration::zero());
    }
    last_poll_at_ = steady_clock::now();
    arm(last_poll_at_ + next_delay());
    wait();
}

void cluster_watcher::finish() {
    running_ = false;
    if (auto on_exit = std::exchange(on_exit_, nullptr))
        on_exit();
}

void cluster_watcher::stop() {
    if (stopping_)
        return;
    stopping_ = true;
    timer_.cancel();
    cancel_.emit(asio::cancellation_type::terminal);
}

void cluster_watcher::update(const polling_config& polling) {
    if (polling == options_.polling)
        return;
    options_.polling = polling;
    if (!running_ || stopping_ || polls_ == 0)
        return;
    const auto candidate = last_poll_at_ + next_delay();
    if (candidate < timer_.expiry())
        arm(candidate);
}

void cluster_watcher::poll_now() {
    if (running_ && !stopping_)
        arm(steady_clock::now());
}

double cluster_watcher::draw() {
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

void cluster_watcher::arm(steady_time at) {
    if (const auto grid = options_.schedule_grid; grid > duration::zero()) {
        const auto since_epoch = at.time_since_epoch();
        const auto rest = since_epoch % grid;
        if (rest != since_epoch.zero())
            at += grid - rest;
    }
    next_poll_at_ = at;
    timer_.expires_at(at);  // cancels a pending wait; run() then waits for the new time
}

duration cluster_watcher::next_delay() {
    const auto& p = options_.polling;
    if (failures_ > 0 && last_error_) {
        const backoff_policy policy{options_.initial_backoff, p.max_backoff, options_.min_backoff};
        return delay_after_error(*last_error_, policy, failures_, draw());
    }
    return jittered(in_progress_ ? p.interval : p.idle_interval, p.jitter, draw());
}

asio::awaitable<void> cluster_watcher::poll_once() {
    auto permit = co_await limiter_.acquire();
    if (stopping_)
        co_return;
    // next_poll_at_ is the time the timer was armed for (arm() also runs on poll_now/update).
    handler_.on_poll_started(
        std::chrono::duration_cast<duration>(steady_clock::now() - next_poll_at_));
    const auto started = clock_.steady_now();
    auto result = co_await source_.fetch_progress(options_.target);
    permit.release();
    const auto elapsed = std::chrono::duration_cast<duration>(clock_.steady_now() - started);
    ++polls_;
    if (stopping_)
        co_return;
    if (result) {
        if (failures_ > 0) {
            logger_->info("cluster {}: poll succeeded again after {} failed attempt(s)",
                          options_.name, failures_);
        }
        failures_ = 0;
        last_error_.reset();
        try {
            in_progress_ = handler_.on_success(*result, elapsed);
        } catch (const std::exception& e) {
            // A bug or an exhausted resource while handling a good answer must not end this
            // cluster's monitoring in silence: it is a failed poll, retried with backoff,
            // and the blind alert names it if it lasts.
            logger_->error("cluster {}: the API's answer could not be handled: {}", name(),
                           e.what());
            on_failed_poll({api_error_kind::invalid_response, 0, "",
                            std::string("the answer could not be handled: ") + e.what()},
                           elapsed);
        }
        co_return;
    }
    on_failed_poll(result.error(), elapsed);
}

void cluster_watcher::on_failed_poll(const api_error& error, duration elapsed) {
    // One line when the failure starts or changes kind; repeats go to debug.
    const bool news = failures_ == 0 || !last_error_ || last_error_->kind != error.kind ||
                      last_error_->http_status != error.http_status;
    ++failures_;
    last_error_ = error;
    logger_->log(news ? spdlog::level::warn : spdlog::level::debug,
                 "cluster {}: poll failed ({}{}): {}", options_.name, to_string(error.kind),
                 error.http_status ? " HTTP " + std::to_string(error.http_status) : std::string(),
                 error.message);
    try {
        handler_.on_failure(error, elapsed);
    } catch (const std::exception& e) {
        logger_->error("cluster {}: a failed poll could not be handled: {}", name(), e.what());
    }
}

}  // namespace sesmon::monitor
