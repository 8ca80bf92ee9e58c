#include "silence/alertmanager_client.hpp"

#include <rapidjson/document.h>

#include "common/json_writer.hpp"
#include "common/time_format.hpp"
#include "common/url.hpp"
#include "notify/retry_policy.hpp"

namespace sesmon::silence {
namespace {

namespace json = common::json;
using json_value = rapidjson::Value;

std::string text_of(const json_value& o, const char* key) {
    const auto it = o.FindMember(key);
    if (it == o.MemberEnd() || !it->value.IsString())
        return {};
    return {it->value.GetString(), it->value.GetStringLength()};
}

bool bool_of(const json_value& o, const char* key) {
    const auto it = o.FindMember(key);
    return it != o.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

// Alertmanager writes times with milliseconds ("2026-12-07T17:52:50.734Z").
std::optional<wall_time> parse_time(std::string text) {
    const auto dot = text.find('.');
    if (dot != std::string::npos) {
        auto end = dot + 1;
        while (end < text.size() && text[end] >= '0' && text[end] <= '9')
            ++end;
        text.erase(dot, end - dot);
    }
    return common::parse_rfc3339(text);
}

std::optional<am_silence> read_silence(const json_value& o) {
    if (!o.IsObject())
        return std::nullopt;
    am_silence s;
    s.id = text_of(o, "id");
    if (s.id.empty())
        return std::nullopt;
    if (const auto st = o.FindMember("status"); st != o.MemberEnd() && st->value.IsObject())
        s.state = text_of(st->value, "state");
    s.created_by = text_of(o, "createdBy");
    s.comment = text_of(o, "comment");
    s.starts_at = text_of(o, "startsAt");
    s.ends_at = parse_time(text_of(o, "endsAt"));
    if (const auto m = o.FindMember("matchers"); m != o.MemberEnd() && m->value.IsArray()) {
        for (const auto& item : m->value.GetArray()) {
            if (!item.IsObject())
                return std::nullopt;
            expanded_matcher em{text_of(item, "name"), text_of(item, "value"),
                                bool_of(item, "isRegex"), true};
            // isEqual is absent in Alertmanagers before 0.22: equal then.
            if (const auto eq = item.FindMember("isEqual");
                eq != item.MemberEnd() && eq->value.IsBool())
                em.is_equal = eq->value.GetBool();
            s.matchers.push_back(std::move(em));
        }
    }
    return s;
}

am_failure failure_of(const http_result& result, wall_time now) {
    const delivery_outcome o = notify::classify_http_result(result, now);
    return {o.result == delivery_outcome::kind::rejected, o.detail, o.retry_after};
}

bool is_2xx(const http_result& r) {
    return r && r->status >= 200 && r->status < 300;
}

}  // namespace

std::string encode_post(const am_silence_post& s) {
    rapidjson::StringBuffer buffer;
    json::writer w(buffer);
    w.StartObject();
    if (!s.id.empty())
        json::put(w, "id", s.id);
    json::key(w, "matchers");
    w.StartArray();
    for (const expanded_matcher& m : s.matchers) {
        w.StartObject();
        json::put(w, "name", m.name);
        json::put(w, "value", m.value);
        json::key(w, "isRegex");
        w.Bool(m.is_regex);
        json::key(w, "isEqual");
        w.Bool(m.is_equal);
        w.EndObject();
    }
    w.EndArray();
    json::put(w, "startsAt", s.starts_at);
    json::put(w, "endsAt", common::format_rfc3339_utc(s.ends_at));
    json::put(w, "createdBy", s.created_by);
    json::put(w, "comment", s.comment);
    w.EndObject();
    return json::text(buffer);
}

std::optional<std::vector<am_silence>> decode_silences(std::string_view text) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError() || !doc.IsArray())
        return std::nullopt;
    std::vector<am_silence> out;
    for (const auto& item : doc.GetArray()) {
        auto s = read_silence(item);
        if (!s)
            return std::nullopt;
        out.push_back(std::move(*s));
    }
    return out;
}

std::optional<am_silence> decode_silence(std::string_view text) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError())
        return std::nullopt;
    return read_silence(doc);
}

std::optional<std::string> decode_post_answer(std::string_view text) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError() || !doc.IsObject())
        return std::nullopt;
    std::string id = text_of(doc, "silenceID");
    if (id.empty())
        return std::nullopt;
    return id;
}

alertmanager_client::alertmanager_client(http_client& client, const alertmanager_config& config,
                                         const sesmon::clock& clock)
    : client_(client), config_(config), clock_(clock), base_(config.url) {
    while (!base_.empty() && base_.back() == '/')
        base_.pop_back();
    const auto parsed = common::parse_url(base_);
    origin_ = parsed ? parsed->origin() : std::string("alertmanager");
}

http_request alertmanager_client::request(std::string method, std::string path,
                                          std::string body) const {
    http_request r;
    r.method = std::move(method);
    r.url = base_ + path;
    r.timeout = config_.timeout;
    r.headers.emplace_back("Accept", "application/json");
    if (!body.empty())
        r.headers.emplace_back("Content-Type", "application/json");
    if (config_.token && !config_.token->empty())
        r.headers.emplace_back("Authorization", "Bearer " + config_.token->reveal());
    r.body = std::move(body);
    return r;
}

boost::asio::awaitable<am_result<std::vector<am_silence>>> alertmanager_client::list() {
    am_result<std::vector<am_silence>> out;
    const http_result r = co_await client_.send(request("GET", "/api/v2/silences"));
    if (!is_2xx(r)) {
        out.failure = failure_of(r, clock_.wall_now());
        co_return out;
    }
    out.value = decode_silences(r->body);
    if (!out.value)
        out.failure = {false, "GET /api/v2/silences: not a list of silences", {}};
    co_return out;
}

boost::asio::awaitable<am_result<std::optional<am_silence>>> alertmanager_client::get(
    std::string id) {
    am_result<std::optional<am_silence>> out;
    const http_result r = co_await client_.send(request("GET", "/api/v2/silence/" + id));
    if (r && r->status == 404) {
        out.value.emplace();
        co_return out;
    }
    if (!is_2xx(r)) {
        out.failure = failure_of(r, clock_.wall_now());
        co_return out;
    }
    auto s = decode_silence(r->body);
    if (!s) {
        out.failure = {false, "GET /api/v2/silence: not a silence", {}};
        co_return out;
    }
    out.value.emplace(std::move(s));
    co_return out;
}

boost::asio::awaitable<am_result<std::string>> alertmanager_client::post(am_silence_post silence) {
    am_result<std::string> out;
    const http_result r =
        co_await client_.send(request("POST", "/api/v2/silences", encode_post(silence)));
    if (!is_2xx(r)) {
        out.failure = failure_of(r, clock_.wall_now());
        if (r && !r->body.empty())  // Alertmanager says what it refused, e.g. a bad matcher
            out.failure.detail += ": " + r->body.substr(0, 200);
        co_return out;
    }
    out.value = decode_post_answer(r->body);
    if (!out.value)
        out.failure = {false, "POST /api/v2/silences: no silenceID in the answer", {}};
    co_return out;
}

boost::asio::awaitable<am_result<bool>> alertmanager_client::expire(std::string id) {
    am_result<bool> out;
    const http_result r = co_await client_.send(request("DELETE", "/api/v2/silence/" + id));
    // Alertmanager 0.25 answers an unknown id with 500 "silence not found" (later ones 404).
    const bool unknown =
        r && (r->status == 404 ||
              (r->status == 500 && r->body.find("silence not found") != std::string::npos));
    if (is_2xx(r) || unknown) {
        out.value = true;
        co_return out;
    }
    out.failure = failure_of(r, clock_.wall_now());
    co_return out;
}

}  // namespace sesmon::silence
