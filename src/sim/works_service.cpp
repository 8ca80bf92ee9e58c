#include "sim/works_service.hpp"

#include <rapidjson/document.h>

#include "common/crypto.hpp"
#include "common/crypto_rsa.hpp"

namespace sesmon::sim {
namespace {

net::server_response oauth_error(int status, std::string_view error, std::string_view text) {
    return service_json(status, std::string(R"({"error":")") + std::string(error) +
                                    R"(","error_description":")" + std::string(text) + "\"}");
}

net::server_response works_error(int status, std::string_view code, std::string_view text) {
    return service_json(status, std::string(R"({"code":")") + std::string(code) +
                                    R"(","description":")" + std::string(text) + "\"}");
}

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out += ' ';
        } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
                   hex_value(text[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::optional<long long> int_claim(const rapidjson::Document& doc, const char* name) {
    if (!doc.HasMember(name) || !doc[name].IsInt64())
        return std::nullopt;
    return doc[name].GetInt64();
}

}  // namespace

std::map<std::string, std::string> parse_form(std::string_view body) {
    std::map<std::string, std::string> fields;
    while (!body.empty()) {
        const auto amp = body.find('&');
        const std::string_view pair = body.substr(0, amp);
        const auto eq = pair.find('=');
        fields[percent_decode(pair.substr(0, eq))] =
            eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
        if (amp == std::string_view::npos)
            break;
        body.remove_prefix(amp + 1);
    }
    return fields;
}

std::size_t code_points(std::string_view text) {
    std::size_t n = 0;
    for (char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
            ++n;
    }
    return n;
}

works_service::works_service(works_options options, service_log& log)
    : options_(std::move(options)), log_(log) {}

bool works_service::handles(std::string_view path) {
    return path == "/oauth2/v2.0/token" || path.starts_with("/v1.0/bots/");
}

net::server_response works_service::handle(const net::server_request& req) {
    const bool is_token = req.path() == "/oauth2/v2.0/token";
    service_record record{is_token ? "works_token" : "works_message",
                          std::string(req.path()),
                          is_token ? std::string() : req.body,
                          0,
                          {},
                          log_.now()};
    net::server_response res;
    if (req.method != "POST") {
        res = works_error(405, "METHOD_NOT_ALLOWED", "POST only");
    } else if (auto failure = log_.take_failure(record.service)) {
        res = std::move(*failure);
        record.detail = "injected failure";
    } else {
        res = is_token ? token(req) : message(req);
    }
    record.status = res.status;
    if (res.status >= 400) {
        rapidjson::Document doc;
        doc.Parse(res.body.c_str());
        for (const char* key : {"error_description", "description"}) {
            if (record.detail.empty() && doc.IsObject() && doc.HasMember(key) &&
                doc[key].IsString())
                record.detail = doc[key].GetString();
        }
    }
    log_.record(std::move(record));
    return res;
}

std::string works_service::check_assertion(const std::string& assertion) const {
    const auto first = assertion.find('.');
    const auto second = assertion.find('.', first == std::string::npos ? 0 : first + 1);
    if (first == std::string::npos || second == std::string::npos)
        return "the assertion is not a JWT";
    const auto header = common::base64url_decode(std::string_view(assertion).substr(0, first));
    const auto claims =
        common::base64url_decode(std::string_view(assertion).substr(first + 1, second - first - 1));
    const auto signature = common::base64url_decode(std::string_view(assertion).substr(second + 1));
    if (!header || !claims || !signature)
        return "the assertion is not base64url";
    rapidjson::Document h;
    h.Parse(header->c_str());
    if (!h.IsObject() || !h.HasMember("alg") || !h["alg"].IsString() ||
        std::string_view(h["alg"].GetString()) != "RS256") {
        return "the JWT's alg is not RS256";
    }
    if (!common::verify_rs256(options_.public_key_pem, assertion.substr(0, second), *signature))
        return "the JWT's signature does not verify with the service account's public key";
    rapidjson::Document c;
    c.Parse(claims->c_str());
    if (!c.IsObject())
        return "the JWT's claims are not a JSON object";
    if (!c.HasMember("iss") || !c["iss"].IsString() ||
        std::string_view(c["iss"].GetString()) != options_.client_id) {
        return "iss is not the client id";
    }
    if (!c.HasMember("sub") || !c["sub"].IsString() || c["sub"].GetStringLength() == 0)
        return "sub (the service account) is missing";
    const auto iat = int_claim(c, "iat");
    const auto exp = int_claim(c, "exp");
    if (!iat || !exp)
        return "iat or exp is missing";
    const long long now = log_.now().time_since_epoch().count();
    if (*exp <= now)
        return "the JWT has expired";
    if (*iat > now + 60)
        return "the JWT was issued in the future";
    if (*exp - *iat > 3600)
        return "the JWT is valid for more than 60 minutes";
    return {};
}

net::server_response works_service::token(const net::server_request& req) {
    auto form = parse_form(req.body);
    if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer")
        return oauth_error(400, "unsupported_grant_type", "grant_type must be jwt-bearer");
    if (form["scope"].find("bot") == std::string::npos)
        return oauth_error(400, "invalid_scope", "scope must include bot");
    if (!common::constant_time_equal(form["client_id"], options_.client_id) ||
        !common::constant_time_equal(form["client_secret"], options_.client_secret)) {
        return oauth_error(401, "invalid_client", "unknown client_id or wrong client_secret");
    }
    if (auto problem = check_assertion(form["assertion"]); !problem.empty())
        return oauth_error(400, "invalid_grant", problem);
    const std::string token = "sim-works-" + std::to_string(++issued_) + "-" +
                              common::to_hex(common::sha256(form["assertion"])).substr(0, 16);
    tokens_[token] = log_.now() + options_.token_ttl;
    return service_json(200, R"({"access_token":")" + token +
                                 R"(","refresh_token":"sim-refresh","scope":"bot",)"
                                 R"("token_type":"Bearer","expires_in":")" +
                                 std::to_string(options_.token_ttl.count()) + "\"}");
}

net::server_response works_service::message(const net::server_request& req) {
    const std::string_view path = req.path();
    const bool shaped =
        path.ends_with("/messages") && (path.find("/channels/") != std::string_view::npos ||
                                        path.find("/users/") != std::string_view::npos);
    if (!shaped)
        return works_error(404, "NOT_FOUND", "no such resource");
    const std::string auth = req.header("Authorization").value_or("");
    const std::string token = auth.starts_with("Bearer ") ? auth.substr(7) : std::string();
    const auto it = tokens_.find(token);
    if (it == tokens_.end())
        return works_error(401, "UNAUTHORIZED", "unknown access token");
    if (it->second <= log_.now())
        return works_error(401, "UNAUTHORIZED", "the access token has expired");
    rapidjson::Document doc;
    doc.Parse(req.body.c_str());
    if (!doc.IsObject() || !doc.HasMember("content") || !doc["content"].IsObject())
        return works_error(400, "INVALID_PARAMETER", "content is required");
    const auto& content = doc["content"];
    const std::string type =
        content.HasMember("type") && content["type"].IsString() ? content["type"].GetString() : "";
    if (type == "text") {
        if (!content.HasMember("text") || !content["text"].IsString() ||
            content["text"].GetStringLength() == 0) {
            return works_error(400, "INVALID_PARAMETER", "content.text is required");
        }
        if (code_points(content["text"].GetString()) > 2000)
            return works_error(400, "INVALID_PARAMETER", "content.text exceeds 2000 characters");
    } else if (type == "flex") {
        if (!content.HasMember("altText") || !content["altText"].IsString() ||
            content["altText"].GetStringLength() == 0 ||
            code_points(content["altText"].GetString()) > 400) {
            return works_error(400, "INVALID_PARAMETER", "content.altText: 1 to 400 characters");
        }
        if (!content.HasMember("contents") || !content["contents"].IsObject() ||
            !content["contents"].HasMember("type") || !content["contents"]["type"].IsString()) {
            return works_error(400, "INVALID_PARAMETER", "content.contents must be a container");
        }
        const std::string_view container = content["contents"]["type"].GetString();
        if (container != "bubble" && container != "carousel")
            return works_error(400, "INVALID_PARAMETER", "content.contents.type: bubble|carousel");
    } else {
        return works_error(400, "INVALID_PARAMETER", "content.type must be text or flex");
    }
    net::server_response res;
    res.status = 201;
    return res;
}

}  // namespace sesmon::sim
