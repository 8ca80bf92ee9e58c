#include "sim/opensearch_service.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

#include "common/crypto.hpp"
#include "common/json_writer.hpp"

namespace sesmon::sim {

namespace {

namespace json = common::json;
using writer = json::writer;
using json::put;

net::server_response json_answer(int status, std::string body) {
    net::server_response res;
    res.status = status;
    res.headers.emplace_back("Content-Type", "application/json; charset=UTF-8");
    res.body = std::move(body);
    return res;
}

// OpenSearch's error body shape.
net::server_response error(int status, const std::string& type, const std::string& reason) {
    rapidjson::StringBuffer buffer;
    writer w(buffer);
    w.StartObject();
    w.Key("error");
    w.StartObject();
    put(w, "type", type);
    put(w, "reason", reason);
    w.EndObject();
    w.Key("status");
    w.Int(status);
    w.EndObject();
    auto res = json_answer(status, buffer.GetString());
    if (status == 401)
        res.headers.emplace_back("WWW-Authenticate", "Basic realm=\"OpenSearch Security\"");
    return res;
}

std::string health_body(const cluster_spec& c, const cluster_reading& r) {
    rapidjson::StringBuffer buffer;
    writer w(buffer);
    w.StartObject();
    put(w, "cluster_name", c.name);
    put(w, "status", r.health);
    w.Key("timed_out");
    w.Bool(false);
    w.Key("number_of_nodes");
    w.Int(r.number_of_nodes);
    w.Key("active_primary_shards");
    w.Int(10);
    w.Key("relocating_shards");
    w.Int(r.shards.relocating);
    w.Key("initializing_shards");
    w.Int(r.shards.initializing);
    w.Key("unassigned_shards");
    w.Int(r.shards.unassigned);
    w.EndObject();
    return buffer.GetString();
}

std::string nodes_body(const cluster_reading& r) {
    rapidjson::StringBuffer buffer;
    writer w(buffer);
    w.StartArray();
    for (const auto& n : r.nodes) {
        w.StartObject();
        put(w, "name", n.name);
        put(w, "version", n.version);
        w.EndObject();
    }
    w.EndArray();
    return buffer.GetString();
}

// As _cat/recovery?format=json&bytes=b prints it: every value a string.
std::string recovery_body(const cluster_reading& r) {
    rapidjson::StringBuffer buffer;
    writer w(buffer);
    w.StartArray();
    for (const auto& s : r.recoveries) {
        char percent[16];
        std::snprintf(percent, sizeof percent, "%.1f%%", s.bytes_percent);
        w.StartObject();
        put(w, "index", s.index);
        put(w, "shard", s.shard);
        put(w, "type", "peer");
        put(w, "stage", s.stage);
        put(w, "target_node", s.target_node);
        put(w, "files_recovered", std::to_string(s.files_recovered));
        put(w, "bytes_recovered", std::to_string(s.bytes_recovered));
        put(w, "bytes_percent", percent);
        put(w, "bytes_total", std::to_string(s.bytes_total));
        put(w, "translog_ops_recovered", "0");
        w.EndObject();
    }
    w.EndArray();
    return buffer.GetString();
}

long long epoch(wall_time t) {
    return t.time_since_epoch().count();
}

// The latest snapshot (if any) as _cat/snapshots?format=json lists it (`cat`: every value a
// string, times in seconds), or as _snapshot/_all/_all does, in the 7.10 shape OpenSearch
// inherited ("responses" per repository, times in milliseconds).
std::string snapshots_body(const opensearch_state& s, bool cat) {
    rapidjson::StringBuffer buffer;
    writer w(buffer);
    if (!cat) {
        w.StartObject();
        w.Key("responses");
        w.StartArray();
        w.StartObject();
        put(w, "repository", "sim-repo");
        w.Key("snapshots");
    }
    w.StartArray();
    if (s.snapshot_end) {
        const long long end = epoch(*s.snapshot_end);
        const std::string id = "sim-snapshot-" + std::to_string(end);
        w.StartObject();
        put(w, cat ? "id" : "snapshot", id);
        if (cat) {
            put(w, "repository", "sim-repo");
            put(w, "status", "SUCCESS");
            put(w, "start_epoch", std::to_string(end - 120));
            put(w, "end_epoch", std::to_string(end));
        } else {
            put(w, "state", "SUCCESS");
            w.Key("start_time_in_millis");
            w.Int64((end - 120) * 1000);
            w.Key("end_time_in_millis");
            w.Int64(end * 1000);
        }
        w.EndObject();
    }
    w.EndArray();
    if (!cat) {
        w.EndObject();
        w.EndArray();
        w.EndObject();
    }
    return buffer.GetString();
}

bool is_served(std::string_view path) {
    return path == "/_cluster/health" || path == "/_cat/nodes" || path == "/_cat/recovery" ||
           path == "/_cat/snapshots" || path == "/_snapshot/_all/_all";
}

}  // namespace

opensearch_service::opensearch_service(const scenario& s, virtual_clock& vclock,
                                       std::shared_ptr<spdlog::logger> logger)
    : scenario_(s), vclock_(vclock), logger_(std::move(logger)) {}

opensearch_service::~opensearch_service() {
    stop();
}

void opensearch_service::start(boost::asio::any_io_executor executor,
                               const net::http_server_options& base) {
    net::http_server_options options = base;
    const auto colon = base.listen.rfind(':');
    host_ = base.listen.substr(0, colon);
    if (host_.size() > 2 && host_.front() == '[')
        host_ = host_.substr(1, host_.size() - 2);
    if (host_ == "localhost")
        host_ = "127.0.0.1";
    options.listen = base.listen.substr(0, colon) + ":0";
    for (const cluster_spec& c : scenario_.clusters) {
        if (!c.opensearch)
            continue;
        const cluster_spec* cluster = &c;
        auto server = std::make_unique<net::http_server>(
            executor, options,
            [this, cluster](net::server_request req) { return serve(cluster, std::move(req)); },
            logger_);
        server->start();
        scheme_ = std::string(server->scheme());
        logger_->info("cluster {}: OpenSearch endpoint on {}://{}:{}", c.name, scheme_,
                      options.listen.substr(0, colon), server->port());
        servers_.emplace(c.instance_no, std::move(server));
    }
}

void opensearch_service::stop() {
    for (auto& [no, server] : servers_)
        server->stop();
}

unsigned short opensearch_service::port_of(const std::string& instance_no) const {
    const auto it = servers_.find(instance_no);
    return it == servers_.end() ? 0 : it->second->port();
}

std::optional<opensearch_state> opensearch_service::state_of(const cluster_spec& c) const {
    if (!c.opensearch)
        return std::nullopt;
    const auto now = vclock_.now();
    const auto it = overrides_.find(c.instance_no);
    static const opensearch_overrides none;
    return play_opensearch(c, *c.opensearch, play(c, now), now,
                           it == overrides_.end() ? none : it->second);
}

boost::asio::awaitable<net::server_response> opensearch_service::serve(const cluster_spec* c,
                                                                       net::server_request req) {
    co_return handle(*c, req);
}

net::server_response opensearch_service::handle(const cluster_spec& c,
                                                const net::server_request& req) {
    const auto state = state_of(c);
    if (!state)
        return error(404, "no_such_endpoint", "no OpenSearch endpoint");
    const auto path = req.path();
    if (is_served(path))
        ++requests_[c.instance_no][std::string(path)];
    if (state->unreachable) {
        net::server_response res;
        res.fault = net::server_response::fault_kind::reset;
        return res;
    }
    const opensearch_spec& os = *c.opensearch;
    if (!os.username.empty()) {
        const std::string expected =
            "Basic " + common::base64_encode(os.username + ":" + os.password);
        const auto given = req.header("Authorization");
        if (!given || !common::constant_time_equal(*given, expected))
            return error(401, "security_exception", "missing or wrong credentials");
    }
    if (req.method != "GET")
        return error(405, "method_not_allowed", "only GET is served here");
    if (path == "/_cluster/health")
        return json_answer(200, health_body(c, state->reading));
    if (path == "/_cat/nodes")
        return json_answer(200, nodes_body(state->reading));
    if (path == "/_cat/recovery")
        return json_answer(200, recovery_body(state->reading));
    if (path == "/_cat/snapshots" || path == "/_snapshot/_all/_all")
        return json_answer(200, snapshots_body(*state, path == "/_cat/snapshots"));
    return error(404, "no_handler_found", "no handler for " + std::string(path));
}

std::uint64_t opensearch_service::requests_of(const std::string& instance_no,
                                              const std::string& path) const {
    const auto cluster = requests_.find(instance_no);
    if (cluster == requests_.end())
        return 0;
    const auto it = cluster->second.find(path);
    return it == cluster->second.end() ? 0 : it->second;
}

std::string opensearch_service::control(const std::string& body) {
    rapidjson::Document doc;
    if (doc.Parse(body.c_str()).HasParseError() || !doc.IsObject())
        return "body must be a JSON object";
    if (!doc.HasMember("cluster") || !doc["cluster"].IsString())
        return "\"cluster\" (an instance_no) is required";
    const std::string no = doc["cluster"].GetString();
    const auto spec = std::find_if(scenario_.clusters.begin(), scenario_.clusters.end(),
                                   [&](const cluster_spec& c) { return c.instance_no == no; });
    if (spec == scenario_.clusters.end() || !spec->opensearch)
        return "cluster " + no + " has no OpenSearch endpoint";
    opensearch_overrides next = overrides_[no];
    const auto now = vclock_.now();
    for (const auto& m : doc.GetObject()) {
        const std::string key = m.name.GetString();
        const std::string value = m.value.IsString() ? m.value.GetString() : "";
        if (key == "cluster") {
            continue;
        } else if (key == "health" && (value == "red" || value == "auto")) {
            next.red = value == "red" ? std::optional<bool>(true) : std::nullopt;
        } else if (key == "unreachable" && m.value.IsBool()) {
            next.unreachable = m.value.GetBool();
        } else if (key == "recovery" && (value == "stuck" || value == "moving")) {
            next.recovery_frozen_at = value == "stuck" ? std::optional(now) : std::nullopt;
        } else if (key == "snapshot" && (value == "fresh" || value == "none")) {
            next.snapshot = value == "fresh" ? opensearch_spec::snapshot_kind::fresh
                                             : opensearch_spec::snapshot_kind::none;
        } else if (key == "snapshot" && parse_time_spec(value, now)) {
            // A time relative to now here ("-8h": a snapshot that ended 8 hours ago).
            next.snapshot = opensearch_spec::snapshot_kind::at;
            next.snapshot_at = *parse_time_spec(value, now);
        } else {
            return "unknown or bad key \"" + key +
                   "\" (health: red|auto, unreachable: true|false, recovery: stuck|moving, "
                   "snapshot: fresh|none|-8h)";
        }
    }
    overrides_[no] = next;
    logger_->info("cluster {}: OpenSearch endpoint changed: {}", spec->name, body);
    return "";
}

}  // namespace sesmon::sim
