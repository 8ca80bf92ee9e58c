#include "opensearch/reader.hpp"

#include "common/crypto.hpp"
#include "common/url.hpp"

namespace sesmon::opensearch {

namespace {

std::string origin_of(const std::string& url) {
    const auto parsed = common::parse_url(url);
    return parsed ? parsed->origin() : std::string("(invalid URL)");
}

std::string status_problem(int status, const std::string& origin, const std::string& path) {
    std::string what = "HTTP " + std::to_string(status) + " from " + origin + " for " + path;
    if (status == 401)
        what += ": authentication failed, check opensearch.username and password_file";
    else if (status == 403)
        what += ": the user may not read this (it needs cluster monitor permissions)";
    return what;
}

}  // namespace

reader::reader(http_client& http, access a) : http_(http), access_(std::move(a)) {
    if (!access_.username.empty()) {
        const std::string pair =
            access_.username + ":" + (access_.password ? access_.password->reveal() : "");
        authorization_ = "Basic " + common::base64_encode(pair);
    }
}

boost::asio::awaitable<reader::answer> reader::get(std::string path) {
    answer out;
    const std::size_t n = access_.base_urls.size();
    if (n == 0) {
        out.error = "no OpenSearch address known";
        co_return out;
    }
    std::string failures;
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = (preferred_ + k) % n;
        http_request request;
        request.method = "GET";
        request.url = access_.base_urls[i] + path;
        request.timeout = access_.timeout;
        request.headers.emplace_back("Accept", "application/json");
        if (!authorization_.empty())
            request.headers.emplace_back("Authorization", authorization_);
        auto sending = http_.send(std::move(request));
        http_result result = co_await std::move(sending);
        if (!result) {
            // Unreachable at this address: the next one may answer (a node restarting).
            failures += (failures.empty() ? "" : "; ") + result.error().message;
            continue;
        }
        preferred_ = i;
        out.status = result->status;
        if (result->status / 100 != 2) {
            out.error = status_problem(result->status, origin_of(access_.base_urls[i]), path);
            co_return out;
        }
        out.body = std::move(result->body);
        co_return out;
    }
    out.error = "OpenSearch unreachable: " + failures;
    co_return out;
}

boost::asio::awaitable<bool> reader::read_into(std::string path, body_parser parse,
                                               std::string& error) {
    auto asking = get(std::move(path));
    auto got = co_await std::move(asking);
    if (!got.body) {
        error = std::move(got.error);
        co_return false;
    }
    co_return parse(*got.body, error);
}

boost::asio::awaitable<read_outcome> reader::read(wall_time now) {
    read_outcome out;
    cluster_reading reading;
    reading.read_at = now;
    // Named awaitables (GCC 12 and temporaries in co_await, docs/ncp-client.md).
    auto health = read_into(
        "/_cluster/health",
        [&](std::string_view body, std::string& e) { return parse_health(body, reading, e); },
        out.error);
    if (!co_await std::move(health))
        co_return out;
    auto nodes = read_into(
        "/_cat/nodes?h=name,version&format=json",
        [&](std::string_view body, std::string& e) {
            return parse_cat_nodes(body, reading.nodes, e);
        },
        out.error);
    if (!co_await std::move(nodes))
        co_return out;
    auto recovery = read_into(
        "/_cat/recovery?active_only=true&format=json&bytes=b",
        [&](std::string_view body, std::string& e) {
            return parse_cat_recovery(body, reading.recoveries, e);
        },
        out.error);
    if (!co_await std::move(recovery))
        co_return out;
    out.reading = std::move(reading);
    co_return out;
}

boost::asio::awaitable<snapshots_outcome> reader::read_snapshots() {
    snapshots_outcome out;
    auto asking_cat = get("/_cat/snapshots?format=json");
    auto cat = co_await std::move(asking_cat);
    if (!cat.body && cat.status / 100 == 4) {
        // Some versions want a repository in the path: the other listing covers them all.
        auto asking_all = get("/_snapshot/_all/_all");
        cat = co_await std::move(asking_all);
    }
    if (!cat.body) {
        out.error = cat.error;
        co_return out;
    }
    std::vector<snapshot_entry> list;
    if (!parse_snapshots(*cat.body, list, out.error))
        co_return out;
    out.snapshots = std::move(list);
    co_return out;
}

}  // namespace sesmon::opensearch
