#pragma once
// loop_link: how the store's threads hand results to the event loop — until the store closes.
// A thread the store leaves behind at close (a hung disk) must never touch the loop again: the
// loop, and everything its handlers refer to, may be gone by the time the disk answers. cut()
// makes every later post a no-op, and waits for a post in progress to finish.
//
// Thread-safe.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <functional>
#include <mutex>
#include <utility>

namespace sesmon::state {

class loop_link {
  public:
    explicit loop_link(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}

    // Posts `f` to the loop; false (and `f` dropped) once cut.
    bool post(std::function<void()> f) {
        std::lock_guard lock(mutex_);
        if (cut_)
            return false;
        boost::asio::post(executor_, std::move(f));
        return true;
    }

    void cut() {
        std::lock_guard lock(mutex_);
        cut_ = true;
    }

  private:
    std::mutex mutex_;
    bool cut_ = false;
    boost::asio::any_io_executor executor_;
};

}  // namespace sesmon::state
