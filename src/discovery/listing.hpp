#pragma once
// listing: one complete read of the cluster list (SPEC §10) — every page of every region,
// in order, through the API client and the daemon's rate limiter (each page takes one
// permit, so discovery shares api.max_requests_per_second and api.max_in_flight with
// polling).
//
// Paging: pageNo from 1, pageSize `page_size`, until a page says isLast, or its number
// reaches totalPage, or (when the API gives neither) a page comes back short or empty.
// A listing is complete or it is a failure: the first page that fails (any api_error),
// a page that contradicts the others (totalCount changed while reading: the list moved
// under us; currentPage not the page asked for) or more than `max_pages` pages make the
// whole listing a failure that names the region and page.
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <string>
#include <vector>

#include "monitor/rate_limiter.hpp"
#include "sesmon/api_error.hpp"
#include "sesmon/cluster_list.hpp"

namespace sesmon::discovery {

// The documented default page size. The API publishes no maximum, and its default is the
// only size known to be accepted everywhere.
inline constexpr int default_page_size = 10;
inline constexpr int default_max_pages = 10000;

// A cluster as listed, with the region whose list it was in.
struct listed_entry {
    listed_cluster cluster;
    std::string region;
    bool allowed = true;  // false: from disallowedClusters
    friend bool operator==(const listed_entry&, const listed_entry&) = default;
};

struct listing {
    std::vector<listed_entry> entries;  // regions in the order asked, pages in order
    int pages = 0;                      // requests it took
};

struct listing_failure {
    std::string region;
    int page = 0;
    api_error error;
    // "region KR, page 2: <error message>"
    std::string describe() const;
};

using listing_result = boost::system::result<listing, listing_failure>;

struct listing_options {
    std::vector<std::string> regions;
    int page_size = default_page_size;
    int max_pages = default_max_pages;  // per region
};

// Reads every page of every region. Never throws for API failures (they are the
// listing_failure); cancellation of the awaiting coroutine throws operation_aborted.
// `source` and `limiter` must outlive the call.
boost::asio::awaitable<listing_result> read_listing(cluster_list_source& source,
                                                    monitor::rate_limiter& limiter,
                                                    listing_options options);

}  // namespace sesmon::discovery
