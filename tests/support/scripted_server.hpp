#pragma once
// scripted_server: a loopback HTTP/1.1 server for tests, plain or TLS, that answers each
// request the way the test scripted it — including the ways real servers misbehave
// (hanging, closing idle keep-alive connections, resetting mid-body, garbage bytes).
//
// Usage:
//   sesmon::test::scripted_server server({.tls = true, .certificate = cert});
//   server.push({.status = 401, .body = R"({"error":{"errorCode":"200"}})"});
//   client.send({.url = server.base_url() + "/path"});   // base_url(): https://127.0.0.1:PORT
//   EXPECT_EQ(server.requests().at(0).target, "/path");
//
// Replies are taken in order from the queue filled by push(); when it is empty the handler
// (set_handler) answers; without one the server answers 500 "unscripted request".
// The server listens on 127.0.0.1, port 0 (the kernel picks), and runs its own io_context on
// its own thread, so a test drives its client on the main thread with any executor. All
// public members are thread-safe. The destructor stops the thread and drops connections.
//
// Shared by every test binary through the `sesmon_test_support` library (tests/support/).
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sesmon/http_client.hpp"
#include "support/test_certs.hpp"

namespace sesmon::test {

struct scripted_reply {
    enum class kind {
        respond,         // status, headers, body (Content-Length added)
        raw,             // `raw` bytes verbatim (then close unless keep_alive)
        close,           // close the connection without answering
        hang,            // never answer; hold the connection until the client closes it
        reset_mid_body,  // send the head and half of `body`, then reset the connection (RST)
    };
    kind action = kind::respond;
    int status = 200;
    http_headers headers{};  // Content-Length and Connection are added by the server
    std::string body{};
    std::string raw{};
    bool keep_alive = true;    // false: "Connection: close" and close after the reply
    bool close_after = false;  // close after the reply WITHOUT saying so (stale keep-alive)
    std::chrono::milliseconds delay{0};  // wait before answering
};

struct recorded_request {
    std::string method;
    std::string target;
    http_headers headers;
    std::string body;
    std::size_t connection = 0;  // 1-based index of the connection it came on

    // First header of that name, case-insensitive; "" when absent.
    std::string header(std::string_view name) const;
};

struct scripted_server_options {
    bool tls = false;
    test_certificate certificate{};  // required when tls
};

class scripted_server {
  public:
    explicit scripted_server(scripted_server_options options = {});
    ~scripted_server();
    scripted_server(const scripted_server&) = delete;
    scripted_server& operator=(const scripted_server&) = delete;

    std::uint16_t port() const { return port_; }
    // "http://127.0.0.1:PORT" or "https://127.0.0.1:PORT" (no trailing slash).
    std::string base_url() const;

    void push(scripted_reply reply);
    void set_handler(std::function<scripted_reply(const recorded_request&)> handler);

    std::vector<recorded_request> requests() const;
    std::size_t connections_accepted() const;
    std::size_t tls_handshake_failures() const;

    // Blocks until at least `n` requests arrived or `timeout` passed; returns whether they did.
    bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
    std::uint16_t port_ = 0;
    bool tls_ = false;
};

}  // namespace sesmon::test
