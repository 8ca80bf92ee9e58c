#include "cli/stored_eta.hpp"

#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>

#include "monitor/event_builder.hpp"
#include "monitor/tracker.hpp"
#include "state/database.hpp"
#include "state/history.hpp"
#include "state/history_reads.hpp"
#include "state/reads.hpp"

namespace sesmon::cli {
namespace {

monitor::tracker_options options_of(const sesmon::config& cfg, const cluster_config& c) {
    return {c.stall, cfg.api.time_zone_offset, cfg.eta.node_prior};
}

// Rows that do not decode are skipped silently here: the daemon reports them.
std::shared_ptr<spdlog::logger> quiet_logger() {
    return std::make_shared<spdlog::logger>("eta", std::make_shared<spdlog::sinks::null_sink_st>());
}

}  // namespace

stored_eta::stored_eta(const sesmon::config& cfg) : cfg_(cfg), quiet_(quiet_logger()) {
    try {
        owned_ = state::open_for_reading(cfg.state.directory);
        db_ = owned_.get();
    } catch (const state::schema_too_new& e) {
        problem_ = std::string("ses-upgrade-monitor: warning: ") + e.what() +
                   "; expected finish times use eta.node_prior only";
    } catch (const std::exception&) {
        // No state.db (the daemon never ran here) or not readable: the prior it is.
    }
}

stored_eta::stored_eta(const sesmon::config& cfg, state::sqlite::connection& db)
    : cfg_(cfg), db_(&db), quiet_(quiet_logger()) {}

stored_eta::~stored_eta() = default;

std::optional<wall_time> stored_eta::of_poll(const cluster_config& cluster, const snapshot& snap,
                                             wall_time now) const {
    monitor::cluster_state stored;
    monitor::node_time_medians history;
    if (db_ != nullptr) {
        try {
            // Prepared on first use and kept: `status` asks for every upgrading cluster.
            if (!clusters_)
                clusters_ = std::make_unique<state::cluster_reader>(*db_);
            if (!node_times_)
                node_times_ = std::make_unique<state::node_time_reader>(*db_);
            if (auto r = clusters_->read(cluster.instance_no, *quiet_))
                stored = std::move(r->state);
            history = node_times_->read(cluster.instance_no);
        } catch (const std::exception&) {
            // Unreadable rows: estimate without them.
        }
    }
    monitor::tracker t({cluster.name, cluster.instance_no, cluster.region},
                       options_of(cfg_, cluster), std::move(stored));
    t.set_history(std::move(history));
    t.observe(snap, now);  // events are discarded: this only looks
    return t.expected_finish(now);
}

std::optional<wall_time> stored_eta::of_stored(const std::string& instance_no,
                                               const std::string& upgrade_id, wall_time now) const {
    if (db_ == nullptr)
        return std::nullopt;
    const cluster_config* cluster = nullptr;
    for (const auto& c : cfg_.clusters) {
        if (c.instance_no == instance_no)
            cluster = &c;
    }
    const auto r = state::read_cluster(*db_, instance_no, *quiet_);
    if (!r || !r->state.upgrade)
        return std::nullopt;
    const auto info = monitor::make_upgrade_info(*r->state.upgrade, cfg_.api.time_zone_offset);
    if (state::upgrade_id(instance_no, info.action_date, info.to_version) != upgrade_id)
        return std::nullopt;
    const cluster_config fallback{.name = r->name, .instance_no = instance_no};
    const cluster_config& c = cluster ? *cluster : fallback;
    monitor::tracker t({c.name, instance_no, c.region}, options_of(cfg_, c), r->state);
    auto medians = state::read_node_time_medians(*db_, instance_no);
    if (auto it = medians.find(instance_no); it != medians.end())
        t.set_history(it->second);
    return t.expected_finish(now);
}

}  // namespace sesmon::cli
