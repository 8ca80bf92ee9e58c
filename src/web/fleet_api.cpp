#include "web/fleet_api.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>

#include "common/json_writer.hpp"
#include "web/fleet_query.hpp"
#include "web/query_string.hpp"
#include "web/responses.hpp"

namespace sesmon::web {

namespace {

namespace json = common::json;

constexpr std::string_view summary_path = "/api/v1/summary";
constexpr std::string_view clusters_path = "/api/v1/clusters";
constexpr std::string_view cluster_prefix = "/api/v1/clusters/";
constexpr std::string_view changes_path = "/api/v1/changes";
// A label key with more values than this lists the values with the most clusters only.
constexpr std::size_t max_label_values = 200;

// Whether If-None-Match names `etag` (weak comparison, RFC 9110 §13.1.2; "*" names any).
bool matches_validator(const net::server_request& request, std::string_view etag) {
    const auto header = request.header("If-None-Match");
    if (!header)
        return false;
    const auto opaque = [](std::string_view tag) {
        tag = tag.substr(tag.find_first_not_of(" \t"));
        if (tag.starts_with("W/"))
            tag.remove_prefix(2);
        return tag.substr(0, tag.find_last_not_of(" \t") + 1);
    };
    std::string_view rest = *header;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        if (item.find_first_not_of(" \t") != std::string_view::npos) {
            const auto tag = opaque(item);
            if (tag == "*" || tag == opaque(etag))
                return true;
        }
        if (comma == std::string_view::npos)
            break;
        rest.remove_prefix(comma + 1);
    }
    return false;
}

// The answer, or 304 when the client has it already.
net::server_response validated(const net::server_request& request, const std::string& etag,
                               const std::function<std::string()>& body) {
    net::server_response res;
    if (matches_validator(request, etag)) {
        res.status = 304;
    } else {
        res = reply(200, body(), "application/json");
    }
    res.headers.emplace_back("ETag", etag);
    return res;
}

template <class Writer>
void put_counts(Writer& w, const fleet_counts& counts) {
    for (const fleet_state s : all_fleet_states) {
        json::key(w, to_string(s));
        w.Uint64(counts[static_cast<std::size_t>(s)]);
    }
}

// "clusters": how many are watched, "counts": how many in each state.
template <class Writer>
void put_fleet_counts(Writer& w, const fleet_index& index) {
    json::key(w, "clusters");
    w.Uint64(index.size());
    json::key(w, "counts");
    w.StartObject();
    put_counts(w, index.counts());
    w.EndObject();
}

std::size_t total(const fleet_counts& c) {
    std::size_t n = 0;
    for (const std::size_t k : c)
        n += k;
    return n;
}

// `"counts":{...}` and the labels' counts: the summary's body after its header.
std::string summary_counts(const fleet_index& index) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::key(w, "revision");
    w.Uint64(index.revision());
    put_fleet_counts(w, index);
    std::vector<std::string_view> truncated;
    json::key(w, "labels");
    w.StartObject();
    for (const auto& [key, values] : index.label_counts()) {
        std::vector<std::pair<std::string_view, const fleet_counts*>> shown;
        for (const auto& [value, counts] : values)
            shown.emplace_back(value, &counts);
        if (shown.size() > max_label_values) {
            std::stable_sort(shown.begin(), shown.end(), [](const auto& a, const auto& b) {
                return total(*a.second) > total(*b.second);
            });
            shown.resize(max_label_values);
            std::sort(shown.begin(), shown.end());
            truncated.push_back(key);
        }
        json::key(w, key);
        w.StartObject();
        for (const auto& [value, counts] : shown) {
            json::key(w, value);
            w.StartObject();
            json::key(w, "clusters");
            w.Uint64(total(*counts));
            put_counts(w, *counts);
            w.EndObject();
        }
        w.EndObject();
    }
    w.EndObject();
    json::key(w, "labels_truncated");
    w.StartArray();
    for (const auto& key : truncated)
        json::string(w, key);
    w.EndArray();
    w.EndObject();
    return json::text(buffer);
}

// `{` + header fields + `,` + the members of `rest` (an object's text) + `}`.
std::string join_objects(const std::string& header_fields, const std::string& rest) {
    return "{" + header_fields + "," + rest.substr(1);
}

}  // namespace

fleet_api::fleet_api(fleet_api_deps deps) : deps_(std::move(deps)) {}

bool fleet_api::handles(std::string_view path) {
    return path == summary_path || path == clusters_path || path == changes_path ||
           (path.size() > cluster_prefix.size() && path.starts_with(cluster_prefix));
}

std::string fleet_api::header_signature(const daemon_view& h) const {
    std::string sig = h.version + (h.ready ? "|ready" : "|not-ready");
    if (h.ha)
        sig += "|" + h.ha->member + "|" + h.ha->role + "|" + h.ha->leader + "|" + h.ha->problem;
    return sig;
}

net::server_response fleet_api::summary(const net::server_request& request) const {
    const daemon_view header = deps_.header();
    const fleet_index& index = *deps_.index;
    const std::string etag =
        weak_etag("summary|" + std::to_string(index.revision()) + "|" + header_signature(header));
    return validated(request, etag, [&] {
        return join_objects(header_fields_json(header), summary_counts(index));
    });
}

net::server_response fleet_api::clusters(const net::server_request& request) const {
    const query_parse parsed = parse_fleet_query(request.target);
    if (!parsed.whole_document && !parsed.query)
        return text(400, parsed.error);
    const fleet_index& index = *deps_.index;
    if (parsed.whole_document) {
        const std::string etag = weak_etag("whole|" + std::to_string(index.revision()) + "|" +
                                           header_signature(deps_.header()));
        return validated(request, etag, [&] { return to_json(deps_.whole()); });
    }
    const fleet_query& q = *parsed.query;
    const auto page = run_query(index, q);
    if (!page)
        return text(400,
                    "cursor: not a cursor of this API for sort=" + std::string(to_string(q.sort)));
    const daemon_view header = deps_.header();
    const std::string etag = page_etag(*page, q, header_signature(header));
    return validated(request, etag, [&] {
        rapidjson::StringBuffer buffer;
        json::writer w(buffer);
        w.StartObject();
        json::put(w, "now", common::format_rfc3339_utc(header.now));
        json::key(w, "revision");
        w.Uint64(index.revision());
        json::key(w, "total");
        w.Uint64(page->total);
        json::key(w, "clusters");
        w.StartArray();
        for (const fleet_index::entry* e : page->items) {
            if (const auto view = deps_.cluster(e->row.name)) {
                const std::string one = to_json(*view, header.now, q.nodes);
                w.RawValue(one.data(), one.size(), rapidjson::kObjectType);
            }
        }
        w.EndArray();
        json::put_or_null(w, "next_cursor", page->next_cursor);
        w.EndObject();
        return json::text(buffer);
    });
}

net::server_response fleet_api::cluster(const net::server_request& request,
                                        std::string_view raw_name) const {
    const auto name = percent_decode(raw_name);
    const fleet_index::entry* e = name ? deps_.index->find(*name) : nullptr;
    if (!e)
        return text(404, "no cluster " + std::string(raw_name) + " is watched");
    const daemon_view header = deps_.header();
    const std::string etag =
        weak_etag("cluster|" + e->row.name + "|" + std::to_string(e->revision) + "|" +
                  header_signature(header));
    return validated(request, etag, [&] {
        const auto view = deps_.cluster(e->row.name);
        rapidjson::StringBuffer buffer;
        json::writer w(buffer);
        w.StartObject();
        json::put(w, "now", common::format_rfc3339_utc(header.now));
        json::key(w, "revision");
        w.Uint64(deps_.index->revision());
        json::key(w, "cluster");
        if (view) {
            const std::string one = to_json(*view, header.now, true);
            w.RawValue(one.data(), one.size(), rapidjson::kObjectType);
        } else {
            w.Null();
        }
        w.EndObject();
        return json::text(buffer);
    });
}

fleet_api::changes_request fleet_api::parse_changes(const net::server_request& request) const {
    changes_request out;
    out.wait = deps_.feed ? deps_.feed->options().default_wait : duration{};
    const auto params = parse_query(request.target);
    if (!params) {
        out.refused = text(400, "malformed %-escape in the query string");
        return out;
    }
    for (const auto& [name, value] : *params) {
        const char* first = value.data();
        const char* last = value.data() + value.size();
        if (name == "since") {
            std::uint64_t since = 0;
            const auto [end, ec] = std::from_chars(first, last, since);
            if (ec != std::errc{} || end != last || value.empty()) {
                out.refused = text(400, "since must be a revision (a whole number)");
                return out;
            }
            out.since = since;
        } else if (name == "wait") {
            unsigned seconds = 0;
            const auto [end, ec] = std::from_chars(first, last, seconds);
            const auto most = deps_.feed ? deps_.feed->options().max_wait : duration{};
            if (ec != std::errc{} || end != last || value.empty() ||
                std::chrono::seconds(seconds) > most) {
                out.refused = text(
                    400, "wait must be a whole number of seconds from 0 to " +
                             std::to_string(
                                 std::chrono::duration_cast<std::chrono::seconds>(most).count()));
                return out;
            }
            out.wait = std::chrono::seconds(seconds);
        }
    }
    return out;
}

net::server_response fleet_api::changes(std::uint64_t since, bool changed) const {
    const fleet_index& index = *deps_.index;
    const daemon_view header = deps_.header();
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::key(w, "ready");
    w.Bool(header.ready);
    if (header.ha) {  // the seat can change without a cluster changing (etcd lost, a takeover)
        json::key(w, "ha");
        w.StartObject();
        json::put(w, "member", header.ha->member);
        json::put(w, "role", header.ha->role);
        json::put_or_null(w, "leader", header.ha->leader);
        json::put_or_null(w, "problem", header.ha->problem);
        w.EndObject();
    }
    json::key(w, "revision");
    w.Uint64(index.revision());
    json::key(w, "changed");
    w.Bool(changed);
    json::key(w, "since");
    w.Uint64(since);
    put_fleet_counts(w, index);
    w.EndObject();
    auto res = reply(200, json::text(buffer), "application/json");
    res.headers.emplace_back("ETag", weak_etag("changes|" + std::to_string(index.revision()) + "|" +
                                               header_signature(header)));
    return res;
}

std::optional<net::server_response> fleet_api::answer_at_once(const net::server_request& request,
                                                              bool may_wait) const {
    if (deps_.expire)
        deps_.expire();
    const std::string_view path = request.path();
    if (path == summary_path)
        return summary(request);
    if (path == clusters_path)
        return clusters(request);
    if (path.starts_with(cluster_prefix))
        return cluster(request, path.substr(cluster_prefix.size()));
    // /api/v1/changes
    const changes_request c = parse_changes(request);
    if (c.refused)
        return *c.refused;
    const std::uint64_t revision = deps_.index->revision();
    if (!may_wait || !c.since || *c.since != revision || c.wait == duration{} || !deps_.feed)
        return changes(c.since.value_or(revision), c.since && *c.since != revision);
    return std::nullopt;
}

boost::asio::awaitable<net::server_response> fleet_api::answer(net::server_request request) const {
    if (auto now = answer_at_once(request))
        co_return std::move(*now);
    const changes_request c = parse_changes(request);
    const std::uint64_t since = *c.since;
    const fleet_index* index = deps_.index;
    const auto result =
        co_await deps_.feed->wait([index, since] { return index->revision() == since; }, c.wait);
    if (result == change_feed::wait_result::too_many) {
        auto res = text(429, "too many waiting requests on /api/v1/changes; retry later");
        res.headers.emplace_back("Retry-After", "5");
        co_return res;
    }
    co_return changes(since, deps_.index->revision() != since);
}

}  // namespace sesmon::web
