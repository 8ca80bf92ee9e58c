#pragma once
// exchange: one HTTP/1.1 request and its answer on an open connection, in Beast's terms, and
// the conversions between sesmon::http_request/response and Beast's messages. Internal to
// src/net (connection_pool): it exposes Beast types.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <string>
#include <utility>

#include "net/https_errors.hpp"
#include "sesmon/http_client.hpp"

namespace sesmon::common {
struct parsed_url;
}

namespace sesmon::net {

// The Host header for `url`: the port only when it is not the scheme's default; IPv6
// literals in brackets.
std::string host_header_of(const common::parsed_url& url);

// Beast's form of `request` (its body is moved out), with Host and User-Agent unless set.
boost::beast::http::request<boost::beast::http::string_body> to_beast(http_request& request,
                                                                      const common::parsed_url& url,
                                                                      const std::string& host);

http_response from_beast(boost::beast::http::response<boost::beast::http::string_body>&& res);

struct exchange_outcome {
    boost::system::error_code ec;
    exchange_stage stage = exchange_stage::write;
    bool got_response_bytes = false;
    bool keep_alive = false;
    boost::beast::http::response<boost::beast::http::string_body> response;
};

// One request/response on an open connection. The connection's deadline is already set.
template <class Stream>
boost::asio::awaitable<exchange_outcome> exchange(
    Stream& stream, boost::beast::flat_buffer& buffer,
    boost::beast::http::request<boost::beast::http::string_body>& req, std::size_t max_body) {
    namespace http = boost::beast::http;
    constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);
    exchange_outcome out;
    auto [write_ec, written] = co_await http::async_write(stream, req, use_tuple);
    (void)written;
    if (write_ec) {
        out.ec = write_ec;
        co_return out;
    }
    out.stage = exchange_stage::read;
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_body);
    if (req.method() == http::verb::head)
        parser.skip(true);
    auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, use_tuple);
    (void)read;
    out.got_response_bytes = parser.got_some();
    if (read_ec) {
        out.ec = read_ec;
        co_return out;
    }
    out.keep_alive = parser.get().keep_alive();
    out.response = parser.release();
    co_return out;
}

// Reads some of a streamed body into [data, data + size); the bytes read and the error
// (need_buffer, which only says the buffer is full, is no error).
template <class Stream>
boost::asio::awaitable<std::pair<boost::system::error_code, std::size_t>> read_body_some(
    Stream& stream, boost::beast::flat_buffer& buffer,
    boost::beast::http::response_parser<boost::beast::http::buffer_body>& parser, char* data,
    std::size_t size) {
    namespace http = boost::beast::http;
    constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);
    parser.get().body().data = data;
    parser.get().body().size = size;
    auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, use_tuple);
    (void)n;
    if (ec == http::error::need_buffer)
        ec = {};
    co_return std::pair{ec, size - parser.get().body().size};
}

}  // namespace sesmon::net
