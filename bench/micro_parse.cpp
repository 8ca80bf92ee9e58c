// Parsing and signing: the per-request CPU of one poll on the client side.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>

#include "micro_inputs.hpp"
#include "ncp/progress_parser.hpp"
#include "ncp/signer.hpp"

namespace {

using namespace std::chrono_literals;
using sesmon::ncp::parse_progress;

void parse_body(benchmark::State& state, const std::string& body) {
    for (auto _ : state) {
        auto r = parse_progress(body, 9h);
        if (!r)
            state.SkipWithError("parse failed");
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(body.size()));
}

void parse_progress_seed(benchmark::State& state) {
    parse_body(state, sesmon::bench::seed_response());
}
BENCHMARK(parse_progress_seed);

void parse_progress_nodes(benchmark::State& state) {
    parse_body(state, sesmon::bench::progress_body(static_cast<int>(state.range(0))));
}
BENCHMARK(parse_progress_nodes)->Arg(6)->Arg(100);

void sign_v2_progress_request(benchmark::State& state) {
    std::int64_t ts = 1742803781000;
    for (auto _ : state) {
        auto sig = sesmon::ncp::sign_v2("POST", "/vses/v2/cluster/getRollingUpgradeProgress", ts++,
                                        "ACCESSKEY0123456789AB",
                                        "SECRETKEY0123456789ABCDEFGHIJKLMNOPQRSTU");
        benchmark::DoNotOptimize(sig);
    }
}
BENCHMARK(sign_v2_progress_request);

}  // namespace
