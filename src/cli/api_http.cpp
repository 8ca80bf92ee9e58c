#include "cli/api_http.hpp"

#include <iostream>

namespace sesmon::cli {

std::unique_ptr<net::https_client> api_http_client(boost::asio::io_context& io,
                                                   const sesmon::config& cfg,
                                                   const std::string& config_path) {
    try {
        return std::make_unique<net::https_client>(
            io.get_executor(), net::https_client_options{.ca_file = cfg.api.ca_file});
    } catch (const std::exception& e) {  // an unreadable api.ca_file
        std::cerr << "ses-upgrade-monitor: " << config_path << ": api.ca_file: " << e.what()
                  << '\n';
        return nullptr;
    }
}

}  // namespace sesmon::cli
