#pragma once
// worker_thread: a thread the store can leave behind. Its body must own everything it touches
// (shared_ptr), so that it may outlive the object that started it: join_within() waits a
// bounded time for it to end, and detaches it when it has not (a write stuck in a hung disk's
// fsync) — a daemon told to stop must exit in bounded time (SPEC §12, invariant 5).
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace sesmon::state {

class worker_thread {
  public:
    worker_thread() = default;
    explicit worker_thread(std::function<void()> body) : ended_(std::make_shared<flag>()) {
        thread_ = std::thread([body = std::move(body), ended = ended_] {
            body();
            std::lock_guard lock(ended->mutex);
            ended->set = true;
            ended->changed.notify_all();
        });
    }
    ~worker_thread() { join_within(std::chrono::steady_clock::duration::zero()); }
    worker_thread(worker_thread&&) = default;
    worker_thread& operator=(worker_thread&&) = default;

    // Joins if the body ends within `max_wait`; otherwise detaches the thread and returns false.
    // True when there is no thread (any more).
    bool join_within(std::chrono::steady_clock::duration max_wait) {
        if (!thread_.joinable())
            return true;
        bool ended = false;
        {
            std::unique_lock lock(ended_->mutex);
            ended = ended_->changed.wait_for(lock, max_wait, [&] { return ended_->set; });
        }
        if (ended) {
            thread_.join();
            return true;
        }
        thread_.detach();
        return false;
    }

  private:
    struct flag {
        std::mutex mutex;
        std::condition_variable changed;
        bool set = false;
    };
    std::shared_ptr<flag> ended_;
    std::thread thread_;
};

}  // namespace sesmon::state
