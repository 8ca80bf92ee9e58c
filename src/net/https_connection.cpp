#include "net/https_connection.hpp"

namespace sesmon::net {

https_connection::https_connection(const boost::asio::any_io_executor& executor,
                                   boost::asio::ssl::context* tls_context) {
    if (tls_context != nullptr) {
        tls_.emplace(executor, *tls_context);
    } else {
        plain_.emplace(executor);
    }
}

boost::beast::tcp_stream& https_connection::tcp() {
    return tls_ ? boost::beast::get_lowest_layer(*tls_) : *plain_;
}

void https_connection::close() {
    boost::system::error_code ignored;
    auto& socket = tcp().socket();
    if (socket.is_open()) {
        socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
    }
}

}  // namespace sesmon::net
