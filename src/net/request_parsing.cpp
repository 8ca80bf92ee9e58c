#include "net/request_parsing.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

namespace sesmon::net {

namespace http = boost::beast::http;

void apply_limits(beast_request_parser& parser, const http_server_options& options) {
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
}

server_request to_server_request(beast_request_parser& parser, std::string remote) {
    auto& msg = parser.get();
    server_request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.body = std::move(msg.body());
    for (const auto& field : msg) {
        req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    req.remote = std::move(remote);
    return req;
}

std::optional<server_response> answer_for_read_error(const boost::system::error_code& ec) {
    if (ec == http::error::header_limit)
        return error_response(431, "request header too large");
    if (ec == http::error::body_limit)
        return error_response(413, "request body too large");
    if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
        return error_response(400, "malformed request");
    }
    return std::nullopt;
}

server_response error_response(int status, std::string_view message) {
    server_response res;
    res.status = status;
    res.headers = {{"Content-Type", "text/plain"}};
    res.body = std::string(message) + "\n";
    res.close = true;
    return res;
}

std::vector<parsed_request> parse_requests(std::string_view bytes,
                                           const http_server_options& options,
                                           std::size_t max_requests) {
    std::vector<parsed_request> out;
    while (!bytes.empty() && out.size() < max_requests) {
        beast_request_parser parser;
        apply_limits(parser, options);
        parser.eager(true);
        boost::system::error_code ec;
        while (!ec && !parser.is_done() && !bytes.empty()) {
            const std::size_t used =
                parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
            bytes.remove_prefix(used);
            if (ec == http::error::need_more) {
                ec = {};
                if (used == 0)
                    break;  // the rest is an incomplete element: wait for more (never comes)
            }
        }
        if (ec) {
            if (auto refusal = answer_for_read_error(ec))
                out.push_back({std::nullopt, std::move(refusal)});
            break;
        }
        if (!parser.is_done())
            break;  // incomplete: the server would wait for more input
        const bool keep_alive = parser.get().keep_alive();
        out.push_back({to_server_request(parser, "fuzz"), std::nullopt});
        if (!keep_alive)
            break;
    }
    return out;
}

}  // namespace sesmon::net
