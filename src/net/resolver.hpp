#pragma once
// resolver: host-name lookups that run on the event loop (c-ares), for https_client.
//
// Why not Asio's resolver: that is getaddrinfo on a helper thread, which cannot be
// interrupted; a lookup that hangs (a dead DNS server, a firewall dropping UDP) keeps its
// thread and holds up every lookup queued behind it, whatever the request's deadline says.
// Here every lookup is a c-ares query whose sockets the io_context watches (the
// ARES_OPT_SOCK_STATE_CB integration: c-ares says which descriptors it wants read or
// written, Asio waits on them, and a steady_timer drives c-ares' own timeouts), so lookups
// run side by side, each bounded by its caller's deadline. An abandoned lookup finishes
// or times out inside c-ares later without anyone waiting for it.
//
// Lookups read /etc/hosts first, then ask the servers of /etc/resolv.conf (or
// resolver_options::servers), for IPv4 and IPv6 addresses. IP literals are never looked
// up. Single-threaded: construct, use and destroy on the executor's thread; lookups in
// flight at destruction complete with an error.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>
#include <vector>

#include "sesmon/time.hpp"

namespace sesmon::net {

struct resolver_options {
    // DNS servers as "ip" or "ip:port" (tests point this at a scripted server); empty: the
    // system's (/etc/resolv.conf).
    std::vector<std::string> servers;
    // c-ares' own per-attempt timeout and attempts per server. A caller's deadline cuts a
    // lookup shorter; these bound how long an abandoned one lingers.
    duration attempt_timeout = std::chrono::seconds(2);
    int tries = 2;
};

struct resolve_result {
    std::vector<boost::asio::ip::tcp::endpoint> endpoints;  // non-empty on success
    bool timed_out = false;                                 // the deadline passed first
    std::string error;  // "" on success; c-ares' reason otherwise ("Domain name not found")

    bool ok() const { return error.empty() && !timed_out; }
};

class resolver {
  public:
    // Throws std::runtime_error when c-ares cannot be set up (e.g. a malformed server).
    explicit resolver(boost::asio::any_io_executor executor, resolver_options options = {});
    ~resolver();
    resolver(const resolver&) = delete;
    resolver& operator=(const resolver&) = delete;

    // The addresses of `host` for `port`, or why not, by `deadline` at the latest.
    boost::asio::awaitable<resolve_result> resolve(std::string host, unsigned short port,
                                                   steady_time deadline);

    class impl;

  private:
    std::shared_ptr<impl> impl_;
};

}  // namespace sesmon::net
