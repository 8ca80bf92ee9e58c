#pragma once
// fleet_api: the fleet endpoints of the HTTP API (SPEC §13, docs/http-api.md).
//
//   GET /api/v1/summary                 counts by state, overall and per label value; revision
//   GET /api/v1/clusters?state=&label=&q=&sort=&limit=&cursor=&nodes=
//                                       one page of clusters (fleet_query.hpp); without any of
//                                       these parameters the whole document of SPEC §7
//   GET /api/v1/clusters/{name}         one cluster, with its nodes
//   GET /api/v1/changes?since=REV&wait=S
//                                       the revision and the counts, once the revision is not
//                                       REV (a long poll of at most S seconds, change_feed.hpp)
//
// Every answer carries a weak ETag; a request whose If-None-Match names it gets 304 without a
// body — and, for a page, without a cluster being encoded: the validator comes from the
// index's revisions. Only the clusters on a page are built (`cluster` below) and encoded.
//
// Threading: the event loop's; the deps are called on it.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "net/http_server.hpp"
#include "web/change_feed.hpp"
#include "web/fleet_index.hpp"
#include "web/view_model.hpp"

namespace sesmon::web {

struct fleet_api_deps {
    const fleet_index* index = nullptr;
    change_feed* feed = nullptr;
    // The daemon's view without clusters: version, started_at, now, ready, ha.
    std::function<daemon_view()> header;
    // The whole document's view (every cluster): the answer without parameters.
    std::function<daemon_view()> whole;
    // One watched cluster's view now; nullopt for a name not watched.
    std::function<std::optional<cluster_view>(const std::string& name)> cluster;
    // Moves clusters out of the finished window before an answer counts them.
    std::function<void()> expire;
};

class fleet_api {
  public:
    explicit fleet_api(fleet_api_deps deps);

    // The paths above (/api/v1/clusters with or without a query, and any name under it).
    static bool handles(std::string_view path);

    // Every answer but a long poll that has to wait: nullopt for that one, unless `may_wait`
    // is false (then it answers "unchanged" at once).
    std::optional<net::server_response> answer_at_once(const net::server_request& request,
                                                       bool may_wait = true) const;
    // Every answer, waiting where a long poll waits.
    boost::asio::awaitable<net::server_response> answer(net::server_request request) const;

  private:
    net::server_response summary(const net::server_request& request) const;
    net::server_response clusters(const net::server_request& request) const;
    net::server_response cluster(const net::server_request& request, std::string_view name) const;
    net::server_response changes(std::uint64_t since, bool changed) const;
    // The parsed `since` and wait of /api/v1/changes; a response for bad parameters.
    struct changes_request {
        std::optional<std::uint64_t> since;
        duration wait{};
        std::optional<net::server_response> refused;
    };
    changes_request parse_changes(const net::server_request& request) const;
    // What every answer's validator includes besides its own content: version, readiness,
    // the HA seat.
    std::string header_signature(const daemon_view& header) const;

    fleet_api_deps deps_;
};

}  // namespace sesmon::web
