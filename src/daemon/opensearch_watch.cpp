#include "daemon/opensearch_watch.hpp"

#include <spdlog/spdlog.h>

#include "common/exceptions.hpp"
#include "opensearch/addresses.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>

namespace sesmon::daemon {

namespace asio = boost::asio;
using std::chrono::steady_clock;

namespace {

// Reads in a row that fail before from_api asks the API for the addresses again.
constexpr int resolve_again_after = 3;

}  // namespace

opensearch_watch::opensearch_watch(std::string cluster_name, cluster_target target,
                                   opensearch_config config, opensearch_watch_deps deps,
                                   on_view callback)
    : name_(std::move(cluster_name)),
      target_(std::move(target)),
      config_(std::move(config)),
      deps_(std::move(deps)),
      callback_(std::move(callback)),
      timer_(deps_.executor) {
    if (!config_.from_api) {
        reader_.emplace(
            *deps_.http,
            opensearch::access{{config_.url}, config_.username, config_.password, deps_.timeout});
    }
}

void opensearch_watch::start() {
    read_now();
}

void opensearch_watch::stop() {
    if (stopped_)
        return;
    stopped_ = true;
    ++generation_;
    timer_.cancel();
    cancel_.emit(asio::cancellation_type::terminal);
}

void opensearch_watch::set_active(bool active) {
    if (stopped_ || active == active_)
        return;
    active_ = active;
    if (!active_) {
        ++generation_;  // the armed wake-up no longer reads
        timer_.cancel();
        return;
    }
    if (!in_flight_)
        arm(ever_read_ ? last_started_ + config_.interval : steady_clock::now());
}

void opensearch_watch::read_now() {
    if (stopped_)
        return;
    if (in_flight_) {
        again_ = true;
        return;
    }
    launch();
}

void opensearch_watch::arm(steady_time at) {
    const std::uint64_t generation = ++generation_;
    timer_.expires_at(at);
    timer_.async_wait([self = shared_from_this(), generation](boost::system::error_code ec) {
        if (ec || self->stopped_ || generation != self->generation_ || self->in_flight_)
            return;
        if (self->active_)
            self->launch();
    });
}

void opensearch_watch::launch() {
    ++generation_;
    timer_.cancel();
    in_flight_ = true;
    again_ = false;
    last_started_ = steady_clock::now();
    auto self = shared_from_this();
    asio::co_spawn(deps_.executor, read_once(),
                   asio::bind_cancellation_slot(cancel_.slot(), [self](std::exception_ptr error) {
                       self->after_read(error);
                   }));
}

void opensearch_watch::after_read(std::exception_ptr error) {
    in_flight_ = false;
    if (stopped_)
        return;  // a cancelled read ends with operation_aborted: nothing to report
    if (error) {
        const std::string what = common::exception_text(error);
        deps_.logger->error("cluster {}: reading the OpenSearch view failed inside the daemon: {}",
                            name_, what);
        take({std::nullopt, "internal error: " + what});
    }
    if (again_) {
        launch();
    } else if (active_) {
        arm(last_started_ + config_.interval);
    }
}

asio::awaitable<std::string> opensearch_watch::resolve() {
    auto finding = opensearch::find_access(*deps_.details, target_, config_, deps_.timeout);
    auto found = co_await std::move(finding);
    if (!found.found)
        co_return found.error;
    deps_.logger->info("cluster {}: OpenSearch view at {} address(es) (from the API)", name_,
                       found.found->base_urls.size());
    reader_.emplace(*deps_.http, std::move(*found.found));
    co_return "";
}

asio::awaitable<void> opensearch_watch::read_once() {
    auto permit = co_await deps_.limiter->acquire();
    if (stopped_)
        co_return;
    // Every resolve_again_after-th failure in a row asks the API again.
    const bool stale = failures_ > 0 && failures_ % resolve_again_after == 0;
    if (config_.from_api && (!reader_ || stale)) {
        auto resolving = resolve();
        if (std::string problem = co_await std::move(resolving); !problem.empty()) {
            if (!stopped_)
                take({std::nullopt, problem});
            co_return;
        }
    }
    auto reading = reader_->read(deps_.clock->now());
    auto outcome = co_await std::move(reading);
    permit.release();
    if (!stopped_)
        take(std::move(outcome));
}

void opensearch_watch::take(opensearch::read_outcome outcome) {
    ++reads_;
    ever_read_ = true;
    const bool was_failing = failures_ > 0;
    if (outcome.reading) {
        if (was_failing)
            deps_.logger->info("cluster {}: the OpenSearch view answers again", name_);
        failures_ = 0;
        state_.reading = std::move(outcome.reading);
        state_.error.clear();
    } else {
        // One line per episode (SPEC §12, invariant 8); repeats go to debug.
        deps_.logger->log(was_failing ? spdlog::level::debug : spdlog::level::warn,
                          "cluster {}: OpenSearch view unavailable: {} (shown as such; alerts "
                          "do not change)",
                          name_, outcome.error);
        ++failures_;
        state_.reading.reset();
        state_.error = std::move(outcome.error);
    }
    callback_(state_);
}

}  // namespace sesmon::daemon
