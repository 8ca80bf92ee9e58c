#include "cli/opensearch_once.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <map>
#include <memory>

#include "net/https_client.hpp"
#include "opensearch/addresses.hpp"

namespace sesmon::cli {

namespace {

boost::asio::awaitable<cluster_view_state> read_one(cluster_details_source& details,
                                                    http_client& http, const cluster_config& c,
                                                    duration timeout, wall_time now) {
    cluster_view_state out;
    auto finding =
        opensearch::find_access(details, {c.instance_no, c.region}, *c.opensearch, timeout);
    auto access = co_await std::move(finding);
    if (!access.found) {
        out.error = access.error;
        co_return out;
    }
    opensearch::reader reader(http, std::move(*access.found));
    auto reading = reader.read(now);
    auto got = co_await std::move(reading);
    out.reading = std::move(got.reading);
    out.error = std::move(got.error);
    co_return out;
}

}  // namespace

std::vector<std::optional<cluster_view_state>> read_views_once(
    boost::asio::io_context& io, cluster_details_source& details,
    const std::vector<cluster_config>& clusters, duration timeout, int max_in_flight,
    wall_time now) {
    std::vector<std::optional<cluster_view_state>> out(clusters.size());
    std::vector<std::size_t> viewed;  // the clusters with a view, in order
    for (std::size_t i = 0; i < clusters.size(); ++i) {
        if (clusters[i].opensearch)
            viewed.push_back(i);
    }
    std::map<std::string, std::unique_ptr<net::https_client>> clients;  // by ca_file
    std::size_t next = 0;
    // Each worker takes the next cluster not read yet until none is left.
    const auto worker = [&]() -> boost::asio::awaitable<void> {
        while (next < viewed.size()) {
            const std::size_t i = viewed[next++];
            const cluster_config& c = clusters[i];
            auto& client = clients[c.opensearch->ca_file];
            if (!client) {
                try {
                    client = std::make_unique<net::https_client>(
                        io.get_executor(),
                        net::https_client_options{.ca_file = c.opensearch->ca_file});
                } catch (const std::exception& e) {
                    out[i] = cluster_view_state{std::nullopt,
                                                std::string("opensearch.ca_file: ") + e.what()};
                    continue;
                }
            }
            auto reading = read_one(details, *client, c, timeout, now);
            try {
                out[i] = co_await std::move(reading);
            } catch (const std::exception& e) {
                // A failure inside: this view says so, the others go on.
                out[i] =
                    cluster_view_state{std::nullopt, std::string("internal error: ") + e.what()};
            }
        }
    };
    const auto workers =
        std::min(viewed.size(), static_cast<std::size_t>(std::max(1, max_in_flight)));
    for (std::size_t w = 0; w < workers; ++w) {
        boost::asio::co_spawn(io, worker(), [](std::exception_ptr) {
            // worker() catches what its reads throw; nothing else can.
        });
    }
    io.restart();
    io.run();
    return out;
}

}  // namespace sesmon::cli
