#include "state/group_codec.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "common/json_writer.hpp"
#include "monitor/cluster_state_json.hpp"
#include "state/event_codec.hpp"
#include "state/silence_codec.hpp"

namespace sesmon::state::group {
namespace {

namespace json = common::json;
using json_value = rapidjson::Value;

constexpr int event_format = 1;
constexpr int head_format = 2;
constexpr int part_format = 2;
constexpr std::string_view clusters_part = "/clusters/";
constexpr std::string_view nodes_part = "/nodes/";
constexpr std::string_view emitted_part = "/emitted/";
constexpr std::string_view events_part = "/events/";
constexpr std::string_view discovered_part = "/discovered/";

void put_raw(json::writer& w, std::string_view name, const std::string& raw_json) {
    json::key(w, name);
    w.RawValue(raw_json.data(), raw_json.size(), rapidjson::kObjectType);
}

void put_unix(json::writer& w, std::string_view name, const std::optional<wall_time>& t) {
    json::key(w, name);
    if (t) {
        w.Int64(t->time_since_epoch().count());
    } else {
        w.Null();
    }
}

std::string serialized(const json_value& v) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    v.Accept(w);
    return json::text(buffer);
}

// Parses a value of ours: an object with "format": one of `formats`. False with the reason
// otherwise; `format` says which.
bool open_document(rapidjson::Document& doc, std::string_view text, std::string& error,
                   std::initializer_list<int> formats, int* format = nullptr) {
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        error = "not a JSON object";
        return false;
    }
    const auto found = doc.FindMember("format");
    if (found == doc.MemberEnd() || !found->value.IsInt() ||
        std::find(formats.begin(), formats.end(), found->value.GetInt()) == formats.end()) {
        error = "unknown format";
        return false;
    }
    if (format != nullptr)
        *format = found->value.GetInt();
    return true;
}

std::string digits(std::int64_t n, int width) {
    char out[32];
    std::snprintf(out, sizeof out, "%0*lld", width, static_cast<long long>(n));
    return out;
}

// A zero-padded number that is the whole of `text`.
std::optional<std::int64_t> number_of(std::string_view text) {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty() || n < 0)
        return std::nullopt;
    return n;
}

std::optional<std::int64_t> int64_member(const json_value& o, const char* name) {
    const auto it = o.FindMember(name);
    if (it == o.MemberEnd() || !it->value.IsInt64())
        return std::nullopt;
    return it->value.GetInt64();
}

std::optional<std::string> string_member(const json_value& o, const char* name) {
    const auto it = o.FindMember(name);
    if (it == o.MemberEnd() || !it->value.IsString())
        return std::nullopt;
    return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::optional<delivery_status> status_named(std::string_view name) {
    for (const auto s :
         {delivery_status::pending, delivery_status::delivered, delivery_status::dead}) {
        if (to_string(s) == name)
            return s;
    }
    return std::nullopt;
}

std::optional<delivery> read_delivery(const json_value& o) {
    if (!o.IsObject())
        return std::nullopt;
    const auto text = [&](const char* k) -> const json_value* {
        const auto it = o.FindMember(k);
        return it != o.MemberEnd() && it->value.IsString() ? &it->value : nullptr;
    };
    const auto number = [&](const char* k) -> const json_value* {
        const auto it = o.FindMember(k);
        return it != o.MemberEnd() && it->value.IsInt64() ? &it->value : nullptr;
    };
    const json_value* notifier = text("notifier");
    const json_value* status = text("status");
    if (notifier == nullptr || status == nullptr)
        return std::nullopt;
    delivery d;
    d.notifier.assign(notifier->GetString(), notifier->GetStringLength());
    const auto parsed = status_named({status->GetString(), status->GetStringLength()});
    if (!parsed)
        return std::nullopt;
    d.status = *parsed;
    if (const json_value* a = number("attempts"))
        d.attempts = static_cast<int>(a->GetInt64());
    if (const json_value* n = number("next_attempt"))
        d.next_attempt = wall_time(std::chrono::seconds(n->GetInt64()));
    if (const json_value* e = text("last_error"))
        d.last_error.assign(e->GetString(), e->GetStringLength());
    if (const json_value* u = number("updated_at"))
        d.updated_at = wall_time(std::chrono::seconds(u->GetInt64()));
    return d;
}

}  // namespace

std::string keys::cluster(std::string_view instance_no) const {
    return prefix + std::string(clusters_part) + std::string(instance_no);
}

std::string keys::nodes(std::string_view instance_no) const {
    return prefix + std::string(nodes_part) + std::string(instance_no) + "/";
}

std::string keys::node(std::string_view instance_no, std::int64_t index) const {
    return nodes(instance_no) + digits(index, 5);
}

std::string keys::emitted(std::string_view instance_no) const {
    return prefix + std::string(emitted_part) + std::string(instance_no) + "/";
}

std::string keys::chunk(std::string_view instance_no, std::int64_t chunk) const {
    return emitted(instance_no) + digits(chunk, 10);
}

std::string keys::event(std::int64_t seq) const {
    return prefix + std::string(events_part) + digits(seq, 20);
}

std::string keys::discovered(std::string_view instance_no) const {
    return prefix + std::string(discovered_part) + std::string(instance_no);
}

keys::parsed keys::parse(std::string_view key) const {
    parsed out;
    if (key.substr(0, prefix.size()) != prefix)
        return out;
    const std::string_view rest = key.substr(prefix.size());
    const auto under = [&](std::string_view part) {
        return rest.size() > part.size() && rest.substr(0, part.size()) == part;
    };
    // "{instance_no}/{number}" after `part`.
    const auto numbered = [&](std::string_view part, parsed::kind kind) {
        const std::string_view tail = rest.substr(part.size());
        const auto slash = tail.rfind('/');
        if (slash == std::string_view::npos || slash == 0)
            return;
        const auto n = number_of(tail.substr(slash + 1));
        if (!n)
            return;
        out.what = kind;
        out.instance_no = std::string(tail.substr(0, slash));
        out.number = *n;
    };
    if (rest == "/leader") {
        out.what = parsed::kind::leader;
    } else if (under(clusters_part)) {
        out.what = parsed::kind::cluster;
        out.instance_no = std::string(rest.substr(clusters_part.size()));
    } else if (under(nodes_part)) {
        numbered(nodes_part, parsed::kind::node);
    } else if (under(emitted_part)) {
        numbered(emitted_part, parsed::kind::chunk);
    } else if (under(events_part)) {
        if (const auto seq = number_of(rest.substr(events_part.size()))) {
            out.what = parsed::kind::event;
            out.number = *seq;
        }
    } else if (under(discovered_part)) {
        out.what = parsed::kind::discovered;
        out.instance_no = std::string(rest.substr(discovered_part.size()));
    }
    return out;
}

bool stored_event::finished() const {
    return std::all_of(deliveries.begin(), deliveries.end(),
                       [](const delivery& d) { return d.status != delivery_status::pending; });
}

wall_time stored_event::finished_at() const {
    wall_time at = stored_at;
    for (const delivery& d : deliveries)
        at = std::max(at, d.updated_at);
    return at;
}

std::string encode_head(const cluster_record& c, const cluster_layout& layout) {
    monitor::cluster_state head = c.state;
    head.emitted.clear();
    if (head.upgrade)
        head.upgrade->nodes.clear();
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::key(w, "format");
    w.Int(head_format);
    json::put(w, "name", c.name);
    put_raw(w, "state", monitor::to_json(head, c.instance_no, monitor::json_layout::compact));
    if (!c.history_id.empty())  // each member's state.db records the upgrade's nodes under it
        json::put(w, "history_id", c.history_id);
    json::key(w, "nodes");
    w.Int64(layout.nodes);
    json::key(w, "emitted");
    w.StartArray();
    w.Int64(layout.emitted_base);
    w.Int64(layout.emitted_count);
    w.EndArray();
    if (c.silence)
        put_raw(w, "silence", encode_silence(*c.silence));
    w.EndObject();
    return json::text(buffer);
}

std::optional<cluster_head> decode_head(std::string_view instance_no, std::string_view text,
                                        std::string& error) {
    rapidjson::Document doc;
    int format = 0;
    if (!open_document(doc, text, error, {1, head_format}, &format))
        return std::nullopt;
    const auto name = doc.FindMember("name");
    const auto state = doc.FindMember("state");
    if (name == doc.MemberEnd() || !name->value.IsString() || state == doc.MemberEnd() ||
        !state->value.IsObject()) {
        error = "name or state missing";
        return std::nullopt;
    }
    auto parsed = monitor::cluster_state_from_json(serialized(state->value), error);
    if (!parsed)
        return std::nullopt;
    if (parsed->instance_no != instance_no) {
        error = "written for instance " + parsed->instance_no;
        return std::nullopt;
    }
    cluster_head out;
    out.record = {std::string(instance_no),
                  {name->value.GetString(), name->value.GetStringLength()},
                  std::move(parsed->state)};
    if (auto id = string_member(doc, "history_id"))
        out.record.history_id = std::move(*id);
    if (const auto s = doc.FindMember("silence"); s != doc.MemberEnd() && s->value.IsObject()) {
        std::string why;  // unreadable: the silence is found again by its marker
        out.record.silence = decode_silence(serialized(s->value), why);
    }
    if (format == 1) {
        out.whole = true;
        return out;
    }
    const auto nodes = int64_member(doc, "nodes");
    const auto emitted = doc.FindMember("emitted");
    if (!nodes || *nodes < 0 || emitted == doc.MemberEnd() || !emitted->value.IsArray() ||
        emitted->value.Size() != 2 || !emitted->value[0].IsInt64() ||
        !emitted->value[1].IsInt64() || emitted->value[0].GetInt64() < 0 ||
        emitted->value[1].GetInt64() < 0) {
        error = "nodes or emitted missing";
        return std::nullopt;
    }
    out.layout = {*nodes, emitted->value[0].GetInt64(), emitted->value[1].GetInt64()};
    return out;
}

std::string encode_node(const monitor::node_record& n) {
    return monitor::node_to_json(n);
}

std::optional<monitor::node_record> decode_node(std::string_view text, std::string& error) {
    return monitor::node_from_json(text, error);
}

std::string encode_chunk(const emitted_chunk& c) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::key(w, "format");
    w.Int(part_format);
    json::key(w, "from");
    w.Int64(c.from);
    json::key(w, "ids");
    w.StartArray();
    for (const std::string& id : c.ids)
        json::string(w, id);
    w.EndArray();
    w.EndObject();
    return json::text(buffer);
}

std::optional<emitted_chunk> decode_chunk(std::string_view text, std::string& error) {
    rapidjson::Document doc;
    if (!open_document(doc, text, error, {part_format}))
        return std::nullopt;
    const auto from = int64_member(doc, "from");
    const auto ids = doc.FindMember("ids");
    if (!from || *from < 0 || ids == doc.MemberEnd() || !ids->value.IsArray()) {
        error = "from or ids missing";
        return std::nullopt;
    }
    emitted_chunk out;
    out.from = *from;
    for (const json_value& id : ids->value.GetArray()) {
        if (!id.IsString()) {
            error = "an id is not a string";
            return std::nullopt;
        }
        out.ids.emplace_back(id.GetString(), id.GetStringLength());
    }
    return out;
}

std::string encode_discovered(const discovered_record& d) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::key(w, "format");
    w.Int(part_format);
    json::put(w, "region", d.region);
    json::put(w, "listed_name", d.listed_name);
    json::put(w, "name", d.name);
    json::key(w, "misses");
    w.Int(d.misses);
    w.EndObject();
    return json::text(buffer);
}

std::optional<discovered_record> decode_discovered(std::string_view instance_no,
                                                   std::string_view text, std::string& error) {
    rapidjson::Document doc;
    if (!open_document(doc, text, error, {part_format}))
        return std::nullopt;
    auto region = string_member(doc, "region");
    auto listed = string_member(doc, "listed_name");
    auto name = string_member(doc, "name");
    const auto misses = int64_member(doc, "misses");
    if (!region || !listed || !name || !misses || *misses < 0) {
        error = "region, listed_name, name or misses missing";
        return std::nullopt;
    }
    return discovered_record{std::string(instance_no), std::move(*region), std::move(*listed),
                             std::move(*name), static_cast<int>(*misses)};
}

std::string encode_event(const stored_event& e) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::key(w, "format");
    w.Int(event_format);
    put_unix(w, "stored_at", e.stored_at);
    put_raw(w, "event", state::encode_event(e.event));
    json::key(w, "deliveries");
    w.StartArray();
    for (const delivery& d : e.deliveries) {
        w.StartObject();
        json::put(w, "notifier", d.notifier);
        json::put(w, "status", to_string(d.status));
        json::key(w, "attempts");
        w.Int(d.attempts);
        put_unix(w, "next_attempt", d.next_attempt);
        json::put(w, "last_error", d.last_error);
        put_unix(w, "updated_at", d.updated_at);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return json::text(buffer);
}

std::optional<stored_event> decode_event(std::int64_t seq, std::string_view text,
                                         std::string& error) {
    rapidjson::Document doc;
    if (!open_document(doc, text, error, {event_format}))
        return std::nullopt;
    const auto event = doc.FindMember("event");
    const auto stored_at = doc.FindMember("stored_at");
    const auto deliveries = doc.FindMember("deliveries");
    if (event == doc.MemberEnd() || !event->value.IsObject() || stored_at == doc.MemberEnd() ||
        !stored_at->value.IsInt64() || deliveries == doc.MemberEnd() ||
        !deliveries->value.IsArray()) {
        error = "event, stored_at or deliveries missing";
        return std::nullopt;
    }
    auto decoded = state::decode_event(serialized(event->value));
    if (!decoded) {
        error = "the event does not read";
        return std::nullopt;
    }
    stored_event out;
    out.seq = seq;
    out.event = std::move(*decoded);
    out.stored_at = wall_time(std::chrono::seconds(stored_at->value.GetInt64()));
    for (const json_value& item : deliveries->value.GetArray()) {
        auto d = read_delivery(item);
        if (!d) {
            error = "a delivery does not read";
            return std::nullopt;
        }
        out.deliveries.push_back(std::move(*d));
    }
    return out;
}

}  // namespace sesmon::state::group
