#include "notify/delivery_lane.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/time_format.hpp"
#include "notify/format_pagerduty.hpp"
#include "notify/retry_policy.hpp"

namespace sesmon::notify {

namespace asio = boost::asio;

namespace {

// Node, when the event is about one, for log lines: " node x".
std::string node_part(const event& e) {
    return e.node ? " node " + e.node->hostname : std::string();
}

}  // namespace

delivery_lane::delivery_lane(asio::any_io_executor executor, notifier_config config,
                             std::shared_ptr<notifier> instance, std::filesystem::path state_dir,
                             sesmon::clock& clock, std::shared_ptr<spdlog::logger> logger,
                             std::size_t max_in_flight,
                             std::shared_ptr<std::function<double()>> random)
    : executor_(std::move(executor)),
      config_(std::move(config)),
      notifier_(std::move(instance)),
      state_dir_(std::move(state_dir)),
      clock_(clock),
      logger_(std::move(logger)),
      max_in_flight_(std::max<std::size_t>(1, max_in_flight)),
      random_(std::move(random)),
      outbox_(state_dir_, config_.name, logger_) {}

void delivery_lane::load() {
    auto entries = outbox_.load();
    if (!entries.empty()) {
        logger_->info("notify {}: resuming {} pending deliveries from {}", config_.name,
                      entries.size(), outbox_.directory().string());
    }
    for (auto& entry : entries) {
        const std::string cluster = entry.event.cluster.name;
        queues_[cluster].entries.push_back(std::move(entry));
        ++pending_;
    }
}

bool delivery_lane::accepts(event_type type) const {
    if (config_.type == notifier_type::webhook && config_.format == webhook_format::pagerduty &&
        !accepted_by_pagerduty(type)) {
        return false;
    }
    if (config_.events.empty()) {
        return type != event_type::node_changed;  // the documented default
    }
    return std::find(config_.events.begin(), config_.events.end(), type) != config_.events.end();
}

void delivery_lane::enqueue(const event& e) {
    std::error_code ec;
    outbox_entry entry = outbox_.put(e, ec);
    if (ec) {
        logger_->error(
            "notify {}: cannot persist {} for cluster {} in {}: {} (delivering from memory)",
            config_.name, to_string(e.type), e.cluster.name, outbox_.directory().string(),
            ec.message());
    }
    cluster_queue& queue = queues_[e.cluster.name];
    queue.entries.push_back(std::move(entry));
    ++pending_;
    if (started_ && !closed_ && !queue.worker_running) {
        spawn_worker(e.cluster.name);
    }
}

void delivery_lane::start() {
    started_ = true;
    for (auto& [cluster, queue] : queues_) {
        if (!queue.entries.empty() && !queue.worker_running && !closed_) {
            spawn_worker(cluster);
        }
    }
}

void delivery_lane::close() {
    closed_ = true;
    for (auto& [cluster, queue] : queues_) {
        if (queue.cancel) {
            queue.cancel->emit(asio::cancellation_type::terminal);
        }
    }
    for (auto& waiter : slot_waiters_) {
        waiter->cancel();
    }
    slot_waiters_.clear();
}

void delivery_lane::update(notifier_config config, std::shared_ptr<notifier> instance) {
    config_ = std::move(config);
    notifier_ = std::move(instance);
}

notifier_counters delivery_lane::counters() const {
    notifier_counters out = counters_;
    out.pending = pending_;
    return out;
}

void delivery_lane::spawn_worker(const std::string& cluster) {
    cluster_queue& queue = queues_[cluster];
    queue.worker_running = true;
    auto signal = std::make_shared<asio::cancellation_signal>();
    queue.cancel = signal;
    asio::co_spawn(
        executor_, drain(cluster),
        asio::bind_cancellation_slot(signal->slot(), [self = shared_from_this(), signal,
                                                      cluster](const std::exception_ptr& error) {
            if (!error) {
                return;
            }
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                self->logger_->error("notify {}: delivery for cluster {} stopped: {}",
                                     self->config_.name, cluster, e.what());
            }
        }));
}

asio::awaitable<bool> delivery_lane::acquire_slot() {
    while (in_flight_ >= max_in_flight_ && !closed_) {
        auto waiter =
            std::make_shared<asio::steady_timer>(executor_, asio::steady_timer::time_point::max());
        slot_waiters_.push_back(waiter);
        co_await waiter->async_wait(asio::as_tuple(asio::use_awaitable));
        auto it = std::find(slot_waiters_.begin(), slot_waiters_.end(), waiter);
        if (it != slot_waiters_.end()) {
            slot_waiters_.erase(it);
        }
    }
    if (closed_) {
        co_return false;
    }
    ++in_flight_;
    co_return true;
}

void delivery_lane::release_slot() {
    --in_flight_;
    if (!slot_waiters_.empty()) {
        slot_waiters_.front()->cancel();
        slot_waiters_.pop_front();
    }
}

void delivery_lane::finish(const std::string& cluster, const outbox_entry& entry) {
    outbox_.remove(entry);
    cluster_queue& queue = queues_[cluster];
    if (!queue.entries.empty() && queue.entries.front().sequence == entry.sequence) {
        queue.entries.pop_front();
        --pending_;
    }
}

void delivery_lane::dead_letter(const std::string& cluster, const outbox_entry& entry,
                                const std::string& reason) {
    const event& e = entry.event;
    logger_->error("notify {}: dead-lettered {} for cluster {}{}: {}", config_.name,
                   to_string(e.type), cluster, node_part(e), reason);
    if (auto ec = append_dead_letter(state_dir_, config_.name, e, reason, clock_.wall_now())) {
        // Keep the event in the outbox rather than lose it; it is retried at the next start.
        logger_->error("notify {}: cannot write the dead-letter file: {}; event {} stays in {}",
                       config_.name, ec.message(), e.id, outbox_.directory().string());
        cluster_queue& queue = queues_[cluster];
        queue.entries.pop_front();
        --pending_;
    } else {
        finish(cluster, entry);
    }
    ++counters_.dead_lettered;
}

asio::awaitable<void> delivery_lane::drain(std::string cluster) {
    auto self = shared_from_this();  // the lane outlives this worker
    // close() cancels this worker: its waits then end with an error code, not an exception.
    co_await asio::this_coro::throw_if_cancelled(false);
    int failures = 0;
    asio::steady_timer backoff(executor_);
    while (!closed_) {
        auto it = queues_.find(cluster);
        if (it == queues_.end() || it->second.entries.empty()) {
            break;
        }
        const outbox_entry entry = it->second.entries.front();
        const event& e = entry.event;
        if (expired(config_.retry, e.occurred_at, clock_.wall_now())) {
            dead_letter(cluster, entry, "expired");
            failures = 0;
            continue;
        }
        if (!co_await acquire_slot()) {
            break;
        }
        std::shared_ptr<notifier> instance = notifier_;
        const steady_time began = clock_.steady_now();
        delivery_outcome outcome;
        try {
            outcome = co_await instance->deliver(e);
        } catch (const std::exception& error) {
            outcome.result = delivery_outcome::kind::retry;
            outcome.detail = std::string("attempt failed: ") + error.what();
        }
        release_slot();
        if (outcome.latency == duration::zero()) {
            outcome.latency = std::chrono::duration_cast<duration>(clock_.steady_now() - began);
        }
        switch (outcome.result) {
            case delivery_outcome::kind::delivered:
                logger_->info("notify {}: delivered {} for cluster {}{} ({}, {})", config_.name,
                              to_string(e.type), cluster, node_part(e), outcome.detail,
                              common::format_duration(outcome.latency));
                ++counters_.delivered;
                finish(cluster, entry);
                failures = 0;
                break;
            case delivery_outcome::kind::rejected:
                dead_letter(cluster, entry, outcome.detail);
                failures = 0;
                break;
            case delivery_outcome::kind::retry: {
                if (closed_) {
                    logger_->info(
                        "notify {}: stopped; {} for cluster {}{} stays in the outbox ({})",
                        config_.name, to_string(e.type), cluster, node_part(e), outcome.detail);
                    break;
                }
                ++failures;
                ++counters_.retried;
                const duration delay =
                    backoff_delay(config_.retry, failures, (*random_)(), outcome.retry_after);
                logger_->warn("notify {}: {} for cluster {}{} not delivered ({}); retry {} in {}",
                              config_.name, to_string(e.type), cluster, node_part(e),
                              outcome.detail, failures, common::format_duration(delay));
                backoff.expires_after(delay);
                co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
                break;
            }
        }
    }
    auto it = queues_.find(cluster);
    if (it != queues_.end()) {
        it->second.worker_running = false;
        it->second.cancel.reset();
        if (it->second.entries.empty()) {
            queues_.erase(it);
        } else if (started_ && !closed_) {
            spawn_worker(cluster);  // only reachable if a wake raced the exit; keep going
        }
    }
}

}  // namespace sesmon::notify
