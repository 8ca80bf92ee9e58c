#pragma once
// router: the read-only HTTP surface of the daemon (SPEC §7, docs/http-api.md), as a pure
// function from a request to a response, plus the coroutine handler net::http_server wants.
//
//   GET /healthz          200 "ok" (never needs the token)
//   GET /readyz           200 once the first poll round was attempted, else 503
//   GET /metrics          Prometheus text format 0.0.4
//   GET /api/v1/clusters  the daemon_view as JSON; with a fleet (set_fleet): also paged and
//                         filtered, /api/v1/clusters/{name}, /api/v1/summary and the
//                         /api/v1/changes long poll (fleet_api.hpp), each with an ETag
//   GET /api/v1/history, /api/v1/upgrades/{id}
//                         the upgrade history (history_api.hpp), when a history_source is
//                         given: answered asynchronously, off the event loop's time
//   GET /                 the dashboard page
// HEAD is accepted wherever GET is; other methods get 405 with Allow; other paths 404.
// With an auth token every path but /healthz needs `Authorization: Bearer <token>` (or
// HTTP Basic with the token as password, so a browser can show the dashboard); the
// comparison is constant-time and does not reveal the token's length; an empty token
// matches nothing (fails closed). Failures get 401 with WWW-Authenticate.
//
// Threading: handle() and answer() call the view and ready providers on the calling thread
// (the server's io_context thread), so they may read the daemon's state without locks when
// the daemon runs on that same thread. The router (and its history_source) must outlive any
// server using handler().
#include <functional>
#include <optional>

#include "net/http_server.hpp"
#include "sesmon/secret.hpp"
#include "web/dashboard.hpp"
#include "web/fleet_api.hpp"
#include "web/history_api.hpp"
#include "web/metrics.hpp"
#include "web/view_model.hpp"

namespace sesmon::web {

// What /readyz answers: 200 when `ready`, else 503; `note` (e.g. "state store degraded:
// disk full") is added to the body either way.
struct readiness {
    bool ready = false;
    std::string note;
    std::string reason;  // why not ready; "" = the first poll round has not been attempted
};

class router {
  public:
    // `view` builds the current daemon_view. `ready` says what /readyz answers; when
    // empty, view().ready decides. The per-cluster gauges of `metrics` are refreshed from
    // the view on every scrape, unless `gauges_kept_current` says their owner sets them
    // itself (the daemon does, after every poll: building the view of 10,000 clusters on
    // every scrape held its event loop for up to a second). `history`: where
    // /api/v1/history and /api/v1/upgrades/{id} read from; without one those paths are
    // unknown (404).
    router(std::function<daemon_view()> view, metrics& metrics,
           std::optional<secret> auth_token = std::nullopt,
           std::function<readiness()> ready = nullptr, bool gauges_kept_current = false,
           history_source* history = nullptr);

    // Every route; the history routes complete when their read does.
    boost::asio::awaitable<net::server_response> answer(net::server_request request) const;
    // The synchronous routes only (the history routes answer 404 here): for tests and
    // callers without a coroutine.
    net::server_response handle(const net::server_request& request) const;

    // SIGHUP's new server.auth_token: applies from the next request, so a changed token needs
    // no new server (and no new port).
    void set_auth_token(std::optional<secret> auth_token) { auth_token_ = std::move(auth_token); }

    // The fleet endpoints (SPEC §13) from now on; /api/v1/clusters is then theirs too.
    void set_fleet(fleet_api_deps deps) { fleet_.emplace(std::move(deps)); }

    // A handler for net::http_server that calls answer(); keeps a pointer to *this.
    net::server_handler handler() const;

  private:
    // 401, 404 or 405 for a request that must not reach its route; nullopt otherwise.
    std::optional<net::server_response> refusal(const net::server_request& request,
                                                bool known) const;
    bool authorized(const net::server_request& request) const;
    net::server_response get(std::string_view path) const;

    std::function<daemon_view()> view_;
    metrics& metrics_;
    std::optional<secret> auth_token_;
    std::function<readiness()> ready_;
    bool gauges_kept_current_;
    std::optional<history_api> history_;
    std::optional<fleet_api> fleet_;
    dashboard_page page_;
};

}  // namespace sesmon::web
