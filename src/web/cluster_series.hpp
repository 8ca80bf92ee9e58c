#pragma once
// cluster_series: the per-cluster metrics of SPEC §7 (polls_total{cluster,result},
// upgrade_in_progress, nodes{cluster,phase}, stalled, last_success_timestamp_seconds,
// cluster_discovered, and discovered_clusters, their count) in a compact form, rendered
// straight to the text exposition format.
//
// Why not prometheus-cpp families, as for the daemon-wide metrics: with 10,000 clusters
// they hold 90,000 series, each with its own label map and hash-table entries (30 MiB of
// heap), and every scrape copies all of them into an intermediate model before writing
// text (130 ms of CPU on the event loop). Here a cluster is one small struct, found by a
// handle that its runtime keeps, and rendering writes each line once.
//
// Not thread-safe: web::metrics holds its mutex around every call.
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sesmon::web {

struct cluster_values {
    std::string name;
    std::string label;       // name escaped for a label value
    bool removed = false;    // dropped by remove(): recording through a handle does nothing
    std::uint64_t seen = 0;  // generation of the last sync that listed it
    double upgrade_in_progress = 0;
    double stalled = 0;
    double discovered = 0;          // 1: found by discovery (SPEC §10)
    std::array<double, 5> nodes{};  // by phase, in cluster_series::phases order
    std::optional<double> last_success;
    std::vector<std::pair<std::string, double>> polls;  // by result, in first-seen order
};

class cluster_series {
  public:
    static constexpr std::array<std::string_view, 5> phases = {"pending", "upgrading", "complete",
                                                               "failed", "unknown"};

    // The cluster's values, created (gauges at 0) if needed. Stable until remove().
    const std::shared_ptr<cluster_values>& get(std::string_view name);
    // Counts one poll with this result.
    static void count_poll(cluster_values& c, std::string_view result);
    // Starts a sync: clusters not touched by mark_seen() before sweep() are removed.
    std::uint64_t begin_sync() { return ++generation_; }
    void mark_seen(cluster_values& c) const { c.seen = generation_; }
    void sweep();
    // Drops a cluster's series; a handle to it goes quiet.
    void remove(std::string_view name);

    // The families, each with HELP and TYPE, appended to `out`.
    void render(std::string& out) const;

  private:
    std::map<std::string, std::shared_ptr<cluster_values>, std::less<>> clusters_;
    std::uint64_t generation_ = 0;
};

// A label value escaped for the text format (backslash, double quote, newline).
std::string escape_label_value(std::string_view value);

}  // namespace sesmon::web
