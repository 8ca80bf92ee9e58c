#include "cli/status_poll.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <exception>
#include <optional>

namespace sesmon::cli {

namespace {

api_error failure(const std::exception_ptr& e) {
    api_error out;
    out.kind = api_error_kind::network;
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        out.message = std::string("internal error: ") + ex.what();
    } catch (...) {
        out.message = "internal error";
    }
    return out;
}

}  // namespace

std::vector<cluster_status> poll_all(boost::asio::io_context& io, progress_source& source,
                                     const std::vector<cluster_config>& clusters, int max_in_flight,
                                     const answer_handler& on_answer) {
    std::vector<std::optional<progress_result>> results(clusters.size());
    std::size_t next = 0;

    // Each worker takes the next unpolled cluster until none is left: at most
    // `workers` requests are in flight at any time.
    const auto worker = [&]() -> boost::asio::awaitable<void> {
        while (next < clusters.size()) {
            const std::size_t i = next++;
            cluster_target target{clusters[i].instance_no, clusters[i].region};
            auto fetching = source.fetch_progress(std::move(target));
            try {
                results[i] = co_await std::move(fetching);
            } catch (...) {
                results[i] = failure(std::current_exception());
            }
            if (on_answer) {
                try {
                    on_answer(i, *results[i]);
                } catch (...) {
                    // The caller's extra work on an answer; polling goes on without it.
                }
            }
        }
    };
    const auto workers = std::min<std::size_t>(
        clusters.size(), static_cast<std::size_t>(std::max(1, max_in_flight)));
    for (std::size_t w = 0; w < workers; ++w) {
        boost::asio::co_spawn(io, worker(), [](std::exception_ptr) {
            // worker() catches everything its fetches throw; nothing else can.
        });
    }
    io.restart();
    io.run();

    std::vector<cluster_status> out;
    out.reserve(clusters.size());
    for (std::size_t i = 0; i < clusters.size(); ++i) {
        api_error missing;
        missing.message = "no answer";
        out.push_back(
            {clusters[i], results[i] ? std::move(*results[i]) : progress_result(missing)});
    }
    return out;
}

}  // namespace sesmon::cli
