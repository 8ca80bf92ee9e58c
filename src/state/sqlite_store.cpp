#include "state/sqlite_store.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <boost/asio/post.hpp>

#include "state/commit_tracker.hpp"
#include "state/database.hpp"
#include "state/reads.hpp"
#include "state/writes.hpp"

namespace sesmon::state {
namespace asio = boost::asio;
namespace fs = std::filesystem;
using steady = std::chrono::steady_clock;

namespace {

constexpr int prune_rows_per_step = 500;
constexpr auto prune_first_after = std::chrono::minutes(1);
constexpr auto prune_every = std::chrono::hours(1);
constexpr auto prune_again_after = std::chrono::seconds(1);  // while rows are left

wall_time wall_now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// Creates the state directory (mode 0700) when missing; an existing one keeps its mode
// (systemd's StateDirectory= manages it). Errors surface when the database is opened.
void ensure_directory(const fs::path& dir) {
    std::error_code ec;
    if (fs::create_directories(dir, ec))
        fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
}

bool routed_to(const routed_event& r, const std::string& notifier) {
    return std::find(r.notifiers.begin(), r.notifiers.end(), notifier) != r.notifiers.end();
}

}  // namespace

struct sqlite_store::work_item {
    enum class kind { commit, delivery, load_cluster, load_pending, flush };
    kind type = kind::commit;
    steady::time_point queued = steady::now();
    std::uint64_t ticket = 0;  // commit: whom to tell on the loop side (0: nobody waits)
    batch writes;
    delivery_update delivery;
    std::string key;  // load_cluster: instance_no; load_pending: notifier
    std::function<void(std::optional<cluster_record>)> cluster_done;
    std::function<void(std::vector<delivery_record>)> pending_done;
    std::function<void()> flush_done;
};

sqlite_store::sqlite_store(asio::any_io_executor executor, sqlite_store_options options,
                           std::shared_ptr<spdlog::logger> log)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      log_(std::move(log)),
      tracker_(std::make_shared<commit_tracker>(executor_, options_.stuck_after, log_)),
      retry_delay_(options_.retry_initial) {
    open_at_start();
    prune_at_ = steady::now() + prune_first_after;
    writer_ = std::thread([this] { writer_main(); });
}

sqlite_store::~sqlite_store() {
    close();
}

void sqlite_store::open_at_start() {
    ensure_directory(options_.directory);
    try {
        try {
            load_initial();
        } catch (const sqlite::error& e) {
            if (!e.corrupt())
                throw;
            // Damage the header check did not see, met while reading: start fresh.
            statements_.reset();
            db_.reset();
            initial_ = {};
            replace_damaged(options_.directory, e.what(), *log_);
            load_initial();
        }
        return;
    } catch (const std::exception& e) {
        statements_.reset();
        db_.reset();
        failing_ = true;
        retry_at_ = steady::now() + options_.retry_initial;
        log_->error("state: cannot use {}: {}", (options_.directory / database_file_name).string(),
                    e.what());
        tracker_->start_degraded(std::string("cannot open state.db: ") + e.what());
    }
    // Best effort: what an unwritable disk still lets us read keeps restarts from
    // repeating alerts.
    try {
        auto reader = open_for_reading(options_.directory, /*immutable=*/true);
        initial_.clusters = read_clusters(*reader, *log_);
        initial_.pending = read_deliveries(*reader, delivery_status::pending, std::nullopt, *log_);
        initial_.discovered = read_discovered(*reader);
        log_->warn("state: read {} cluster state(s) from state.db read-only",
                   initial_.clusters.size());
    } catch (const std::exception& e) {
        log_->warn("state: starting without stored state ({})", e.what());
    }
}

void sqlite_store::load_initial() {
    db_ = open_for_writing(options_.directory, open_purpose::start, *log_);
    if (has_legacy_layout(options_.directory))
        import_legacy(*db_, options_.directory, options_.legacy, wall_now(), *log_);
    statements_ = std::make_unique<write_statements>(*db_);
    initial_.clusters = read_clusters(*db_, *log_);
    initial_.pending = read_deliveries(*db_, delivery_status::pending, std::nullopt, *log_);
    initial_.discovered = read_discovered(*db_);
}

void sqlite_store::check_once() {
    if (!db_)
        return;
    try {
        const std::string problem = check_integrity(*db_, options_.directory);
        if (problem.empty())
            return;
        log_->error(
            "state: state.db fails its integrity check ({}); it goes on being used and is "
            "moved aside at the next start",
            problem);
        asio::post(executor_, [tracker = tracker_, problem] {
            tracker->report(false, "state.db is damaged: " + problem);
        });
    } catch (const std::exception& e) {
        log_->warn("state: could not check state.db: {}", e.what());
    }
}

void sqlite_store::enqueue(work_item item) {
    if (closed_) {
        // Nobody will serve it: answer reads with nothing and flushes at once.
        if (item.cluster_done)
            asio::post(executor_, [done = std::move(item.cluster_done)] { done(std::nullopt); });
        if (item.pending_done)
            asio::post(executor_, [done = std::move(item.pending_done)] { done({}); });
        if (item.flush_done)
            asio::post(executor_, std::move(item.flush_done));
        return;
    }
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(item));
    }
    wake_.notify_one();
}

void sqlite_store::commit(batch b, commit_handler done) {
    work_item item;
    item.type = work_item::kind::commit;
    item.ticket = tracker_->wait(std::move(done));
    item.writes = std::move(b);
    enqueue(std::move(item));
}

void sqlite_store::record(delivery_update u) {
    work_item item;
    item.type = work_item::kind::delivery;
    item.delivery = std::move(u);
    enqueue(std::move(item));
}

void sqlite_store::load_cluster(std::string instance_no,
                                std::function<void(std::optional<cluster_record>)> done) {
    work_item item;
    item.type = work_item::kind::load_cluster;
    item.key = std::move(instance_no);
    item.cluster_done = std::move(done);
    enqueue(std::move(item));
}

void sqlite_store::load_pending(std::string notifier,
                                std::function<void(std::vector<delivery_record>)> done) {
    work_item item;
    item.type = work_item::kind::load_pending;
    item.key = std::move(notifier);
    item.pending_done = std::move(done);
    enqueue(std::move(item));
}

void sqlite_store::flush(std::function<void()> done) {
    work_item item;
    item.type = work_item::kind::flush;
    item.flush_done = std::move(done);
    enqueue(std::move(item));
}

store_health sqlite_store::health() const {
    return tracker_->health();
}

void sqlite_store::on_health_change(std::function<void(const store_health&)> observer) {
    tracker_->on_health_change(std::move(observer));
}

void sqlite_store::close() {
    {
        std::lock_guard lock(mutex_);
        if (closing_ && !writer_.joinable())
            return;
        closing_ = true;
    }
    wake_.notify_one();
    if (writer_.joinable())
        writer_.join();
    closed_ = true;
    tracker_->close();
}

// ---- the writer thread ----

steady::time_point sqlite_store::next_wakeup() const {
    auto at = prune_at_;
    if (failing_ && !pending_.empty())
        at = std::min(at, retry_at_);
    return at;
}

void sqlite_store::writer_main() {
    check_once();  // reads the whole file: here, not in the start-up path
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait_until(lock, next_wakeup(), [this] { return closing_ || !queue_.empty(); });
        if (!queue_.empty() && !closing_) {
            // At most one group per window: what arrives meanwhile joins the next one.
            wake_.wait_until(lock, last_commit_ + options_.group_window,
                             [this] { return closing_; });
        }
        last_commit_ = steady::now();
        std::deque<work_item> work;
        work.swap(queue_);
        const bool closing = closing_;
        lock.unlock();
        run_group(work, closing);
        lock.lock();
        if (closing && queue_.empty())
            return;
    }
}

void sqlite_store::run_group(std::deque<work_item>& work, bool closing) {
    std::vector<std::uint64_t> tickets;
    for (work_item& item : work) {
        if (item.type == work_item::kind::commit) {
            pending_.add(std::move(item.writes));
            if (item.ticket != 0)
                tickets.push_back(item.ticket);
        } else if (item.type == work_item::kind::delivery) {
            pending_.add(std::move(item.delivery));
        }
    }

    bool attempted = false;
    bool ok = true;
    std::string failure;
    if (!pending_.empty() && (!failing_ || closing || steady::now() >= retry_at_)) {
        attempted = true;
        ok = try_commit(failure);
    } else if (failing_ && !pending_.empty()) {
        ok = false;
        failure = "waiting to retry";
    }
    if (!ok) {
        if (const std::size_t dropped = pending_.trim_events(options_.backlog_event_limit)) {
            dropped_events_ += dropped;
            log_->error(
                "state: {} event record(s) dropped from memory while the disk fails "
                "(they were delivered; {} in all)",
                dropped, dropped_events_);
        }
    }
    if (!tickets.empty() || attempted) {
        asio::post(executor_,
                   [tracker = tracker_, tickets = std::move(tickets), attempted, ok, failure] {
                       tracker->completed(tickets, ok ? std::string() : failure);
                       if (attempted)
                           tracker->report(ok, failure);
                   });
    }
    // Reads and flush markers after the commit: they see every write queued before them.
    for (work_item& item : work) {
        if (item.type != work_item::kind::commit && item.type != work_item::kind::delivery)
            serve(item);
    }
    if (!failing_ && !closing)
        maybe_prune();
}

bool sqlite_store::try_commit(std::string& failure) {
    const auto began = steady::now();
    try {
        if (!db_) {
            db_ = open_for_writing(options_.directory, open_purpose::reopen, *log_);
            statements_ = std::make_unique<write_statements>(*db_);
        }
        if (options_.fault) {
            if (const int rc = options_.fault())
                throw sqlite::error(rc, std::string("injected fault: ") + sqlite3_errstr(rc));
        }
        statements_->commit(pending_, wall_now());
        if (options_.on_commit)
            options_.on_commit(std::chrono::duration<double>(steady::now() - began).count());
        pending_.clear();
        failing_ = false;
        retry_delay_ = options_.retry_initial;
        return true;
    } catch (const std::exception& e) {
        failure = e.what();
        if (const auto* s = dynamic_cast<const sqlite::error*>(&e); s && s->corrupt())
            failure += " (state.db is damaged; it is moved aside at the next start)";
        failing_ = true;
        retry_at_ = steady::now() + retry_delay_;
        retry_delay_ = std::min(retry_delay_ * 2, options_.retry_max);
        if (options_.on_error)
            options_.on_error();
        // Reopen at the next attempt: a remounted or replaced filesystem needs a new handle.
        statements_.reset();
        db_.reset();
        return false;
    }
}

void sqlite_store::answer(std::function<void()> reply) {
    // Through the tracker: a read answered after a commit reaches the loop after that
    // commit's handlers (which run in slices), never before them.
    asio::post(executor_, [tracker = tracker_, reply = std::move(reply)]() mutable {
        tracker->run_in_order(std::move(reply));
    });
}

void sqlite_store::serve(work_item& item) {
    switch (item.type) {
        case work_item::kind::load_cluster: {
            std::optional<cluster_record> found;
            if (auto it = pending_.clusters.find(item.key); it != pending_.clusters.end()) {
                found = it->second;
            } else if (db_) {
                try {
                    found = read_cluster(*db_, item.key, *log_);
                } catch (const std::exception& e) {
                    log_->error("state: cannot read the state of instance {}: {}", item.key,
                                e.what());
                }
            }
            answer(
                [done = std::move(item.cluster_done), found = std::move(found)] { done(found); });
            break;
        }
        case work_item::kind::load_pending: {
            std::vector<delivery_record> rows;
            if (db_) {
                try {
                    rows = read_deliveries(*db_, delivery_status::pending, item.key, *log_);
                } catch (const std::exception& e) {
                    log_->error("state: cannot read the outbox of notifier {}: {}", item.key,
                                e.what());
                }
            }
            // While degraded, the newest writes are still in memory.
            for (const routed_event& r : pending_.events) {
                if (routed_to(r, item.key))
                    rows.push_back({item.key, 0, r.event, delivery_status::pending, 0, {}, {}, {}});
            }
            std::erase_if(rows, [&](const delivery_record& r) {
                auto it = pending_.deliveries.find({item.key, r.event.id});
                return it != pending_.deliveries.end() &&
                       it->second.status != delivery_status::pending;
            });
            answer([done = std::move(item.pending_done), rows = std::move(rows)] { done(rows); });
            break;
        }
        case work_item::kind::flush:
            answer(std::move(item.flush_done));
            break;
        default:
            break;
    }
}

void sqlite_store::maybe_prune() {
    const auto now = steady::now();
    if (now < prune_at_ || !statements_)
        return;
    try {
        const std::size_t deleted =
            statements_->prune(wall_now(), options_.history_retention, prune_rows_per_step);
        prune_at_ = now + (deleted > 0 ? duration(prune_again_after) : duration(prune_every));
    } catch (const std::exception& e) {
        log_->warn("state: pruning old history failed: {}; tried again in an hour", e.what());
        prune_at_ = now + prune_every;
    }
}

}  // namespace sesmon::state
