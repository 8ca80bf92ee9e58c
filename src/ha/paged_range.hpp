#pragma once
// paged_range: reads every key of a range from etcd in pages of at most `page_keys` keys,
// all at one revision (the first page's), continuing each page from after the last key of
// the one before — so that no single answer grows with the group (SPEC §12, invariant 7).
// A page too large for the client's answer cap is asked again with half as many keys.
// Any failure (a page refused, etcd unreachable, the revision compacted in between) ends
// the read with that error; the caller starts again.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ha/etcd_client.hpp"

namespace sesmon::ha {

struct paged_range_options {
    std::int64_t page_keys = 1000;
    duration page_timeout = std::chrono::seconds(5);  // per page
};

// Calls `page` with each page's keys, in key order. Returns the revision read at.
boost::asio::awaitable<etcd_result<std::int64_t>> read_pages(
    etcd_client& client, std::string key, std::string range_end, paged_range_options options,
    std::function<void(std::vector<key_value>& kvs)> page);

}  // namespace sesmon::ha
