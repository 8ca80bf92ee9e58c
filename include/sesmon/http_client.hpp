#pragma once
// http_client: one HTTP(S) exchange, as plain values, so that callers (NAVER Cloud client,
// webhook notifier) never see Beast. Implemented by net::https_client (src/net/).
// Failures that are expected at runtime (DNS, connect, TLS, timeout, reset, oversized body)
// come back as http_error values, never as exceptions.
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sesmon/time.hpp"

namespace sesmon {

using http_headers = std::vector<std::pair<std::string, std::string>>;

struct http_request {
    std::string method = "GET";
    std::string url;  // absolute: https://host[:port]/path?query
    http_headers headers;
    std::string body;
    duration timeout = std::chrono::seconds(10);  // whole exchange, connect to last byte
};

struct http_response {
    int status = 0;
    http_headers headers;
    std::string body;

    // The first header of that name, compared case-insensitively.
    std::optional<std::string> header(std::string_view name) const;
};

enum class http_error_kind {
    invalid_url,     // unparsable, or http:// to a non-loopback host
    dns,             // name did not resolve
    connect,         // refused / unreachable
    tls,             // handshake or certificate verification failed
    timeout,         // the whole-request deadline passed
    reset,           // connection closed or reset mid-exchange
    body_too_large,  // response over the size cap
    protocol,        // malformed HTTP
};

std::string_view to_string(http_error_kind kind);

struct http_error {
    http_error_kind kind = http_error_kind::protocol;
    std::string message;  // one line, names host (never full URL: URLs may be secrets)
    // Some of the request may have reached the server (it failed while or after it was
    // written): the server may have acted on it. False for failures before that (DNS,
    // connect, TLS): sending it elsewhere is safe.
    bool request_sent = false;
};

// Lets result<T, http_error>::value() throw (std::runtime_error with the message).
[[noreturn]] void throw_exception_from_error(const http_error& e,
                                             const boost::source_location& loc);

using http_result = boost::system::result<http_response, http_error>;

class http_client {
  public:
    virtual ~http_client() = default;
    // Performs one request. Never throws for network conditions.
    virtual boost::asio::awaitable<http_result> send(http_request request) = 0;
};

}  // namespace sesmon
