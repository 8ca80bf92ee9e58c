#include "ha/prefix_watch.hpp"

#include "ha/paged_range.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sesmon::ha {

namespace asio = boost::asio;

prefix_watch::prefix_watch(asio::any_io_executor executor, etcd_client& client, std::string prefix,
                           prefix_watch_options options, std::shared_ptr<spdlog::logger> logger)
    : executor_(std::move(executor)),
      client_(client),
      prefix_(std::move(prefix)),
      options_(options),
      log_(std::move(logger)),
      timer_(executor_) {}

prefix_watch::~prefix_watch() {
    *alive_ = false;
    stop();
}

void prefix_watch::start(prefix_watch_handler handler) {
    if (running_)
        return;
    running_ = true;
    handler_ = std::move(handler);
    asio::co_spawn(executor_, run(), [log = log_, alive = alive_](std::exception_ptr e) {
        if (!e || !*alive)
            return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            log->error("HA: following the group in etcd stopped: {}", ex.what());
        }
    });
}

void prefix_watch::stop() {
    stopped_ = true;
    timer_.cancel();
    if (current_ != nullptr)
        current_->cancel();
}

void prefix_watch::note(const std::optional<etcd_error>& e) {
    if (handler_.note)
        handler_.note(e);
}

asio::awaitable<void> prefix_watch::pause(duration d) {
    timer_.expires_after(d);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> prefix_watch::run() {
    auto alive = alive_;
    while (*alive && !stopped_) {
        if (next_revision_ == 0 && !co_await read_all()) {
            co_await pause(options_.retry_delay);
            continue;
        }
        co_await follow();
    }
}

asio::awaitable<bool> prefix_watch::read_all() {
    if (handler_.snapshot_begin)
        handler_.snapshot_begin();
    auto alive = alive_;
    // Named arguments: GCC 12 mishandles temporaries built inside a co_await expression.
    std::function<void(std::vector<key_value>&)> page = [this, alive](std::vector<key_value>& kvs) {
        if (*alive && !stopped_ && handler_.snapshot_page)
            handler_.snapshot_page(kvs);
    };
    const paged_range_options paging{options_.page_keys, options_.request_timeout};
    std::string to = prefix_range_end(prefix_);
    auto got = co_await read_pages(client_, prefix_, std::move(to), paging, std::move(page));
    if (!*alive || stopped_)
        co_return false;
    note(got ? std::nullopt : std::optional(got.error()));
    if (!got) {
        log_->debug("HA: reading {} failed: {}", prefix_, got.error().describe());
        co_return false;
    }
    next_revision_ = *got + 1;
    if (handler_.snapshot_end)
        handler_.snapshot_end(*got);
    co_return true;
}

asio::awaitable<void> prefix_watch::follow() {
    watch_request request{prefix_, prefix_range_end(prefix_), next_revision_};
    auto opened = co_await client_.watch(std::move(request), options_.request_timeout);
    if (stopped_)
        co_return;
    if (!opened) {
        note(opened.error().error);
        if (opened.error().compacted != 0) {
            log_->info("HA: etcd compacted the group's history past revision {}; reading it again",
                       next_revision_);
            next_revision_ = 0;
            co_return;
        }
        log_->debug("HA: watching {} failed: {}", prefix_, opened.error().error.describe());
        co_await pause(options_.retry_delay);
        co_return;
    }
    note(std::nullopt);
    std::unique_ptr<etcd_watch> w = std::move(*opened);
    current_ = w.get();
    for (;;) {
        auto message = co_await w->next(options_.idle_timeout);
        if (stopped_)
            break;
        if (!message) {
            // Idle or broken: open it again from where it was.
            if (message.error().message.find("no message for") == std::string::npos) {
                log_->debug("HA: the watch of {} ended: {}", prefix_, message.error().describe());
                note(message.error());
                current_ = nullptr;
                co_await pause(options_.retry_delay);
            }
            break;
        }
        if (message->canceled) {
            if (message->compact_revision != 0) {
                log_->info(
                    "HA: etcd compacted the group's history past revision {}; reading it again",
                    next_revision_);
                next_revision_ = 0;
            } else {
                log_->warn(
                    "HA: etcd ended the watch of {}: {}", prefix_,
                    message->cancel_reason.empty() ? "no reason given" : message->cancel_reason);
                current_ = nullptr;
                co_await pause(options_.retry_delay);
            }
            break;
        }
        for (const watch_event& e : message->events) {
            next_revision_ = std::max(next_revision_, e.kv.mod_revision + 1);
            if (handler_.changed)
                handler_.changed(e);
            if (stopped_)
                break;
        }
        if (stopped_)
            break;
        if (message->events.empty() && !message->created)
            next_revision_ = std::max(next_revision_, message->header.revision + 1);  // progress
        if (handler_.progress)
            handler_.progress(next_revision_ - 1);
    }
    current_ = nullptr;
}

}  // namespace sesmon::ha
