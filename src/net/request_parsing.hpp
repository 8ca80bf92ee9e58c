#pragma once
// How http_server turns bytes into requests (internal to src/net, and to the fuzz target
// that needs no socket): Beast's request parser with the server's limits, the conversion to
// server_request, and the answers for requests the server refuses.
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_server.hpp"

namespace sesmon::net {

using beast_request_parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// header_limit and body_limit from the server's options.
void apply_limits(beast_request_parser& parser, const http_server_options& options);

// The parsed message as the handler sees it.
server_request to_server_request(beast_request_parser& parser, std::string remote);

// The answer a read failure deserves: 431 (headers too large), 413 (body too large), 400
// (malformed); nullopt when the peer just went away.
std::optional<server_response> answer_for_read_error(const boost::system::error_code& ec);

// A plain-text answer that closes the connection.
server_response error_response(int status, std::string_view message);

// One request as the server would read it from `bytes` (one connection's worth of input).
struct parsed_request {
    std::optional<server_request> request;   // a whole request
    std::optional<server_response> refusal;  // or the answer refusing it (then the
                                             // connection ends)
};

// Reads requests from `bytes` as one keep-alive connection would, until the input ends, a
// request is refused, or `max_requests` were read. Incomplete trailing input is dropped (the
// server would wait for more). Pure; never throws for any input.
std::vector<parsed_request> parse_requests(std::string_view bytes,
                                           const http_server_options& options,
                                           std::size_t max_requests = 16);

}  // namespace sesmon::net
