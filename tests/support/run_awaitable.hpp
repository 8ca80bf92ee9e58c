#pragma once
// run_awaitable: runs one coroutine to completion on a test's io_context, bounded in time,
// and returns its value (rethrowing its exception). Fails loudly (std::runtime_error) when
// the coroutine did not finish within `limit`, so a hung test ends instead of blocking.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

namespace sesmon::test {

template <class T>
T run_awaitable(boost::asio::io_context& ioc, boost::asio::awaitable<T> task,
                std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    std::optional<T> value;
    std::exception_ptr error;
    bool done = false;
    boost::asio::co_spawn(ioc, std::move(task), [&](std::exception_ptr e, T v) {
        error = e;
        if (!e)
            value.emplace(std::move(v));
        done = true;
    });
    ioc.restart();
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done && std::chrono::steady_clock::now() < deadline) {
        ioc.run_one_for(deadline - std::chrono::steady_clock::now());
    }
    if (!done)
        throw std::runtime_error("run_awaitable: the coroutine did not finish in time");
    if (error)
        std::rethrow_exception(error);
    return std::move(*value);
}

// The same for a coroutine without a value.
inline void run_awaitable(boost::asio::io_context& ioc, boost::asio::awaitable<void> task,
                          std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    run_awaitable(
        ioc,
        [](boost::asio::awaitable<void> t) -> boost::asio::awaitable<bool> {
            co_await std::move(t);
            co_return true;
        }(std::move(task)),
        limit);
}

}  // namespace sesmon::test
