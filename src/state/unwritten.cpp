#include "state/unwritten.hpp"

#include <algorithm>

namespace sesmon::state {
namespace {

bool routed_to(const routed_event& r, const std::string& notifier) {
    return std::find(r.notifiers.begin(), r.notifiers.end(), notifier) != r.notifiers.end();
}

}  // namespace

bool unwritten::add(batch b, std::uint64_t ticket) {
    if (b.empty() && ticket == 0)
        return false;
    std::lock_guard lock(mutex_);
    const bool first = !has_arrived_;
    arrived_.add(std::move(b));
    if (ticket != 0)
        tickets_.push_back(ticket);
    has_arrived_ = true;
    // Only a writer that takes nothing for long (a hung disk) lets this grow.
    trim(arrived_);
    return first;
}

bool unwritten::add(delivery_update u) {
    std::lock_guard lock(mutex_);
    const bool first = !has_arrived_;
    arrived_.add(std::move(u));
    has_arrived_ = true;
    return first;
}

void unwritten::trim(pending_writes& w) {
    // In steps of a tenth of the limit: dropping from the front of the events moves all the
    // others, so the cost per event stays constant.
    if (w.events.size() > event_limit_ + event_limit_ / 10)
        dropped_ += w.trim_events(event_limit_);
}

bool unwritten::arrived() const {
    std::lock_guard lock(mutex_);
    return has_arrived_;
}

std::vector<std::uint64_t> unwritten::take() {
    std::lock_guard lock(mutex_);
    writing_.merge(arrived_);
    trim(writing_);
    has_arrived_ = false;
    std::vector<std::uint64_t> tickets;
    tickets.swap(tickets_);
    return tickets;
}

void unwritten::written() {
    std::lock_guard lock(mutex_);
    writing_.clear();
    ++generation_;
}

std::optional<cluster_record> unwritten::cluster(const std::string& instance_no,
                                                 std::uint64_t& generation) const {
    std::lock_guard lock(mutex_);
    generation = generation_;
    for (const pending_writes* w : {&arrived_, &writing_}) {  // newest first
        if (const auto it = w->clusters.find(instance_no); it != w->clusters.end())
            return it->second;
    }
    return std::nullopt;
}

unwritten::for_notifier unwritten::pending_for(const std::string& notifier,
                                               std::uint64_t& generation) const {
    std::lock_guard lock(mutex_);
    generation = generation_;
    for_notifier out;
    for (const pending_writes* w : {&writing_, &arrived_}) {  // oldest first
        for (const routed_event& r : w->events) {
            if (routed_to(r, notifier))
                out.events.push_back(r.event);
        }
        for (const auto& [key, u] : w->deliveries) {
            if (key.first == notifier)
                out.updates.push_back(u);
        }
    }
    return out;
}

std::size_t unwritten::dropped_events() const {
    std::lock_guard lock(mutex_);
    return dropped_;
}

}  // namespace sesmon::state
