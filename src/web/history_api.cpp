#include "web/history_api.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <memory>

#include "web/history_json.hpp"
#include "web/query_string.hpp"
#include "web/responses.hpp"

namespace sesmon::web {
namespace {

namespace asio = boost::asio;

constexpr std::string_view history_path = "/api/v1/history";
constexpr std::string_view upgrades_prefix = "/api/v1/upgrades/";

template <class T>
struct outcome {
    std::optional<T> result;
    std::string error;
};

// Suspends the calling coroutine until `start`'s callback runs (on the loop).
template <class T, class Start>
asio::awaitable<outcome<T>> wait_for(Start start) {
    return asio::async_initiate<const asio::use_awaitable_t<>&, void(outcome<T>)>(
        [start = std::move(start)](auto handler) mutable {
            auto shared = std::make_shared<decltype(handler)>(std::move(handler));
            start([shared](std::optional<T> result, std::string error) {
                (*shared)(outcome<T>{std::move(result), std::move(error)});
            });
        },
        asio::use_awaitable);
}

net::server_response unavailable(const std::string& error) {
    return text(503, "history not available: " + error);
}

// Upgrade ids are 16 lower-case hex digits; anything else cannot exist.
bool plausible_id(std::string_view id) {
    return id.size() == 16 && id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

bool history_api::handles(std::string_view path) {
    return path == history_path ||
           (path.size() > upgrades_prefix.size() && path.starts_with(upgrades_prefix));
}

asio::awaitable<net::server_response> history_api::answer(net::server_request request) const {
    const std::string_view path = request.path();
    if (path == history_path)
        co_return co_await list(request);
    co_return co_await timeline(std::string(path.substr(upgrades_prefix.size())));
}

asio::awaitable<net::server_response> history_api::list(const net::server_request& request) const {
    std::optional<std::string> cluster;
    if (auto raw = request.query_param("cluster"); raw && !raw->empty()) {
        cluster = percent_decode(*raw);
        if (!cluster)
            co_return text(400, "bad cluster parameter");
    }
    int limit = state::default_history_limit;
    if (auto raw = request.query_param("limit")) {
        const auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), limit);
        if (ec != std::errc{} || end != raw->data() + raw->size() || limit < 1 ||
            limit > state::max_history_limit) {
            co_return text(400, "limit must be a whole number from 1 to " +
                                    std::to_string(state::max_history_limit));
        }
    }
    auto got = co_await wait_for<std::vector<state::upgrade_summary>>(
        [&](auto done) { source_.upgrades(cluster, limit, std::move(done)); });
    if (!got.result)
        co_return unavailable(got.error);
    co_return reply(200,
                    history_json(*got.result, source_.now(),
                                 [this](const state::upgrade_summary& u) {
                                     return source_.expected_finish(u);
                                 }),
                    "application/json");
}

asio::awaitable<net::server_response> history_api::timeline(std::string id) const {
    if (!plausible_id(id))
        co_return text(404, "no upgrade " + id);
    auto got = co_await wait_for<std::optional<state::upgrade_timeline>>(
        [&](auto done) { source_.timeline(id, std::move(done)); });
    if (!got.result)
        co_return unavailable(got.error);
    if (!*got.result)
        co_return text(404, "no upgrade " + id);
    const auto& upgrade = (*got.result)->upgrade;
    const auto eta =
        upgrade.outcome == "in_progress" ? source_.expected_finish(upgrade) : std::nullopt;
    co_return reply(200, timeline_json(**got.result, source_.now(), eta), "application/json");
}

}  // namespace sesmon::web
