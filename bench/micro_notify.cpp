// Notification formatting: paid once per event per notifier, not per poll.
#include <benchmark/benchmark.h>

#include <chrono>

#include "micro_inputs.hpp"
#include "notify/format_generic.hpp"

namespace {

using namespace std::chrono_literals;

sesmon::event node_changed_event() {
    sesmon::event e;
    e.id = std::string(64, 'a');
    e.type = sesmon::event_type::node_changed;
    e.occurred_at = sesmon::bench::t0 + 2min;
    e.summary = "bench-cluster: node bench-cluster-d-3 running -> Upgrade_OpenSearch";
    e.cluster = {"bench-cluster", "9000001", "KR"};
    e.upgrade = sesmon::upgrade_info{
        "2140", "2150", "2025-03-24T17:00:00+09:00", 6, 2, sesmon::bench::t0, std::nullopt};
    e.node = sesmon::node_info{"bench-cluster-d-3", "D", "Upgrade_OpenSearch", "running",
                               sesmon::bench::t0 + 2min};
    return e;
}

void format_generic_node_changed(benchmark::State& state) {
    const sesmon::event e = node_changed_event();
    for (auto _ : state)
        benchmark::DoNotOptimize(sesmon::notify::format_generic(e));
}
BENCHMARK(format_generic_node_changed);

void parse_generic_node_changed(benchmark::State& state) {
    const std::string body = sesmon::notify::format_generic(node_changed_event());
    for (auto _ : state)
        benchmark::DoNotOptimize(sesmon::notify::parse_generic(body));
}
BENCHMARK(parse_generic_node_changed);

}  // namespace
