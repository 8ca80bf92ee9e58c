#pragma once
// discovery_runtime: cluster discovery inside the daemon (SPEC §10). It owns the known set
// (as the state store held it at start, so clusters found by an earlier run are watched
// before the first listing answers; every change is committed to the store, whole, through
// its writer and group commit, and nobody waits for it), reads the cluster list every
// discovery.interval through the daemon's API client and rate limiter, and starts and stops
// discovered clusters through the daemon's own start/stop path (the one reload uses).
//
// - extend(cfg) runs at start and at every reload, before the daemon applies `cfg`: it
//   appends the discovered clusters to cfg.clusters (after the static ones), so the
//   daemon's usual add / remove / reconfigure logic covers them.
// - Between reloads, each complete listing updates the known set (merge.hpp) and calls
//   hooks.start / hooks.stop for the difference. A failed or partial listing changes
//   nothing; it is logged once per episode (warning), counted in
//   discovery_listings_total{result}, and retried with backoff (at most one interval).
// - Clusters the keys may not see (disallowedClusters) are logged once each, not watched.
// - In an HA group the known set is the group's, and only the leader lists: the daemon turns
//   listing on at a takeover (the first listing at once) and off at a handover
//   (set_listing), and hands over the group's set whenever it changes under a standby or
//   is read at a takeover (adopt), which starts and stops the difference as a listing would
//   — a standby's discovered clusters are read-only views of the group's state.
//
// Single-threaded (the io_context thread). stop() cancels the loop; the daemon waits for
// running() to turn false before it goes away.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>

#include "discovery/known.hpp"
#include "discovery/listing.hpp"
#include "discovery/merge.hpp"
#include "monitor/rate_limiter.hpp"
#include "sesmon/cluster_list.hpp"
#include "sesmon/config.hpp"
#include "sesmon/time.hpp"
#include "state/records.hpp"

namespace spdlog {
class logger;
}
namespace sesmon::web {
class metrics;
}
namespace sesmon::state {
class store;
}

namespace sesmon::daemon {

struct discovery_hooks {
    // Start watching a discovered cluster (daemon::start_cluster).
    std::function<void(const cluster_config&)> start;
    // Stop watching one; `why` completes the daemon's "no longer watched (...)" line.
    std::function<void(const std::string& name, std::string_view why)> stop;
    // The first listing since start was attempted, successfully or not (readiness).
    std::function<void()> first_listing_done;
};

// What the runtime uses; every pointer must outlive it.
struct discovery_deps {
    boost::asio::any_io_executor executor;
    cluster_list_source* source = nullptr;
    monitor::rate_limiter* limiter = nullptr;
    web::metrics* metrics = nullptr;
    state::store* store = nullptr;  // where the known set is kept between runs
    std::shared_ptr<spdlog::logger> logger;
};

class discovery_runtime {
  public:
    // `stored`: the discovered set the store held at start (initial_state::discovered).
    discovery_runtime(discovery_deps deps, const std::vector<state::discovered_record>& stored,
                      discovery_hooks hooks);
    ~discovery_runtime();
    discovery_runtime(const discovery_runtime&) = delete;
    discovery_runtime& operator=(const discovery_runtime&) = delete;

    // Takes cfg's clusters[] and discovery section as current, and appends to cfg.clusters
    // the discovered clusters to watch (none while discovery is off). A changed discovery
    // section (enabled, regions, interval) makes the next listing happen at once.
    void extend(sesmon::config& cfg);
    // Starts the listing loop (the first listing at once) while discovery is enabled; after
    // this, extend() starts and stops the loop as reloads enable and disable discovery.
    void start();
    // Ends the loop (a listing in progress is cancelled). Idempotent.
    void stop();
    // HA: lists only while `on` (this member leads). Turned on, it lists at once and the
    // next listing counts as the first (readiness). A listing in progress when it is turned
    // off is dropped. On by default.
    void set_listing(bool on);
    // HA: the known set is `stored` (the group's) from now on; the clusters it adds or
    // removes are started and stopped as after a listing.
    void adopt(const std::vector<state::discovered_record>& stored);
    bool running() const { return running_; }

  private:
    boost::asio::awaitable<void> run();
    void spawn();
    void on_listing(discovery::listing_result result);
    // Calls hooks.first_listing_done once.
    void note_first_listing();
    void on_failure(const discovery::listing_failure& failure);
    // Applies the known set: saves it when changed, starts and stops the difference.
    void reconcile(const discovery::known_update* update);
    // Commits known_ to the store when it differs from what was last committed.
    void save_known();
    discovery::watch_plan plan() const;
    duration retry_delay();

    discovery_deps deps_;
    discovery_hooks hooks_;
    discovery::known_set known_;
    discovery::known_set saved_;           // as last handed to the store
    std::vector<cluster_config> statics_;  // clusters[], kept while discovery is enabled
    discovery_config section_;
    std::optional<discovery::filter_rules> rules_;
    std::map<std::string, std::string> watched_;  // name → instance_no, as started
    std::set<std::string> disallowed_seen_;       // instance numbers already logged

    boost::asio::steady_timer timer_;
    boost::asio::cancellation_signal cancel_;
    std::mt19937_64 rng_;
    bool started_ = false;   // start() was called
    bool running_ = false;   // the loop coroutine exists
    bool stopping_ = false;  // the loop was told to end
    bool first_done_ = false;
    bool listing_ = true;           // HA: false while this member does not lead
    std::uint64_t generation_ = 0;  // bumped when the discovery section's schedule changes
    int failures_ = 0;
    std::optional<api_error> last_error_;
};

}  // namespace sesmon::daemon
