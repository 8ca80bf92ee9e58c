#pragma once
// opensearch_watch: when a cluster's own OpenSearch view is read (SPEC §16), and where from.
// One per cluster with an `opensearch` section, beside its poll loop and independent of it:
// a read that is slow or fails never delays a poll, and no read result touches an alert
// except through the tracker's cluster_health_red / recovery_stuck rules.
//
// - Reads: once at start; at once when asked (read_now: an upgrade was first seen, a stall
//   was raised); every `opensearch.interval` while active (an upgrade runs, or a red episode
//   is open). One read at a time: a read_now during a read runs right after it.
// - Each read takes a permit of the daemon's OpenSearch rate limiter (its own: reads never
//   hold the API's slots), then the three GETs with api.timeout each.
// - from_api: the addresses come from getClusterNodeList (private IPs) and getClusterInfo
//   (port; user name unless configured), asked before the first read and again after
//   three reads in a row failed (nodes get replaced).
// - Unreachable: one warning when reads start failing, one info line when they work again
//   (repeats go to debug); the view is then "not current" with the reason.
//
// Single-threaded (the io_context thread). Lifetime: created with make_shared; the read in
// flight keeps it alive; stop() cancels it and the callback is not called after stop().
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "monitor/anchored_clock.hpp"
#include "monitor/rate_limiter.hpp"
#include "opensearch/reader.hpp"
#include "sesmon/cluster_details.hpp"
#include "sesmon/config.hpp"
#include "sesmon/opensearch.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::daemon {

struct opensearch_watch_deps {
    boost::asio::any_io_executor executor;
    http_client* http = nullptr;                     // trusting the section's ca_file
    monitor::rate_limiter* limiter = nullptr;        // the daemon's OpenSearch reads
    cluster_details_source* details = nullptr;       // for from_api
    const monitor::anchored_clock* clock = nullptr;  // the trackers' time (read_at)
    std::shared_ptr<spdlog::logger> logger;
    duration timeout = std::chrono::seconds(10);  // per request
};

class opensearch_watch : public std::enable_shared_from_this<opensearch_watch> {
  public:
    using on_view = std::function<void(const cluster_view_state&)>;

    opensearch_watch(std::string cluster_name, cluster_target target, opensearch_config config,
                     opensearch_watch_deps deps, on_view callback);

    void start();
    void set_active(bool active);
    void read_now();
    void stop();

    const opensearch_config& config() const { return config_; }
    const cluster_view_state& state() const { return state_; }
    std::uint64_t reads() const { return reads_; }

  private:
    void launch();
    void after_read(std::exception_ptr error);
    void arm(steady_time at);
    boost::asio::awaitable<void> read_once();
    // from_api: the reader for the addresses the API gives now; "" or why there is none.
    boost::asio::awaitable<std::string> resolve();
    void take(opensearch::read_outcome outcome);

    std::string name_;
    cluster_target target_;
    opensearch_config config_;
    opensearch_watch_deps deps_;
    on_view callback_;
    std::optional<opensearch::reader> reader_;
    boost::asio::steady_timer timer_;
    boost::asio::cancellation_signal cancel_;
    cluster_view_state state_;
    std::uint64_t generation_ = 0;  // of the armed timer: stale wake-ups are ignored
    std::uint64_t reads_ = 0;
    int failures_ = 0;  // reads in a row that failed
    bool active_ = false;
    bool in_flight_ = false;
    bool again_ = false;
    bool stopped_ = false;
    bool ever_read_ = false;
    steady_time last_started_{};
};

}  // namespace sesmon::daemon
