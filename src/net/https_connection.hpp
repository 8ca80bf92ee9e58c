#pragma once
// https_connection: one client connection (plain TCP or TLS over TCP) owned by
// net::https_client, with the read buffer that must survive between keep-alive requests.
// Internal to src/net: it exposes Beast types. Not thread-safe (one executor).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <optional>

#include "sesmon/time.hpp"

namespace sesmon::net {

class https_connection {
  public:
    using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

    // `tls_context` null → plain TCP; otherwise TLS with that context (must outlive this).
    https_connection(const boost::asio::any_io_executor& executor,
                     boost::asio::ssl::context* tls_context);

    bool is_tls() const { return tls_.has_value(); }
    boost::beast::tcp_stream& tcp();  // the lowest layer: deadlines, connect, close
    tls_stream& tls() { return *tls_; }
    boost::beast::flat_buffer& buffer() { return buffer_; }

    // Calls f(stream) with the stream that carries HTTP (TLS or plain TCP).
    template <class F>
    decltype(auto) visit(F&& f) {
        if (tls_)
            return f(*tls_);
        return f(*plain_);
    }

    // Closes the socket without any goodbye (no TLS close_notify). Never throws.
    void close();

    steady_time idle_since{};

  private:
    std::optional<boost::beast::tcp_stream> plain_;
    std::optional<tls_stream> tls_;
    boost::beast::flat_buffer buffer_;
};

}  // namespace sesmon::net
