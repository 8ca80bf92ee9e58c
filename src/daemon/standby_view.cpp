#include "daemon/standby_view.hpp"

namespace sesmon::daemon {

void standby_view::refresh(monitor::cluster_state state) {
    tracker_ = monitor::tracker(tracker_.cluster(), tracker_.options(), std::move(state));
    tracker_.set_history(history_);
}

void standby_view::set_history(monitor::node_time_medians history) {
    history_ = history;
    tracked_cluster::set_history(std::move(history));
}

}  // namespace sesmon::daemon
