#pragma once
// client_pool: one net::https_client per distinct `ca_file`, created on first use — what
// notifier_deps::http_client_for needs (each https_client trusts one extra CA bundle).
// Each client keeps up to `idle_connections_per_host` keep-alive connections per receiver:
// the dispatcher runs up to that many attempts per notifier at once, and a smaller pool
// would open (and, over TLS, handshake) a new connection for every attempt beyond it in
// each burst of events.
// Single-threaded; the pool must outlive every notifier that got a client from it.
#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include "sesmon/http_client.hpp"

namespace sesmon::net {
class https_client;
}

namespace sesmon::notify {

class client_pool {
  public:
    client_pool(boost::asio::any_io_executor executor, std::size_t idle_connections_per_host);
    ~client_pool();
    client_pool(const client_pool&) = delete;
    client_pool& operator=(const client_pool&) = delete;

    // Throws std::runtime_error when `ca_file` is set and cannot be loaded.
    sesmon::http_client& client_for(const std::string& ca_file);

  private:
    boost::asio::any_io_executor executor_;
    std::size_t idle_connections_per_host_;
    std::map<std::string, std::unique_ptr<net::https_client>> clients_;
};

}  // namespace sesmon::notify
