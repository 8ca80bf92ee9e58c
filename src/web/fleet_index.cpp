#include "web/fleet_index.hpp"

#include <algorithm>

namespace sesmon::web {

namespace {

// Equal but for the ETA, which only moves with a change of something else.
bool same_but_eta(const fleet_row& a, const fleet_row& b) {
    return a.name == b.name && a.instance_no == b.instance_no && a.labels == b.labels &&
           a.facts.failed == b.facts.failed && a.facts.stalled == b.facts.stalled &&
           a.facts.blind == b.facts.blind && a.facts.upgrading == b.facts.upgrading &&
           a.facts.finished_at == b.facts.finished_at && a.since == b.since;
}

void add(std::size_t& n, int delta) {
    if (delta > 0)
        ++n;
    else
        --n;
}

}  // namespace

fleet_index::fleet_index(std::uint64_t first_revision) : revision_(first_revision) {}

const fleet_index::entry* fleet_index::find(std::string_view name) const {
    const auto it = by_name_.find(std::string(name));
    return it == by_name_.end() ? nullptr : &entries_[it->second];
}

void fleet_index::count(const entry& e, int delta) {
    const auto s = static_cast<std::size_t>(e.state);
    add(counts_[s], delta);
    for (const auto& [key, value] : e.row.labels) {
        auto& values = label_counts_[key];
        auto& c = values[value];
        add(c[s], delta);
        if (delta < 0 && std::all_of(c.begin(), c.end(), [](std::size_t n) { return n == 0; })) {
            values.erase(value);  // relabelled clusters leave no empty values behind
            if (values.empty())
                label_counts_.erase(key);
        }
    }
    if (e.state == fleet_state::finished && e.row.facts.finished_at) {
        const std::pair<wall_time, std::string> due{*e.row.facts.finished_at + finished_window,
                                                    e.row.name};
        if (delta > 0)
            finished_until_.insert(due);
        else
            finished_until_.erase(due);
    }
}

void fleet_index::bump() {
    ++revision_;
    if (on_change_)
        on_change_();
}

bool fleet_index::update(fleet_row row, bool changed, wall_time now) {
    const fleet_state next = state_of(row.facts, now);
    const auto it = by_name_.find(row.name);
    if (it == by_name_.end()) {
        by_name_.emplace(row.name, entries_.size());
        entries_.push_back({std::move(row), next, revision_ + 1});
        count(entries_.back(), +1);
        bump();
        return true;
    }
    entry& e = entries_[it->second];
    if (!changed && e.state == next && same_but_eta(e.row, row))
        return false;
    count(e, -1);
    e.row = std::move(row);
    e.state = next;
    e.revision = revision_ + 1;
    count(e, +1);
    bump();
    return true;
}

void fleet_index::remove(std::string_view name) {
    const auto it = by_name_.find(std::string(name));
    if (it == by_name_.end())
        return;
    const std::size_t index = it->second;
    count(entries_[index], -1);
    by_name_.erase(it);
    if (index + 1 != entries_.size()) {
        entries_[index] = std::move(entries_.back());
        by_name_[entries_[index].row.name] = index;
    }
    entries_.pop_back();
    bump();
}

void fleet_index::expire(wall_time now) {
    bool any = false;
    while (!finished_until_.empty() && finished_until_.begin()->first <= now) {
        const auto it = by_name_.find(finished_until_.begin()->second);
        if (it == by_name_.end()) {  // cannot happen: removal erases its entry here too
            finished_until_.erase(finished_until_.begin());
            continue;
        }
        entry& e = entries_[it->second];
        count(e, -1);  // erases it from finished_until_
        e.state = fleet_state::idle;
        e.revision = revision_ + 1;
        count(e, +1);
        any = true;
    }
    if (any)
        bump();
}

}  // namespace sesmon::web
