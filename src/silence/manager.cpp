#include "silence/manager.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <random>
#include <set>

#include "common/time_format.hpp"
#include "notify/retry_policy.hpp"
#include "silence/alertmanager_client.hpp"

namespace sesmon::silence {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// A silence Alertmanager ended more than this before the endsAt we gave it was expired by
// hand (Alertmanager sets endsAt to the moment of expiry).
constexpr auto early_expiry_slack = 2s;

std::string matchers_text(const std::vector<expanded_matcher>& matchers) {
    std::string out;
    for (const auto& m : matchers)
        out += (out.empty() ? "" : ", ") + to_text(m);
    return out;
}

bool ours(const am_silence& s, const std::string& mark) {
    return s.created_by.rfind(created_by_prefix, 0) == 0 &&
           s.comment.find(mark) != std::string::npos && s.state != "expired";
}

}  // namespace

struct manager::core : std::enable_shared_from_this<manager::core> {
    struct step {
        bool ok = false;
        step_result result;
        am_failure failure;
    };
    struct worker_state {
        bool running = false;
        std::shared_ptr<asio::steady_timer> timer;
        std::shared_ptr<asio::cancellation_signal> cancel;  // close(): ends a request in flight
    };

    core(asio::any_io_executor ex, std::shared_ptr<http_client> h, alertmanager_config c,
         const sesmon::clock& clk, std::shared_ptr<spdlog::logger> log, std::function<double()> rnd)
        : executor(std::move(ex)),
          http(std::move(h)),
          config(std::move(c)),
          clock(clk),
          logger(std::move(log)),
          random(std::move(rnd)),
          client(*http, config, clock) {
        if (!random) {
            auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
            random = [engine] { return std::uniform_real_distribution<double>(0, 1)(*engine); };
        }
    }

    asio::any_io_executor executor;
    std::shared_ptr<http_client> http;
    alertmanager_config config;
    const sesmon::clock& clock;
    std::shared_ptr<spdlog::logger> logger;
    std::function<double()> random;
    alertmanager_client client;

    std::map<std::string, subject*> subjects;
    std::map<std::string, worker_state> workers;
    bool closed = false;
    bool failing = false;  // in an episode of failed requests
    std::uint64_t failed_in_episode = 0;
    std::uint64_t failed_total = 0;
    std::set<std::string> refusals_logged;  // "<key>/<upgrade>/<generation>/<version>"

    void spawn(const std::string& key) {
        worker_state& w = workers[key];
        if (w.running || closed)
            return;
        w.running = true;
        w.cancel = std::make_shared<asio::cancellation_signal>();
        asio::co_spawn(executor, work(key),
                       asio::bind_cancellation_slot(
                           w.cancel->slot(), [self = shared_from_this(), key,
                                              signal = w.cancel](const std::exception_ptr& error) {
                               if (!error)
                                   return;
                               self->workers[key].running = false;
                               try {
                                   std::rethrow_exception(error);
                               } catch (const std::exception& e) {
                                   self->logger->error(
                                       "alertmanager: silence work for {} stopped: {}", key,
                                       e.what());
                               }
                           }));
    }

    void note_failure(const std::string& cluster, const am_failure& f) {
        ++failed_total;
        ++failed_in_episode;
        if (!failing) {
            failing = true;
            logger->warn(
                "alertmanager {}: {} (silence of cluster {}); silences are retried until it "
                "answers",
                client.origin(), f.detail, cluster);
        } else {
            logger->debug("alertmanager {}: {} (silence of cluster {})", client.origin(), f.detail,
                          cluster);
        }
    }

    void note_success() {
        if (failing) {
            logger->info("alertmanager {}: answering again after {} failed request(s)",
                         client.origin(), failed_in_episode);
        }
        failing = false;
        failed_in_episode = 0;
    }

    step fail(const am_failure& f) { return {false, {}, f}; }

    // Creates the silence or updates `found` in place.
    asio::awaitable<step> put(const silence_record& r, const std::string& cluster,
                              std::optional<am_silence> found) {
        am_silence_post post;
        post.ends_at = r.ends_at;
        post.comment = r.comment;
        post.created_by = r.created_by;
        if (found) {
            // Alertmanager's own startsAt and matchers: what it needs to update in place.
            post.id = found->id;
            post.matchers = found->matchers;
            post.starts_at = found->starts_at;
        } else {
            post.matchers = r.matchers;
            post.starts_at = common::format_rfc3339_utc(clock.wall_now());
        }
        const bool update = found.has_value();
        const std::string old_id = post.id;
        auto answer = co_await client.post(std::move(post));
        if (!answer.ok())
            co_return fail(answer.failure);
        const std::string& id = *answer.value;
        const std::string until = common::format_rfc3339_utc(r.ends_at);
        if (!update) {
            logger->info("cluster {}: silence {} created in Alertmanager until {} ({})", cluster,
                         id, until, matchers_text(r.matchers));
        } else if (id != old_id) {
            logger->info(
                "cluster {}: silence {} replaced by {} until {} (Alertmanager could "
                "not update it in place)",
                cluster, old_id, id, until);
        } else if (found->ends_at != r.ends_at) {
            logger->info("cluster {}: silence {} extended until {}", cluster, id, until);
        } else {
            logger->debug("cluster {}: silence {} comment updated", cluster, id);
        }
        step s{true, {}, {}};
        s.result.silence_id = id;
        s.result.applied_ends_at = r.ends_at;
        co_return s;
    }

    asio::awaitable<step> make_active(const silence_record& r, const std::string& cluster) {
        std::optional<am_silence> found;
        if (r.silence_id.empty()) {
            // Made before a crash, its id never recorded? Found by its marker.
            auto listed = co_await client.list();
            if (!listed.ok())
                co_return fail(listed.failure);
            const std::string mark = marker(r);
            for (am_silence& s : *listed.value) {
                if (!ours(s, mark))
                    continue;
                if (!found) {
                    logger->info(
                        "cluster {}: silence {} found in Alertmanager (made before a "
                        "restart or takeover); using it",
                        cluster, s.id);
                    found = std::move(s);
                    continue;
                }
                // A second one of the same marker cannot be ours to keep.
                auto expired = co_await client.expire(s.id);
                if (!expired.ok())
                    co_return fail(expired.failure);
                logger->warn("cluster {}: silence {} duplicated {}; expired it", cluster, s.id,
                             found->id);
            }
        } else {
            auto got = co_await client.get(r.silence_id);
            if (!got.ok())
                co_return fail(got.failure);
            std::optional<am_silence>& s = *got.value;
            if (!s) {
                logger->info("cluster {}: silence {} is gone from Alertmanager; making a new one",
                             cluster, r.silence_id);
            } else if (s->state == "expired") {
                if (s->ends_at && r.applied_ends_at != wall_time{} &&
                    *s->ends_at + early_expiry_slack < r.applied_ends_at) {
                    logger->info(
                        "cluster {}: silence {} was expired in Alertmanager before its end; "
                        "this upgrade is not silenced again",
                        cluster, r.silence_id);
                    step out{true, {}, {}};
                    out.result.silence_id = r.silence_id;
                    out.result.expired_outside = true;
                    co_return out;
                }
                logger->info(
                    "cluster {}: silence {} ran out before it was extended; making a "
                    "new one",
                    cluster, r.silence_id);
            } else {
                found = std::move(s);
            }
        }
        if (found && found->ends_at == r.ends_at && found->comment == r.comment) {
            step same{true, {}, {}};
            same.result.silence_id = found->id;
            same.result.applied_ends_at = r.ends_at;
            co_return same;
        }
        auto done = co_await put(r, cluster, std::move(found));
        co_return done;
    }

    asio::awaitable<step> make_ended(const silence_record& r, const std::string& cluster) {
        std::vector<std::string> ids;
        if (!r.silence_id.empty()) {
            ids.push_back(r.silence_id);
        } else {
            auto listed = co_await client.list();
            if (!listed.ok())
                co_return fail(listed.failure);
            for (const am_silence& s : *listed.value) {
                if (ours(s, marker(r)))
                    ids.push_back(s.id);
            }
        }
        for (const std::string& id : ids) {
            auto expired = co_await client.expire(id);
            if (!expired.ok())
                co_return fail(expired.failure);
            logger->info("cluster {}: silence {} expired ({})", cluster, id,
                         r.ended_by.empty() ? "no longer wanted" : r.ended_by);
        }
        step out{true, {}, {}};
        out.result.silence_id = r.silence_id;
        co_return out;
    }

    asio::awaitable<void> work(std::string key) {
        auto self = shared_from_this();
        // close() cancels the worker: its waits then end with an error code, not a throw.
        co_await asio::this_coro::throw_if_cancelled(false);
        int failures = 0;
        while (!closed) {
            const auto it = subjects.find(key);
            if (it == subjects.end())
                break;
            const std::optional<silence_record> record = it->second->silence_to_act_on();
            if (!record)
                break;
            const std::string cluster = it->second->silence_cluster();
            // Plain statements: GCC 12 mishandles co_await inside a conditional expression.
            step s;
            if (record->active)
                s = co_await make_active(*record, cluster);
            else
                s = co_await make_ended(*record, cluster);
            if (closed)
                break;
            if (s.ok) {
                note_success();
                failures = 0;
                s.result.upgrade_id = record->upgrade_id;
                s.result.generation = record->generation;
                s.result.version = record->version;
                if (const auto back = subjects.find(key); back != subjects.end())
                    back->second->silence_acted(s.result);
                continue;
            }
            ++failures;
            duration delay;
            if (s.failure.permanent) {
                delay = config.max_backoff;
                const std::string tag = key + "/" + record->upgrade_id + "/" +
                                        std::to_string(record->generation) + "/" +
                                        std::to_string(record->version);
                if (refusals_logged.insert(tag).second) {
                    logger->error(
                        "cluster {}: Alertmanager refused the silence ({}); tried again every "
                        "{}",
                        cluster, s.failure.detail, common::format_duration(delay));
                }
                ++failed_total;
            } else {
                note_failure(cluster, s.failure);
                retry_config policy{config.initial_backoff, config.max_backoff, 24h};
                delay = notify::backoff_delay(policy, failures, random(), s.failure.retry_after);
                delay = std::min(delay, config.max_backoff);
            }
            auto timer = std::make_shared<asio::steady_timer>(executor, delay);
            workers[key].timer = timer;
            co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
            workers[key].timer.reset();
        }
        // Here, not in the completion handler: a wake() from now on must start a new worker.
        workers[key].running = false;
    }
};

manager::manager(asio::any_io_executor executor, std::shared_ptr<http_client> client,
                 alertmanager_config config, const sesmon::clock& clock,
                 std::shared_ptr<spdlog::logger> logger, std::function<double()> random)
    : core_(std::make_shared<core>(std::move(executor), std::move(client), std::move(config), clock,
                                   std::move(logger), std::move(random))) {}

manager::~manager() {
    close();
}

void manager::attach(const std::string& key, subject& s) {
    core_->subjects[key] = &s;
    core_->spawn(key);
}

void manager::detach(const std::string& key) {
    core_->subjects.erase(key);
    if (auto it = core_->workers.find(key); it != core_->workers.end() && it->second.timer)
        it->second.timer->cancel();
}

void manager::wake(const std::string& key) {
    if (core_->subjects.count(key) != 0)
        core_->spawn(key);
}

void manager::close() {
    core_->closed = true;
    core_->subjects.clear();
    for (auto& [key, w] : core_->workers) {
        if (w.timer)
            w.timer->cancel();
        if (w.running && w.cancel)
            w.cancel->emit(asio::cancellation_type::terminal);
    }
}

std::uint64_t manager::failures() const {
    return core_->failed_total;
}

}  // namespace sesmon::silence
