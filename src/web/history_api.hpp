#pragma once
// history_api: the history endpoints of the HTTP API (SPEC §7, docs/http-api.md)
//
//   GET /api/v1/history?cluster=NAME&limit=N   upgrades newest first (limit 1-1000, 50)
//   GET /api/v1/upgrades/{id}                  one upgrade's timeline (404 for unknown ids)
//
// They read state.db, which the event loop must never wait for (SPEC §6): a history_source
// runs each query elsewhere (the daemon: state::history_reader's thread) and calls back on
// the loop. The request's coroutine is suspended meanwhile; the loop serves everything else.
// A failed read answers 503 with the reason.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_server.hpp"
#include "state/history_reads.hpp"

namespace sesmon::web {

// Where the history comes from. Methods are called on the event loop; `done` must be called
// there too, exactly once, later or at once.
class history_source {
  public:
    template <class T>
    using callback = std::function<void(std::optional<T> result, std::string error)>;

    virtual ~history_source() = default;
    virtual void upgrades(std::optional<std::string> cluster, int limit,
                          callback<std::vector<state::upgrade_summary>> done) = 0;
    // nullopt inside the result: no such upgrade.
    virtual void timeline(std::string id,
                          callback<std::optional<state::upgrade_timeline>> done) = 0;
    // The expected finish of an upgrade in progress, which only the live trackers know.
    virtual std::optional<wall_time> expected_finish(
        const state::upgrade_summary& upgrade) const = 0;
    virtual wall_time now() const = 0;
};

class history_api {
  public:
    explicit history_api(history_source& source) : source_(source) {}

    // True for the paths above (any id).
    static bool handles(std::string_view path);

    // Answers a GET/HEAD of a path handles() accepts. Never throws for bad input (400).
    boost::asio::awaitable<net::server_response> answer(net::server_request request) const;

  private:
    boost::asio::awaitable<net::server_response> list(const net::server_request& request) const;
    boost::asio::awaitable<net::server_response> timeline(std::string id) const;

    history_source& source_;
};

}  // namespace sesmon::web
