// /metrics: what one scrape of 10,000 clusters costs (the router syncs the per-cluster gauges
// from the view, then renders), and the memory the series take. A scrape runs on the event
// loop: its time is time no poll starts (SPEC §9: /metrics answers in <= 100 ms).
#include <benchmark/benchmark.h>

#include <malloc.h>

#include <string>
#include <vector>

#include "web/metrics.hpp"

namespace {

std::vector<sesmon::web::cluster_view> fleet(int n) {
    std::vector<sesmon::web::cluster_view> out;
    for (int i = 0; i < n; ++i) {
        sesmon::web::cluster_view c;
        c.name = "gen-" + std::to_string(100000 + i).substr(1);
        c.upgrade_in_progress = true;
        c.last_success_at = sesmon::wall_time(std::chrono::seconds(1'790'000'000));
        for (const char* phase : {"complete", "complete", "upgrading", "pending", "pending"}) {
            sesmon::web::node_view node;
            node.phase = phase;
            c.nodes.push_back(node);
        }
        out.push_back(std::move(c));
    }
    return out;
}

void metrics_scrape_10000_clusters(benchmark::State& state) {
    const auto clusters = fleet(10000);
    const auto heap_before = mallinfo2().uordblks;
    sesmon::web::metrics m;
    std::vector<sesmon::web::metrics::cluster_handle> handles;
    for (const auto& c : clusters) {
        handles.push_back(m.cluster(c.name));
        m.record_poll(handles.back(), "ok", 0.01);
    }
    m.sync_clusters(clusters);
    state.counters["heap_MiB"] =
        static_cast<double>(mallinfo2().uordblks - heap_before) / (1024.0 * 1024.0);
    std::size_t bytes = 0;
    for (auto _ : state) {
        m.sync_clusters(clusters);
        bytes = m.render().size();
    }
    state.counters["text_KiB"] = static_cast<double>(bytes) / 1024.0;
}
BENCHMARK(metrics_scrape_10000_clusters)->Unit(benchmark::kMillisecond);

}  // namespace
