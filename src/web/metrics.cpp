#include "web/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <set>

#include "sesmon/event.hpp"
#include "sesmon/snapshot.hpp"

namespace sesmon::web {
namespace {

constexpr std::array<node_phase, 5> all_phases = {node_phase::pending, node_phase::upgrading,
                                                  node_phase::complete, node_phase::failed,
                                                  node_phase::unknown};

// Poll latency: API calls normally take 50 ms to a few seconds; the client's timeout
// defaults to 10 s, so the top buckets catch timeouts.
const prometheus::Histogram::BucketBoundaries poll_buckets = {0.05, 0.1, 0.25, 0.5, 1,
                                                              2.5,  5,   10,   30};

const prometheus::Histogram::BucketBoundaries commit_buckets = {0.001, 0.0025, 0.005, 0.01, 0.025,
                                                                0.05,  0.1,    0.25,  1,    5};

std::size_t phase_index(std::string_view phase) {
    for (std::size_t i = 0; i < all_phases.size(); ++i) {
        if (to_string(all_phases[i]) == phase)
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

struct metrics::cluster_series {
    std::map<std::string, prometheus::Counter*, std::less<>> polls;  // by result
    prometheus::Gauge* upgrade_in_progress = nullptr;
    std::array<prometheus::Gauge*, 5> nodes{};
    prometheus::Gauge* stalled = nullptr;
    prometheus::Gauge* last_success = nullptr;
};

struct metrics::notifier_series {
    std::map<std::string, prometheus::Counter*, std::less<>> notifications;  // by result
    prometheus::Gauge* outbox_pending = nullptr;
};

metrics::metrics() : registry_(std::make_shared<prometheus::Registry>()) {
    const std::string prefix = "ses_upgrade_monitor_";
    polls_ = &prometheus::BuildCounter()
                  .Name(prefix + "polls_total")
                  .Help(
                      "Polls of getRollingUpgradeProgress, by cluster and result (ok or the "
                      "error kind).")
                  .Register(*registry_);
    poll_duration_ = &prometheus::BuildHistogram()
                          .Name(prefix + "poll_duration_seconds")
                          .Help("Duration of one poll, request to parsed answer.")
                          .Register(*registry_);
    upgrade_in_progress_ = &prometheus::BuildGauge()
                                .Name(prefix + "upgrade_in_progress")
                                .Help("1 while the cluster has a rolling upgrade in progress.")
                                .Register(*registry_);
    nodes_ = &prometheus::BuildGauge()
                  .Name(prefix + "nodes")
                  .Help(
                      "Nodes of the cluster by phase (pending, upgrading, complete, failed, "
                      "unknown).")
                  .Register(*registry_);
    stalled_ = &prometheus::BuildGauge()
                    .Name(prefix + "stalled")
                    .Help("1 while the cluster's upgrade is stalled.")
                    .Register(*registry_);
    last_success_ = &prometheus::BuildGauge()
                         .Name(prefix + "last_success_timestamp_seconds")
                         .Help("Unix time of the last successful poll of the cluster.")
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
    poll_duration_all_ = &poll_duration_->Add({}, poll_buckets);
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
    // Every event type starts at 0, so rate() and increase() see the first one.
    for (event_type type : all_event_types)
        events_->Add({{"type", std::string(to_string(type))}});
}

metrics::~metrics() = default;

metrics::cluster_series& metrics::cluster_locked(const std::string& name) {
    auto it = clusters_.find(name);
    if (it != clusters_.end())
        return it->second;
    cluster_series& s = clusters_[name];
    s.upgrade_in_progress = &upgrade_in_progress_->Add({{"cluster", name}});
    for (std::size_t i = 0; i < all_phases.size(); ++i) {
        s.nodes[i] =
            &nodes_->Add({{"cluster", name}, {"phase", std::string(to_string(all_phases[i]))}});
    }
    s.stalled = &stalled_->Add({{"cluster", name}});
    return s;
}

metrics::notifier_series& metrics::notifier_locked(const std::string& name) {
    auto it = notifiers_.find(name);
    if (it != notifiers_.end())
        return it->second;
    notifier_series& s = notifiers_[name];
    s.outbox_pending = &outbox_pending_->Add({{"notifier", name}});
    return s;
}

void metrics::record_poll(std::string_view cluster, std::string_view result, double seconds) {
    std::lock_guard lock(mutex_);
    const std::string name(cluster);
    cluster_series& s = cluster_locked(name);
    auto it = s.polls.find(result);
    if (it == s.polls.end()) {
        const std::string r(result);
        it = s.polls.emplace(r, &polls_->Add({{"cluster", name}, {"result", r}})).first;
    }
    it->second->Increment();
    poll_duration_all_->Observe(seconds);
}

void metrics::record_store_commit(double seconds) {
    store_commit_->Observe(seconds);  // prometheus-cpp metrics are thread-safe
}

void metrics::record_store_error() {
    store_errors_->Increment();
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
    cluster_series& s = cluster_locked(cluster.name);
    s.upgrade_in_progress->Set(cluster.upgrade_in_progress ? 1 : 0);
    std::array<int, 5> counts{};
    for (const auto& node : cluster.nodes)
        ++counts[phase_index(node.phase)];
    for (std::size_t i = 0; i < counts.size(); ++i)
        s.nodes[i]->Set(counts[i]);
    s.stalled->Set(cluster.stalled ? 1 : 0);
    if (cluster.last_success_at) {
        if (s.last_success == nullptr) {
            s.last_success = &last_success_->Add({{"cluster", cluster.name}});
        }
        s.last_success->Set(
            static_cast<double>(cluster.last_success_at->time_since_epoch().count()));
    }
}

void metrics::sync_clusters(const std::vector<cluster_view>& clusters) {
    std::set<std::string, std::less<>> keep;
    for (const auto& c : clusters) {
        set_cluster(c);
        keep.insert(c.name);
    }
    std::vector<std::string> gone;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [name, series] : clusters_) {
            if (!keep.contains(name))
                gone.push_back(name);
        }
    }
    for (const auto& name : gone)
        remove_cluster(name);
}

void metrics::remove_cluster(std::string_view cluster) {
    std::lock_guard lock(mutex_);
    auto it = clusters_.find(cluster);
    if (it == clusters_.end())
        return;
    cluster_series& s = it->second;
    remove_all(*polls_, s.polls);
    upgrade_in_progress_->Remove(s.upgrade_in_progress);
    for (auto* g : s.nodes)
        nodes_->Remove(g);
    stalled_->Remove(s.stalled);
    if (s.last_success != nullptr)
        last_success_->Remove(s.last_success);
    clusters_.erase(it);
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
    return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace sesmon::web
