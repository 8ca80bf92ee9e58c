#include "web/routes.hpp"

#include <utility>

#include "common/crypto.hpp"
#include "common/text.hpp"
#include "web/dashboard.hpp"
#include "web/responses.hpp"

namespace sesmon::web {
namespace {

constexpr std::string_view allowed_methods = "GET, HEAD";
constexpr std::string_view realm = "realm=\"ses-upgrade-monitor\"";

// The credential an Authorization header carries: the Bearer token, or the password of
// Basic credentials. nullopt for anything else.
std::optional<std::string> presented_token(std::string_view header) {
    header = common::trim(header);
    const auto space = header.find(' ');
    if (space == std::string_view::npos)
        return std::nullopt;
    const std::string_view scheme = header.substr(0, space);
    const std::string_view value = common::trim(header.substr(space + 1));
    if (common::iequals(scheme, "Bearer"))
        return std::string(value);
    if (common::iequals(scheme, "Basic")) {
        auto decoded = common::base64_decode(value);
        if (!decoded)
            return std::nullopt;
        const auto colon = decoded->find(':');
        if (colon == std::string::npos)
            return std::nullopt;
        return decoded->substr(colon + 1);
    }
    return std::nullopt;
}

// Headers every answer carries.
void finish(net::server_response& res) {
    res.headers.emplace_back("Cache-Control", "no-store");
    res.headers.emplace_back("X-Content-Type-Options", "nosniff");
}

}  // namespace

router::router(std::function<daemon_view()> view, metrics& metrics,
               std::optional<secret> auth_token, std::function<readiness()> ready,
               bool gauges_kept_current, history_source* history)
    : view_(std::move(view)),
      metrics_(metrics),
      auth_token_(std::move(auth_token)),
      ready_(std::move(ready)),
      gauges_kept_current_(gauges_kept_current),
      page_(make_dashboard_page()) {
    if (history)
        history_.emplace(*history);
}

bool router::authorized(const net::server_request& request) const {
    if (!auth_token_)
        return true;
    if (auth_token_->empty())
        return false;  // fail closed: an empty token matches nothing
    const auto header = request.header("Authorization");
    if (!header)
        return false;
    const auto token = presented_token(*header);
    if (!token)
        return false;
    // Hashing first makes the comparison's time independent of the token's length too.
    return common::constant_time_equal(common::sha256(*token),
                                       common::sha256(auth_token_->reveal()));
}

net::server_response router::get(std::string_view path) const {
    if (path == "/readyz") {
        const readiness r = ready_ ? ready_() : readiness{view_().ready, ""};
        const std::string note = r.note.empty() ? "" : "; " + r.note;
        const std::string reason =
            r.reason.empty() ? "the first poll round has not been attempted" : r.reason;
        return r.ready ? text(200, "ready" + note) : text(503, "not ready: " + reason + note);
    }
    if (path == "/metrics") {
        if (!gauges_kept_current_)
            metrics_.sync_clusters(view_().clusters);
        return reply(200, metrics_.render(), "text/plain; version=0.0.4; charset=utf-8");
    }
    if (path == "/api/v1/clusters") {
        net::server_response res;
        res.headers = {{"Content-Type", "application/json"}};
        res.body = to_json(view_());
        return res;
    }
    // "/": the dashboard.
    net::server_response res;
    res.headers = {{"Content-Type", "text/html; charset=utf-8"},
                   {"Content-Security-Policy", page_.content_security_policy},
                   {"Referrer-Policy", "no-referrer"},
                   {"X-Frame-Options", "DENY"}};
    res.body = page_.html;
    return res;
}

std::optional<net::server_response> router::refusal(const net::server_request& request,
                                                    bool known) const {
    if (request.path() != "/healthz" && !authorized(request)) {
        // Unknown paths too: without the token nothing says which paths exist.
        auto res = text(401, "unauthorized: send Authorization: Bearer <token>");
        res.headers.emplace_back("WWW-Authenticate", "Bearer " + std::string(realm));
        res.headers.emplace_back("WWW-Authenticate", "Basic " + std::string(realm));
        return res;
    }
    if (!known)
        return text(404, "not found");
    if (request.method != "GET" && request.method != "HEAD") {
        auto res = text(405, "method not allowed");
        res.headers.emplace_back("Allow", std::string(allowed_methods));
        return res;
    }
    return std::nullopt;
}

net::server_response router::handle(const net::server_request& request) const {
    const std::string_view path = request.path();
    const bool fleet = fleet_ && fleet_api::handles(path);
    const bool known = path == "/healthz" || path == "/readyz" || path == "/metrics" ||
                       path == "/api/v1/clusters" || path == "/" || fleet;
    net::server_response res;
    if (auto refused = refusal(request, known)) {
        res = std::move(*refused);
    } else if (fleet) {
        // A long poll answers at once here: there is no coroutine to wait in.
        res = std::move(*fleet_->answer_at_once(request, false));
    } else if (path == "/healthz") {
        res = text(200, "ok");
    } else {
        res = get(path);
    }
    finish(res);
    return res;  // for HEAD too: the server sends the head with this body's length, no body
}

boost::asio::awaitable<net::server_response> router::answer(net::server_request request) const {
    // The routes that wait: the change feed's long poll, and the history's reads.
    const bool feed = fleet_ && request.path() == "/api/v1/changes";
    const bool history = history_ && history_api::handles(request.path());
    if (!feed && !history)
        co_return handle(request);
    if (auto refused = refusal(request, true)) {
        finish(*refused);
        co_return std::move(*refused);
    }
    // Not `feed ? co_await ... : co_await ...`: GCC 12 destroyed the result of a co_await in a
    // conditional expression twice (a double free in fleet_api_test; the class of coroutine
    // miscompilations of llvm-project#59181, in GCC).
    net::server_response res;
    if (feed)
        res = co_await fleet_->answer(std::move(request));
    else
        res = co_await history_->answer(std::move(request));
    finish(res);
    co_return res;
}

net::server_handler router::handler() const {
    return [this](net::server_request request) -> boost::asio::awaitable<net::server_response> {
        co_return co_await answer(std::move(request));
    };
}

}  // namespace sesmon::web
