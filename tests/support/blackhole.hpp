#pragma once
// blackhole: a loopback TCP port where connect() hangs — a host whose packets are dropped
// (down, firewalled, partitioned). A socket listens with an accept queue of one and is never
// accepted from; its queue is filled at construction, after which the kernel drops every SYN
// to the port, so connects time out rather than being refused. Closed on destruction.
#include <cstdint>
#include <string>
#include <vector>

namespace sesmon::test {

class blackhole {
  public:
    blackhole();
    ~blackhole();
    blackhole(const blackhole&) = delete;
    blackhole& operator=(const blackhole&) = delete;

    std::uint16_t port() const { return port_; }
    // "scheme://127.0.0.1:PORT".
    std::string url(const std::string& scheme = "http") const;

  private:
    int listener_ = -1;
    std::vector<int> fillers_;
    std::uint16_t port_ = 0;
};

}  // namespace sesmon::test
