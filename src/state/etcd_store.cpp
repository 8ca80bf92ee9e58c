#include "state/etcd_store.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sesmon::state {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// What an operation costs in a request: base64 grows by 4/3, plus the JSON around it.
std::size_t cost(std::size_t key, std::size_t value) {
    return (key + value) * 4 / 3 + 64;
}

// etcd refuses these outright; repeating them changes nothing.
bool refused_for_good(const ha::etcd_error& e) {
    return e.kind == ha::etcd_error_kind::server &&
           (e.grpc_code == ha::grpc_code::invalid_argument ||
            e.message.find("too large") != std::string::npos ||
            e.message.find("too many operations") != std::string::npos);
}

// Runs `task`; an exception it ends with is logged (never lost, never fatal).
void spawn(const asio::any_io_executor& executor, asio::awaitable<void> task,
           std::shared_ptr<spdlog::logger> log, std::shared_ptr<bool> alive, const char* what) {
    asio::co_spawn(executor, std::move(task),
                   [log = std::move(log), alive, what](std::exception_ptr e) {
                       if (!e || !*alive)
                           return;
                       try {
                           std::rethrow_exception(e);
                       } catch (const std::exception& ex) {
                           log->error("HA: {} failed: {}", what, ex.what());
                       }
                   });
}

}  // namespace

etcd_store::etcd_store(asio::any_io_executor executor, ha::etcd_client& client,
                       const sesmon::clock& clock, etcd_store_options options,
                       std::shared_ptr<spdlog::logger> logger)
    : executor_(std::move(executor)),
      client_(client),
      clock_(clock),
      options_(std::move(options)),
      keys_{options_.prefix},
      log_(std::move(logger)),
      wake_timer_(executor_) {}

etcd_store::~etcd_store() {
    *alive_ = false;
    end_term();
}

void etcd_store::note(const std::optional<ha::etcd_error>& e) {
    if (on_etcd_)
        on_etcd_(e);
}

void etcd_store::set_health(store_health next) {
    if (next == health_)
        return;
    if (next.degraded) {
        if (!health_.degraded)  // once per episode, not per changed reason
            log_->warn("HA: writing the group's state to etcd fails: {}; retrying (alerts wait)",
                       next.reason);
    } else if (term_) {  // a term that ends drops its writes: nothing works again
        log_->info("HA: writing the group's state to etcd works again");
    }
    health_ = std::move(next);
    if (health_observer_)
        health_observer_(health_);
}

void etcd_store::wake() {
    wake_timer_.cancel();
}

// ---- terms ----

void etcd_store::begin_term(const ha::term& t, std::function<void(initial_state)> loaded) {
    end_term();
    term_ = t;
    const std::uint64_t generation = ++generation_;
    spawn(executor_, load(generation, std::move(loaded)), log_, alive_,
          "reading the group's state");
}

void etcd_store::end_term() {
    if (!term_ && queue_.empty() && flush_waiters_.empty())
        return;
    term_.reset();
    ++generation_;
    loaded_ = false;
    writing_ = false;
    queue_.clear();  // their handlers never run: see the header
    events_.clear();
    seq_of_.clear();
    clusters_.clear();
    attempted_through_ = next_unit_ - 1;
    release_flushes(true);
    set_health({});
    wake();
}

void etcd_store::close() {
    end_term();
}

asio::awaitable<void> etcd_store::load(std::uint64_t generation,
                                       std::function<void(initial_state)> loaded) {
    auto alive = alive_;
    asio::steady_timer pause(executor_);
    while (*alive && generation == generation_) {
        ha::range_request clusters{keys_.clusters(), ha::prefix_range_end(keys_.clusters())};
        auto got_clusters = co_await client_.range(std::move(clusters), options_.request_timeout);
        std::optional<ha::etcd_result<ha::range_response>> got_events;
        if (got_clusters && *alive && generation == generation_) {
            ha::range_request events{keys_.events(), ha::prefix_range_end(keys_.events()), 0,
                                     got_clusters->header.revision};
            got_events = co_await client_.range(std::move(events), options_.request_timeout);
        }
        if (!*alive || generation != generation_)
            co_return;
        const auto failed = !got_clusters  ? std::optional(got_clusters.error())
                            : !*got_events ? std::optional(got_events->error())
                                           : std::nullopt;
        note(failed);
        if (failed) {
            log_->debug("HA: reading the group's state: {}", failed->describe());
            pause.expires_after(options_.retry_delay);
            co_await pause.async_wait(use_tuple);
            continue;
        }
        initial_state initial;
        std::string error;
        for (const ha::key_value& kv : got_clusters->kvs) {
            const auto parsed = keys_.parse(kv.key);
            auto c = group::decode_cluster(parsed.instance_no, kv.value, error);
            if (!c) {
                log_->warn(
                    "HA: the group's state of instance {} does not read ({}); it starts "
                    "fresh",
                    parsed.instance_no, error);
                continue;
            }
            clusters_[c->instance_no] = *c;
            initial.clusters.push_back(std::move(*c));
        }
        for (const ha::key_value& kv : (*got_events)->kvs) {
            const auto parsed = keys_.parse(kv.key);
            auto e = group::decode_event(parsed.seq, kv.value, error);
            if (parsed.what != group::keys::parsed::kind::event || !e) {
                log_->warn("HA: the group's event {} does not read ({}); skipped", kv.key, error);
                continue;
            }
            next_seq_ = std::max(next_seq_, e->seq + 1);
            seq_of_[e->event.id] = e->seq;
            for (const group::delivery& d : e->deliveries) {
                if (d.status == delivery_status::pending)
                    initial.pending.push_back({d.notifier, e->seq, e->event, d.status, d.attempts,
                                               d.next_attempt, d.last_error, d.updated_at});
            }
            events_.emplace(e->seq, std::move(*e));
        }
        log_->info(
            "HA: read the group's state: {} cluster(s), {} event(s) in etcd, {} "
            "deliveries pending",
            initial.clusters.size(), events_.size(), initial.pending.size());
        loaded_ = true;
        prune_at_ = steady::now();
        spawn(executor_, write(generation), log_, alive_, "writing the group's state");
        asio::post(executor_, [alive, generation, this, loaded = std::move(loaded),
                               initial = std::move(initial)]() mutable {
            if (*alive && generation == generation_)
                loaded(std::move(initial));
        });
        co_return;
    }
}

// ---- writes ----

void etcd_store::enqueue(unit u) {
    u.number = next_unit_++;
    queue_.push_back(std::move(u));
    wake();
}

void etcd_store::commit(batch b, commit_handler done) {
    if (!term_)
        return;  // not leading: dropped with its handler (see the header)
    const wall_time now = clock_.wall_now();
    std::vector<op> ops;
    std::vector<std::size_t> costs;
    for (const routed_event& r : b.events) {
        if (seq_of_.count(r.event.id) != 0)
            continue;  // stored already: once only
        group::stored_event e;
        e.seq = next_seq_++;
        e.event = r.event;
        e.stored_at = now;
        for (const std::string& notifier : r.notifiers)
            e.deliveries.push_back({notifier, delivery_status::pending, 0, {}, {}, now});
        const std::string key = keys_.event(e.seq);
        costs.push_back(cost(key.size(), group::encode_event(e).size()));
        ops.push_back({key, std::nullopt, e.seq, false});
        seq_of_[e.event.id] = e.seq;
        events_.emplace(e.seq, std::move(e));
    }
    // The state last: when a batch must be split, its events are stored before the state
    // that records them as emitted.
    for (cluster_record& c : b.clusters) {
        std::string key = keys_.cluster(c.instance_no);
        std::string value = group::encode_cluster(c);
        costs.push_back(cost(key.size(), value.size()));
        ops.push_back({std::move(key), std::move(value), 0, false});
        clusters_[c.instance_no] = std::move(c);
    }
    unit u;
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < ops.size(); ++i) {
        if (!u.ops.empty() &&
            (u.ops.size() + 1 > options_.max_ops || bytes + costs[i] > options_.max_bytes)) {
            if (!split_warned_) {
                split_warned_ = true;
                log_->warn(
                    "HA: a batch of {} writes exceeds one etcd transaction; its events "
                    "are written first, its state last",
                    ops.size());
            }
            enqueue(std::move(u));
            u = unit{};
            bytes = 0;
        }
        u.ops.push_back(std::move(ops[i]));
        bytes += costs[i];
    }
    u.done = std::move(done);
    enqueue(std::move(u));
}

void etcd_store::record(delivery_update update) {
    if (!term_)
        return;
    const auto seq = seq_of_.find(update.event_id);
    if (seq == seq_of_.end())
        return;
    group::stored_event& e = events_.at(seq->second);
    for (group::delivery& d : e.deliveries) {
        if (d.notifier == update.notifier) {
            d.status = update.status;
            d.attempts = update.attempts;
            d.next_attempt = update.next_attempt;
            d.last_error = update.last_error;
            d.updated_at = update.at;
        }
    }
    unit u;
    u.ops.push_back({keys_.event(e.seq), std::nullopt, e.seq, false});
    enqueue(std::move(u));
}

std::size_t etcd_store::take_group(ha::txn_request& txn) const {
    std::map<std::string, ha::txn_op> ops;  // one operation per key (etcd refuses repeats)
    std::size_t bytes = 0;
    std::size_t units = 0;
    for (const unit& u : queue_) {
        std::map<std::string, ha::txn_op> mine;
        std::size_t mine_bytes = 0;
        for (const op& o : u.ops) {
            if (o.remove) {
                mine[o.key] = ha::delete_request{o.key};
                mine_bytes += cost(o.key.size(), 0);
            } else if (o.value) {
                mine[o.key] = ha::put_request{o.key, *o.value};
                mine_bytes += cost(o.key.size(), o.value->size());
            } else if (const auto e = events_.find(o.seq); e != events_.end()) {
                std::string value = group::encode_event(e->second);
                mine_bytes += cost(o.key.size(), value.size());
                mine[o.key] = ha::put_request{o.key, std::move(value)};
            }
        }
        std::size_t added = 0;
        for (const auto& [key, o] : mine)
            added += ops.count(key) == 0 ? 1 : 0;
        if (units > 0 &&
            (ops.size() + added > options_.max_ops || bytes + mine_bytes > options_.max_bytes))
            break;
        for (auto& [key, o] : mine)
            ops[key] = std::move(o);
        bytes += mine_bytes;
        ++units;
    }
    txn.compares = {{keys_.leader(), ha::compare::target::create, ha::compare::result::equal,
                     term_->leader_revision, ""}};
    for (auto& [key, o] : ops)
        txn.success.push_back(std::move(o));
    return units;
}

asio::awaitable<void> etcd_store::write(std::uint64_t generation) {
    auto alive = alive_;
    asio::steady_timer pause(executor_);
    while (*alive && generation == generation_) {
        if (queue_.empty()) {
            if (steady::now() >= prune_at_) {
                prune();
                continue;
            }
            wake_timer_.expires_at(prune_at_);
            co_await wake_timer_.async_wait(use_tuple);
            continue;
        }
        pause.expires_after(options_.group_window);
        co_await pause.async_wait(use_tuple);
        if (!*alive || generation != generation_)
            co_return;
        ha::txn_request txn;
        const std::size_t units = take_group(txn);
        const ha::term fenced_on = *term_;
        writing_ = true;
        auto result = co_await client_.txn(txn, options_.request_timeout);
        if (!*alive || generation != generation_)
            co_return;  // the term ended meanwhile: whatever etcd did, it is not ours
        writing_ = false;
        if (!result) {
            if (refused_for_good(result.error())) {
                note(std::nullopt);
                log_->error(
                    "HA: etcd refused a write of the group's state ({}); its events go "
                    "out from memory",
                    result.error().describe());
                completed(units, make_error_code(store_errc::degraded));
                continue;
            }
            note(result.error());
            set_health({true, result.error().describe()});
            pause.expires_after(options_.retry_delay);
            co_await pause.async_wait(use_tuple);
            continue;
        }
        note(std::nullopt);
        if (!result->succeeded) {
            log_->warn(
                "HA: a write of the group's state was refused: the leader key is no "
                "longer this term's; the writes queued are dropped");
            end_term();
            if (on_fenced_)
                on_fenced_(fenced_on);
            co_return;
        }
        ++transactions_;
        set_health({});
        completed(units, {});
    }
}

void etcd_store::completed(std::size_t units, std::error_code ec) {
    const std::uint64_t generation = generation_;
    for (std::size_t i = 0; i < units && !queue_.empty(); ++i) {
        unit u = std::move(queue_.front());
        queue_.pop_front();
        attempted_through_ = u.number;
        if (u.done) {
            asio::post(executor_, [alive = alive_, generation, this, done = std::move(u.done), ec] {
                if (*alive && generation == generation_)
                    done(ec);
            });
        }
    }
    release_flushes(false);
}

void etcd_store::prune() {
    prune_at_ = steady::now() + options_.prune_every;
    const wall_time cutoff = clock_.wall_now() - std::chrono::duration_cast<std::chrono::seconds>(
                                                     options_.finished_kept);
    unit u;
    std::size_t pruned = 0;
    for (auto it = events_.begin(); it != events_.end();) {
        if (!it->second.finished() || it->second.finished_at() >= cutoff) {
            ++it;
            continue;
        }
        if (u.ops.size() >= options_.max_ops)
            enqueue(std::exchange(u, unit{}));
        u.ops.push_back({keys_.event(it->first), std::nullopt, 0, true});
        seq_of_.erase(it->second.event.id);
        it = events_.erase(it);
        ++pruned;
    }
    if (!u.ops.empty())
        enqueue(std::move(u));
    if (pruned > 0)
        log_->debug("HA: deleting {} finished event(s) from etcd", pruned);
}

// ---- reads and flush ----

void etcd_store::load_cluster(std::string instance_no,
                              std::function<void(std::optional<cluster_record>)> done) {
    std::optional<cluster_record> found;
    if (auto it = clusters_.find(instance_no); it != clusters_.end())
        found = it->second;
    asio::post(executor_, [done = std::move(done), found = std::move(found)] { done(found); });
}

void etcd_store::load_pending(std::string notifier,
                              std::function<void(std::vector<delivery_record>)> done) {
    std::vector<delivery_record> rows;
    for (const auto& [seq, e] : events_) {
        for (const group::delivery& d : e.deliveries) {
            if (d.notifier == notifier && d.status == delivery_status::pending)
                rows.push_back({d.notifier, seq, e.event, d.status, d.attempts, d.next_attempt,
                                d.last_error, d.updated_at});
        }
    }
    asio::post(executor_, [done = std::move(done), rows = std::move(rows)] { done(rows); });
}

void etcd_store::flush(std::function<void()> done) {
    if (queue_.empty() && !writing_) {
        asio::post(executor_, std::move(done));
        return;
    }
    flush_waiters_.push_back({next_unit_ - 1, std::move(done)});
}

void etcd_store::release_flushes(bool all) {
    std::erase_if(flush_waiters_, [&](flush_waiter& w) {
        if (!all && w.after > attempted_through_)
            return false;
        asio::post(executor_, std::move(w.done));
        return true;
    });
}

}  // namespace sesmon::state
