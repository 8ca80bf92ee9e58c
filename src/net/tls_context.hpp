#pragma once
// TLS client context for net::https_client: peer verification against the system CA store
// plus an optional extra PEM bundle, TLS 1.2 or newer. Host-name checks and SNI are per
// connection (see https_client.cpp), not part of the context.
#include <boost/asio/ssl/context.hpp>
#include <string>

namespace sesmon::net {

// Builds the context. Throws std::runtime_error naming the file when `ca_file` is set and
// cannot be loaded: that is a configuration error, reported once at start-up.
boost::asio::ssl::context make_client_tls_context(const std::string& ca_file);

}  // namespace sesmon::net
