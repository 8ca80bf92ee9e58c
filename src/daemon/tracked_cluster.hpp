#pragma once
// tracked_cluster: a watched cluster as every surface shows it — its configuration, its
// tracker's state and what is derived from them: the API's view, the flags STATUS= counts,
// the expected finish, the history id. Two kinds, held apart by the daemon, each with the
// interface it needs:
// - cluster_runtime (cluster_runtime.hpp): polled by this daemon, alone or as an HA leader;
// - standby_view (standby_view.hpp): an HA standby's read-only copy of the group's state.
//
// Single-threaded (the io_context thread).
#include <chrono>
#include <optional>
#include <string>

#include "monitor/anchored_clock.hpp"
#include "monitor/tracker.hpp"
#include "sesmon/config.hpp"
#include "web/fleet_index.hpp"
#include "web/view_model.hpp"

namespace sesmon::daemon {

// Flags of a cluster that the daemon's STATUS line counts.
struct cluster_flags {
    bool upgrade_in_progress = false;
    bool stalled = false;
    bool blind = false;
    friend bool operator==(const cluster_flags&, const cluster_flags&) = default;
};

// How the trackers tell time and dates (SPEC §4).
struct tracking_options {
    const monitor::anchored_clock* decision_clock = nullptr;  // the trackers' time
    std::chrono::seconds zone_offset = std::chrono::hours(9);
    duration eta_node_prior = std::chrono::minutes(12);
};

class tracked_cluster {
  public:
    virtual ~tracked_cluster() = default;
    tracked_cluster(const tracked_cluster&) = delete;
    tracked_cluster& operator=(const tracked_cluster&) = delete;

    const cluster_config& config() const { return cluster_; }
    const monitor::tracker& tracker() const { return tracker_; }
    // This cluster's past upgrades' node times (from the history), for the ETA.
    virtual void set_history(monitor::node_time_medians history) {
        tracker_.set_history(std::move(history));
    }
    // The history id of the tracker's current (or last) upgrade; "" without one.
    const std::string& history_id() const;
    // The expected finish of the upgrade in progress (SPEC §4), else nullopt.
    std::optional<wall_time> expected_finish() const;
    cluster_flags flags() const;
    // The API's view at `now`: what the tracker's state says (a polled cluster adds its
    // last poll).
    virtual web::cluster_view view(wall_time now) const;
    // Its row in the fleet index (SPEC §13).
    web::fleet_row fleet_row() const;
    // A reloaded configuration of the same cluster (same instance_no): the name, stall
    // timeouts and notify list, the API's zone and the ETA's prior.
    virtual void reconfigure(const cluster_config& cluster, std::chrono::seconds zone_offset,
                             duration eta_node_prior);

  protected:
    // `state` is the cluster's state as the store (or the HA group) holds it, or a fresh one.
    tracked_cluster(cluster_config cluster, tracking_options options, monitor::cluster_state state);

    cluster_config cluster_;
    tracking_options options_;
    monitor::tracker tracker_;

  private:
    // history_id()'s cache, and the upgrade identity it was computed for.
    mutable std::string history_id_;
    mutable std::optional<monitor::upgrade_identity> history_id_of_;
};

}  // namespace sesmon::daemon
