#pragma once
// group_mirror: how every member of an HA group (the leader included) follows the group's
// state in etcd (SPEC §11): it watches the group's keys (ha::prefix_watch: a paged read,
// then every change) into a group_image, and at the end of each watch message (each read)
// - keeps the member's local state.db in step: each changed cluster state and each event
//   goes into the local store as a commit — the event with an outbox row per notifier, so
//   that `history` and `deliveries` work on every member — and each delivery result as a
//   record. The local store takes them as it takes the daemon's own (INSERT OR IGNORE on
//   event ids: a snapshot read again repeats nothing);
// - tells the election what the leader key holds (a deletion wakes a standby at once);
// - tells the daemon each changed cluster and discovery's known set (a standby's read-only
//   view of the group);
// - keeps the image, whole and as of revision(), for a takeover: the group's state as of
//   the new leader's own leader key is what the mirror holds once it has applied that
//   revision, so a takeover need not read the group again (etcd_store::begin_term).
//
// Single-threaded; hooks run on the executor.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "ha/prefix_watch.hpp"
#include "state/group_codec.hpp"
#include "state/group_image.hpp"
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
        // Discovery's known set as the group holds it (after a read, and when it changed).
        std::function<void(const std::vector<discovered_record>&)> discovered;
        std::function<void(const std::optional<ha::etcd_error>&)> note;
    };

    group_mirror(boost::asio::any_io_executor executor, ha::etcd_client& client, std::string prefix,
                 store& local, std::shared_ptr<spdlog::logger> logger,
                 ha::prefix_watch_options options = {});

    void start(hooks h);
    void stop();

    // The latest state of every cluster of the group, by instance_no.
    const std::unordered_map<std::string, cluster_record>& clusters() const { return clusters_; }
    // Discovery's known set as the group holds it.
    std::vector<discovered_record> discovered() const;
    // Events seen so far (snapshot entries included), for tests and logs.
    std::size_t events_seen() const { return events_seen_; }
    // The image, when it holds every change up to `revision` at least; otherwise nullptr.
    const group_image* image_through(std::int64_t revision) const;
    // The newest revision applied at or before `at` (0: none that old): what etcd's history
    // may be compacted below once `at` is the retention's start (etcd_store).
    std::int64_t revision_at(std::chrono::steady_clock::time_point at) const;

  private:
    void begin_snapshot();
    void snapshot_end(std::int64_t revision);
    void changed(const ha::watch_event& e);
    void apply(group_image& image, const ha::key_value& kv);
    void flush(std::int64_t revision);
    void mirror_event(const group::stored_event& e);

    group::keys keys_;
    store& local_;
    std::shared_ptr<spdlog::logger> log_;
    ha::prefix_watch watch_;
    hooks hooks_;
    group_image image_;
    std::optional<group_image> reading_;  // the read in progress, swapped in at its end
    bool snapshot_valid_ = false;         // image_ holds a complete read
    std::set<std::string> dirty_;         // clusters changed since the last flush
    // (when, revision) applied, one every few seconds, for revision_at(); the oldest go.
    std::deque<std::pair<std::chrono::steady_clock::time_point, std::int64_t>> applied_;
    bool discovered_dirty_ = false;
    std::unordered_map<std::string, cluster_record> clusters_;
    std::size_t events_seen_ = 0;
};

}  // namespace sesmon::state
