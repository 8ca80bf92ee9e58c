#pragma once
// alertmanager_server: a real Alertmanager (Debian's prometheus-alertmanager) for tests, on
// 127.0.0.1 with a free port, a storage directory of its own and gossip off. stop() and
// start() again keep the port and the stored silences (an outage); pause()/resume() freeze
// it (SIGSTOP: requests hang). Killed on destruction. The binary missing is a failure
// (scripts/bootstrap installs it), never a skip.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

namespace sesmon::test {

inline constexpr const char* alertmanager_binary = "/usr/bin/prometheus-alertmanager";

class alertmanager_server {
  public:
    // Starts it in `dir` (created) and waits until /-/ready answers (throws
    // std::runtime_error with the tail of its log otherwise).
    explicit alertmanager_server(std::filesystem::path dir);
    ~alertmanager_server();
    alertmanager_server(const alertmanager_server&) = delete;
    alertmanager_server& operator=(const alertmanager_server&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    unsigned short port() const { return port_; }

    void stop();  // SIGTERM and wait
    void start();
    void pause();   // SIGSTOP, and wait until it is stopped
    void resume();  // SIGCONT
    bool running() const { return pid_ > 0; }
    std::string log() const;

    // GET /api/v2/silences: the JSON text, nullopt when it does not answer 200.
    std::optional<std::string> silences_json() const;

  private:
    std::filesystem::path dir_;
    unsigned short port_ = 0;
    pid_t pid_ = -1;
};

// One plain HTTP/1.1 GET to 127.0.0.1:port (Connection: close, 5 s): the status and body,
// nullopt when the connection failed.
struct plain_reply {
    int status = 0;
    std::string body;
};
std::optional<plain_reply> plain_http(unsigned short port, const std::string& method,
                                      const std::string& target, const std::string& body = "");

}  // namespace sesmon::test
