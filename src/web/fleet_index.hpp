#pragma once
// fleet_index: what the fleet view (SPEC §13) needs to answer without looking at every
// cluster's nodes: one compact row per watched cluster (its state, labels and sort keys), the
// counts by state overall and per label value, and the fleet's revision.
//
// The revision moves (by one) when what a cluster shows changes: its state, a node's status,
// an episode, its poll's result or error, its labels; a cluster added or removed; a finished
// upgrade leaving the 24 h window. It does not move with the clock alone (time in status,
// stalled-for, the last poll's time) or with an ETA that drifts: a fleet where nothing
// happens keeps its revision, and an open dashboard stays quiet (docs/http-api.md).
// Each revision is also stamped on the rows it changed, so an answer about a few clusters
// can say whether those changed (ETags) without encoding them.
//
// Cost: update() is O(labels + log n) per call and does nothing more when the row did not
// change — it is called after every poll. Counts are kept by deltas. Queries over the rows
// (fleet_query.hpp) read entries().
//
// Single-threaded: the daemon's event loop owns it (updates from the cluster runtimes,
// reads from the HTTP routes). `on_change` hooks run inside update/remove/expire.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sesmon/labels.hpp"
#include "sesmon/time.hpp"
#include "web/fleet_state.hpp"

namespace sesmon::web {

using fleet_counts = std::array<std::size_t, fleet_state_count>;  // by fleet_state

// What one cluster contributes, as its runtime sees it after a poll.
struct fleet_row {
    std::string name;
    std::string instance_no;
    label_set labels;
    state_facts facts;
    // The attention order's second key within a state: since when stalled or blind.
    std::optional<wall_time> since;
    // While upgrading: the expected finish (the eta sort, and upgrading by ETA in the
    // attention sort). Kept as of the cluster's last change: a drifting ETA alone is no change.
    std::optional<wall_time> eta;
    friend bool operator==(const fleet_row&, const fleet_row&) = default;
};

class fleet_index {
  public:
    struct entry {
        fleet_row row;
        fleet_state state = fleet_state::idle;
        std::uint64_t revision = 0;  // the revision of this row's last change
    };

    // `first_revision`: where this process's revisions start. The daemon takes its start
    // time in microseconds, so a restarted daemon never repeats an earlier one's revision
    // and a client's `since` from before the restart reads as "changed".
    explicit fleet_index(std::uint64_t first_revision = 1);

    // A cluster's row after its poll, deadline, start or reconfiguration. `changed`: its
    // shown content changed beyond the row (a node's status, the poll's error text...). A new
    // name, or a row unlike the stored one, counts as changed too. Returns whether the
    // revision moved.
    bool update(fleet_row row, bool changed, wall_time now);
    // The cluster is no longer watched.
    void remove(std::string_view name);
    // Clusters whose finished window has passed at `now` become idle (one revision for them
    // all). O(1) when none is due.
    void expire(wall_time now);

    std::uint64_t revision() const { return revision_; }
    std::size_t size() const { return entries_.size(); }
    const fleet_counts& counts() const { return counts_; }
    // label key → value → counts by state.
    const std::map<std::string, std::map<std::string, fleet_counts>, std::less<>>& label_counts()
        const {
        return label_counts_;
    }
    // Every row, in no particular order (a removal moves the last one into its place).
    const std::vector<entry>& entries() const { return entries_; }
    const entry* find(std::string_view name) const;

    // Called (synchronously) whenever the revision moves.
    void on_change(std::function<void()> hook) { on_change_ = std::move(hook); }

  private:
    void count(const entry& e, int delta);
    void set_state(entry& e, fleet_state next);
    void bump();

    std::uint64_t revision_;
    std::vector<entry> entries_;
    std::unordered_map<std::string, std::size_t> by_name_;
    fleet_counts counts_{};
    std::map<std::string, std::map<std::string, fleet_counts>, std::less<>> label_counts_;
    // Finished clusters by when their window ends.
    std::set<std::pair<wall_time, std::string>> finished_until_;
    std::function<void()> on_change_;
};

}  // namespace sesmon::web
