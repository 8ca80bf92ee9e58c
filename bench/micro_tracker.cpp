// The tracker: what one successful poll costs after parsing. Most polls of a large fleet
// see an unchanged snapshot, so observe_unchanged is the steady-state cost per poll.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <vector>

#include "micro_inputs.hpp"
#include "monitor/cluster_state_json.hpp"
#include "monitor/event_id.hpp"
#include "monitor/tracker.hpp"

namespace {

using namespace std::chrono_literals;
using sesmon::bench::make_snapshot;
using sesmon::bench::t0;
using sesmon::monitor::tracker;

sesmon::cluster_ref bench_cluster() {
    return {"bench-cluster", "9000001", "KR"};
}

// Node statuses of a mid-upgrade cluster of n nodes: first half complete, one upgrading.
std::vector<std::string> mid_upgrade(int n) {
    std::vector<std::string> s;
    for (int i = 0; i < n; ++i)
        s.push_back(i < n / 2 ? "complete" : i == n / 2 ? "Upgrade_OpenSearch" : "running");
    return s;
}

void observe_unchanged(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    const sesmon::snapshot snap = make_snapshot(mid_upgrade(n), t0 + 1min);
    tracker t(bench_cluster(), {});
    t.observe(snap, t0 + 2min);
    t.mark_saved();
    const sesmon::wall_time now = t0 + 3min;
    for (auto _ : state) {
        auto r = t.observe(snap, now);
        if (!r.events.empty())
            state.SkipWithError("unchanged snapshot emitted events");
        benchmark::DoNotOptimize(r);
    }
}
BENCHMARK(observe_unchanged)->Arg(6)->Arg(100);

// A whole upgrade of n nodes, one status change per observation (running →
// Upgrade_OpenSearch → Upgrade_Dashboards → complete per node): every observe emits
// node_changed, plus upgrade_started and upgrade_finished. Reported per observe.
void observe_changing(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    std::vector<sesmon::snapshot> steps;
    std::vector<std::string> statuses(static_cast<std::size_t>(n), "running");
    steps.push_back(make_snapshot(statuses, t0));
    for (int i = 0; i < n; ++i) {
        for (const char* s : {"Upgrade_OpenSearch", "Upgrade_Dashboards", "complete"}) {
            statuses[static_cast<std::size_t>(i)] = s;
            steps.push_back(make_snapshot(statuses, t0 + std::chrono::seconds(10 * steps.size())));
        }
    }
    std::size_t events = 0;
    for (auto _ : state) {
        tracker t(bench_cluster(), {});
        for (std::size_t i = 0; i < steps.size(); ++i) {
            auto r = t.observe(steps[i], t0 + std::chrono::seconds(10 * i + 5));
            events += r.events.size();
            benchmark::DoNotOptimize(r);
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(steps.size()));
    state.counters["events_per_upgrade"] =
        static_cast<double>(events) / static_cast<double>(state.iterations());
}
BENCHMARK(observe_changing)->Arg(6)->Arg(30);

void make_event_id_node_changed(benchmark::State& state) {
    sesmon::monitor::event_key key{
        "9000001",           "2025-03-24 17:09:41", "2150", sesmon::event_type::node_changed,
        "bench-cluster-d-3", "Upgrade_OpenSearch",  7};
    for (auto _ : state)
        benchmark::DoNotOptimize(sesmon::monitor::make_event_id(key));
}
BENCHMARK(make_event_id_node_changed);

// The state file body written when a cluster's state changed (the store coalesces writes).
void cluster_state_to_json(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    tracker t(bench_cluster(), {});
    t.observe(make_snapshot(std::vector<std::string>(static_cast<std::size_t>(n), "running"), t0),
              t0 + 1min);
    t.observe(make_snapshot(mid_upgrade(n), t0 + 2min), t0 + 3min);
    for (auto _ : state)
        benchmark::DoNotOptimize(sesmon::monitor::to_json(t.state(), "9000001"));
}
BENCHMARK(cluster_state_to_json)->Arg(6);

}  // namespace
