#pragma once
// Small helpers over RapidJSON's writers (plain or pretty: every function is a template on
// the writer type), shared by the webhook bodies, the API view model and the state files.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/time_format.hpp"
#include "sesmon/labels.hpp"
#include "sesmon/time.hpp"

namespace sesmon::common::json {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

template <class Writer>
void key(Writer& w, std::string_view name) {
    w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
}

template <class Writer>
void string(Writer& w, std::string_view value) {
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

template <class Writer>
void put(Writer& w, std::string_view name, std::string_view value) {
    key(w, name);
    string(w, value);
}

// Writes null for an empty value.
template <class Writer>
void put_or_null(Writer& w, std::string_view name, std::string_view value) {
    key(w, name);
    if (value.empty()) {
        w.Null();
    } else {
        string(w, value);
    }
}

// RFC 3339 in UTC ("2026-11-26T20:01:02Z"), or null.
template <class Writer>
void put_time(Writer& w, std::string_view name, const std::optional<wall_time>& t) {
    put_or_null(w, name, t ? format_rfc3339_utc(*t) : std::string());
}

// "name": {"key": "value", ...} (sorted by key; {} when there are none).
template <class Writer>
void put_labels(Writer& w, std::string_view name, const label_set& labels) {
    key(w, name);
    w.StartObject();
    for (const auto& [k, v] : labels)
        put(w, k, v);
    w.EndObject();
}

inline std::string text(const rapidjson::StringBuffer& buffer) {
    return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace sesmon::common::json
