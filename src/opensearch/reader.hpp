#pragma once
// reader: one look inside a cluster through its OpenSearch endpoint (SPEC §16), over the
// project's http_client: `_cluster/health`, `_cat/nodes?h=name,version`,
// `_cat/recovery?active_only=true`, and (for `preflight`) the snapshot listing.
//
// - Every request has the deadline `timeout`; the reads of one look run one after another,
//   so a look ends within 3 × timeout (a failover to another address counts afresh).
// - Several base URLs (from_api: one per node address) are tried in turn: a network
//   failure moves on to the next one, and the one that answered is tried first next time
//   (during a rolling upgrade the node behind an address restarts). An HTTP error answer
//   does not fail over: the endpoint answered.
// - Basic authentication when a user is given. Errors are one line naming the endpoint's
//   origin and never a credential.
// Not thread-safe; the http_client must outlive it.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "opensearch/parsers.hpp"
#include "sesmon/http_client.hpp"
#include "sesmon/opensearch.hpp"
#include "sesmon/secret.hpp"

namespace sesmon::opensearch {

struct access {
    std::vector<std::string> base_urls;  // "https://10.0.1.5:9200" (an optional path prefix)
    std::string username;                // "" = no authentication
    std::optional<secret> password;
    duration timeout = std::chrono::seconds(10);  // per request
};

// What one look gives: the reading, or why there is none.
struct read_outcome {
    std::optional<cluster_reading> reading;
    std::string error;  // one line when !reading
};

struct snapshots_outcome {
    std::optional<std::vector<snapshot_entry>> snapshots;
    std::string error;
};

class reader {
  public:
    reader(http_client& http, access a);

    // The three reads; `now` becomes reading.read_at.
    boost::asio::awaitable<read_outcome> read(wall_time now);
    // The snapshot listing: _cat/snapshots?format=json, or _snapshot/_all/_all where that
    // is refused.
    boost::asio::awaitable<snapshots_outcome> read_snapshots();

    const access& settings() const { return access_; }

  private:
    struct answer {
        std::optional<std::string> body;  // a 2xx body
        int status = 0;                   // the HTTP status, 0 without an answer
        std::string error;                // one line when !body
    };
    boost::asio::awaitable<answer> get(std::string path);
    // get(), then `parse` of a 2xx body; false with `error` set when either fails.
    using body_parser = std::function<bool(std::string_view body, std::string& error)>;
    boost::asio::awaitable<bool> read_into(std::string path, body_parser parse, std::string& error);

    http_client& http_;
    access access_;
    std::string authorization_;  // "Basic …", "" without a user
    std::size_t preferred_ = 0;  // the base URL that answered last
};

}  // namespace sesmon::opensearch
