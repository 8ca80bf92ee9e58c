#pragma once
// progress_source: where snapshots come from. ncp::client implements it against the real
// (or simulated) API; tests implement it with scripted answers.
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <string>

#include "sesmon/api_error.hpp"
#include "sesmon/snapshot.hpp"
#include "sesmon/time.hpp"

namespace sesmon {

struct cluster_target {
    std::string instance_no;
    std::string region;
    // The poll's request ends by then (std::chrono::steady_clock) whatever api.timeout says:
    // in an HA group, the leadership term's deadline. max(): api.timeout alone.
    steady_time deadline = steady_time::max();
};

using progress_result = boost::system::result<snapshot, api_error>;

class progress_source {
  public:
    virtual ~progress_source() = default;
    // One getRollingUpgradeProgress call (with its own signing). Never throws for API,
    // network or parse failures: they come back as api_error.
    virtual boost::asio::awaitable<progress_result> fetch_progress(cluster_target target) = 0;
};

}  // namespace sesmon
