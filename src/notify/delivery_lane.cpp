#include "notify/delivery_lane.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <unordered_set>

#include "common/time_format.hpp"
#include "notify/digest.hpp"
#include "notify/retry_policy.hpp"
#include "state/store.hpp"

namespace sesmon::notify {

namespace asio = boost::asio;

namespace {

// Node, when the event is about one, for log lines: " node x"; a digest's size.
std::string node_part(const event& e) {
    if (!e.digest.empty())
        return " (digest of " + std::to_string(e.digest.size()) + ")";
    return e.node ? " node " + e.node->hostname : std::string();
}

}  // namespace

delivery_lane::delivery_lane(asio::any_io_executor executor, notifier_config config,
                             std::shared_ptr<notifier> instance, state::store& store,
                             sesmon::clock& clock, std::shared_ptr<spdlog::logger> logger,
                             std::size_t max_in_flight,
                             std::shared_ptr<std::function<double()>> random)
    : executor_(std::move(executor)),
      config_(std::move(config)),
      notifier_(std::move(instance)),
      store_(store),
      clock_(clock),
      logger_(std::move(logger)),
      max_in_flight_(std::max<std::size_t>(1, max_in_flight)),
      random_(std::move(random)) {}

void delivery_lane::expect_load() {
    loading_ = true;
}

void delivery_lane::load(std::vector<state::delivery_record> rows) {
    if (!rows.empty()) {
        logger_->info("notify {}: resuming {} pending deliveries", config_.name, rows.size());
    }
    // Rows are older than anything enqueued while they were read: they go first.
    auto later = std::move(queues_);
    queues_.clear();
    pending_ = 0;
    std::unordered_set<std::string> queued_ids;
    for (state::delivery_record& row : rows) {
        queued_ids.insert(row.event.id);
        push({std::move(row.event), row.attempts, row.next_attempt});
    }
    for (auto& [cluster, queue] : later) {
        for (queued& entry : queue.entries) {
            if (queued_ids.insert(entry.event.id).second)
                push(std::move(entry));
        }
    }
    loading_ = false;
    if (can_run())
        start();
}

void delivery_lane::push(queued entry) {
    const std::string cluster = entry.event.cluster.name;
    cluster_queue& queue = queues_[cluster];
    queue.entries.push_back(std::move(entry));
    ++pending_;
    if (queue.digest_wait)
        queue.digest_wait->cancel();  // a digest goes before what was queued behind it
    if (can_run() && !queue.worker_running)
        spawn_worker(cluster);
}

void delivery_lane::enqueue(const event& e) {
    // A lane added by a reload reads its pending rows while events are committed: a read that
    // sees a commit before the commit's handler enqueued it (the store answers reads from
    // what is not yet on disk too) already queued the event — or even finished it. Once is
    // enough.
    if (recently_finished_.contains(e.id))
        return;
    if (const auto it = queues_.find(e.cluster.name); it != queues_.end()) {
        const auto& entries = it->second.entries;
        if (std::any_of(entries.begin(), entries.end(),
                        [&](const queued& q) { return q.event.id == e.id; }))
            return;
    }
    push({e, 0, std::nullopt});
}

void delivery_lane::start() {
    started_ = true;
    if (!can_run())
        return;
    // A worker may run at once (co_spawn dispatches) and change queues_: names first.
    std::vector<std::string> idle;
    for (const auto& [cluster, queue] : queues_) {
        if (!queue.entries.empty() && !queue.worker_running)
            idle.push_back(cluster);
    }
    for (const std::string& cluster : idle)
        spawn_worker(cluster);
}

void delivery_lane::close() {
    closed_ = true;
    for (auto& [cluster, queue] : queues_) {
        if (queue.cancel)
            queue.cancel->emit(asio::cancellation_type::terminal);
    }
    for (auto& waiter : slot_waiters_)
        waiter->cancel();
    slot_waiters_.clear();
}

void delivery_lane::update(notifier_config config, std::shared_ptr<notifier> instance) {
    config_ = std::move(config);
    notifier_ = std::move(instance);
    recheck_digests();  // the period may have changed
}

void delivery_lane::recheck_digests() {
    for (auto& [cluster, queue] : queues_) {
        if (queue.digest_wait)
            queue.digest_wait->cancel();
    }
}

asio::awaitable<std::vector<delivery_lane::queued>> delivery_lane::next_message(
    const std::string& cluster) {
    std::vector<queued> out;
    const std::deque<queued>& entries = queues_[cluster].entries;
    if (!folds(config_, entries.front().event.type)) {
        out.push_back(entries.front());
        co_return out;
    }
    std::vector<const event*> view;
    for (std::size_t i = 0; i < entries.size() && i <= max_digest_members; ++i)
        view.push_back(&entries[i].event);
    const digest_decision d = plan_digest(config_, view, clock_.wall_now());
    if (d.what != digest_decision::kind::wait) {
        out.assign(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(d.count));
        co_return out;
    }
    auto timer = std::make_shared<asio::steady_timer>(executor_, d.due - clock_.wall_now());
    queues_[cluster].digest_wait = timer;
    co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
    if (const auto it = queues_.find(cluster); it != queues_.end())
        it->second.digest_wait.reset();
    co_return out;  // empty: look again
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
            if (!error)
                return;
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
        if (it != slot_waiters_.end())
            slot_waiters_.erase(it);
    }
    if (closed_)
        co_return false;
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

void delivery_lane::pop(const std::string& cluster, const std::string& event_id) {
    cluster_queue& queue = queues_[cluster];
    if (!queue.entries.empty() && queue.entries.front().event.id == event_id) {
        queue.entries.pop_front();
        --pending_;
        // Bounded: only a commit handler racing the load (within one loop turn) asks.
        if (finished_order_.size() >= 256) {
            recently_finished_.erase(finished_order_.front());
            finished_order_.pop_front();
        }
        if (recently_finished_.insert(event_id).second)
            finished_order_.push_back(event_id);
    }
}

duration delivery_lane::until_expiry(const event& e) const {
    const auto expires = e.occurred_at + config_.retry.max_age;
    return std::max(duration::zero(),
                    std::chrono::duration_cast<duration>(expires - clock_.wall_now()));
}

void delivery_lane::record(const queued& entry, state::delivery_status status, int attempts,
                           std::optional<wall_time> next_attempt, const std::string& error) {
    store_.record(
        {config_.name, entry.event.id, status, attempts, next_attempt, error, clock_.wall_now()});
}

void delivery_lane::dead_letter(const std::string& cluster, const queued& entry,
                                const std::string& reason) {
    const event& e = entry.event;
    logger_->error("notify {}: dead-lettered {} for cluster {}{}: {}", config_.name,
                   to_string(e.type), cluster, node_part(e), reason);
    record(entry, state::delivery_status::dead, entry.attempts, std::nullopt, reason);
    pop(cluster, e.id);
    ++counters_.dead_lettered;
}

asio::awaitable<void> delivery_lane::drain(std::string cluster) {
    auto self = shared_from_this();  // the lane outlives this worker
    // close() cancels this worker: its waits then end with an error code, not an exception.
    co_await asio::this_coro::throw_if_cancelled(false);
    asio::steady_timer backoff(executor_);
    while (!closed_) {
        auto it = queues_.find(cluster);
        if (it == queues_.end() || it->second.entries.empty())
            break;
        queued entry = it->second.entries.front();
        const event& e = entry.event;
        if (expired(config_.retry, e.occurred_at, clock_.wall_now())) {
            dead_letter(cluster, entry, "expired");
            continue;
        }
        if (entry.not_before && *entry.not_before > clock_.wall_now()) {
            // A retry scheduled before a restart: keep its time (a Retry-After, say), but
            // not past max_age (the expiry check above then gives it up).
            const duration wait = std::min<duration>(
                {*entry.not_before - clock_.wall_now(), config_.retry.max_backoff,
                 std::max<duration>(until_expiry(e), duration(1000))});
            it->second.entries.front().not_before.reset();
            backoff.expires_after(wait);
            co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        std::vector<queued> members = co_await next_message(cluster);
        if (members.empty())
            continue;  // a digest waited for its period, or for what was queued behind it
        std::vector<const event*> parts;
        for (const queued& m : members)
            parts.push_back(&m.event);
        const event message = members.size() > 1 ? make_digest(parts, text_options_of(config_)) : e;
        if (!co_await acquire_slot())
            break;
        std::shared_ptr<notifier> instance = notifier_;
        const steady_time began = clock_.steady_now();
        const delivery_context unbounded;  // an HA member's fenced notifiers bound it
        delivery_outcome outcome;
        try {
            outcome = co_await instance->deliver(message, unbounded);
        } catch (const std::exception& error) {
            outcome.result = delivery_outcome::kind::retry;
            outcome.detail = std::string("attempt failed: ") + error.what();
        }
        release_slot();
        if (outcome.latency == duration::zero()) {
            outcome.latency = std::chrono::duration_cast<duration>(clock_.steady_now() - began);
        }
        const int attempts = entry.attempts + 1;
        switch (outcome.result) {
            case delivery_outcome::kind::delivered:
                logger_->info("notify {}: delivered {} for cluster {}{} ({}, {})", config_.name,
                              to_string(message.type), cluster, node_part(message), outcome.detail,
                              common::format_duration(outcome.latency));
                ++counters_.delivered;
                for (const queued& m : members) {
                    record(m, state::delivery_status::delivered, attempts, std::nullopt, "");
                    pop(cluster, m.event.id);
                }
                break;
            case delivery_outcome::kind::rejected:
                for (queued& m : members) {
                    m.attempts = attempts;
                    dead_letter(cluster, m, outcome.detail);
                }
                break;
            case delivery_outcome::kind::retry: {
                if (closed_) {
                    logger_->info("notify {}: stopped; {} for cluster {}{} stays pending ({})",
                                  config_.name, to_string(message.type), cluster,
                                  node_part(message), outcome.detail);
                    for (const queued& m : members)
                        record(m, state::delivery_status::pending, attempts, std::nullopt,
                               outcome.detail);
                    break;
                }
                ++counters_.retried;
                const duration delay =
                    backoff_delay(config_.retry, attempts, (*random_)(), outcome.retry_after);
                const duration to_expiry = until_expiry(e);
                if (to_expiry <= delay) {
                    // Given up when max_age passes, not when a longer wait would end.
                    logger_->warn(
                        "notify {}: {} for cluster {}{} not delivered ({}); it expires "
                        "in {}, before a retry is due",
                        config_.name, to_string(e.type), cluster, node_part(e), outcome.detail,
                        common::format_duration(to_expiry));
                    entry.attempts = attempts;
                    backoff.expires_after(to_expiry);
                    co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
                    if (!closed_)
                        dead_letter(cluster, entry, "expired");
                    break;
                }
                logger_->warn("notify {}: {} for cluster {}{} not delivered ({}); retry {} in {}",
                              config_.name, to_string(message.type), cluster, node_part(message),
                              outcome.detail, attempts, common::format_duration(delay));
                for (const queued& m : members)
                    record(m, state::delivery_status::pending, attempts,
                           clock_.wall_now() + std::chrono::ceil<std::chrono::seconds>(delay),
                           outcome.detail);
                if (auto q = queues_.find(cluster); q != queues_.end() &&
                                                    !q->second.entries.empty() &&
                                                    q->second.entries.front().event.id == e.id) {
                    q->second.entries.front().attempts = attempts;
                }
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
        } else if (can_run()) {
            spawn_worker(cluster);  // only reachable if a wake raced the exit; keep going
        }
    }
}

}  // namespace sesmon::notify
