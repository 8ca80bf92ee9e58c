#pragma once
// scripted_dns: a DNS server on 127.0.0.1, UDP, port 0, for resolver tests. It answers A
// queries for the names it was given, AAAA queries for them with no records (NOERROR), and
// never answers anything else — a server that hangs. Runs its own thread; thread-safe.
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace sesmon::test {

class scripted_dns {
  public:
    // `a_records`: lower-case name ("ok.test") → IPv4 address ("127.0.0.1").
    explicit scripted_dns(std::map<std::string, std::string> a_records);
    ~scripted_dns();
    scripted_dns(const scripted_dns&) = delete;
    scripted_dns& operator=(const scripted_dns&) = delete;

    // "127.0.0.1:PORT", for resolver_options::servers.
    std::string server() const;
    // Queries received for `name` (any type), answered or not.
    std::size_t queries(const std::string& name) const;

  private:
    void serve();

    std::map<std::string, std::string> records_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::map<std::string, std::size_t> queries_;
    std::thread thread_;
};

}  // namespace sesmon::test
