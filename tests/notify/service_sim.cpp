#include "service_sim.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <stdexcept>

#include "net/https_client.hpp"
#include "support/run_awaitable.hpp"

namespace sesmon::notify::test {
namespace {

std::string make_rsa_key() {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    if (key == nullptr)
        throw std::runtime_error("EVP_RSA_gen failed");
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    EVP_PKEY_free(key);
    return pem;
}

std::string exchange(unsigned short port, const std::string& method, const std::string& target,
                     const std::string& body) {
    boost::asio::io_context io;
    net::https_client client(io.get_executor());
    http_request request;
    request.method = method;
    request.url = "http://127.0.0.1:" + std::to_string(port) + target;
    request.body = body;
    request.timeout = std::chrono::seconds(5);
    const http_result result = sesmon::test::run_awaitable(io, client.send(std::move(request)));
    return result ? result->body : std::string();
}

}  // namespace

const std::string& test_rsa_key() {
    static const std::string key = make_rsa_key();
    return key;
}

const std::string& other_rsa_key() {
    static const std::string key = make_rsa_key();
    return key;
}

service_sim::service_sim(sim::simulator_options options) {
    options.notify_services = true;
    sim::scenario s;
    s.source = "(none)";
    s.start = real_.wall_now();
    auto logger =
        std::make_shared<spdlog::logger>("sim", std::make_shared<spdlog::sinks::null_sink_mt>());
    sim_ = std::make_unique<sim::simulator>(std::move(s), std::move(options), real_,
                                            io_.get_executor(), logger);
    net::http_server_options server_options;
    server_options.max_body_bytes = 4 * 1024 * 1024;
    server_ = std::make_unique<net::http_server>(io_.get_executor(), server_options,
                                                 sim_->handler(), logger);
    server_->start();
    port_ = server_->port();
    thread_ = std::thread([this] { io_.run(); });
}

service_sim::~service_sim() {
    boost::asio::post(io_, [this] {
        server_->stop();
        io_.stop();
    });
    thread_.join();
}

std::string service_sim::get(const std::string& target) {
    return exchange(port_, "GET", target, "");
}

std::string service_sim::post(const std::string& target, const std::string& body) {
    return exchange(port_, "POST", target, body);
}

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++n;
    return n;
}

}  // namespace sesmon::notify::test
