#include "state/etcd_store.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "ha/paged_range.hpp"
#include "state/group_image.hpp"

namespace sesmon::state {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// What an operation costs in a request: base64 grows by 4/3, plus the JSON around it.
std::size_t cost(std::size_t key, std::size_t value) {
    return (key + value) * 4 / 3 + 64;
}

bool too_many_operations(const ha::etcd_error& e) {
    return e.kind == ha::etcd_error_kind::server &&
           e.message.find("too many operations") != std::string::npos;
}

// etcd's own check ("request is too large"), or its gRPC server's limit, which its JSON
// gateway passes on ("received message larger than max").
bool too_large(const ha::etcd_error& e) {
    return e.kind == ha::etcd_error_kind::server &&
           (e.message.find("too large") != std::string::npos ||
            e.message.find("larger than max") != std::string::npos);
}

// etcd did not answer, or the member that answered cannot serve: the group's rules for an
// unreachable etcd apply (the election's once-per-episode log, nobody acts for long).
bool unavailable(const ha::etcd_error& e) {
    return e.kind == ha::etcd_error_kind::unreachable ||
           e.grpc_code == ha::grpc_code::unavailable ||
           e.grpc_code == ha::grpc_code::deadline_exceeded || e.http_status == 503;
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
        if (!health_.degraded) {  // once per episode, not per changed reason
            log_->warn("HA: writing the group's state to etcd fails: {}; retrying (alerts wait)",
                       next.reason);
        } else if (next.refused && !health_.refused) {
            log_->warn("HA: {}; retrying (alerts wait)", next.reason);
        }
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
    discovered_.clear();
    samples_.clear();
    attempted_through_ = next_unit_ - 1;
    release_flushes(true);
    set_health({});
    wake();
}

void etcd_store::close() {
    end_term();
}

initial_state etcd_store::take_over(const group_image& image) {
    initial_state initial;
    for (const std::string& instance_no : image.instances()) {
        auto c = image.cluster(instance_no);
        if (!c)
            continue;
        initial.clusters.push_back(c->record);
        clusters_.emplace(instance_no, std::move(*c));
    }
    for (const auto& [seq, e] : image.events()) {
        next_seq_ = std::max(next_seq_, seq + 1);
        seq_of_[e.event.id] = seq;
        for (const group::delivery& d : e.deliveries) {
            if (d.status == delivery_status::pending)
                initial.pending.push_back({d.notifier, seq, e.event, d.status, d.attempts,
                                           d.next_attempt, d.last_error, d.updated_at});
        }
    }
    events_ = image.events();
    discovered_ = image.discovered();
    for (const auto& [instance_no, d] : discovered_)
        initial.discovered.push_back(d);
    last_revision_ = image.revision;
    return initial;
}

// The group's state read from etcd: every key under the prefix, in pages at one revision.
asio::awaitable<std::optional<initial_state>> etcd_store::read_group(std::uint64_t generation) {
    auto alive = alive_;
    group_image image(options_.prefix);
    // Named arguments: GCC 12 mishandles temporaries built inside a co_await expression.
    std::function<void(std::vector<ha::key_value>&)> page =
        [&image, log = log_](std::vector<ha::key_value>& kvs) {
            std::string problem;
            for (const ha::key_value& kv : kvs) {
                image.put(kv, problem);
                if (!problem.empty())
                    log->warn("HA: the group's key {} does not read ({}); it is left out", kv.key,
                              problem);
            }
        };
    const ha::paged_range_options paging{options_.page_keys, options_.request_timeout};
    std::string from = keys_.all();
    std::string to = ha::prefix_range_end(from);
    auto got =
        co_await ha::read_pages(client_, std::move(from), std::move(to), paging, std::move(page));
    if (!*alive || generation != generation_)
        co_return std::nullopt;
    note(got ? std::nullopt : std::optional(got.error()));
    if (!got) {
        log_->debug("HA: reading the group's state: {}", got.error().describe());
        co_return std::nullopt;
    }
    image.revision = *got;
    co_return take_over(image);
}

asio::awaitable<void> etcd_store::load(std::uint64_t generation,
                                       std::function<void(initial_state)> loaded) {
    auto alive = alive_;
    asio::steady_timer pause(executor_);
    std::optional<initial_state> initial;
    std::string source = "its mirror";
    // The mirror holds the group as of this term's own leader key once it has applied that
    // revision: everything an earlier leader wrote is older. Normally a matter of ms.
    const auto started = steady::now();
    const auto wait_until = started + options_.mirror_wait;
    while (*alive && generation == generation_ && !initial) {
        const group_image* image = image_source_ ? image_source_(term_->leader_revision) : nullptr;
        if (image != nullptr) {
            source += " (" +
                      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         steady::now() - started)
                                         .count()) +
                      " ms to reach revision " + std::to_string(term_->leader_revision) + ")";
            initial = take_over(*image);
            break;
        }
        if (!image_source_ || steady::now() >= wait_until)
            break;
        pause.expires_after(std::chrono::milliseconds(10));
        co_await pause.async_wait(use_tuple);
    }
    while (*alive && generation == generation_ && !initial) {
        source = "etcd";
        initial = co_await read_group(generation);
        if (initial || !*alive || generation != generation_)
            break;
        pause.expires_after(options_.retry_delay);
        co_await pause.async_wait(use_tuple);
    }
    if (!*alive || generation != generation_ || !initial)
        co_return;
    log_->info(
        "HA: read the group's state from {} in {} ms: {} cluster(s), {} event(s) in etcd, {} "
        "deliveries pending",
        source,
        std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - started).count(),
        initial->clusters.size(), events_.size(), initial->pending.size());
    loaded_ = true;
    prune_at_ = steady::now();
    compact_at_ = steady::now();
    spawn(executor_, write(generation), log_, alive_, "writing the group's state");
    asio::post(executor_, [alive, generation, this, loaded = std::move(loaded),
                           initial = std::move(*initial)]() mutable {
        if (*alive && generation == generation_)
            loaded(std::move(initial));
    });
}

// ---- writes ----

void etcd_store::enqueue(unit u) {
    u.number = next_unit_++;
    queue_.push_back(std::move(u));
    wake();
}

// Cuts `ops` (in the order they must become durable) into units within etcd's limits; the
// last one carries `done`.
void etcd_store::enqueue_split(std::vector<op> ops, commit_handler done,
                               std::vector<std::string> clusters) {
    const std::uint64_t batch = next_batch_++;
    unit u;
    u.batch = batch;
    std::size_t bytes = 0;
    for (op& o : ops) {
        if (!u.ops.empty() &&
            (u.ops.size() + 1 > options_.max_ops || bytes + o.cost > options_.max_bytes)) {
            if (!split_warned_) {
                split_warned_ = true;
                log_->warn(
                    "HA: a batch of {} writes exceeds one etcd transaction; it is written in "
                    "order over several: events first, each cluster's head last",
                    ops.size());
            }
            u.clusters = clusters;
            enqueue(std::exchange(u, unit{}));
            u.batch = batch;
            bytes = 0;
        }
        bytes += o.cost;
        u.ops.push_back(std::move(o));
    }
    u.done = std::move(done);
    u.clusters = std::move(clusters);
    enqueue(std::move(u));
}

void etcd_store::plan_discovered(const std::vector<discovered_record>& next, std::vector<op>& out) {
    std::map<std::string, discovered_record> now;
    for (const discovered_record& d : next)
        now.emplace(d.instance_no, d);
    for (const auto& [instance_no, d] : now) {
        const auto it = discovered_.find(instance_no);
        if (it != discovered_.end() && it->second == d)
            continue;
        std::string key = keys_.discovered(instance_no);
        std::string value = group::encode_discovered(d);
        const std::size_t c = cost(key.size(), value.size());
        out.push_back({std::move(key), std::move(value), {}, 0, false, c});
    }
    for (const auto& [instance_no, d] : discovered_) {
        if (now.count(instance_no) == 0) {
            std::string key = keys_.discovered(instance_no);
            const std::size_t c = cost(key.size(), 0);
            out.push_back({std::move(key), std::nullopt, {}, 0, true, c});
        }
    }
    discovered_ = std::move(now);
}

void etcd_store::commit(batch b, commit_handler done) {
    if (!term_)
        return;  // not leading: dropped with its handler (see the header)
    const wall_time now = clock_.wall_now();
    std::vector<op> events, parts, heads;
    for (const routed_event& r : b.events) {
        if (seq_of_.count(r.event.id) != 0)
            continue;  // stored already: once only
        group::stored_event e;
        e.seq = next_seq_++;
        e.event = r.event;
        e.stored_at = now;
        for (const std::string& notifier : r.notifiers)
            e.deliveries.push_back({notifier, delivery_status::pending, 0, {}, {}, now});
        std::string key = keys_.event(e.seq);
        const std::size_t c = cost(key.size(), group::encode_event(e).size());
        events.push_back({std::move(key), std::nullopt, {}, e.seq, false, c});
        seq_of_[e.event.id] = e.seq;
        events_.emplace(e.seq, std::move(e));
    }
    std::vector<std::string> touched;
    const auto to_op = [](group::write_op&& w) {
        const std::size_t c =
            cost(w.key.size(), (w.value ? w.value->size() : 0) + w.range_end.size());
        const bool remove = !w.value;
        return op{std::move(w.key), std::move(w.value), std::move(w.range_end), 0, remove, c};
    };
    for (cluster_record& c : b.clusters) {
        const auto it = clusters_.find(c.instance_no);
        auto plan =
            group::plan_writes(keys_, it != clusters_.end() ? &it->second : nullptr, std::move(c));
        for (group::write_op& w : plan.parts)
            parts.push_back(to_op(std::move(w)));
        if (plan.head)
            heads.push_back(to_op(std::move(*plan.head)));
        touched.push_back(plan.after.record.instance_no);
        clusters_[plan.after.record.instance_no] = std::move(plan.after);
    }
    if (b.discovered)
        plan_discovered(*b.discovered, parts);
    // The order they must become durable in, should the batch need several transactions.
    std::vector<op> ops = std::move(events);
    ops.insert(ops.end(), std::make_move_iterator(parts.begin()),
               std::make_move_iterator(parts.end()));
    ops.insert(ops.end(), std::make_move_iterator(heads.begin()),
               std::make_move_iterator(heads.end()));
    if (ops.empty() && !done)
        return;
    enqueue_split(std::move(ops), std::move(done), std::move(touched));
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
    const std::string key = keys_.event(e.seq);
    u.ops.push_back({key, std::nullopt, {}, e.seq, false, cost(key.size(), 512)});
    u.batch = next_batch_++;
    enqueue(std::move(u));
}

namespace {

// The operations of one transaction, by key (etcd refuses a key twice, and a put inside a
// deleted range).
struct txn_ops {
    std::map<std::string, const void*> by_key;
    std::vector<std::pair<std::string, std::string>> ranges;  // deleted [key, end)

    bool in_ranges(const std::string& key) const {
        for (const auto& [from, to] : ranges) {
            if (key >= from && key < to)
                return true;
        }
        return false;
    }
    // Whether a put/delete of `key`, or a deletion of [key, end), clashes with what is here.
    bool clashes(const std::string& key, const std::string& end) const {
        if (end.empty())
            return in_ranges(key);
        const auto first = by_key.lower_bound(key);
        if (first != by_key.end() && first->first < end)
            return true;
        for (const auto& [from, to] : ranges) {
            if (key < to && from < end)
                return true;
        }
        return false;
    }
};

}  // namespace

std::size_t etcd_store::take_group(ha::txn_request& txn, std::size_t& bytes) const {
    std::map<std::string, ha::txn_op> ops;  // one operation per key (etcd refuses repeats)
    txn_ops seen;
    bytes = 0;
    std::size_t units = 0;
    for (const unit& u : queue_) {
        std::map<std::string, ha::txn_op> mine;
        std::vector<std::pair<std::string, std::string>> my_ranges;
        std::size_t mine_bytes = 0;
        bool clash = false;
        for (const op& o : u.ops) {
            clash = clash || (units > 0 && seen.clashes(o.key, o.range_end));
            if (o.remove) {
                mine[o.key] = ha::delete_request{o.key, o.range_end};
                if (!o.range_end.empty())
                    my_ranges.emplace_back(o.key, o.range_end);
                mine_bytes += o.cost;
            } else if (o.value) {
                mine[o.key] = ha::put_request{o.key, *o.value};
                mine_bytes += o.cost;
            } else if (const auto e = events_.find(o.seq); e != events_.end()) {
                std::string value = group::encode_event(e->second);
                mine_bytes += cost(o.key.size(), value.size());
                mine[o.key] = ha::put_request{o.key, std::move(value)};
            }
        }
        std::size_t added = 0;
        for (const auto& [key, o] : mine)
            added += ops.count(key) == 0 ? 1 : 0;
        if (units > 0 && (clash || ops.size() + added > options_.max_ops ||
                          bytes + mine_bytes > options_.max_bytes))
            break;
        for (auto& [key, o] : mine) {
            seen.by_key[key] = nullptr;
            ops[key] = std::move(o);
        }
        seen.ranges.insert(seen.ranges.end(), my_ranges.begin(), my_ranges.end());
        bytes += mine_bytes;
        ++units;
    }
    txn.compares = {{keys_.leader(), ha::compare::target::create, ha::compare::result::equal,
                     term_->leader_revision, ""}};
    for (auto& [key, o] : ops)
        txn.success.push_back(std::move(o));
    return units;
}

// etcd refused a transaction for its size: learn the limit (half of what was sent) and cut
// what is queued to it. False when one operation alone was too much.
bool etcd_store::shrink_limits(const ha::etcd_error& e, std::size_t ops, std::size_t bytes) {
    if (ops <= 1)
        return false;
    if (too_many_operations(e)) {
        options_.max_ops = std::max<std::size_t>(1, std::min(options_.max_ops, ops) / 2);
    } else {
        options_.max_bytes = std::max<std::size_t>(1, std::min(options_.max_bytes, bytes) / 2);
    }
    // Once per limit learnt: a few lines at most (each halves it).
    log_->warn(
        "HA: etcd refused a transaction of {} operations ({} bytes): {}; writing at most {} "
        "operations and {} bytes per transaction from now on",
        ops, bytes, e.describe(), options_.max_ops, options_.max_bytes);
    resplit();
    return true;
}

// Cuts every queued unit larger than the limits into pieces, in order; the last piece keeps
// the handler and the unit's number.
void etcd_store::resplit() {
    std::deque<unit> cut;
    for (unit& u : queue_) {
        std::size_t bytes = 0;
        for (const op& o : u.ops)
            bytes += o.cost;
        if (u.ops.size() <= options_.max_ops && bytes <= options_.max_bytes) {
            cut.push_back(std::move(u));
            continue;
        }
        unit piece;
        bytes = 0;
        for (op& o : u.ops) {
            if (!piece.ops.empty() &&
                (piece.ops.size() + 1 > options_.max_ops || bytes + o.cost > options_.max_bytes)) {
                piece.number = u.number;
                piece.batch = u.batch;
                piece.clusters = u.clusters;
                cut.push_back(std::exchange(piece, unit{}));
                bytes = 0;
            }
            bytes += o.cost;
            piece.ops.push_back(std::move(o));
        }
        piece.number = u.number;
        piece.batch = u.batch;
        piece.clusters = std::move(u.clusters);
        piece.done = std::move(u.done);
        cut.push_back(std::move(piece));
    }
    queue_ = std::move(cut);
}

// One operation too large for etcd even alone: its batch cannot be stored. Every unit of
// that batch is given up (never a state without its events); its clusters are rewritten
// whole by their next commit.
void etcd_store::give_up_first(const ha::etcd_error& e) {
    const std::uint64_t batch = queue_.front().batch;
    std::size_t units = 0;
    for (const unit& u : queue_) {
        if (u.batch != batch)
            break;
        for (const std::string& instance_no : u.clusters)
            clusters_.erase(instance_no);
        ++units;
    }
    log_->error(
        "HA: etcd refuses a write of the group's state even alone ({}); that commit is given "
        "up and its events go out from memory",
        e.describe());
    completed(units, make_error_code(store_errc::degraded));
}

asio::awaitable<void> etcd_store::write(std::uint64_t generation) {
    auto alive = alive_;
    asio::steady_timer pause(executor_);
    while (*alive && generation == generation_) {
        if (queue_.empty()) {
            const auto now = steady::now();
            if (now >= prune_at_) {
                prune();
                continue;
            }
            if (options_.compaction_retention > duration::zero() && now >= compact_at_) {
                co_await compact();
                continue;
            }
            wake_timer_.expires_at(options_.compaction_retention > duration::zero()
                                       ? std::min(prune_at_, compact_at_)
                                       : prune_at_);
            co_await wake_timer_.async_wait(use_tuple);
            continue;
        }
        pause.expires_after(options_.group_window);
        co_await pause.async_wait(use_tuple);
        if (!*alive || generation != generation_)
            co_return;
        ha::txn_request txn;
        std::size_t bytes = 0;
        const std::size_t units = take_group(txn, bytes);
        const std::size_t ops = txn.success.size();
        const ha::term fenced_on = *term_;
        writing_ = true;
        // Idempotent: the same puts under the same fence; a transport retry changes nothing.
        auto result = co_await client_.txn(txn, options_.request_timeout, true);
        if (!*alive || generation != generation_)
            co_return;  // the term ended meanwhile: whatever etcd did, it is not ours
        writing_ = false;
        if (!result) {
            const ha::etcd_error& e = result.error();
            if (too_many_operations(e) || too_large(e)) {
                note(std::nullopt);
                if (!shrink_limits(e, ops, bytes))
                    give_up_first(e);
                continue;
            }
            duration wait = options_.retry_delay;
            if (unavailable(e)) {
                note(e);
                set_health({true, e.describe(), false});
                backoff_ = {};
            } else {
                // etcd answers and refuses: NOSPACE, a permission, ... — an alert, and a
                // slower retry (each one is a request etcd has to turn down).
                note(std::nullopt);
                set_health({true, "etcd refuses the group's writes: " + e.describe(), true});
                backoff_ = std::min(options_.max_retry_delay,
                                    backoff_ == duration{} ? options_.retry_delay : backoff_ * 2);
                wait = backoff_;
            }
            pause.expires_after(wait);
            co_await pause.async_wait(use_tuple);
            continue;
        }
        note(std::nullopt);
        backoff_ = {};
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
        last_revision_ = std::max(last_revision_, result->header.revision);
        set_health({});
        completed(units, {});
    }
}

// Compacts etcd's history below the newest revision this leader wrote at least
// `compaction_retention` ago (samples taken every `compact_every`).
asio::awaitable<void> etcd_store::compact() {
    const auto now = steady::now();
    compact_at_ = now + options_.compact_every;
    if (last_revision_ > 0 && (samples_.empty() || samples_.back().revision != last_revision_))
        samples_.push_back({now, last_revision_});
    std::int64_t target = 0;
    while (!samples_.empty() && samples_.front().at + options_.compaction_retention <= now) {
        target = samples_.front().revision;
        samples_.pop_front();
    }
    if (history_)
        target = std::max(target, history_(now - options_.compaction_retention));
    if (target <= compacted_)
        co_return;
    auto alive = alive_;
    const std::uint64_t generation = generation_;
    auto done = co_await client_.compact(target, options_.request_timeout);
    if (!*alive || generation != generation_)
        co_return;
    if (!done) {
        samples_.push_front({now - options_.compaction_retention, target});  // next time
        if (!compaction_failing_)
            log_->warn("HA: compacting etcd's history below revision {} failed: {}", target,
                       done.error().describe());
        compaction_failing_ = true;
        co_return;
    }
    if (compaction_failing_)
        log_->info("HA: compacting etcd's history works again");
    compaction_failing_ = false;
    compacted_ = target;
    log_->debug("HA: compacted etcd's history below revision {}", target);
}

void etcd_store::completed(std::size_t units, std::error_code ec) {
    const std::uint64_t generation = generation_;
    for (std::size_t i = 0; i < units && !queue_.empty(); ++i) {
        unit u = std::move(queue_.front());
        queue_.pop_front();
        if (queue_.empty() || queue_.front().number != u.number)
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
    std::vector<op> ops;
    for (auto it = events_.begin(); it != events_.end();) {
        if (!it->second.finished() || it->second.finished_at() >= cutoff) {
            ++it;
            continue;
        }
        std::string key = keys_.event(it->first);
        const std::size_t c = cost(key.size(), 0);
        ops.push_back({std::move(key), std::nullopt, {}, 0, true, c});
        seq_of_.erase(it->second.event.id);
        it = events_.erase(it);
    }
    if (ops.empty())
        return;
    log_->debug("HA: deleting {} finished event(s) from etcd", ops.size());
    // Independent deletions: cut into transactions of their own, nobody waits.
    for (std::size_t from = 0; from < ops.size(); from += options_.max_ops) {
        unit u;
        u.batch = next_batch_++;
        const std::size_t to = std::min(ops.size(), from + options_.max_ops);
        u.ops.assign(std::make_move_iterator(ops.begin() + static_cast<std::ptrdiff_t>(from)),
                     std::make_move_iterator(ops.begin() + static_cast<std::ptrdiff_t>(to)));
        enqueue(std::move(u));
    }
}

// ---- reads and flush ----

void etcd_store::load_cluster(std::string instance_no,
                              std::function<void(std::optional<cluster_record>)> done) {
    std::optional<cluster_record> found;
    if (auto it = clusters_.find(instance_no); it != clusters_.end())
        found = it->second.record;
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
