#include "net/https_errors.hpp"

#include <openssl/x509.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>

namespace sesmon::net {

namespace asio = boost::asio;
namespace http = boost::beast::http;

std::string_view to_string(exchange_stage stage) {
    switch (stage) {
        case exchange_stage::resolve:
            return "name resolution";
        case exchange_stage::connect:
            return "connect";
        case exchange_stage::handshake:
            return "TLS handshake";
        case exchange_stage::write:
            return "sending the request";
        case exchange_stage::read:
            return "reading the response";
    }
    return "exchange";
}

http_error make_timeout_error(const std::string& origin, exchange_stage stage) {
    return {http_error_kind::timeout,
            "request to " + origin + " timed out during " + std::string(to_string(stage))};
}

http_error make_tls_error(const std::string& origin, const boost::system::error_code& ec,
                          long verify_result) {
    if (verify_result != X509_V_OK) {
        return {http_error_kind::tls, "TLS certificate of " + origin + " rejected: " +
                                          X509_verify_cert_error_string(verify_result)};
    }
    return {http_error_kind::tls, "TLS handshake with " + origin + " failed: " + ec.message()};
}

bool is_peer_closed(const boost::system::error_code& ec) {
    return ec == http::error::end_of_stream || ec == http::error::partial_message ||
           ec == asio::error::eof || ec == asio::error::connection_reset ||
           ec == asio::error::connection_aborted || ec == asio::error::broken_pipe ||
           ec == asio::error::not_connected || ec == asio::ssl::error::stream_truncated;
}

http_error make_exchange_error(const std::string& origin, exchange_stage stage,
                               const boost::system::error_code& ec) {
    const std::string during = std::string(to_string(stage));
    if (ec == http::error::body_limit) {
        return {http_error_kind::body_too_large,
                "response from " + origin + " is larger than the size limit"};
    }
    if (is_peer_closed(ec)) {
        return {http_error_kind::reset,
                "connection to " + origin + " closed while " + during + ": " + ec.message()};
    }
    if (ec.category() == make_error_code(http::error::bad_version).category()) {
        return {http_error_kind::protocol,
                "malformed HTTP response from " + origin + ": " + ec.message()};
    }
    return {http_error_kind::reset,
            "connection to " + origin + " failed while " + during + ": " + ec.message()};
}

}  // namespace sesmon::net
