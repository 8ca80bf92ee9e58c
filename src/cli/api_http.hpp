#pragma once
// The HTTPS client the operator commands ask the API through: it trusts api.ca_file besides
// the system's CAs.
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "net/https_client.hpp"
#include "sesmon/config.hpp"

namespace sesmon::cli {

// nullptr, with one line on stderr naming the file, when api.ca_file cannot be loaded.
std::unique_ptr<net::https_client> api_http_client(boost::asio::io_context& io,
                                                   const sesmon::config& cfg,
                                                   const std::string& config_path);

}  // namespace sesmon::cli
