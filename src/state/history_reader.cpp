#include "state/history_reader.hpp"

#include "state/database.hpp"

namespace sesmon::state {

history_reader::history_reader(boost::asio::any_io_executor executor,
                               std::filesystem::path directory, std::size_t max_queued)
    : executor_(std::move(executor)),
      directory_(std::move(directory)),
      max_queued_(max_queued),
      thread_([this] { run(); }) {}

history_reader::~history_reader() {
    close();
    if (thread_.joinable())
        thread_.join();
}

void history_reader::close() {
    {
        std::lock_guard lock(mutex_);
        closing_ = true;
    }
    wake_.notify_one();
}

void history_reader::submit(job j, const std::function<void(std::string)>& reject) {
    std::string why;
    {
        std::lock_guard lock(mutex_);
        if (closing_) {
            why = "closed: the daemon is stopping";
        } else if (queue_.size() >= max_queued_) {
            why = "busy: " + std::to_string(max_queued_) + " history reads are already queued";
        } else {
            queue_.push_back(std::move(j));
            wake_.notify_one();
            return;
        }
    }
    reject(why);
}

void history_reader::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return closing_ || !queue_.empty(); });
        if (queue_.empty())
            break;  // closing, nothing left
        job next = std::move(queue_.front());
        queue_.pop_front();
        if (closing_) {
            lock.unlock();
            next(nullptr, "closed: the daemon is stopping");
            lock.lock();
            continue;
        }
        lock.unlock();
        std::string error;
        if (!db_) {
            try {
                db_ = open_for_reading(directory_);
            } catch (const std::exception& e) {
                error = e.what();
            }
        }
        // A query that failed may have met a replaced or damaged file: open afresh next time.
        if (!next(db_.get(), error))
            db_.reset();
        lock.lock();
    }
    lock.unlock();
    db_.reset();
}

}  // namespace sesmon::state
