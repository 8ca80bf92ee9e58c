#include "state/silence_codec.hpp"

#include <rapidjson/document.h>

#include "common/json_writer.hpp"

namespace sesmon::state {
namespace {

namespace json = common::json;
using json_value = rapidjson::Value;

constexpr int silence_format = 1;

void put_int(json::writer& w, std::string_view key, std::int64_t n) {
    json::key(w, key);
    w.Int64(n);
}

void put_bool(json::writer& w, std::string_view key, bool b) {
    json::key(w, key);
    w.Bool(b);
}

std::int64_t unix_of(wall_time t) {
    return t.time_since_epoch().count();
}

struct reader {
    const json_value& o;
    bool ok = true;

    std::string text(const char* key) {
        const auto it = o.FindMember(key);
        if (it == o.MemberEnd() || !it->value.IsString()) {
            ok = false;
            return {};
        }
        return {it->value.GetString(), it->value.GetStringLength()};
    }
    std::int64_t number(const char* key) {
        const auto it = o.FindMember(key);
        if (it == o.MemberEnd() || !it->value.IsInt64()) {
            ok = false;
            return 0;
        }
        return it->value.GetInt64();
    }
    bool flag(const char* key) {
        const auto it = o.FindMember(key);
        if (it == o.MemberEnd() || !it->value.IsBool()) {
            ok = false;
            return false;
        }
        return it->value.GetBool();
    }
    wall_time time(const char* key) { return wall_time(std::chrono::seconds(number(key))); }
};

}  // namespace

std::string encode_silence(const silence::silence_record& r) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    put_int(w, "format", silence_format);
    json::put(w, "upgrade_id", r.upgrade_id);
    put_int(w, "generation", r.generation);
    put_bool(w, "active", r.active);
    json::put(w, "ended_by", r.ended_by);
    put_bool(w, "final", r.final);
    json::key(w, "matchers");
    w.StartArray();
    for (const auto& m : r.matchers) {
        w.StartObject();
        json::put(w, "name", m.name);
        json::put(w, "value", m.value);
        put_bool(w, "is_regex", m.is_regex);
        put_bool(w, "is_equal", m.is_equal);
        w.EndObject();
    }
    w.EndArray();
    put_int(w, "starts_at", unix_of(r.starts_at));
    put_int(w, "ends_at", unix_of(r.ends_at));
    json::put(w, "comment", r.comment);
    json::put(w, "created_by", r.created_by);
    put_int(w, "version", static_cast<std::int64_t>(r.version));
    json::put(w, "silence_id", r.silence_id);
    put_int(w, "applied", static_cast<std::int64_t>(r.applied));
    put_int(w, "applied_ends_at", unix_of(r.applied_ends_at));
    w.EndObject();
    return json::text(buffer);
}

std::optional<silence::silence_record> decode_silence(std::string_view text, std::string& error) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        error = "not a JSON object";
        return std::nullopt;
    }
    reader r{doc};
    if (r.number("format") != silence_format) {
        error = "unknown format";
        return std::nullopt;
    }
    silence::silence_record out;
    out.upgrade_id = r.text("upgrade_id");
    out.generation = static_cast<std::uint32_t>(r.number("generation"));
    out.active = r.flag("active");
    out.ended_by = r.text("ended_by");
    out.final = r.flag("final");
    const auto matchers = doc.FindMember("matchers");
    if (matchers == doc.MemberEnd() || !matchers->value.IsArray()) {
        error = "matchers missing";
        return std::nullopt;
    }
    for (const auto& item : matchers->value.GetArray()) {
        if (!item.IsObject()) {
            error = "a matcher is not an object";
            return std::nullopt;
        }
        reader m{item};
        out.matchers.push_back(
            {m.text("name"), m.text("value"), m.flag("is_regex"), m.flag("is_equal")});
        r.ok = r.ok && m.ok;
    }
    out.starts_at = r.time("starts_at");
    out.ends_at = r.time("ends_at");
    out.comment = r.text("comment");
    out.created_by = r.text("created_by");
    out.version = static_cast<std::uint64_t>(r.number("version"));
    out.silence_id = r.text("silence_id");
    out.applied = static_cast<std::uint64_t>(r.number("applied"));
    out.applied_ends_at = r.time("applied_ends_at");
    if (!r.ok) {
        error = "a field is missing or of the wrong type";
        return std::nullopt;
    }
    return out;
}

}  // namespace sesmon::state
