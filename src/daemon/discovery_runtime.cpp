#include "daemon/discovery_runtime.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include "common/time_format.hpp"
#include "monitor/backoff.hpp"
#include "state/store.hpp"
#include "web/metrics.hpp"

namespace sesmon::daemon {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// How soon a listing that missed a known cluster is followed by the one that confirms it.
constexpr duration confirm_delay = 1min;

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : ", ") + item;
    return out;
}

bool contains(const std::vector<discovery::known_cluster>& list, const std::string& instance_no) {
    return std::any_of(list.begin(), list.end(),
                       [&](const auto& k) { return k.instance_no == instance_no; });
}

discovery::known_set known_set_of(const std::vector<state::discovered_record>& stored) {
    discovery::known_set out;
    out.reserve(stored.size());
    for (const auto& r : stored)
        out.push_back({r.instance_no, r.region, r.listed_name, r.name, r.misses});
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return discovery::instance_less(a.instance_no, b.instance_no);
    });
    return out;
}

std::vector<state::discovered_record> records_of(const discovery::known_set& known) {
    std::vector<state::discovered_record> out;
    out.reserve(known.size());
    for (const auto& k : known)
        out.push_back({k.instance_no, k.region, k.listed_name, k.name, k.misses});
    return out;
}

}  // namespace

discovery_runtime::discovery_runtime(discovery_deps deps,
                                     const std::vector<state::discovered_record>& stored,
                                     discovery_hooks hooks)
    : deps_(std::move(deps)),
      hooks_(std::move(hooks)),
      known_(known_set_of(stored)),
      saved_(known_),
      timer_(deps_.executor),
      rng_(std::random_device{}()) {}

discovery_runtime::~discovery_runtime() = default;

void discovery_runtime::extend(sesmon::config& cfg) {
    const discovery_config& next = cfg.discovery;
    const bool schedule_changed = next.enabled != section_.enabled ||
                                  next.regions != section_.regions ||
                                  next.interval != section_.interval;
    section_ = next;
    rules_ = discovery::filter_rules::from(section_);
    if (!section_.enabled) {
        statics_ = {};  // only plan() needs them: no copy of a large clusters[] while disabled
        ++generation_;
        watched_.clear();
        timer_.expires_at(steady_time::max());  // the loop idles until enabled again
        if (started_)
            note_first_listing();  // readiness must not wait for a listing that will not come
        return;
    }
    statics_ = cfg.clusters;
    const auto p = plan();
    known_ = p.known;
    save_known();
    watched_.clear();
    for (const auto& c : p.watched)
        watched_[c.name] = c.instance_no;
    cfg.clusters.insert(cfg.clusters.end(), p.watched.begin(), p.watched.end());
    if (schedule_changed)
        ++generation_;  // a listing in progress answers the old question: dropped
    if (started_ && schedule_changed && listing_)
        timer_.expires_at(steady_time::clock::now());  // list at once
}

void discovery_runtime::start() {
    if (started_)
        return;
    started_ = true;
    if (section_.enabled && !listing_) {
        deps_.logger->info(
            "discovery: the leader of the group lists the clusters of {} every {}; this member "
            "lists them while it leads",
            joined(section_.regions), common::format_duration(section_.interval));
        timer_.expires_at(steady_time::max());
    } else if (section_.enabled) {
        deps_.logger->info(
            "discovery: listing the clusters of {} every {}; {} discovered cluster(s) watched "
            "from the last run",
            joined(section_.regions), common::format_duration(section_.interval), watched_.size());
        timer_.expires_at(steady_time::clock::now());
    } else {
        timer_.expires_at(steady_time::max());
    }
    spawn();
}

void discovery_runtime::stop() {
    if (stopping_)
        return;
    stopping_ = true;
    timer_.cancel();
    cancel_.emit(asio::cancellation_type::terminal);
}

void discovery_runtime::set_listing(bool on) {
    if (on == listing_)
        return;
    listing_ = on;
    ++generation_;  // a listing in progress answers for a term that ended: dropped
    failures_ = 0;
    last_error_.reset();
    if (on) {
        first_done_ = false;
        timer_.expires_at(steady_time::clock::now());
    } else {
        timer_.expires_at(steady_time::max());
    }
}

void discovery_runtime::adopt(const std::vector<state::discovered_record>& stored) {
    known_ = known_set_of(stored);
    saved_ = known_;
    if (section_.enabled)
        reconcile(nullptr);
}

void discovery_runtime::spawn() {
    running_ = true;
    asio::co_spawn(deps_.executor, run(),
                   asio::bind_cancellation_slot(cancel_.slot(), [this](std::exception_ptr error) {
                       running_ = false;
                       if (!error)
                           return;
                       try {
                           std::rethrow_exception(error);
                       } catch (const boost::system::system_error& e) {
                           if (e.code() != asio::error::operation_aborted)
                               deps_.logger->error("discovery: ended: {}", e.what());
                       } catch (const std::exception& e) {
                           deps_.logger->error("discovery: ended: {}", e.what());
                       }
                   }));
}

asio::awaitable<void> discovery_runtime::run() {
    while (!stopping_) {
        // extend() re-arms the timer (enable, disable, schedule change): wait for its expiry.
        while (!stopping_ && steady_time::clock::now() < timer_.expiry())
            co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
        if (stopping_)
            break;
        if (!section_.enabled || !listing_) {
            timer_.expires_at(steady_time::max());
            continue;
        }
        const auto generation = generation_;
        auto reading = discovery::read_listing(*deps_.source, *deps_.limiter, {section_.regions});
        auto result = co_await std::move(reading);
        if (stopping_)
            break;
        if (generation == generation_)
            on_listing(std::move(result));
    }
}

void discovery_runtime::note_first_listing() {
    if (first_done_)
        return;
    first_done_ = true;
    if (hooks_.first_listing_done)
        hooks_.first_listing_done();
}

void discovery_runtime::on_listing(discovery::listing_result result) {
    note_first_listing();
    if (!result) {
        on_failure(result.error());
        timer_.expires_at(steady_time::clock::now() + retry_delay());
        return;
    }
    if (failures_ > 0) {
        deps_.logger->info("discovery: cluster list read again after {} failed attempt(s)",
                           failures_);
    }
    failures_ = 0;
    last_error_.reset();
    deps_.metrics->record_discovery_listing("ok");
    const auto update = discovery::update_known(known_, *result);
    std::set<std::string> disallowed_now;
    for (const auto& e : update.disallowed) {
        disallowed_now.insert(e.cluster.instance_no);
        if (disallowed_seen_.insert(e.cluster.instance_no).second) {
            deps_.logger->info(
                "discovery: cluster {} (instance {}, {}) is listed as disallowed for these API "
                "keys: not watched",
                discovery::printable(e.cluster.name), e.cluster.instance_no, e.region);
        }
    }
    std::erase_if(disallowed_seen_, [&](const auto& no) { return !disallowed_now.count(no); });
    known_ = update.known;
    reconcile(&update);
    deps_.logger->debug("discovery: listed {} cluster(s) in {} page(s); {} discovered watched",
                        result->entries.size(), result->pages, watched_.size());
    // A cluster missing once is confirmed (or back) by a listing soon, rather than a whole
    // interval later: a deleted cluster stops being polled (and cannot go blind) sooner.
    const bool unconfirmed =
        std::any_of(known_.begin(), known_.end(), [](const auto& k) { return k.misses > 0; });
    timer_.expires_at(
        steady_time::clock::now() +
        (unconfirmed ? std::min<duration>(section_.interval, confirm_delay) : section_.interval));
}

void discovery_runtime::on_failure(const discovery::listing_failure& failure) {
    const api_error& error = failure.error;
    deps_.metrics->record_discovery_listing(to_string(error.kind));
    // One line when an episode starts or its kind changes; repeats go to debug.
    const bool news = failures_ == 0 || !last_error_ || last_error_->kind != error.kind ||
                      last_error_->http_status != error.http_status;
    ++failures_;
    last_error_ = error;
    deps_.logger->log(
        news ? spdlog::level::warn : spdlog::level::debug,
        "discovery: cannot read the cluster list ({}{}): {}; the clusters already known stay "
        "watched",
        to_string(error.kind),
        error.http_status ? " HTTP " + std::to_string(error.http_status) : std::string(),
        failure.describe());
}

discovery::watch_plan discovery_runtime::plan() const {
    return discovery::plan(known_, section_, *rules_, statics_);
}

void discovery_runtime::reconcile(const discovery::known_update* update) {
    const auto p = plan();
    known_ = p.known;
    save_known();
    std::map<std::string, const cluster_config*> next;
    std::map<std::string, std::string> name_of;  // instance_no → new name
    for (const auto& c : p.watched) {
        next[c.name] = &c;
        name_of[c.instance_no] = c.name;
    }
    for (auto it = watched_.begin(); it != watched_.end();) {
        const auto& [name, instance_no] = *it;
        const auto n = next.find(name);
        if (n != next.end() && n->second->instance_no == instance_no) {
            ++it;
            continue;
        }
        std::string why = "no longer discovered";
        if (update && contains(update->gone, instance_no)) {
            why = "gone from two consecutive complete cluster listings";
        } else if (update && contains(update->revoked, instance_no)) {
            why = "now listed as disallowed for these API keys";
        } else if (const auto renamed = name_of.find(instance_no); renamed != name_of.end()) {
            why = "renamed: now watched as " + renamed->second;
        }
        const std::string stopped = name;
        it = watched_.erase(it);
        hooks_.stop(stopped, why);
    }
    for (const auto& c : p.watched) {
        if (watched_.emplace(c.name, c.instance_no).second)
            hooks_.start(c);
    }
}

void discovery_runtime::save_known() {
    if (known_ == saved_)
        return;
    state::batch b;
    b.discovered = records_of(known_);
    // Nobody waits: while the disk fails the store keeps the latest set and retries it.
    deps_.store->commit(std::move(b), {});
    saved_ = known_;
}

duration discovery_runtime::retry_delay() {
    const duration interval = section_.interval;
    const monitor::backoff_policy policy{std::min<duration>(5s, interval), interval,
                                         std::min<duration>(100ms, interval)};
    const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
    return monitor::delay_after_error(*last_error_, policy, failures_, u);
}

}  // namespace sesmon::daemon
