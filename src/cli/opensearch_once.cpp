#include "cli/opensearch_once.hpp"

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
    const std::vector<cluster_config>& clusters, duration timeout, wall_time now) {
    std::vector<std::optional<cluster_view_state>> out(clusters.size());
    std::map<std::string, std::unique_ptr<net::https_client>> clients;  // by ca_file
    const auto worker = [&]() -> boost::asio::awaitable<void> {
        for (std::size_t i = 0; i < clusters.size(); ++i) {
            const cluster_config& c = clusters[i];
            if (!c.opensearch)
                continue;
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
            out[i] = co_await std::move(reading);
        }
    };
    boost::asio::co_spawn(io, worker(), [&](std::exception_ptr e) {
        if (!e)
            return;
        for (std::size_t i = 0; i < clusters.size(); ++i) {
            if (clusters[i].opensearch && !out[i])
                out[i] = cluster_view_state{std::nullopt, "internal error"};
        }
    });
    io.restart();
    io.run();
    return out;
}

}  // namespace sesmon::cli
