#include "daemon/cluster_runtime.hpp"

#include <spdlog/spdlog.h>

#include "common/time_format.hpp"
#include "notify/dispatcher.hpp"
#include "state/store.hpp"
#include "web/metrics.hpp"

namespace sesmon::daemon {

namespace {

cluster_ref ref_of(const cluster_config& c) {
    return {c.name, c.instance_no, c.region};
}

monitor::tracker_options tracker_options_of(const cluster_config& c,
                                            std::chrono::seconds zone_offset) {
    return {c.stall, zone_offset};
}

double seconds(duration d) {
    return std::chrono::duration<double>(d).count();
}

long long seconds_since(wall_time since, wall_time now) {
    return since > now ? 0 : (now - since).count();
}

}  // namespace

cluster_runtime::cluster_runtime(cluster_config cluster, runtime_deps deps)
    : cluster_(std::move(cluster)),
      deps_(std::move(deps)),
      tracker_(ref_of(cluster_), tracker_options_of(cluster_, deps_.zone_offset),
               deps_.store->load(cluster_.instance_no)),
      metrics_(deps_.metrics->cluster(cluster_.name)) {}

cluster_flags cluster_runtime::flags() const {
    const auto& st = tracker_.state();
    return {tracker_.upgrade_in_progress(), st.upgrade && st.upgrade->stall.open, st.blind.open};
}

bool cluster_runtime::on_success(const snapshot& s, duration elapsed) {
    const auto before = flags();
    const auto now = deps_.clock->wall_now();
    auto result = tracker_.observe(s, now);
    for (const auto& status : result.new_unknown_statuses) {
        deps_.logger->warn("cluster {}: unknown node status \"{}\" (treated as unknown)",
                           cluster_.name, status);
    }
    for (const auto& host : result.nodes_appeared) {
        deps_.logger->info("cluster {}: node {} joined the upgrade's node list", cluster_.name,
                           host);
    }
    for (const auto& host : result.nodes_disappeared) {
        deps_.logger->info("cluster {}: node {} left the upgrade's node list", cluster_.name, host);
    }
    last_success_at_ = now;
    last_error_.clear();
    after_poll(std::move(result.events), before, "ok", elapsed);
    return result.upgrade_in_progress;
}

void cluster_runtime::on_failure(const api_error& error, duration elapsed) {
    const auto before = flags();
    auto events = tracker_.poll_failed(error, deps_.clock->wall_now());
    last_error_ = error.message;
    after_poll(std::move(events), before, to_string(error.kind), elapsed);
}

void cluster_runtime::on_poll_started(duration lateness) {
    deps_.metrics->record_poll_lateness(seconds(lateness));
}

void cluster_runtime::after_poll(std::vector<event> events, const cluster_flags& before,
                                 std::string_view result, duration elapsed) {
    last_poll_at_ = deps_.clock->wall_now();
    last_poll_result_ = std::string(result);
    deps_.metrics->record_poll(metrics_, result, seconds(elapsed));

    // Events and the state that records them must both survive a crash, or neither
    // (handoff.hpp). Without events, changes are only marked and written by the 1 s flush.
    if (!events.empty()) {
        const bool handed = deps_.handoff->write(cluster_.instance_no, events);
        deps_.store->discard(cluster_.instance_no);  // an older pending write must not follow
        if (!deps_.store->save(cluster_.instance_no, tracker_.state())) {
            deps_.store->mark_dirty(cluster_.instance_no, tracker_.state());  // retried by flush
        }
        tracker_.mark_saved();
        submit(events);
        if (handed)
            deps_.handoff->clear(cluster_.instance_no);
    } else if (tracker_.changed_since_save()) {
        deps_.store->mark_dirty(cluster_.instance_no, tracker_.state());
        tracker_.mark_saved();
    }
    const auto after = flags();
    if (after != before && deps_.flags_changed)
        deps_.flags_changed(before, after);
    if (!attempted_) {
        attempted_ = true;
        if (deps_.first_attempt)
            deps_.first_attempt();
    }
}

void cluster_runtime::submit(const std::vector<event>& events) {
    for (const auto& e : events) {
        deps_.dispatcher->submit(e, cluster_.notify);
        // After submit: an event counts as emitted once it is in the outbox.
        deps_.metrics->record_event(to_string(e.type));
        deps_.logger->debug("cluster {}: emitted {} id={}", cluster_.name, to_string(e.type), e.id);
    }
}

void cluster_runtime::resume_handoff() {
    for (const auto& e : deps_.handoff->take(cluster_.instance_no, tracker_.state())) {
        std::vector<std::string> missing;
        for (const auto& name : cluster_.notify) {
            if (!deps_.handoff->in_outbox(name, e.id))
                missing.push_back(name);
        }
        if (missing.empty())
            continue;
        deps_.logger->info("cluster {}: handing over {} cut off by a crash", cluster_.name,
                           to_string(e.type));
        deps_.dispatcher->submit(e, missing);
        deps_.metrics->record_event(to_string(e.type));
        deps_.logger->debug("cluster {}: emitted {} id={}", cluster_.name, to_string(e.type), e.id);
    }
}

void cluster_runtime::reconfigure(const cluster_config& cluster, std::chrono::seconds zone_offset) {
    cluster_ = cluster;
    tracker_.set_options(tracker_options_of(cluster_, zone_offset));
    tracker_.set_cluster(ref_of(cluster_));
    if (watcher_)
        watcher_->update(cluster_.polling);
}

web::cluster_view cluster_runtime::view(wall_time now) const {
    web::cluster_view v;
    v.name = cluster_.name;
    v.instance_no = cluster_.instance_no;
    v.region = cluster_.region;
    const auto& st = tracker_.state();
    v.upgrade_in_progress = tracker_.upgrade_in_progress();
    if (st.upgrade) {
        const auto& u = *st.upgrade;
        v.from_version = u.from_version;
        v.to_version = u.to_version;
        const auto parsed = common::parse_api_date(u.identity.action_date, deps_.zone_offset);
        v.action_date =
            parsed ? common::format_rfc3339(*parsed, deps_.zone_offset) : u.identity.action_date;
        v.started_at = u.started_at;
        v.finished_at = u.finished_at;
        v.nodes_total = u.node_count;
        v.nodes_complete = u.nodes_complete;
        for (const auto& n : u.nodes) {
            if (!n.listed)
                continue;
            web::node_view nv;
            nv.hostname = n.hostname;
            nv.role = n.role;
            nv.status = n.status;
            const auto phase = classify_status(n.status);
            nv.phase = std::string(to_string(phase));
            nv.status_since = n.since;
            nv.seconds_in_status = seconds_since(n.since, now);
            if (phase == node_phase::failed)
                v.failed = true;
            v.nodes.push_back(std::move(nv));
        }
        if (u.stall.open) {
            v.stalled = true;
            v.stall_reason = u.stall.reason;
            v.stalled_for_seconds = seconds_since(u.stall.since, now);
        }
    }
    v.blind = st.blind.open;
    v.last_poll_at = last_poll_at_;
    v.last_success_at = last_success_at_ ? last_success_at_ : st.blind.last_success;
    v.last_poll_result = last_poll_result_;
    v.last_error = last_error_;
    return v;
}

}  // namespace sesmon::daemon
