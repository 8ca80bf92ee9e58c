#pragma once
// metrics: the Prometheus metrics of SPEC §7 (prefix ses_upgrade_monitor_) in the text
// exposition format 0.0.4. The daemon-wide ones live in a prometheus-cpp registry and are
// rendered by its serializer; the per-cluster ones (thousands of series) in the compact
// web::cluster_series, rendered directly (see cluster_series.hpp for why).
//
// Who calls what: each cluster's runtime takes a cluster_handle once, at start, and records
// every poll attempt through it (record_poll: no look-up by name per poll); the watcher's
// poll start goes to record_poll_lateness; the API client's new connections to
// count_api_connection; the tracker's events go through record_event; the dispatcher calls
// record_notification after every delivery attempt and set_outbox_pending when its queue changes.
// The per-cluster gauges come from the view model: set_cluster for one cluster, sync_clusters for
// the whole set (the router does that on every scrape, so gauges are never staler than the view),
// and remove_cluster / remove_notifier when a reload drops one, so its series disappear.
//
// Thread-safe: every method may be called from any thread.
#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "web/cluster_series.hpp"
#include "web/view_model.hpp"

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace sesmon::web {

class metrics {
  public:
    // One cluster's series, found once. Copyable; stays valid (and recording becomes a no-op)
    // after remove_cluster drops the cluster's series.
    class cluster_handle {
      public:
        cluster_handle() = default;

      private:
        friend class metrics;
        explicit cluster_handle(std::shared_ptr<cluster_values> s) : series_(std::move(s)) {}
        std::shared_ptr<cluster_values> series_;
    };

    metrics();
    ~metrics();
    metrics(const metrics&) = delete;
    metrics& operator=(const metrics&) = delete;

    // The handle of a cluster's series, creating them (gauges at 0) if needed.
    cluster_handle cluster(std::string_view name);
    // One poll attempt: result is "ok" or an api_error_kind name ("network", "auth", ...).
    void record_poll(const cluster_handle& cluster, std::string_view result, double seconds);
    // The same by name (looks the cluster up: tests, tools).
    void record_poll(std::string_view cluster, std::string_view result, double seconds);
    // How late a poll started: actual start (request about to be sent) − scheduled start.
    void record_poll_lateness(double seconds);
    // One new connection to the API (TCP connect; a TLS handshake follows over https).
    void count_api_connection();
    // One event emitted (to_string(event_type)).
    void record_event(std::string_view type);
    // One delivery attempt: result "delivered" | "retry" | "rejected" (delivery_outcome).
    void record_notification(std::string_view notifier, std::string_view result);
    void set_outbox_pending(std::string_view notifier, double pending);
    // The state store: one group commit that took `seconds`; one failed write attempt.
    // Called from the store's writer thread.
    void record_store_commit(double seconds);
    void record_store_error();
    // Whether this daemon polls and alerts (HA: the leader, while its leadership is confirmed).
    void set_leader(bool leader);
    // One reading of the cluster list by discovery: result "ok" or the error kind of the
    // page that failed ("auth", "throttled", "server", "invalid_response", ...).
    void record_discovery_listing(std::string_view result);
    // Marks the cluster found by discovery (cluster_discovered 1, counted in
    // discovered_clusters) or listed in clusters[] (0); creates its series if needed.
    void set_discovered(std::string_view cluster, bool discovered);

    // The gauges of one cluster: upgrade_in_progress, nodes{phase} (all five phases, zeros
    // included), stalled, cluster_discovered, last_success_timestamp_seconds (absent until a
    // poll succeeded).
    void set_cluster(const cluster_view& cluster);
    struct cluster_gauges {
        bool upgrade_in_progress = false;
        bool stalled = false;
        std::array<int, 5> nodes{};  // by phase: pending, upgrading, complete, failed, unknown
        std::optional<wall_time> last_success;
    };
    // The same through a handle, from the cluster's owner after each change (no view).
    void set_cluster(const cluster_handle& cluster, const cluster_gauges& gauges);
    // set_cluster for each, and remove_cluster for every cluster not in the list.
    void sync_clusters(const std::vector<cluster_view>& clusters);
    // Drops every series labelled with this cluster (gauges and polls_total).
    void remove_cluster(std::string_view cluster);
    // Drops every series labelled with this notifier.
    void remove_notifier(std::string_view notifier);

    // The text exposition of everything above.
    std::string render() const;

  private:
    struct notifier_series;
    void set_cluster_locked(const cluster_view& cluster);
    notifier_series& notifier_locked(const std::string& name);

    mutable std::mutex mutex_;
    std::shared_ptr<prometheus::Registry> registry_;
    prometheus::Family<prometheus::Histogram>* poll_duration_;
    prometheus::Family<prometheus::Counter>* events_;
    prometheus::Family<prometheus::Counter>* notifications_;
    prometheus::Family<prometheus::Gauge>* outbox_pending_;
    prometheus::Histogram* poll_duration_all_;
    prometheus::Histogram* poll_lateness_;
    prometheus::Counter* api_connections_;
    prometheus::Histogram* store_commit_;
    prometheus::Counter* store_errors_;
    prometheus::Gauge* leader_;
    prometheus::Family<prometheus::Counter>* discovery_listings_;
    cluster_series clusters_;
    std::map<std::string, notifier_series, std::less<>> notifiers_;
};

}  // namespace sesmon::web
