#include "notify/client_pool.hpp"

#include <algorithm>

#include "net/https_client.hpp"

namespace sesmon::notify {

client_pool::client_pool(boost::asio::any_io_executor executor,
                         std::size_t idle_connections_per_host)
    : executor_(std::move(executor)),
      idle_connections_per_host_(std::max<std::size_t>(1, idle_connections_per_host)) {}

client_pool::~client_pool() = default;

http_client& client_pool::client_for(const std::string& ca_file) {
    auto& client = clients_[ca_file];
    if (!client) {
        net::https_client_options options;
        options.ca_file = ca_file;
        options.max_idle_connections_per_host = idle_connections_per_host_;
        client = std::make_unique<net::https_client>(executor_, options);
    }
    return *client;
}

}  // namespace sesmon::notify
