#include "notify/format_generic.hpp"

#include <rapidjson/document.h>
#include "common/json_writer.hpp"
#include "common/time_format.hpp"

namespace sesmon::notify {

namespace json = common::json;

namespace {

using json::key;
using json::put;
using json::put_or_null;
using json::put_time;

template <class Writer>
void put_node(Writer& w, std::string_view name, const std::optional<node_info>& node) {
    key(w, name);
    if (!node) {
        w.Null();
        return;
    }
    const node_info& n = *node;
    w.StartObject();
    put(w, "hostname", n.hostname);
    put(w, "role", n.role);
    put(w, "status", n.status);
    put_or_null(w, "previous_status", n.previous_status);
    put_time(w, "status_since", n.status_since);
    w.EndObject();
}

// The members of a digest message, oldest first; null for a single event.
template <class Writer>
void put_digest(Writer& w, const std::vector<digest_entry>& digest) {
    key(w, "digest");
    if (digest.empty()) {
        w.Null();
        return;
    }
    w.StartObject();
    key(w, "count");
    w.Uint64(digest.size());
    key(w, "events");
    w.StartArray();
    for (const digest_entry& d : digest) {
        w.StartObject();
        put(w, "id", d.id);
        put(w, "type", to_string(d.type));
        put(w, "occurred_at", common::format_rfc3339_utc(d.occurred_at));
        put(w, "summary", d.summary);
        put_node(w, "node", d.node);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
}

// The OpenSearch view's fields of `stall` (SPEC §16): each null when the view was not
// current (cluster_view_error says why).
void put_insight(json::writer& w, const cluster_insight& c) {
    const bool now = c.current;
    put_or_null(w, "cluster_health", now ? c.health : "");
    key(w, "shards");
    if (now) {
        w.StartObject();
        key(w, "initializing");
        w.Int(c.shards.initializing);
        key(w, "relocating");
        w.Int(c.shards.relocating);
        key(w, "unassigned");
        w.Int(c.shards.unassigned);
        w.EndObject();
    } else {
        w.Null();
    }
    key(w, "recoveries");
    if (now) {
        w.StartObject();
        key(w, "count");
        w.Int(c.recoveries.count);
        key(w, "percent_done");
        w.Double(static_cast<double>(static_cast<long long>(c.recoveries.percent_done * 10)) / 10);
        w.EndObject();
    } else {
        w.Null();
    }
    key(w, "node_in_cluster");
    if (now && c.node_in_cluster) {
        w.Bool(*c.node_in_cluster);
    } else {
        w.Null();
    }
    put_or_null(w, "node_version", now ? c.node_version : "");
    key(w, "nodes_absent");
    if (now) {
        w.StartArray();
        for (const auto& n : c.nodes_absent)
            json::string(w, n);
        w.EndArray();
    } else {
        w.Null();
    }
    put_time(w, "cluster_read_at", now ? c.read_at : std::optional<wall_time>{});
    put_or_null(w, "cluster_view_error", now ? "" : c.error);
}

}  // namespace

std::string format_generic(const event& e) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    put(w, "schema", generic_schema);
    put(w, "id", e.id);
    put(w, "type", to_string(e.type));
    put(w, "severity", to_string(severity_of(e)));
    put(w, "occurred_at", common::format_rfc3339_utc(e.occurred_at));
    put(w, "summary", e.summary);
    key(w, "cluster");
    w.StartObject();
    put(w, "name", e.cluster.name);
    put(w, "instance_no", e.cluster.instance_no);
    put(w, "region", e.cluster.region);
    json::put_labels(w, "labels", e.cluster.labels);
    w.EndObject();
    key(w, "upgrade");
    if (e.upgrade) {
        const upgrade_info& u = *e.upgrade;
        w.StartObject();
        put(w, "from_version", u.from_version);
        put(w, "to_version", u.to_version);
        put_or_null(w, "action_date", u.action_date);
        key(w, "nodes_total");
        w.Int(u.nodes_total);
        key(w, "nodes_complete");
        w.Int(u.nodes_complete);
        put_time(w, "started_at", u.started_at);
        put_time(w, "finished_at", u.finished_at);
        put_time(w, "expected_finish", u.expected_finish);
        w.EndObject();
    } else {
        w.Null();
    }
    put_node(w, "node", e.node);
    key(w, "stall");
    if (e.stall) {
        w.StartObject();
        put(w, "reason", e.stall->reason);
        key(w, "stalled_for_seconds");
        w.Int64(e.stall->stalled_for_seconds);
        if (e.stall->reason == "slower_than_peers") {
            // Beyond SPEC §5's shape, for this reason only: what the node was compared with.
            key(w, "peer_median_seconds");
            w.Int64(e.stall->peer_median_seconds);
        }
        if (e.stall->cluster)
            put_insight(w, *e.stall->cluster);
        w.EndObject();
    } else {
        w.Null();
    }
    key(w, "error");
    if (e.error) {
        json::string(w, *e.error);
    } else {
        w.Null();
    }
    key(w, "in_maintenance_window");
    if (e.in_maintenance_window) {
        w.Bool(*e.in_maintenance_window);
    } else {
        w.Null();
    }
    put_digest(w, e.digest);
    w.EndObject();
    return json::text(buffer);
}

namespace {

// Reading helpers: a missing or null member reads as empty/absent; a member of the wrong
// type makes the whole parse fail (ok = false).
struct reader {
    bool ok = true;

    std::string text(const rapidjson::Value& object, const char* name) {
        auto it = object.FindMember(name);
        if (it == object.MemberEnd() || it->value.IsNull()) {
            return {};
        }
        if (!it->value.IsString()) {
            ok = false;
            return {};
        }
        return {it->value.GetString(), it->value.GetStringLength()};
    }

    std::optional<wall_time> time(const rapidjson::Value& object, const char* name) {
        std::string value = text(object, name);
        if (value.empty()) {
            return std::nullopt;
        }
        auto t = common::parse_rfc3339(value);
        ok = ok && t.has_value();
        return t;
    }

    long long integer(const rapidjson::Value& object, const char* name) {
        auto it = object.FindMember(name);
        if (it == object.MemberEnd() || !it->value.IsInt64()) {
            ok = false;
            return 0;
        }
        return it->value.GetInt64();
    }

    // stall's OpenSearch view fields (put_insight), as far as they are there.
    cluster_insight insight(const rapidjson::Value& s) {
        cluster_insight c;
        c.health = text(s, "cluster_health");
        c.error = text(s, "cluster_view_error");
        c.current = !c.health.empty();
        c.read_at = time(s, "cluster_read_at");
        c.node_version = text(s, "node_version");
        if (const rapidjson::Value* sh = object(s, "shards")) {
            c.shards = {static_cast<int>(integer(*sh, "initializing")),
                        static_cast<int>(integer(*sh, "relocating")),
                        static_cast<int>(integer(*sh, "unassigned"))};
        }
        if (const rapidjson::Value* rc = object(s, "recoveries")) {
            c.recoveries.count = static_cast<int>(integer(*rc, "count"));
            const auto p = rc->FindMember("percent_done");
            c.recoveries.percent_done =
                p != rc->MemberEnd() && p->value.IsNumber() ? p->value.GetDouble() : 0;
        }
        if (const auto n = s.FindMember("node_in_cluster"); n != s.MemberEnd() && n->value.IsBool())
            c.node_in_cluster = n->value.GetBool();
        if (const auto a = s.FindMember("nodes_absent"); a != s.MemberEnd() && a->value.IsArray()) {
            for (const auto& item : a->value.GetArray()) {
                if (item.IsString())
                    c.nodes_absent.emplace_back(item.GetString(), item.GetStringLength());
            }
        }
        return c;
    }

    // cluster.labels: an object of strings; absent or null reads as none.
    label_set labels(const rapidjson::Value& cluster) {
        label_set out;
        if (const rapidjson::Value* l = object(cluster, "labels")) {
            for (const auto& m : l->GetObject()) {
                if (!m.value.IsString()) {
                    ok = false;
                    return {};
                }
                out.set(m.name.GetString(), {m.value.GetString(), m.value.GetStringLength()});
            }
        }
        return out;
    }

    std::optional<node_info> node(const rapidjson::Value& parent, const char* name) {
        const rapidjson::Value* n = object(parent, name);
        if (n == nullptr)
            return std::nullopt;
        node_info info;
        info.hostname = text(*n, "hostname");
        info.role = text(*n, "role");
        info.status = text(*n, "status");
        info.previous_status = text(*n, "previous_status");
        info.status_since = time(*n, "status_since");
        return info;
    }

    std::vector<digest_entry> digest(const rapidjson::Value& doc) {
        std::vector<digest_entry> out;
        const rapidjson::Value* d = object(doc, "digest");
        if (d == nullptr)
            return out;
        const auto events = d->FindMember("events");
        if (events == d->MemberEnd() || !events->value.IsArray()) {
            ok = false;
            return out;
        }
        for (const auto& item : events->value.GetArray()) {
            const auto type = item.IsObject() ? parse_event_type(text(item, "type")) : std::nullopt;
            const auto at = item.IsObject() ? time(item, "occurred_at") : std::nullopt;
            if (!type || !at) {
                ok = false;
                return {};
            }
            out.push_back(
                {text(item, "id"), *type, *at, text(item, "summary"), node(item, "node")});
        }
        return out;
    }

    // The member if it is an object; nullptr if missing or null; fails on other types.
    const rapidjson::Value* object(const rapidjson::Value& parent, const char* name) {
        auto it = parent.FindMember(name);
        if (it == parent.MemberEnd() || it->value.IsNull()) {
            return nullptr;
        }
        if (!it->value.IsObject()) {
            ok = false;
            return nullptr;
        }
        return &it->value;
    }
};

}  // namespace

std::optional<event> parse_generic(std::string_view json) {
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        return std::nullopt;
    }
    reader r;
    if (r.text(doc, "schema") != generic_schema) {
        return std::nullopt;
    }
    event e;
    e.id = r.text(doc, "id");
    auto type = parse_event_type(r.text(doc, "type"));
    auto occurred = r.time(doc, "occurred_at");
    if (e.id.empty() || !type || !occurred) {
        return std::nullopt;
    }
    e.type = *type;
    e.occurred_at = *occurred;
    e.summary = r.text(doc, "summary");
    const rapidjson::Value* cluster = r.object(doc, "cluster");
    if (cluster == nullptr) {
        return std::nullopt;
    }
    e.cluster = {r.text(*cluster, "name"), r.text(*cluster, "instance_no"),
                 r.text(*cluster, "region"), r.labels(*cluster)};
    if (const rapidjson::Value* u = r.object(doc, "upgrade")) {
        upgrade_info info;
        info.from_version = r.text(*u, "from_version");
        info.to_version = r.text(*u, "to_version");
        info.action_date = r.text(*u, "action_date");
        info.nodes_total = static_cast<int>(r.integer(*u, "nodes_total"));
        info.nodes_complete = static_cast<int>(r.integer(*u, "nodes_complete"));
        info.started_at = r.time(*u, "started_at");
        info.finished_at = r.time(*u, "finished_at");
        info.expected_finish = r.time(*u, "expected_finish");
        e.upgrade = std::move(info);
    }
    e.node = r.node(doc, "node");
    if (const rapidjson::Value* s = r.object(doc, "stall")) {
        e.stall = stall_info{r.text(*s, "reason"), r.integer(*s, "stalled_for_seconds")};
        if (const auto it = s->FindMember("peer_median_seconds");
            it != s->MemberEnd() && it->value.IsInt64())
            e.stall->peer_median_seconds = it->value.GetInt64();
        if (s->HasMember("cluster_health") || s->HasMember("cluster_view_error"))
            e.stall->cluster = r.insight(*s);
    }
    auto error = doc.FindMember("error");
    if (error != doc.MemberEnd() && error->value.IsString()) {
        e.error = std::string(error->value.GetString(), error->value.GetStringLength());
    }
    if (const auto window = doc.FindMember("in_maintenance_window");
        window != doc.MemberEnd() && window->value.IsBool())
        e.in_maintenance_window = window->value.GetBool();
    e.digest = r.digest(doc);
    if (!r.ok || e.cluster.name.empty()) {
        return std::nullopt;
    }
    return e;
}

}  // namespace sesmon::notify
