#include "ha/paged_range.hpp"

namespace sesmon::ha {

boost::asio::awaitable<etcd_result<std::int64_t>> read_pages(
    etcd_client& client, std::string key, std::string range_end, paged_range_options options,
    std::function<void(std::vector<key_value>& kvs)> page) {
    std::int64_t revision = 0;
    std::int64_t limit = std::max<std::int64_t>(1, options.page_keys);
    std::string from = std::move(key);
    for (;;) {
        range_request request{from, range_end, limit, revision};
        auto got = co_await client.range(std::move(request), options.page_timeout);
        if (!got) {
            if (got.error().kind == etcd_error_kind::too_large && limit > 1) {
                limit = std::max<std::int64_t>(1, limit / 2);
                continue;
            }
            co_return got.error();
        }
        if (revision == 0)
            revision = got->header.revision;
        const bool more = got->more && !got->kvs.empty();
        if (more)
            from = got->kvs.back().key + std::string(1, '\0');  // just after the last key
        if (page)
            page(got->kvs);
        if (!more)
            co_return revision;
    }
}

}  // namespace sesmon::ha
