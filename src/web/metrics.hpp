#pragma once
// metrics: the Prometheus metrics of SPEC §7 (prefix ses_upgrade_monitor_), kept in a
// prometheus-cpp registry and rendered with its text serializer (exposition format 0.0.4).
//
// Who calls what: the poll loop calls record_poll after every attempt; the tracker's
// events go through record_event; the dispatcher calls record_notification after every
// delivery attempt and set_outbox_pending when its queue changes. The per-cluster gauges
// come from the view model: set_cluster for one cluster, sync_clusters for the whole set
// (the router does that on every scrape, so gauges are never staler than the view), and
// remove_cluster / remove_notifier when a reload drops one, so its series disappear.
//
// Thread-safe: every method may be called from any thread.
#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

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
    metrics();
    ~metrics();
    metrics(const metrics&) = delete;
    metrics& operator=(const metrics&) = delete;

    // One poll attempt: result is "ok" or an api_error_kind name ("network", "auth", ...).
    void record_poll(std::string_view cluster, std::string_view result, double seconds);
    // One event emitted (to_string(event_type)).
    void record_event(std::string_view type);
    // One delivery attempt: result "delivered" | "retry" | "rejected" (delivery_outcome).
    void record_notification(std::string_view notifier, std::string_view result);
    void set_outbox_pending(std::string_view notifier, double pending);
    // The state store: one group commit that took `seconds`; one failed write attempt.
    // Called from the store's writer thread.
    void record_store_commit(double seconds);
    void record_store_error();

    // The gauges of one cluster: upgrade_in_progress, nodes{phase} (all five phases, zeros
    // included), stalled, last_success_timestamp_seconds (absent until a poll succeeded).
    void set_cluster(const cluster_view& cluster);
    // set_cluster for each, and remove_cluster for every cluster not in the list.
    void sync_clusters(const std::vector<cluster_view>& clusters);
    // Drops every series labelled with this cluster (gauges and polls_total).
    void remove_cluster(std::string_view cluster);
    // Drops every series labelled with this notifier.
    void remove_notifier(std::string_view notifier);

    // The text exposition of everything above.
    std::string render() const;

  private:
    struct cluster_series;
    struct notifier_series;
    cluster_series& cluster_locked(const std::string& name);
    notifier_series& notifier_locked(const std::string& name);

    mutable std::mutex mutex_;
    std::shared_ptr<prometheus::Registry> registry_;
    prometheus::Family<prometheus::Counter>* polls_;
    prometheus::Family<prometheus::Histogram>* poll_duration_;
    prometheus::Family<prometheus::Gauge>* upgrade_in_progress_;
    prometheus::Family<prometheus::Gauge>* nodes_;
    prometheus::Family<prometheus::Gauge>* stalled_;
    prometheus::Family<prometheus::Gauge>* last_success_;
    prometheus::Family<prometheus::Counter>* events_;
    prometheus::Family<prometheus::Counter>* notifications_;
    prometheus::Family<prometheus::Gauge>* outbox_pending_;
    prometheus::Histogram* poll_duration_all_;
    prometheus::Histogram* store_commit_;
    prometheus::Counter* store_errors_;
    std::map<std::string, cluster_series, std::less<>> clusters_;
    std::map<std::string, notifier_series, std::less<>> notifiers_;
};

}  // namespace sesmon::web
