#include "net/tls_context.hpp"

#include <openssl/ssl.h>

#include <stdexcept>

namespace sesmon::net {

namespace ssl = boost::asio::ssl;

ssl::context make_client_tls_context(const std::string& ca_file) {
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    boost::system::error_code ec;
    ctx.set_default_verify_paths(ec);  // a missing system store is not fatal: ca_file may do
    if (!ca_file.empty()) {
        ctx.load_verify_file(ca_file, ec);
        if (ec) {
            throw std::runtime_error("cannot load CA file " + ca_file + ": " + ec.message());
        }
    }
    ctx.set_verify_mode(ssl::verify_peer);
    return ctx;
}

}  // namespace sesmon::net
