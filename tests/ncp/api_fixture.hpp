#pragma once
// The scripted TLS "API" the client tests talk to: a self-signed certificate for 127.0.0.1,
// the scripted server presenting it, an https_client trusting it, and an api_config
// pointing there with test keys.
#include <gtest/gtest.h>

#include "net/https_client.hpp"
#include "sesmon/config.hpp"
#include "support/scripted_server.hpp"

namespace sesmon::ncp::testing {

class api_fixture : public ::testing::Test {
  protected:
    api_fixture()
        : cert_(test::make_self_signed_certificate(dir_.path(), "api", {"IP:127.0.0.1"})),
          server_({.tls = true, .certificate = cert_}),
          http_(ioc_.get_executor(), {.ca_file = cert_.cert_file.string()}) {}

    api_config config() const {
        api_config c;
        c.endpoint = server_.base_url();
        c.access_key = secret("AKEXAMPLE", "test");
        c.secret_key = secret("SKEXAMPLE-never-shown", "test");
        c.timeout = std::chrono::seconds(5);
        return c;
    }

    boost::asio::io_context ioc_;
    test::temp_dir dir_;
    test::test_certificate cert_;
    test::scripted_server server_;
    net::https_client http_;
};

}  // namespace sesmon::ncp::testing
