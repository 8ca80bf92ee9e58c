#pragma once
// prefix_watch: follows every key under a prefix in etcd, for as long as it runs: reads them
// all once (in pages at one revision, ha::read_pages), then watches from the next revision.
// When the stream breaks it
// reconnects from the last revision it delivered, so nothing is skipped or repeated; when
// etcd has compacted the history it needed, it reads everything again (a new snapshot).
//
// Idle streams are re-opened after `idle_timeout` (etcd sends nothing on a quiet prefix; a
// stream through a dead network would otherwise wait forever). Failures wait `retry_delay`
// and are reported through `note` (the election's once-per-episode log).
//
// Single-threaded; the handler runs on the executor. Must outlive its coroutine: stop(),
// then let the executor run (or destroy the executor first).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ha/etcd_client.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::ha {

struct prefix_watch_options {
    duration request_timeout = std::chrono::seconds(5);
    duration retry_delay = std::chrono::seconds(1);
    duration idle_timeout = std::chrono::seconds(30);
    std::int64_t page_keys = 1000;  // keys per answer of the read of everything
};

struct prefix_watch_handler {
    // A read of every key under the prefix begins (at start, and again after a compaction);
    // its keys follow page by page in key order, then snapshot_end with the revision they
    // are all of. A read that fails midway is begun again from the start.
    std::function<void()> snapshot_begin;
    std::function<void(std::vector<key_value>& page)> snapshot_page;
    std::function<void(std::int64_t revision)> snapshot_end;
    // One change after the snapshot, in revision order.
    std::function<void(const watch_event& e)> changed;
    // Every change up to `revision` was handed to `changed` (the end of a watch message).
    std::function<void(std::int64_t revision)> progress;
    // An etcd request's outcome (nullopt: etcd answered).
    std::function<void(const std::optional<etcd_error>&)> note;
};

class prefix_watch {
  public:
    prefix_watch(boost::asio::any_io_executor executor, etcd_client& client, std::string prefix,
                 prefix_watch_options options, std::shared_ptr<spdlog::logger> logger);
    ~prefix_watch();
    prefix_watch(const prefix_watch&) = delete;
    prefix_watch& operator=(const prefix_watch&) = delete;

    void start(prefix_watch_handler handler);
    void stop();  // idempotent

  private:
    boost::asio::awaitable<void> run();
    boost::asio::awaitable<bool> read_all();
    boost::asio::awaitable<void> follow();
    boost::asio::awaitable<void> pause(duration d);
    void note(const std::optional<etcd_error>& e);

    boost::asio::any_io_executor executor_;
    etcd_client& client_;
    std::string prefix_;
    prefix_watch_options options_;
    std::shared_ptr<spdlog::logger> log_;
    prefix_watch_handler handler_;
    boost::asio::steady_timer timer_;
    etcd_watch* current_ = nullptr;   // the open stream, to cancel on stop()
    std::int64_t next_revision_ = 0;  // 0: read everything first
    bool running_ = false;
    bool stopped_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace sesmon::ha
