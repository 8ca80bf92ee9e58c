#include "notify/digest.hpp"

#include <algorithm>
#include <map>

#include "common/crypto.hpp"
#include "common/time_format.hpp"
#include "monitor/summary.hpp"

namespace sesmon::notify {
namespace {

// "6 node changes", "7 events (6 node changes, 1 stall_cleared)".
std::string count_text(const std::vector<const event*>& members) {
    std::map<event_type, std::size_t> by_type;
    for (const event* e : members)
        ++by_type[e->type];
    const auto named = [](event_type t, std::size_t n) {
        if (t == event_type::node_changed)
            return std::to_string(n) + (n == 1 ? " node change" : " node changes");
        return std::to_string(n) + " " + std::string(to_string(t));
    };
    if (by_type.size() == 1)
        return named(by_type.begin()->first, members.size());
    std::string parts;
    for (const auto& [t, n] : by_type)
        parts += (parts.empty() ? "" : ", ") + named(t, n);
    return std::to_string(members.size()) + " events (" + parts + ")";
}

}  // namespace

bool folds(const notifier_config& config, event_type type) {
    return config.digest > duration::zero() &&
           std::find(config.digest_events.begin(), config.digest_events.end(), type) !=
               config.digest_events.end();
}

digest_decision plan_digest(const notifier_config& config, const std::vector<const event*>& queue,
                            wall_time now) {
    digest_decision out;
    if (queue.empty() || !folds(config, queue.front()->type))
        return out;
    const wall_time first = queue.front()->occurred_at;
    const wall_time due = first + std::chrono::ceil<std::chrono::seconds>(config.digest);
    std::size_t count = 0;
    while (count < queue.size() && count < max_digest_members &&
           folds(config, queue[count]->type) && queue[count]->occurred_at < due)
        ++count;
    const bool something_behind = count < queue.size();
    if (!something_behind && count < max_digest_members && now < due) {
        out.what = digest_decision::kind::wait;
        out.count = count;
        out.due = due;
        return out;
    }
    out.what = count == 1 ? digest_decision::kind::single : digest_decision::kind::fold;
    out.count = count;
    return out;
}

event make_digest(const std::vector<const event*>& members) {
    const event& last = *members.back();
    event out;
    out.type = last.type;
    out.occurred_at = last.occurred_at;
    out.cluster = last.cluster;
    out.upgrade = last.upgrade;
    out.in_maintenance_window = last.in_maintenance_window;
    std::string key = "ses-upgrade-monitor/digest/v1";
    for (const event* e : members) {
        key += "\n" + e->id;
        out.digest.push_back({e->id, e->type, e->occurred_at, e->summary, e->node});
    }
    out.id = common::to_hex(common::sha256(key));
    const auto span = last.occurred_at - members.front()->occurred_at;
    out.summary =
        last.cluster.name + ": " + count_text(members) +
        (span > span.zero()
             ? " in " + common::format_duration(std::chrono::duration_cast<duration>(span))
             : std::string()) +
        monitor::progress_suffix(last);
    return out;
}

}  // namespace sesmon::notify
