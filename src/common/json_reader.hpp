#pragma once
// Lenient reading of JSON members, for answers whose field names and types vary between
// versions (the SES routes of preflight, OpenSearch's _cat listings): the first of several
// names that is present, and text that may arrive as a number. Pure.
#include <rapidjson/document.h>

#include <initializer_list>
#include <string>

namespace sesmon::common::json {

// The first of `names` present and not null in `object`, or nullptr.
inline const rapidjson::Value* first_member(const rapidjson::Value& object,
                                            std::initializer_list<const char*> names) {
    for (const char* name : names) {
        const auto it = object.FindMember(name);
        if (it != object.MemberEnd() && !it->value.IsNull())
            return &it->value;
    }
    return nullptr;
}

// The first of `names` that is text or an integer, as text; "" when none is.
inline std::string first_text(const rapidjson::Value& object,
                              std::initializer_list<const char*> names) {
    for (const char* name : names) {
        const auto it = object.FindMember(name);
        if (it == object.MemberEnd())
            continue;
        const rapidjson::Value& v = it->value;
        if (v.IsString())
            return {v.GetString(), v.GetStringLength()};
        if (v.IsInt64())
            return std::to_string(v.GetInt64());
        if (v.IsUint64())
            return std::to_string(v.GetUint64());
    }
    return {};
}

}  // namespace sesmon::common::json
