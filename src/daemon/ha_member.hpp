#pragma once
// ha_member: this daemon's seat in an HA group (SPEC §11) — the seam between the daemon and
// everything HA. It owns the etcd client, the election, the mirror of the group into the
// local state.db, and the fenced doors (API source, notifiers); it makes the group's store
// (etcd_store) that the daemon then uses as its state store.
//
// What the daemon does with it (daemon_ha.cpp):
// - polls through source() and delivers through fence(notifier): nothing leaves a member
//   that does not lead, or whose leadership is unconfirmed;
// - is told `elected` with the group's state once this member leads and has read it (it
//   then starts its watchers and a dispatcher with the pending deliveries), `deposed` when
//   it no longer leads (it stops them), `cluster_seen` for each cluster state of the group
//   (a standby's read-only view), `changed` when role, leader or reachability changed;
// - asks readiness(), status_line() and view() for /readyz, STATUS= and the API;
// - calls resign() last at SIGTERM, after the last deliveries were committed.
//
// Single-threaded: the daemon's event loop. Destroy the group store before this object.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "daemon/fenced.hpp"
#include "ha/election.hpp"
#include "ha/etcd_client.hpp"
#include "sesmon/clock.hpp"
#include "sesmon/config.hpp"
#include "state/group_mirror.hpp"
#include "state/records.hpp"
#include "web/routes.hpp"
#include "web/view_model.hpp"

namespace spdlog {
class logger;
}
namespace sesmon::state {
class etcd_store;
class store;
}  // namespace sesmon::state

namespace sesmon::daemon {

// How to reach the group's etcd: `ha.etcd` of the configuration.
ha::etcd_client_options etcd_client_options_of(const ha_config& c);

class ha_member {
  public:
    struct hooks {
        std::function<void(state::initial_state)> elected;
        std::function<void(const std::string& reason)> deposed;
        std::function<void(const state::cluster_record&)> cluster_seen;
        // Discovery's known set as the group holds it (a standby's read-only view).
        std::function<void(const std::vector<state::discovered_record>&)> discovered_seen;
        std::function<void()> changed;
    };

    // `local` is this member's state.db store: the mirror writes the group's history into
    // it. Throws std::runtime_error for unusable TLS files.
    ha_member(boost::asio::any_io_executor executor, const ha_config& config,
              const sesmon::clock& clock, std::shared_ptr<spdlog::logger> logger,
              std::unique_ptr<state::store> local);
    ~ha_member();
    ha_member(const ha_member&) = delete;
    ha_member& operator=(const ha_member&) = delete;

    // The group's store, made once; the daemon owns it and destroys it before this object.
    std::unique_ptr<state::store> make_group_store();

    void start(hooks h);
    // SIGTERM: no more campaigning (a leader keeps renewing until resign()).
    void stop_campaigning() { election_.stop_campaigning(); }
    // SIGTERM, last step: revokes the lease (a standby takes over at once), stops following.
    boost::asio::awaitable<void> resign();
    // Ends every coroutine (the daemon's destructor; no revoke).
    void stop();

    progress_source& source(progress_source& inner);
    cluster_list_source& list_source(cluster_list_source& inner);
    std::unique_ptr<notifier> fence(std::unique_ptr<notifier> inner);

    bool may_act() const { return election_.may_act(); }
    const std::unordered_map<std::string, state::cluster_record>& group_clusters() const {
        return mirror_.clusters();
    }
    // /readyz: a standby that follows a leader is ready (it can take over); a leader once
    // its first poll round was attempted and while its leadership is confirmed; nobody
    // while etcd is unreachable.
    web::readiness readiness(bool first_round_done, bool active) const;
    // The start of STATUS=: "leader", "standby (leader b)", "etcd unreachable: ...".
    std::string status_line() const;
    web::ha_view view() const;
    state::store& local_store() { return *local_; }

  private:
    const ha_config config_;
    const sesmon::clock& clock_;
    std::shared_ptr<spdlog::logger> log_;
    std::unique_ptr<state::store> local_;
    ha::etcd_client client_;
    ha::election election_;
    state::group_mirror mirror_;
    state::etcd_store* group_store_ = nullptr;  // owned by the daemon
    std::unique_ptr<fenced_source> source_;
    std::unique_ptr<fenced_list_source> list_source_;
    hooks hooks_;
};

}  // namespace sesmon::daemon
