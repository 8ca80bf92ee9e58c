#pragma once
// etcd_server: a real etcd (Debian's etcd-server, /usr/bin/etcd) for tests, on 127.0.0.1
// with free ports and a data directory of its own, plain or TLS (optionally requiring client
// certificates). stop() and start() again keep ports and data (an outage). Killed on
// destruction. The binary missing is a
// failure (scripts/bootstrap installs it), never a skip.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace sesmon::test {

struct etcd_options {
    std::filesystem::path cert_file;  // TLS: server certificate and key
    std::filesystem::path key_file;
    std::filesystem::path client_ca_file;  // when set: client certificates required
    std::vector<std::string> args;         // more command-line flags
};

class etcd_server {
  public:
    // Starts etcd in `dir` (created) and waits until it serves clients (throws
    // std::runtime_error with the tail of its log otherwise).
    explicit etcd_server(std::filesystem::path dir, etcd_options options = {});
    ~etcd_server();
    etcd_server(const etcd_server&) = delete;
    etcd_server& operator=(const etcd_server&) = delete;

    // "http://127.0.0.1:PORT" (https with TLS).
    std::string endpoint() const;
    unsigned short port() const { return client_port_; }

    void stop();   // SIGTERM and wait
    void start();  // again, same ports and data
    void kill();   // SIGKILL and wait
    // SIGSTOP / SIGCONT: etcd frozen (requests hang, connections stay open), then going on.
    void freeze();
    void thaw();
    bool running() const { return pid_ > 0; }
    std::string log() const;

  private:
    void launch();

    std::filesystem::path dir_;
    etcd_options tls_;
    unsigned short client_port_ = 0;
    unsigned short peer_port_ = 0;
    pid_t pid_ = -1;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
unsigned short free_port();

}  // namespace sesmon::test
