#include "notify/digest.hpp"

#include <algorithm>
#include <map>

#include "common/crypto.hpp"
#include "notify/catalogue.hpp"

namespace sesmon::notify {
namespace {

// "6 node changes in 4m (2140 → 2150, 5/8 nodes done)", in the notifier's language.
std::string digest_summary(const std::vector<const event*>& members, const text_options& options) {
    const catalogue& c = catalogue_for(options.language);
    std::map<event_type, std::size_t> by_type;
    for (const event* e : members)
        ++by_type[e->type];
    const auto counted = [&c](event_type t, std::size_t n) {
        return c.counted(t, n, c.titles[static_cast<int>(t)]);
    };
    std::string what;
    if (by_type.size() == 1) {
        what = counted(by_type.begin()->first, members.size());
    } else {
        std::string items;
        for (const auto& [t, n] : by_type)
            items += (items.empty() ? "" : ", ") + counted(t, n);
        what = fill(c.digest_kinds, {{"count", std::to_string(members.size())}, {"items", items}});
    }
    const event& last = *members.back();
    const auto span =
        std::chrono::duration_cast<duration>(last.occurred_at - members.front()->occurred_at);
    return fill(span > span.zero() ? c.digest_in : c.digest,
                {{"cluster", last.cluster.name},
                 {"what", what},
                 {"for", span > span.zero() ? c.duration_text(span) : std::string()},
                 {"progress", progress_text(c, last)}});
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

event make_digest(const std::vector<const event*>& members, const text_options& options) {
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
        out.digest.push_back(
            {e->id, e->type, e->occurred_at, localized_summary(*e, options), e->node});
    }
    out.id = common::to_hex(common::sha256(key));
    out.summary = digest_summary(members, options);
    return out;
}

}  // namespace sesmon::notify
