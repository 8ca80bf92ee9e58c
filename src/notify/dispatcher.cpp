#include "notify/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>
#include <set>
#include <stdexcept>

#include "notify/delivery_lane.hpp"
#include "notify/routing.hpp"
#include "state/store.hpp"

namespace sesmon::notify {

namespace asio = boost::asio;

namespace {

std::shared_ptr<std::function<double()>> make_random(std::function<double()> given) {
    if (given) {
        return std::make_shared<std::function<double()>>(std::move(given));
    }
    auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
    return std::make_shared<std::function<double()>>(
        [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); });
}

void check_unique(const std::vector<notifier_config>& notifiers) {
    std::set<std::string> names;
    for (const auto& config : notifiers) {
        if (!names.insert(config.name).second) {
            throw std::invalid_argument("notifier name '" + config.name + "' is used twice");
        }
    }
}

}  // namespace

dispatcher::dispatcher(asio::any_io_executor executor, std::vector<notifier_config> notifiers,
                       state::store& store, std::vector<state::delivery_record> pending,
                       sesmon::clock& clock, std::shared_ptr<spdlog::logger> logger,
                       notifier_factory factory, dispatcher_options options)
    : executor_(std::move(executor)),
      store_(store),
      clock_(clock),
      logger_(std::move(logger)),
      factory_(std::move(factory)),
      options_(std::move(options)),
      random_(make_random(options_.random)) {
    check_unique(notifiers);
    std::map<std::string, std::vector<state::delivery_record>> by_notifier;
    for (auto& row : pending)
        by_notifier[row.notifier].push_back(std::move(row));
    for (const auto& config : notifiers) {
        auto lane = make_lane(config, factory_(config));
        lane->load(std::move(by_notifier[config.name]));
        by_notifier.erase(config.name);
        lanes_.emplace(config.name, std::move(lane));
    }
    for (const auto& [name, rows] : by_notifier) {
        if (!rows.empty()) {
            logger_->warn(
                "notify: {} deliveries pending for notifier {}, which is not "
                "configured; they stay in the store until it is",
                rows.size(), name);
        }
    }
}

dispatcher::~dispatcher() {
    for (auto& [name, lane] : lanes_) {
        lane->close();
    }
}

std::shared_ptr<delivery_lane> dispatcher::make_lane(const notifier_config& config,
                                                     std::unique_ptr<notifier> instance) {
    if (!instance) {
        throw std::invalid_argument("notifier '" + config.name + "' could not be created");
    }
    return std::make_shared<delivery_lane>(executor_, config, std::move(instance), store_, clock_,
                                           logger_, options_.max_in_flight, random_);
}

void dispatcher::start() {
    started_ = true;
    for (auto& [name, lane] : lanes_) {
        lane->start();
    }
}

std::vector<std::string> dispatcher::route(const event& e,
                                           const std::vector<std::string>& notify_list) const {
    std::vector<std::string> unknown;
    auto out = notify::route(
        [this](const std::string& name) -> const notifier_config* {
            const auto it = lanes_.find(name);
            return it == lanes_.end() ? nullptr : &it->second->config();
        },
        routes_, e, notify_list, &unknown);
    for (const std::string& name : unknown) {
        logger_->warn("notify: {} names notifier {}, which is not configured; {} not sent there",
                      routes_.empty() ? "cluster " + e.cluster.name : std::string("a route"), name,
                      to_string(e.type));
    }
    return out;
}

void dispatcher::set_routes(std::vector<route_config> routes) {
    routes_ = std::move(routes);
}

void dispatcher::enqueue(const event& e, const std::vector<std::string>& notifiers) {
    for (const auto& name : notifiers) {
        if (auto it = lanes_.find(name); it != lanes_.end())
            it->second->enqueue(e);
    }
}

asio::awaitable<void> dispatcher::stop(duration grace) {
    const auto deadline = std::chrono::steady_clock::now() + grace;
    asio::steady_timer timer(executor_);
    const auto pending = [this] {
        std::size_t total = 0;
        for (const auto& [name, lane] : lanes_) {
            total += lane->counters().pending;
        }
        return total;
    };
    // Polled: stopping happens once per process, and 50 ms is well inside the grace.
    while (started_ && !stopped_ && pending() > 0 && std::chrono::steady_clock::now() < deadline) {
        timer.expires_after(std::min<std::chrono::steady_clock::duration>(
            std::chrono::milliseconds(50), deadline - std::chrono::steady_clock::now()));
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    stopped_ = true;
    if (auto left = pending(); left > 0) {
        logger_->warn(
            "notify: stopping with {} deliveries pending; they stay in the state store for "
            "the next start",
            left);
    }
    for (auto& [name, lane] : lanes_) {
        lane->close();
    }
}

void dispatcher::reconfigure(std::vector<notifier_config> notifiers) {
    check_unique(notifiers);
    // Build every notifier first, so a rejected configuration changes nothing.
    std::vector<std::unique_ptr<notifier>> instances;
    for (const auto& config : notifiers) {
        instances.push_back(factory_(config));
        if (!instances.back()) {
            throw std::invalid_argument("notifier '" + config.name + "' could not be created");
        }
    }
    std::map<std::string, std::shared_ptr<delivery_lane>> next;
    for (std::size_t i = 0; i < notifiers.size(); ++i) {
        const std::string name = notifiers[i].name;
        auto it = lanes_.find(name);
        if (it != lanes_.end()) {
            it->second->update(std::move(notifiers[i]), std::move(instances[i]));
            next.emplace(name, std::move(it->second));
            lanes_.erase(it);
            continue;
        }
        auto lane = make_lane(notifiers[i], std::move(instances[i]));
        // Its pending rows (if a notifier of this name existed before) come from the store.
        lane->expect_load();
        store_.load_pending(name, [lane](std::vector<state::delivery_record> rows) {
            lane->load(std::move(rows));
        });
        if (stopped_) {
            lane->close();
        } else if (started_) {
            lane->start();
        }
        logger_->info("notify: notifier {} added", name);
        next.emplace(name, std::move(lane));
    }
    for (auto& [name, lane] : lanes_) {
        lane->close();
        logger_->info("notify: notifier {} removed; its pending deliveries stay in the store",
                      name);
    }
    lanes_ = std::move(next);
}

void dispatcher::clock_moved() {
    for (auto& [name, lane] : lanes_)
        lane->recheck_digests();
}

std::map<std::string, notifier_counters> dispatcher::counters() const {
    std::map<std::string, notifier_counters> out;
    for (const auto& [name, lane] : lanes_) {
        out.emplace(name, lane->counters());
    }
    return out;
}

}  // namespace sesmon::notify
