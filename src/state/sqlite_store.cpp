#include "state/sqlite_store.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "common/time_format.hpp"
#include "state/commit_tracker.hpp"
#include "state/database.hpp"
#include "state/fault_vfs.hpp"
#include "state/integrity_check.hpp"
#include "state/loop_link.hpp"
#include "state/reads.hpp"
#include "state/store_reader.hpp"
#include "state/store_writer.hpp"
#include "state/unix_time.hpp"
#include "state/unwritten.hpp"

namespace sesmon::state {
namespace asio = boost::asio;
namespace fs = std::filesystem;
using steady = std::chrono::steady_clock;

namespace {

// Creates the state directory (mode 0700) when missing; an existing one keeps its mode
// (systemd's StateDirectory= manages it). Errors surface when the database is opened.
void ensure_directory(const fs::path& dir) {
    std::error_code ec;
    if (fs::create_directories(dir, ec))
        fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
}

}  // namespace

sqlite_store::sqlite_store(asio::any_io_executor executor, sqlite_store_options options,
                           std::shared_ptr<spdlog::logger> log)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      log_(std::move(log)),
      loop_(std::make_shared<loop_link>(executor_)),
      tracker_(std::make_shared<commit_tracker>(executor_, options_.stuck_after, log_)),
      unwritten_(std::make_shared<unwritten>(options_.backlog_event_limit)) {
    if (options_.faults)
        vfs_ = std::make_shared<fault_vfs>(options_.faults);
    auto db = open_at_start();
    const bool opened = db != nullptr;
    store_writer::options w;
    w.directory = options_.directory;
    w.timing.group_window = options_.group_window;
    w.timing.retry_initial = options_.retry_initial;
    w.timing.retry_max = options_.retry_max;
    w.timing.prune_first_after = options_.prune_first_after;
    w.history_retention = options_.history_retention;
    w.on_commit = options_.on_commit;
    w.on_error = options_.on_error;
    writer_ = std::make_unique<store_writer>(
        std::move(w), store_writer::links{unwritten_, loop_, tracker_, vfs_, log_}, std::move(db));
    reader_ = std::make_unique<store_reader>(options_.directory, unwritten_, loop_, tracker_, log_);
    if (opened) {
        check_ = std::make_unique<integrity_check>(
            options_.directory,
            [loop = loop_, tracker = tracker_](const std::string& problem) {
                loop->post([tracker, problem] { tracker->report_damaged(problem); });
            },
            log_, options_.before_integrity_check);
    }
}

sqlite_store::~sqlite_store() {
    close();
}

std::unique_ptr<sqlite::connection> sqlite_store::open_at_start() {
    ensure_directory(options_.directory);
    std::string why;
    try {
        try {
            return load_initial();
        } catch (const sqlite::error& e) {
            if (!e.corrupt())
                throw;
            // Damage the header check did not see, met while reading: start fresh.
            initial_ = {};
            replace_damaged(options_.directory, e.what(), *log_);
            return load_initial();
        }
    } catch (const schema_too_new&) {
        throw;
    } catch (const std::exception& e) {
        why = e.what();
    }
    initial_ = {};
    // The reason as a failed write would give it: a retry failing alike is no news.
    tracker_->start_degraded(why);
    load_read_only();
    return nullptr;
}

std::unique_ptr<sqlite::connection> sqlite_store::load_initial() {
    auto db = open_for_writing(options_.directory, open_purpose::start, *log_,
                               vfs_ ? vfs_->name() : nullptr);
    if (has_legacy_layout(options_.directory))
        import_legacy(*db, options_.directory, options_.legacy, wall_now(), *log_);
    initial_.clusters = read_clusters(*db, *log_);
    initial_.pending = read_deliveries(*db, delivery_status::pending, std::nullopt, *log_);
    initial_.discovered = read_discovered(*db);
    return db;
}

void sqlite_store::load_read_only() {
    // What a disk that cannot be written still lets us read keeps restarts from repeating
    // alerts — all of it, the last commits in the WAL included.
    std::error_code ec;
    const fs::path file = options_.directory / database_file_name;
    if (!fs::exists(file, ec) || fs::file_size(file, ec) == 0) {
        log_->warn("state: no stored state to read in {}", options_.directory.string());
        return;
    }
    try {
        const auto view = committed_view::open(options_.directory);
        initial_.clusters = read_clusters(view->db(), *log_);
        initial_.pending =
            read_deliveries(view->db(), delivery_status::pending, std::nullopt, *log_);
        initial_.discovered = read_discovered(view->db());
        log_->warn(
            "state: read {} cluster state(s) and {} pending deliveries from state.db through "
            "{}; writes wait in memory until it can be written",
            initial_.clusters.size(), initial_.pending.size(), view->how());
    } catch (const schema_too_new&) {
        throw;
    } catch (const std::exception& e) {
        initial_ = {};
        log_->warn("state: starting without stored state ({})", e.what());
    }
}

void sqlite_store::commit(batch b, commit_handler done) {
    const std::uint64_t ticket = tracker_->wait(std::move(done));
    if (closed_)
        return;  // the tracker answered: closed
    if (unwritten_->add(std::move(b), ticket))
        writer_->wake();
}

void sqlite_store::record(delivery_update u) {
    if (closed_)
        return;
    if (unwritten_->add(std::move(u)))
        writer_->wake();
}

void sqlite_store::load_cluster(std::string instance_no,
                                std::function<void(std::optional<cluster_record>)> done) {
    if (closed_) {
        asio::post(executor_, [done = std::move(done)] { done(std::nullopt); });
        return;
    }
    reader_->load_cluster(std::move(instance_no), std::move(done));
}

void sqlite_store::load_pending(std::string notifier,
                                std::function<void(std::vector<delivery_record>)> done) {
    if (closed_) {
        asio::post(executor_, [done = std::move(done)] { done({}); });
        return;
    }
    reader_->load_pending(std::move(notifier), std::move(done));
}

void sqlite_store::flush(std::function<void()> done) {
    // An empty commit: its handler runs once everything before it was attempted — or at once
    // while the store is degraded (those writes wait in memory for the retry).
    commit(batch{}, [done = std::move(done)](std::error_code) { done(); });
}

store_health sqlite_store::health() const {
    return tracker_->health();
}

void sqlite_store::on_health_change(std::function<void(const store_health&)> observer) {
    tracker_->on_health_change(std::move(observer));
}

void sqlite_store::close() {
    if (closed_)
        return;
    closed_ = true;
    const auto deadline = steady::now() + options_.close_timeout;
    const auto left = [&] {
        return std::max<duration>(std::chrono::duration_cast<duration>(deadline - steady::now()),
                                  duration::zero());
    };
    // The readers first: the writer's connection, closed last, checkpoints the WAL.
    reader_->close(left());
    if (check_)
        check_->close(left());
    if (!writer_->close(left())) {
        log_->error(
            "state: the disk has not finished the last writes after {}; stopping without them "
            "(the next start recovers as after a crash: state and events together, or neither)",
            common::format_duration(options_.close_timeout));
    }
    loop_->cut();
    tracker_->close();
}

}  // namespace sesmon::state
