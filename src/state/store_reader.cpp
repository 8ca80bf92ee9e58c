#include "state/store_reader.hpp"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>

#include "state/commit_tracker.hpp"
#include "state/database.hpp"
#include "state/loop_link.hpp"
#include "state/reads.hpp"
#include "state/unwritten.hpp"

namespace sesmon::state {

struct store_reader::core {
    // A read: runs on the reader thread; `skip` when the store is closing (answer "nothing").
    using job = std::function<void(core&, bool skip)>;

    // Queues `read`; `done` gets its result on the loop (a default one when closing).
    template <class Result>
    void submit(std::function<Result(core&)> read, std::function<void(Result)> done) {
        std::lock_guard lock(mutex);
        queue.push_back([read = std::move(read), done = std::move(done)](core& c, bool skip) {
            Result result{};
            if (!skip)
                result = read(c);
            c.answer([done, result = std::move(result)] { done(result); });
        });
        wake.notify_one();
    }

    void run();
    std::optional<cluster_record> cluster(const std::string& instance_no);
    std::vector<delivery_record> pending(const std::string& notifier);
    // The connection to read from (nullptr: no state.db, nothing stored). Throws.
    sqlite::connection* disk(std::uint64_t generation);
    void answer(std::function<void()> reply) {
        loop->post([tracker = tracker, reply = std::move(reply)]() mutable {
            tracker->run_in_order(std::move(reply));
        });
    }

    std::filesystem::path directory;
    std::shared_ptr<unwritten> writes;
    std::shared_ptr<loop_link> loop;
    std::shared_ptr<commit_tracker> tracker;
    std::shared_ptr<spdlog::logger> log;
    std::unique_ptr<committed_view> view;
    std::uint64_t view_generation = 0;

    std::mutex mutex;
    std::condition_variable wake;
    std::deque<job> queue;
    bool closing = false;
};

store_reader::store_reader(std::filesystem::path directory, std::shared_ptr<unwritten> writes,
                           std::shared_ptr<loop_link> loop, std::shared_ptr<commit_tracker> tracker,
                           std::shared_ptr<spdlog::logger> log)
    : core_(std::make_shared<core>()) {
    core_->directory = std::move(directory);
    core_->writes = std::move(writes);
    core_->loop = std::move(loop);
    core_->tracker = std::move(tracker);
    core_->log = std::move(log);
    thread_ = worker_thread([c = core_] { c->run(); });
}

store_reader::~store_reader() {
    close(duration::zero());
}

void store_reader::load_cluster(std::string instance_no,
                                std::function<void(std::optional<cluster_record>)> done) {
    core_->submit<std::optional<cluster_record>>(
        [instance_no = std::move(instance_no)](core& c) { return c.cluster(instance_no); },
        std::move(done));
}

void store_reader::load_pending(std::string notifier,
                                std::function<void(std::vector<delivery_record>)> done) {
    core_->submit<std::vector<delivery_record>>(
        [notifier = std::move(notifier)](core& c) { return c.pending(notifier); }, std::move(done));
}

bool store_reader::close(duration max_wait) {
    {
        std::lock_guard lock(core_->mutex);
        core_->closing = true;
    }
    core_->wake.notify_one();
    return thread_.join_within(max_wait);
}

void store_reader::core::run() {
    std::unique_lock lock(mutex);
    for (;;) {
        wake.wait(lock, [this] { return closing || !queue.empty(); });
        if (queue.empty())
            break;
        job next = std::move(queue.front());
        queue.pop_front();
        const bool skip = closing;
        lock.unlock();
        next(*this, skip);
        lock.lock();
    }
    lock.unlock();
    view.reset();
}

sqlite::connection* store_reader::core::disk(std::uint64_t generation) {
    // A frozen copy is exact only until the writer writes again.
    if (view && !view->live() && generation != view_generation)
        view.reset();
    if (!view) {
        std::error_code ec;
        if (!std::filesystem::exists(directory / database_file_name, ec))
            return nullptr;
        view = committed_view::open(directory);
        view_generation = generation;
    }
    return &view->db();
}

std::optional<cluster_record> store_reader::core::cluster(const std::string& instance_no) {
    std::uint64_t generation = 0;
    // What is unwritten first: anything not there was durable before this look (see unwritten).
    if (auto found = writes->cluster(instance_no, generation))
        return found;
    try {
        if (sqlite::connection* db = disk(generation))
            return read_cluster(*db, instance_no, *log);
    } catch (const std::exception& e) {
        log->error("state: cannot read the stored state of instance {}: {}; it starts afresh",
                   instance_no, e.what());
        view.reset();
    }
    return std::nullopt;
}

std::vector<delivery_record> store_reader::core::pending(const std::string& notifier) {
    std::uint64_t generation = 0;
    const unwritten::for_notifier memory = writes->pending_for(notifier, generation);
    std::vector<delivery_record> rows;
    try {
        if (sqlite::connection* db = disk(generation))
            rows = read_deliveries(*db, delivery_status::pending, notifier, *log);
    } catch (const std::exception& e) {
        log->error("state: cannot read the outbox of notifier {}: {}", notifier, e.what());
        view.reset();
    }
    // Events not on disk yet (one may have become durable since the look: listed once).
    std::set<std::string> listed;
    for (const delivery_record& r : rows)
        listed.insert(r.event.id);
    for (const sesmon::event& e : memory.events) {
        if (listed.insert(e.id).second)
            rows.push_back({notifier, 0, e, delivery_status::pending, 0, {}, {}, {}});
    }
    // Results not on disk yet: the newest of each applies.
    std::map<std::string, const delivery_update*> latest;
    for (const delivery_update& u : memory.updates)
        latest[u.event_id] = &u;
    std::erase_if(rows, [&](const delivery_record& r) {
        const auto it = latest.find(r.event.id);
        return it != latest.end() && it->second->status != delivery_status::pending;
    });
    for (delivery_record& r : rows) {
        if (const auto it = latest.find(r.event.id); it != latest.end()) {
            r.attempts = it->second->attempts;
            r.next_attempt = it->second->next_attempt;
            r.last_error = it->second->last_error;
            r.updated_at = it->second->at;
        }
    }
    return rows;
}

}  // namespace sesmon::state
