#include "notify/client_pool.hpp"

#include "net/https_client.hpp"

namespace sesmon::notify {

client_pool::client_pool(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}

client_pool::~client_pool() = default;

http_client& client_pool::client_for(const std::string& ca_file) {
    auto& client = clients_[ca_file];
    if (!client) {
        net::https_client_options options;
        options.ca_file = ca_file;
        client = std::make_unique<net::https_client>(executor_, options);
    }
    return *client;
}

}  // namespace sesmon::notify
