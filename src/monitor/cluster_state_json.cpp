#include "monitor/cluster_state_json.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <stdexcept>

#include "common/json_writer.hpp"
#include "common/time_format.hpp"

namespace sesmon::monitor {
namespace {

using value = rapidjson::Value;

// ---- writing ----

template <class W>
void put(W& w, const char* key, std::string_view text) {
    common::json::put(w, key, text);
}
template <class W>
void put(W& w, const char* key, wall_time t) {
    common::json::put_time(w, key, std::optional<wall_time>(t));
}
template <class W>
void put(W& w, const char* key, const std::optional<wall_time>& t) {
    common::json::put_time(w, key, t);
}
template <class W>
void put_uint(W& w, const char* key, std::uint64_t n) {
    w.Key(key);
    w.Uint64(n);
}
template <class W>
void put_int(W& w, const char* key, int n) {
    w.Key(key);
    w.Int(n);
}
template <class W>
void put_bool(W& w, const char* key, bool b) {
    w.Key(key);
    w.Bool(b);
}
template <class W>
void put_strings(W& w, const char* key, const std::vector<std::string>& items) {
    w.Key(key);
    w.StartArray();
    for (const std::string& s : items)
        w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    w.EndArray();
}

std::string_view phase_name(upgrade_phase p) {
    switch (p) {
        case upgrade_phase::in_progress:
            return "in_progress";
        case upgrade_phase::finished:
            return "finished";
        case upgrade_phase::vanished:
            return "vanished";
    }
    return "in_progress";
}

template <class W>
void write_node(W& w, const node_record& n) {
    w.StartObject();
    put(w, "hostname", n.hostname);
    put(w, "role", n.role);
    put(w, "status", n.status);
    put(w, "previous_status", n.previous_status);
    put(w, "since", n.since);
    put(w, "first_seen", n.first_seen);
    put(w, "last_seen", n.last_seen);
    put_uint(w, "changes", n.changes);
    put_bool(w, "listed", n.listed);
    put(w, "upgrading_since", n.upgrading_since);
    w.Key("stages");
    w.StartArray();
    for (const stage_time& st : n.stages) {
        w.StartObject();
        put(w, "status", st.status);
        w.Key("seconds");
        w.Int64(std::chrono::duration_cast<std::chrono::seconds>(st.time).count());
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
}

template <class W>
void write_stall(W& w, const stall_episode& s) {
    w.Key("stall");
    w.StartObject();
    put_bool(w, "open", s.open);
    put_uint(w, "number", s.number);
    put(w, "reason", s.reason);
    put(w, "hostname", s.hostname);
    put(w, "status", s.status);
    put(w, "since", s.since);
    put(w, "detected_at", s.detected_at);
    w.EndObject();
}

template <class W>
void write_upgrade(W& w, const upgrade_record& u) {
    w.Key("upgrade");
    w.StartObject();
    put(w, "action_date", u.identity.action_date);
    put(w, "target_version", u.identity.target_version);
    put(w, "phase", phase_name(u.phase));
    put(w, "from_version", u.from_version);
    put(w, "to_version", u.to_version);
    put(w, "started_at", u.started_at);
    put(w, "finished_at", u.finished_at);
    put(w, "ended_at", u.ended_at);
    put_int(w, "node_count", u.node_count);
    put_int(w, "nodes_complete", u.nodes_complete);
    put(w, "last_change", u.last_change);
    put_int(w, "absent_polls", u.absent_polls);
    write_stall(w, u.stall);
    w.Key("nodes");
    w.StartArray();
    for (const node_record& n : u.nodes)
        write_node(w, n);
    w.EndArray();
    w.EndObject();
}

template <class W>
void write_blind(W& w, const blind_episode& b) {
    w.Key("blind");
    w.StartObject();
    put_bool(w, "open", b.open);
    put_uint(w, "number", b.number);
    put(w, "last_success", b.last_success);
    put(w, "first_failure", b.first_failure);
    put(w, "last_error", b.last_error);
    put(w, "opened_at", b.opened_at);
    w.EndObject();
}

// The OpenSearch view's episodes (SPEC §16); written only once there is something to keep,
// so clusters without the view keep their rows as they were.
template <class W>
void write_opensearch(W& w, const cluster_state& state) {
    if (state.red == health_episode{} && state.recovery == recovery_watch{})
        return;
    w.Key("opensearch");
    w.StartObject();
    w.Key("red");
    w.StartObject();
    put_bool(w, "open", state.red.open);
    put_uint(w, "number", state.red.number);
    put(w, "since", state.red.since);
    put(w, "action_date", state.red.upgrade.action_date);
    put(w, "target_version", state.red.upgrade.target_version);
    w.EndObject();
    w.Key("recovery");
    w.StartObject();
    // As text: JSON numbers past 2^53 do not survive every reader.
    put(w, "fingerprint", std::to_string(state.recovery.fingerprint));
    put(w, "moved_at", state.recovery.moved_at);
    put_bool(w, "stuck", state.recovery.stuck);
    put_uint(w, "number", state.recovery.number);
    w.EndObject();
    w.EndObject();
}

// ---- reading ----

struct bad_state : std::runtime_error {
    using std::runtime_error::runtime_error;
};

const value& field(const value& obj, const char* key) {
    const auto it = obj.FindMember(key);
    if (it == obj.MemberEnd())
        throw bad_state(std::string("missing field \"") + key + "\"");
    return it->value;
}
[[noreturn]] void mistyped(const char* key, const char* want) {
    throw bad_state(std::string("field \"") + key + "\" is not " + want);
}
const value& object(const value& obj, const char* key) {
    const value& v = field(obj, key);
    if (!v.IsObject())
        mistyped(key, "an object");
    return v;
}
std::string text(const value& obj, const char* key) {
    const value& v = field(obj, key);
    if (!v.IsString())
        mistyped(key, "a string");
    return {v.GetString(), v.GetStringLength()};
}
wall_time time(const value& obj, const char* key) {
    const auto t = common::parse_rfc3339(text(obj, key));
    if (!t)
        mistyped(key, "an RFC 3339 time");
    return *t;
}
std::optional<wall_time> optional_time(const value& obj, const char* key) {
    if (field(obj, key).IsNull())
        return std::nullopt;
    return time(obj, key);
}
std::uint64_t uint(const value& obj, const char* key) {
    const value& v = field(obj, key);
    if (!v.IsUint64())
        mistyped(key, "an unsigned integer");
    return v.GetUint64();
}
int integer(const value& obj, const char* key) {
    const value& v = field(obj, key);
    if (!v.IsInt())
        mistyped(key, "an integer");
    return v.GetInt();
}
bool boolean(const value& obj, const char* key) {
    const value& v = field(obj, key);
    if (!v.IsBool())
        mistyped(key, "a boolean");
    return v.GetBool();
}
std::vector<std::string> strings(const value& obj, const char* key) {
    const value& v = field(obj, key);
    if (!v.IsArray())
        mistyped(key, "an array");
    std::vector<std::string> out;
    out.reserve(v.Size());
    for (const value& item : v.GetArray()) {
        if (!item.IsString())
            mistyped(key, "an array of strings");
        out.emplace_back(item.GetString(), item.GetStringLength());
    }
    return out;
}

upgrade_phase read_phase(const value& obj) {
    const std::string name = text(obj, "phase");
    for (const upgrade_phase p :
         {upgrade_phase::in_progress, upgrade_phase::finished, upgrade_phase::vanished}) {
        if (phase_name(p) == name)
            return p;
    }
    throw bad_state("unknown upgrade phase \"" + name + "\"");
}

node_record read_node(const value& v) {
    if (!v.IsObject())
        throw bad_state("a node is not an object");
    node_record n;
    n.hostname = text(v, "hostname");
    n.role = text(v, "role");
    n.status = text(v, "status");
    n.previous_status = text(v, "previous_status");
    n.since = time(v, "since");
    n.first_seen = time(v, "first_seen");
    n.last_seen = time(v, "last_seen");
    n.changes = uint(v, "changes");
    n.listed = boolean(v, "listed");
    // Added after format 1 was first written (issue 13): absent in older rows.
    if (v.HasMember("upgrading_since"))
        n.upgrading_since = optional_time(v, "upgrading_since");
    if (v.HasMember("stages")) {
        const value& stages = field(v, "stages");
        if (!stages.IsArray())
            mistyped("stages", "an array");
        for (const value& st : stages.GetArray()) {
            if (!st.IsObject())
                mistyped("stages", "an array of objects");
            const value& seconds = field(st, "seconds");
            if (!seconds.IsInt64() || seconds.GetInt64() < 0)
                mistyped("seconds", "a number of seconds");
            n.stages.push_back({text(st, "status"), std::chrono::seconds(seconds.GetInt64())});
        }
    }
    return n;
}

stall_episode read_stall(const value& v) {
    stall_episode s;
    s.open = boolean(v, "open");
    s.number = uint(v, "number");
    s.reason = text(v, "reason");
    s.hostname = text(v, "hostname");
    s.status = text(v, "status");
    s.since = time(v, "since");
    s.detected_at = time(v, "detected_at");
    return s;
}

upgrade_record read_upgrade(const value& v) {
    upgrade_record u;
    u.identity.action_date = text(v, "action_date");
    u.identity.target_version = text(v, "target_version");
    u.phase = read_phase(v);
    u.from_version = text(v, "from_version");
    u.to_version = text(v, "to_version");
    u.started_at = time(v, "started_at");
    u.finished_at = optional_time(v, "finished_at");
    u.ended_at = optional_time(v, "ended_at");
    u.node_count = integer(v, "node_count");
    u.nodes_complete = integer(v, "nodes_complete");
    u.last_change = time(v, "last_change");
    u.absent_polls = integer(v, "absent_polls");
    u.stall = read_stall(object(v, "stall"));
    const value& nodes = field(v, "nodes");
    if (!nodes.IsArray())
        mistyped("nodes", "an array");
    u.nodes.reserve(nodes.Size());
    for (const value& n : nodes.GetArray())
        u.nodes.push_back(read_node(n));
    return u;
}

void read_opensearch(const value& v, cluster_state& out) {
    const value& red = object(v, "red");
    out.red.open = boolean(red, "open");
    out.red.number = uint(red, "number");
    out.red.since = time(red, "since");
    out.red.upgrade.action_date = text(red, "action_date");
    out.red.upgrade.target_version = text(red, "target_version");
    const value& recovery = object(v, "recovery");
    const std::string fingerprint = text(recovery, "fingerprint");
    try {
        std::size_t used = 0;
        out.recovery.fingerprint = std::stoull(fingerprint, &used);
        if (used != fingerprint.size())
            mistyped("fingerprint", "a decimal number");
    } catch (const std::logic_error&) {
        mistyped("fingerprint", "a decimal number");
    }
    out.recovery.moved_at = optional_time(recovery, "moved_at");
    out.recovery.stuck = boolean(recovery, "stuck");
    out.recovery.number = uint(recovery, "number");
}

blind_episode read_blind(const value& v) {
    blind_episode b;
    b.open = boolean(v, "open");
    b.number = uint(v, "number");
    b.last_success = optional_time(v, "last_success");
    b.first_failure = optional_time(v, "first_failure");
    b.last_error = text(v, "last_error");
    b.opened_at = optional_time(v, "opened_at");
    return b;
}

}  // namespace

namespace {

template <class W>
void write_state(W& w, const cluster_state& state, std::string_view instance_no) {
    w.StartObject();
    put_int(w, "format", cluster_state_format);
    put(w, "instance_no", instance_no);
    if (state.upgrade) {
        write_upgrade(w, *state.upgrade);
    } else {
        w.Key("upgrade");
        w.Null();
    }
    write_blind(w, state.blind);
    put_strings(w, "emitted", state.emitted);
    put_strings(w, "unknown_statuses", state.unknown_statuses);
    write_opensearch(w, state);
    w.EndObject();
}

}  // namespace

std::string to_json(const cluster_state& state, std::string_view instance_no, json_layout layout) {
    rapidjson::StringBuffer buffer;
    if (layout == json_layout::pretty) {
        rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
        w.SetIndent(' ', 2);
        write_state(w, state, instance_no);
    } else {
        rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
        write_state(w, state, instance_no);
    }
    return {buffer.GetString(), buffer.GetSize()};
}

namespace {

// Parses `json` into `doc`; false with the reason in `error` when it is not JSON.
bool parsed(rapidjson::Document& doc, std::string_view json, std::string& error) {
    doc.Parse(json.data(), json.size());
    if (!doc.HasParseError())
        return true;
    error = std::string("invalid JSON at offset ") + std::to_string(doc.GetErrorOffset()) + ": " +
            rapidjson::GetParseError_En(doc.GetParseError());
    return false;
}

}  // namespace

std::string node_to_json(const node_record& node) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    write_node(w, node);
    return {buffer.GetString(), buffer.GetSize()};
}

std::optional<node_record> node_from_json(std::string_view json, std::string& error) {
    rapidjson::Document doc;
    if (!parsed(doc, json, error))
        return std::nullopt;
    try {
        return read_node(doc);
    } catch (const bad_state& e) {
        error = e.what();
        return std::nullopt;
    }
}

std::optional<parsed_cluster_state> cluster_state_from_json(std::string_view json,
                                                            std::string& error) {
    rapidjson::Document doc;
    if (!parsed(doc, json, error))
        return std::nullopt;
    try {
        if (!doc.IsObject())
            throw bad_state("not a JSON object");
        const int format = integer(doc, "format");
        if (format != cluster_state_format) {
            throw bad_state("unsupported format " + std::to_string(format) + " (this build reads " +
                            std::to_string(cluster_state_format) + ")");
        }
        parsed_cluster_state out;
        out.instance_no = text(doc, "instance_no");
        const value& upgrade = field(doc, "upgrade");
        if (!upgrade.IsNull()) {
            if (!upgrade.IsObject())
                mistyped("upgrade", "an object or null");
            out.state.upgrade = read_upgrade(upgrade);
        }
        out.state.blind = read_blind(object(doc, "blind"));
        out.state.emitted = strings(doc, "emitted");
        out.state.unknown_statuses = strings(doc, "unknown_statuses");
        // Added with issue 26 in the same format 1: absent in older rows and for clusters
        // without an OpenSearch view.
        if (doc.HasMember("opensearch"))
            read_opensearch(object(doc, "opensearch"), out.state);
        return out;
    } catch (const bad_state& e) {
        error = e.what();
        return std::nullopt;
    }
}

}  // namespace sesmon::monitor
