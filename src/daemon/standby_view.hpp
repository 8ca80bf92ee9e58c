#pragma once
// standby_view: a cluster as an HA standby shows it (SPEC §11; docs/daemon.md "Roles"): the
// group's state as the leader last wrote it to etcd, read-only. It polls nothing, arms no
// timer, commits nothing and exports no per-cluster metrics; the group's watch replaces its
// state (refresh). When the member is elected, the daemon drops its views and starts
// cluster_runtimes from the group's state.
#include "daemon/tracked_cluster.hpp"

namespace sesmon::daemon {

class standby_view final : public tracked_cluster {
  public:
    standby_view(cluster_config cluster, tracking_options options, monitor::cluster_state state)
        : tracked_cluster(std::move(cluster), options, std::move(state)) {}

    // The group's newer state of this cluster.
    void refresh(monitor::cluster_state state);
    void set_history(monitor::node_time_medians history) override;

  private:
    monitor::node_time_medians history_;  // kept across refresh()
};

}  // namespace sesmon::daemon
