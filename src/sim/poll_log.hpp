#pragma once
// poll_log: when each cluster's progress was asked for, in real time — what a harness outside
// the daemon needs to check that no cluster went unpolled for too long (SPEC §12, invariant 2;
// scripts/faults). Every authenticated progress request counts, whatever fault then answers
// it: the daemon did poll. Bounded: the last `per_cluster` requests of each cluster are kept.
// Single-threaded, like the rest of the simulator.
#include <cstddef>
#include <deque>
#include <map>
#include <string>

#include <chrono>

namespace sesmon::sim {

class poll_log {
  public:
    explicit poll_log(std::size_t per_cluster = 4096) : per_cluster_(per_cluster) {}

    // `at`: the system clock's time of the request (milliseconds matter here, so not the
    // injected wall clock, which counts whole seconds).
    void record(const std::string& instance_no, std::chrono::system_clock::time_point at);
    // GET /_sim/polls: {"clusters": {"<instance_no>": [<Unix ms>, ...], ...}}, oldest first.
    std::string json() const;
    // DELETE /_sim/polls.
    void clear() { polls_.clear(); }

  private:
    std::size_t per_cluster_;
    std::map<std::string, std::deque<long long>> polls_;
};

}  // namespace sesmon::sim
