#pragma once
// How https_client turns Asio/Beast/OpenSSL error codes into http_error values with one-line
// messages that name the origin (never the full URL) and the step that failed.
#include <boost/system/error_code.hpp>
#include <string>
#include <string_view>

#include "sesmon/http_client.hpp"

namespace sesmon::net {

enum class exchange_stage { resolve, connect, handshake, write, read };

std::string_view to_string(exchange_stage stage);

http_error make_timeout_error(const std::string& origin, exchange_stage stage);

// A failed TLS handshake; `verify_result` is SSL_get_verify_result (X509_V_OK when the
// failure was not about the certificate).
http_error make_tls_error(const std::string& origin, const boost::system::error_code& ec,
                          long verify_result);

// A failed write or read on an established connection.
http_error make_exchange_error(const std::string& origin, exchange_stage stage,
                               const boost::system::error_code& ec);

// True for the ways a peer's close shows up: EOF, reset, broken pipe, TLS truncation.
bool is_peer_closed(const boost::system::error_code& ec);

}  // namespace sesmon::net
