#include "web/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "sesmon/event.hpp"
#include "sesmon/snapshot.hpp"

namespace sesmon::web {
namespace {

// Poll latency: API calls normally take 50 ms to a few seconds; the client's timeout
// defaults to 10 s, so the top buckets catch timeouts.
const prometheus::Histogram::BucketBoundaries poll_buckets = {0.05, 0.1, 0.25, 0.5, 1,
                                                              2.5,  5,   10,   30};
// Poll lateness: a loop that keeps up starts polls within milliseconds of their time; SPEC
// §9 wants the p99 under 1 s; a daemon far behind is minutes late.
const prometheus::Histogram::BucketBoundaries lateness_buckets = {
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

const prometheus::Histogram::BucketBoundaries commit_buckets = {0.001, 0.0025, 0.005, 0.01, 0.025,
                                                                0.05,  0.1,    0.25,  1,    5};

std::size_t phase_index(std::string_view phase) {
    for (std::size_t i = 0; i < cluster_series::phases.size(); ++i) {
        if (cluster_series::phases[i] == phase)
            return i;
    }
    return 4;  // anything we do not know counts as unknown
}

template <typename T>
void remove_all(prometheus::Family<T>& family, std::map<std::string, T*, std::less<>>& series) {
    for (auto& [label, metric] : series)
        family.Remove(metric);
    series.clear();
}

}  // namespace

struct metrics::notifier_series {
    std::map<std::string, prometheus::Counter*, std::less<>> notifications;  // by result
    prometheus::Gauge* outbox_pending = nullptr;
};

metrics::metrics() : registry_(std::make_shared<prometheus::Registry>()) {
    const std::string prefix = "ses_upgrade_monitor_";
    poll_duration_ = &prometheus::BuildHistogram()
                          .Name(prefix + "poll_duration_seconds")
                          .Help("Duration of one poll, request to parsed answer.")
                          .Register(*registry_);
    events_ = &prometheus::BuildCounter()
                   .Name(prefix + "events_total")
                   .Help("Events emitted, by type.")
                   .Register(*registry_);
    notifications_ = &prometheus::BuildCounter()
                          .Name(prefix + "notifications_total")
                          .Help(
                              "Delivery attempts, by notifier and result (delivered, retry, "
                              "rejected).")
                          .Register(*registry_);
    outbox_pending_ = &prometheus::BuildGauge()
                           .Name(prefix + "outbox_pending")
                           .Help("Events waiting in the notifier's outbox.")
                           .Register(*registry_);
    discovery_listings_ = &prometheus::BuildCounter()
                               .Name(prefix + "discovery_listings_total")
                               .Help(
                                   "Readings of the cluster list by discovery, by result (ok or "
                                   "the error kind of the page that failed).")
                               .Register(*registry_);
    poll_duration_all_ = &poll_duration_->Add({}, poll_buckets);
    poll_lateness_ = &prometheus::BuildHistogram()
                          .Name(prefix + "poll_lateness_seconds")
                          .Help(
                              "How late polls start: actual start (request sent) minus the "
                              "scheduled start.")
                          .Register(*registry_)
                          .Add({}, lateness_buckets);
    api_connections_ = &prometheus::BuildCounter()
                            .Name(prefix + "api_connections_opened_total")
                            .Help(
                                "Connections opened to the API (each a TCP connect and, over "
                                "https, a TLS handshake); about 0 per second once the "
                                "keep-alive pool is warm.")
                            .Register(*registry_)
                            .Add({});
    store_commit_ = &prometheus::BuildHistogram()
                         .Name(prefix + "store_commit_seconds")
                         .Help("Duration of one group commit of the state store (one fsync).")
                         .Register(*registry_)
                         .Add({}, commit_buckets);
    store_errors_ = &prometheus::BuildCounter()
                         .Name(prefix + "store_errors_total")
                         .Help(
                             "Failed write attempts of the state store (disk full, read-only, "
                             "I/O error).")
                         .Register(*registry_)
                         .Add({});
    leader_ = &prometheus::BuildGauge()
                   .Name(prefix + "leader")
                   .Help(
                       "1 on the member that polls and alerts (a daemon alone always), 0 on "
                       "an HA standby or while its leadership is unconfirmed.")
                   .Register(*registry_)
                   .Add({});
    leader_->Set(1);
    // Every event type starts at 0, so rate() and increase() see the first one.
    for (event_type type : all_event_types)
        events_->Add({{"type", std::string(to_string(type))}});
}

metrics::~metrics() = default;

metrics::notifier_series& metrics::notifier_locked(const std::string& name) {
    auto it = notifiers_.find(name);
    if (it != notifiers_.end())
        return it->second;
    notifier_series& s = notifiers_[name];
    s.outbox_pending = &outbox_pending_->Add({{"notifier", name}});
    return s;
}

metrics::cluster_handle metrics::cluster(std::string_view name) {
    std::lock_guard lock(mutex_);
    return cluster_handle(clusters_.get(name));
}

void metrics::record_poll(const cluster_handle& cluster, std::string_view result, double seconds) {
    std::lock_guard lock(mutex_);  // uncontended in the daemon: one thread
    poll_duration_all_->Observe(seconds);
    if (cluster.series_)
        cluster_series::count_poll(*cluster.series_, result);
}

void metrics::record_poll(std::string_view cluster, std::string_view result, double seconds) {
    record_poll(this->cluster(cluster), result, seconds);
}

void metrics::record_poll_lateness(double seconds) {
    poll_lateness_->Observe(seconds < 0 ? 0 : seconds);
}

void metrics::count_api_connection() {
    api_connections_->Increment();
}

void metrics::record_store_commit(double seconds) {
    store_commit_->Observe(seconds);  // prometheus-cpp metrics are thread-safe
}

void metrics::record_store_error() {
    store_errors_->Increment();
}

void metrics::set_leader(bool leader) {
    leader_->Set(leader ? 1 : 0);
}

void metrics::record_discovery_listing(std::string_view result) {
    std::lock_guard lock(mutex_);
    discovery_listings_->Add({{"result", std::string(result)}}).Increment();
}

void metrics::set_discovered(std::string_view cluster, bool discovered) {
    std::lock_guard lock(mutex_);
    clusters_.get(cluster)->discovered = discovered ? 1 : 0;
}

void metrics::record_event(std::string_view type) {
    std::lock_guard lock(mutex_);
    events_->Add({{"type", std::string(type)}}).Increment();
}

void metrics::record_notification(std::string_view notifier, std::string_view result) {
    std::lock_guard lock(mutex_);
    const std::string name(notifier);
    notifier_series& s = notifier_locked(name);
    auto it = s.notifications.find(result);
    if (it == s.notifications.end()) {
        const std::string r(result);
        it = s.notifications.emplace(r, &notifications_->Add({{"notifier", name}, {"result", r}}))
                 .first;
    }
    it->second->Increment();
}

void metrics::set_outbox_pending(std::string_view notifier, double pending) {
    std::lock_guard lock(mutex_);
    notifier_locked(std::string(notifier)).outbox_pending->Set(pending);
}

void metrics::set_cluster(const cluster_view& cluster) {
    std::lock_guard lock(mutex_);
    set_cluster_locked(cluster);
}

void metrics::set_cluster_locked(const cluster_view& cluster) {
    cluster_values& c = *clusters_.get(cluster.name);
    c.upgrade_in_progress = cluster.upgrade_in_progress ? 1 : 0;
    std::array<int, 5> counts{};
    for (const auto& node : cluster.nodes)
        ++counts[phase_index(node.phase)];
    for (std::size_t i = 0; i < counts.size(); ++i)
        c.nodes[i] = counts[i];
    c.stalled = cluster.stalled ? 1 : 0;
    c.discovered = cluster.discovered ? 1 : 0;
    if (cluster.last_success_at)
        c.last_success = static_cast<double>(cluster.last_success_at->time_since_epoch().count());
    clusters_.mark_seen(c);
}

void metrics::set_cluster(const cluster_handle& cluster, const cluster_gauges& gauges) {
    if (!cluster.series_)
        return;
    std::lock_guard lock(mutex_);
    cluster_values& c = *cluster.series_;
    c.upgrade_in_progress = gauges.upgrade_in_progress ? 1 : 0;
    c.stalled = gauges.stalled ? 1 : 0;
    for (std::size_t i = 0; i < c.nodes.size(); ++i)
        c.nodes[i] = gauges.nodes[i];
    if (gauges.last_success)
        c.last_success = static_cast<double>(gauges.last_success->time_since_epoch().count());
}

void metrics::sync_clusters(const std::vector<cluster_view>& clusters) {
    std::lock_guard lock(mutex_);
    clusters_.begin_sync();
    for (const auto& c : clusters)
        set_cluster_locked(c);
    clusters_.sweep();
}

void metrics::remove_cluster(std::string_view cluster) {
    std::lock_guard lock(mutex_);
    clusters_.remove(cluster);
}

void metrics::remove_notifier(std::string_view notifier) {
    std::lock_guard lock(mutex_);
    auto it = notifiers_.find(notifier);
    if (it == notifiers_.end())
        return;
    remove_all(*notifications_, it->second.notifications);
    outbox_pending_->Remove(it->second.outbox_pending);
    notifiers_.erase(it);
}

std::string metrics::render() const {
    std::lock_guard lock(mutex_);
    std::string out = prometheus::TextSerializer().Serialize(registry_->Collect());
    clusters_.render(out);
    return out;
}

}  // namespace sesmon::web
