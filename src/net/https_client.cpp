#include "net/https_client.hpp"

namespace sesmon::net {

namespace {

pool_options pool_options_of(https_client_options o) {
    pool_options p;
    p.ca_file = std::move(o.ca_file);
    p.max_body_bytes = o.max_body_bytes;
    p.max_idle_per_origin = o.max_idle_connections_per_host;
    p.idle_timeout = o.idle_timeout;
    p.dns = std::move(o.dns);
    p.on_connection_opened = std::move(o.on_connection_opened);
    return p;
}

}  // namespace

https_client::https_client(boost::asio::any_io_executor executor, https_client_options options)
    : pool_(std::move(executor), pool_options_of(std::move(options))) {}

boost::asio::awaitable<http_result> https_client::send(http_request request) {
    return pool_.send(std::move(request));
}

}  // namespace sesmon::net
