#include "state/store_writer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "state/commit_tracker.hpp"
#include "state/database.hpp"
#include "state/fault_vfs.hpp"
#include "state/loop_link.hpp"
#include "state/unix_time.hpp"
#include "state/unwritten.hpp"
#include "state/writes.hpp"

namespace sesmon::state {
using steady = std::chrono::steady_clock;

namespace {

constexpr int prune_rows_per_step = 500;

// Writers that close() gave up on (a hung disk): their core lives as long as the process, so
// that a thread the disk releases after its owner and that owner's event loop are gone
// destroys nothing that belongs to the loop (the commit tracker's timer: an ASan
// heap-use-after-free in degraded_store_test.close_never_waits_for_a_hung_disk_beyond_its_
// timeout). Reachable from here, so not a leak to LeakSanitizer; only ever a handful.
std::mutex abandoned_mutex;
auto* const abandoned = new std::vector<std::shared_ptr<void>>();

}  // namespace

struct store_writer::core {
    core(options o, links l, std::unique_ptr<sqlite::connection> connection)
        : opts(std::move(o)),
          shared(std::move(l)),
          db(std::move(connection)),
          schedule(opts.timing, steady::now()) {
        if (db)
            statements = std::make_unique<write_statements>(*db);
        else
            schedule.start_failing(steady::now());
    }

    void run();
    void group(steady::time_point now, bool closing);
    write_attempt attempt();
    void prune();
    void give_up_unwritten();

    options opts;
    links shared;  // holds the VFS: it outlives the connection below
    std::unique_ptr<sqlite::connection> db;
    std::unique_ptr<write_statements> statements;  // on `db`: destroyed before it
    writer_schedule schedule;
    std::size_t dropped_reported = 0;

    std::mutex mutex;
    std::condition_variable wake;
    bool poked = false;
    bool closing = false;
};

store_writer::store_writer(options o, links l, std::unique_ptr<sqlite::connection> db)
    : core_(std::make_shared<core>(std::move(o), std::move(l), std::move(db))) {
    thread_ = worker_thread([c = core_] { c->run(); });
}

store_writer::~store_writer() {
    close(duration::zero());
}

void store_writer::wake() {
    {
        std::lock_guard lock(core_->mutex);
        core_->poked = true;
    }
    core_->wake.notify_one();
}

bool store_writer::close(duration max_wait) {
    {
        std::lock_guard lock(core_->mutex);
        core_->closing = true;
    }
    core_->wake.notify_one();
    const bool joined = thread_.join_within(max_wait);
    if (!joined) {
        std::lock_guard lock(abandoned_mutex);
        if (std::find(abandoned->begin(), abandoned->end(), core_) == abandoned->end())
            abandoned->push_back(core_);
    }
    return joined;
}

void store_writer::core::run() {
    std::unique_lock lock(mutex);
    for (;;) {
        poked = false;
        const bool stop = closing;
        const bool arrived = shared.writes->arrived();
        auto now = steady::now();
        if (stop) {
            lock.unlock();
            group(now, true);
            give_up_unwritten();
            statements.reset();
            db.reset();  // the last connection: SQLite checkpoints the WAL into state.db
            return;
        }
        const auto wake_at = schedule.next_wake(arrived);
        if (wake_at > now) {
            const auto woken = [this] { return poked || closing; };
            if (wake_at == steady::time_point::max())
                wake.wait(lock, woken);
            else
                wake.wait_until(lock, wake_at, woken);
            continue;
        }
        lock.unlock();
        if (schedule.group_due(arrived, now) || (schedule.failing() && schedule.attempt_due(now)))
            group(now, false);
        now = steady::now();
        if (schedule.prune_due(now))
            prune();
        lock.lock();
    }
}

void store_writer::core::group(steady::time_point now, bool stopping) {
    schedule.group_started(now);
    auto tickets = shared.writes->take();
    // Nothing to write (flush markers alone) is worth an attempt only while failing: a probe
    // that tells whether the disk is back.
    const bool worth = !shared.writes->writing().empty() || (schedule.failing() && !stopping);
    std::optional<write_attempt> result;
    if (worth && (stopping || schedule.attempt_due(now)))
        result = attempt();
    std::string failure;
    if (result && !result->ok)
        failure = result->failure;
    else if (!result && schedule.failing())
        failure = "waiting to retry";  // handed over before the failure was known
    const std::size_t dropped = shared.writes->dropped_events();
    const bool newly_dropped = dropped != dropped_reported;
    dropped_reported = dropped;
    if (tickets.empty() && !result && !newly_dropped)
        return;
    shared.loop->post([tracker = shared.tracker, tickets = std::move(tickets), failure, result,
                       dropped, newly_dropped] {
        tracker->completed(tickets, failure);
        if (result)
            tracker->report(*result);
        if (newly_dropped)
            tracker->events_dropped(dropped);
    });
}

write_attempt store_writer::core::attempt() {
    const auto began = steady::now();
    write_attempt r;
    try {
        if (!db) {
            db = open_for_writing(opts.directory, open_purpose::reopen, *shared.log,
                                  shared.vfs ? shared.vfs->name() : nullptr);
            statements = std::make_unique<write_statements>(*db);
        }
        const pending_writes& w = shared.writes->writing();
        if (!w.empty()) {
            statements->commit(w, wall_now());
            shared.writes->written();
            if (opts.on_commit)
                opts.on_commit(std::chrono::duration<double>(steady::now() - began).count());
        } else {
            probe_writable(*db);  // recovering with nothing to write: prove the disk takes one
        }
        schedule.attempt_succeeded();
    } catch (const std::exception& e) {
        r.ok = false;
        r.failure = e.what();
        if (const auto* s = dynamic_cast<const sqlite::error*>(&e); s && s->corrupt())
            r.failure += " (state.db is damaged; it is moved aside at the next start)";
        schedule.attempt_failed(steady::now());
        if (opts.on_error)
            opts.on_error();
        // Reopen at the next attempt: a remounted or replaced filesystem needs a new handle.
        statements.reset();
        db.reset();
    }
    r.took = std::chrono::duration_cast<duration>(steady::now() - began);
    return r;
}

void store_writer::core::prune() {
    const auto now = steady::now();
    if (!statements) {
        schedule.pruned(now, false);
        return;
    }
    try {
        const std::size_t deleted =
            statements->prune(wall_now(), opts.history_retention, prune_rows_per_step);
        schedule.pruned(now, deleted > 0);
    } catch (const std::exception& e) {
        shared.log->warn("state: pruning old history failed: {}; tried again in an hour", e.what());
        schedule.pruned(now, false);
    }
}

void store_writer::core::give_up_unwritten() {
    const pending_writes& w = shared.writes->writing();
    if (w.empty())
        return;
    shared.log->error(
        "state: stopping with writes the disk did not take ({} cluster state(s), {} event(s), "
        "{} delivery result(s)); after the next start those alerts may be sent again, with "
        "the same ids",
        w.clusters.size(), w.events.size(), w.deliveries.size());
}

}  // namespace sesmon::state
