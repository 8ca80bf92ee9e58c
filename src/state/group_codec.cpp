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
using value = rapidjson::Value;

constexpr int group_format = 1;
constexpr std::string_view clusters_part = "/clusters/";
constexpr std::string_view events_part = "/events/";

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

std::string serialized(const value& v) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    v.Accept(w);
    return json::text(buffer);
}

// Parses a value of ours: an object with "format": 1. nullopt with the reason otherwise.
bool open_document(rapidjson::Document& doc, std::string_view text, std::string& error) {
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        error = "not a JSON object";
        return false;
    }
    const auto format = doc.FindMember("format");
    if (format == doc.MemberEnd() || !format->value.IsInt() ||
        format->value.GetInt() != group_format) {
        error = "unknown format";
        return false;
    }
    return true;
}

std::optional<delivery_status> status_named(std::string_view name) {
    for (const auto s :
         {delivery_status::pending, delivery_status::delivered, delivery_status::dead}) {
        if (to_string(s) == name)
            return s;
    }
    return std::nullopt;
}

std::optional<delivery> read_delivery(const value& o) {
    if (!o.IsObject())
        return std::nullopt;
    const auto text = [&](const char* k) -> const value* {
        const auto it = o.FindMember(k);
        return it != o.MemberEnd() && it->value.IsString() ? &it->value : nullptr;
    };
    const auto number = [&](const char* k) -> const value* {
        const auto it = o.FindMember(k);
        return it != o.MemberEnd() && it->value.IsInt64() ? &it->value : nullptr;
    };
    const value* notifier = text("notifier");
    const value* status = text("status");
    if (notifier == nullptr || status == nullptr)
        return std::nullopt;
    delivery d;
    d.notifier.assign(notifier->GetString(), notifier->GetStringLength());
    const auto parsed = status_named({status->GetString(), status->GetStringLength()});
    if (!parsed)
        return std::nullopt;
    d.status = *parsed;
    if (const value* a = number("attempts"))
        d.attempts = static_cast<int>(a->GetInt64());
    if (const value* n = number("next_attempt"))
        d.next_attempt = wall_time(std::chrono::seconds(n->GetInt64()));
    if (const value* e = text("last_error"))
        d.last_error.assign(e->GetString(), e->GetStringLength());
    if (const value* u = number("updated_at"))
        d.updated_at = wall_time(std::chrono::seconds(u->GetInt64()));
    return d;
}

}  // namespace

std::string keys::cluster(std::string_view instance_no) const {
    return prefix + std::string(clusters_part) + std::string(instance_no);
}

std::string keys::event(std::int64_t seq) const {
    char digits[24];
    std::snprintf(digits, sizeof digits, "%020lld", static_cast<long long>(seq));
    return prefix + std::string(events_part) + digits;
}

keys::parsed keys::parse(std::string_view key) const {
    parsed out;
    if (key.substr(0, prefix.size()) != prefix)
        return out;
    const std::string_view rest = key.substr(prefix.size());
    if (rest == "/leader") {
        out.what = parsed::kind::leader;
    } else if (rest.substr(0, clusters_part.size()) == clusters_part &&
               rest.size() > clusters_part.size()) {
        out.what = parsed::kind::cluster;
        out.instance_no = std::string(rest.substr(clusters_part.size()));
    } else if (rest.substr(0, events_part.size()) == events_part) {
        const std::string_view digits = rest.substr(events_part.size());
        std::int64_t seq = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
        if (ec == std::errc() && end == digits.data() + digits.size() && !digits.empty()) {
            out.what = parsed::kind::event;
            out.seq = seq;
        }
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

std::string encode_cluster(const cluster_record& c) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::key(w, "format");
    w.Int(group_format);
    json::put(w, "name", c.name);
    put_raw(w, "state", monitor::to_json(c.state, c.instance_no));
    if (!c.history_id.empty())  // each member's state.db records the upgrade's nodes under it
        json::put(w, "history_id", c.history_id);
    if (c.silence)
        put_raw(w, "silence", encode_silence(*c.silence));
    w.EndObject();
    return json::text(buffer);
}

std::optional<cluster_record> decode_cluster(std::string_view instance_no, std::string_view text,
                                             std::string& error) {
    rapidjson::Document doc;
    if (!open_document(doc, text, error))
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
    cluster_record out{std::string(instance_no),
                       {name->value.GetString(), name->value.GetStringLength()},
                       std::move(parsed->state)};
    if (const auto id = doc.FindMember("history_id"); id != doc.MemberEnd() && id->value.IsString())
        out.history_id = {id->value.GetString(), id->value.GetStringLength()};
    if (const auto s = doc.FindMember("silence"); s != doc.MemberEnd() && s->value.IsObject()) {
        std::string why;
        out.silence = decode_silence(serialized(s->value), why);  // unreadable: found again
    }
    return out;
}

std::string encode_event(const stored_event& e) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    json::key(w, "format");
    w.Int(group_format);
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
    if (!open_document(doc, text, error))
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
    for (const value& item : deliveries->value.GetArray()) {
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
