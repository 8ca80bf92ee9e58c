#pragma once
// Small helpers over RapidJSON's Writer shared by the body formats.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

namespace sesmon::notify::json {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

inline void key(writer& w, std::string_view name) {
    w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
}

inline void string(writer& w, std::string_view value) {
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

inline void put(writer& w, std::string_view name, std::string_view value) {
    key(w, name);
    string(w, value);
}

// Writes null for an empty value.
inline void put_or_null(writer& w, std::string_view name, std::string_view value) {
    key(w, name);
    if (value.empty()) {
        w.Null();
    } else {
        string(w, value);
    }
}

inline std::string text(const rapidjson::StringBuffer& buffer) {
    return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace sesmon::notify::json
