#pragma once
// group_mirror: how every member of an HA group (the leader included) follows the group's
// state in etcd (SPEC §11): it watches the group's keys (ha::prefix_watch) and
// - keeps the member's local state.db in step: each cluster state and each event goes into
//   the local store as a commit — the event with an outbox row per notifier, so that
//   `history` and `deliveries` work on every member — and each delivery result as a
//   record. The local store takes them as it takes the daemon's own (INSERT OR IGNORE on
//   event ids: a snapshot read again repeats nothing);
// - tells the election what the leader key holds (a deletion wakes a standby at once);
// - tells the daemon each cluster's state (a standby's read-only view of the group).
//
// Single-threaded; hooks run on the executor.
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "ha/prefix_watch.hpp"
#include "state/group_codec.hpp"
#include "state/store.hpp"

namespace spdlog {
class logger;
}

namespace sesmon::state {

class group_mirror {
  public:
    struct hooks {
        // The leader key holds `kv` (nullopt: none) as of etcd revision `revision`.
        std::function<void(const std::optional<ha::key_value>& kv, std::int64_t revision)>
            leader_key;
        std::function<void(const cluster_record&)> cluster;
        std::function<void(const std::optional<ha::etcd_error>&)> note;
    };

    group_mirror(boost::asio::any_io_executor executor, ha::etcd_client& client, std::string prefix,
                 store& local, std::shared_ptr<spdlog::logger> logger,
                 ha::prefix_watch_options options = {});

    void start(hooks h);
    void stop();

    // The latest state of every cluster of the group, by instance_no.
    const std::unordered_map<std::string, cluster_record>& clusters() const { return clusters_; }
    // Events seen so far (snapshot entries included), for tests and logs.
    std::size_t events_seen() const { return events_seen_; }

  private:
    void snapshot(const std::vector<ha::key_value>& all, std::int64_t revision);
    void changed(const ha::watch_event& e);
    void apply(const ha::key_value& kv);

    group::keys keys_;
    store& local_;
    std::shared_ptr<spdlog::logger> log_;
    ha::prefix_watch watch_;
    hooks hooks_;
    std::unordered_map<std::string, cluster_record> clusters_;
    std::size_t events_seen_ = 0;
};

}  // namespace sesmon::state
