#include "discovery/listing.hpp"

#include <optional>

namespace sesmon::discovery {

namespace {

listing_failure inconsistent(const std::string& region, int page, std::string message) {
    api_error e;
    e.kind = api_error_kind::invalid_response;
    e.message = "invalid API response: " + std::move(message);
    return {region, page, std::move(e)};
}

// Whether `page` (number `page_no`) is the last one of its region.
bool last_page(const cluster_list_page& page, int page_no, int page_size) {
    if (page.is_last && *page.is_last)
        return true;
    if (page.total_page && page_no >= *page.total_page)
        return true;
    const auto entries = page.allowed.size() + page.disallowed.size();
    if (entries == 0)
        return true;  // nothing more can come, whatever the paging fields claim
    return !page.is_last && !page.total_page && entries < static_cast<std::size_t>(page_size);
}

}  // namespace

std::string listing_failure::describe() const {
    return "region " + region + ", page " + std::to_string(page) + ": " + error.message;
}

boost::asio::awaitable<listing_result> read_listing(cluster_list_source& source,
                                                    monitor::rate_limiter& limiter,
                                                    listing_options options) {
    listing out;
    for (const std::string& region : options.regions) {
        std::optional<long long> total_count;
        for (int page_no = 1;; ++page_no) {
            if (page_no > options.max_pages) {
                co_return inconsistent(
                    region, page_no,
                    "more than " + std::to_string(options.max_pages) + " pages of clusters");
            }
            auto permit = co_await limiter.acquire();
            auto fetching = source.fetch_cluster_page(region, page_no, options.page_size);
            auto page = co_await std::move(fetching);
            permit.release();
            ++out.pages;
            if (!page)
                co_return listing_failure{region, page_no, page.error()};
            if (page->current_page && *page->current_page != page_no) {
                co_return inconsistent(region, page_no,
                                       "asked for page " + std::to_string(page_no) + ", got page " +
                                           std::to_string(*page->current_page));
            }
            if (page->total_count) {
                if (total_count && *total_count != *page->total_count) {
                    co_return inconsistent(region, page_no,
                                           "the list changed while it was read (totalCount " +
                                               std::to_string(*total_count) + ", then " +
                                               std::to_string(*page->total_count) + ")");
                }
                total_count = page->total_count;
            }
            for (auto& c : page->allowed)
                out.entries.push_back({std::move(c), region, true});
            for (auto& c : page->disallowed)
                out.entries.push_back({std::move(c), region, false});
            if (last_page(*page, page_no, options.page_size))
                break;
        }
    }
    co_return out;
}

}  // namespace sesmon::discovery
