#include "daemon/cluster_runtime.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/time_format.hpp"
#include "monitor/event_builder.hpp"
#include "notify/dispatcher.hpp"
#include "state/history.hpp"
#include "state/records.hpp"
#include "state/store.hpp"
#include "web/metrics.hpp"

namespace sesmon::daemon {

namespace {

cluster_ref ref_of(const cluster_config& c) {
    return {c.name, c.instance_no, c.region};
}

monitor::tracker_options tracker_options_of(const cluster_config& c,
                                            std::chrono::seconds zone_offset,
                                            duration eta_node_prior) {
    return {c.stall, zone_offset, eta_node_prior};
}

double seconds(duration d) {
    return std::chrono::duration<double>(d).count();
}

long long seconds_since(wall_time since, wall_time now) {
    return since > now ? 0 : (now - since).count();
}

}  // namespace

cluster_runtime::cluster_runtime(cluster_config cluster, runtime_deps deps,
                                 monitor::cluster_state restored)
    : cluster_(std::move(cluster)),
      deps_(std::move(deps)),
      tracker_(ref_of(cluster_),
               tracker_options_of(cluster_, deps_.zone_offset, deps_.eta_node_prior),
               std::move(restored)),
      metrics_(deps_.metrics->cluster(cluster_.name)),
      deadline_timer_(deps_.executor) {}

cluster_runtime::~cluster_runtime() {
    if (opensearch_)
        opensearch_->stop();
}

void cluster_runtime::make_watch() {
    if (opensearch_) {
        opensearch_->stop();
        opensearch_.reset();
    }
    if (!cluster_.opensearch || !deps_.make_opensearch_watch) {
        tracker_.set_cluster_view(std::nullopt);
        return;
    }
    tracker_.set_cluster_view(cluster_view_state{});
    try {
        opensearch_ = deps_.make_opensearch_watch(
            cluster_, [this](const cluster_view_state& state) { on_cluster_view(state); });
    } catch (const std::exception& e) {
        deps_.logger->error("cluster {}: the OpenSearch view cannot start: {}", cluster_.name,
                            e.what());
        tracker_.set_cluster_view(cluster_view_state{std::nullopt, e.what()});
    }
}

void cluster_runtime::start() {
    started_ = true;
    publish_gauges();
    arm_deadline();
    start_watch();
}

void cluster_runtime::start_watch() {
    make_watch();
    if (opensearch_ && !stopped_) {
        opensearch_->start();
        steer_watch(false);
    }
}

void cluster_runtime::stop() {
    stopped_ = true;
    armed_for_.reset();
    deadline_timer_.cancel();
    if (opensearch_)
        opensearch_->stop();
}

void cluster_runtime::on_cluster_view(const cluster_view_state& state) {
    if (stopped_)
        return;
    tracker_.set_cluster_view(state);
    const auto before = flags();
    std::vector<event> events;
    if (state.reading)
        events = tracker_.observe_cluster(*state.reading, deps_.decision_clock->now());
    settle(std::move(events), before);
}

void cluster_runtime::steer_watch(bool read_now) {
    if (!opensearch_ || stopped_)
        return;
    opensearch_->set_active(tracker_.upgrade_in_progress() || tracker_.cluster_red_open());
    if (read_now)
        opensearch_->read_now();
}

void cluster_runtime::arm_deadline() {
    const auto next = stopped_ ? std::nullopt : tracker_.next_deadline();
    if (next == armed_for_)
        return;
    armed_for_ = next;
    deadline_timer_.cancel();
    if (!next)
        return;
    deadline_timer_.expires_at(deps_.decision_clock->steady_at(*next));
    deadline_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec && !stopped_)  // stopped: the wait may have completed before the cancel
            on_deadline();
    });
}

void cluster_runtime::on_deadline() {
    armed_for_.reset();
    const auto before = flags();
    settle(tracker_.tick(deps_.decision_clock->now()), before);
}

cluster_flags cluster_runtime::flags() const {
    const auto& st = tracker_.state();
    return {tracker_.upgrade_in_progress(), st.upgrade && st.upgrade->stall.open, st.blind.open};
}

bool cluster_runtime::on_success(const snapshot& s, duration elapsed) {
    const auto before = flags();
    auto result = tracker_.observe(s, deps_.decision_clock->now());
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
    last_success_at_ = deps_.clock->wall_now();
    last_error_.clear();
    after_poll(std::move(result.events), before, "ok", elapsed);
    return result.upgrade_in_progress;
}

void cluster_runtime::on_failure(const api_error& error, duration elapsed) {
    const auto before = flags();
    auto events = tracker_.poll_failed(error, deps_.decision_clock->now());
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
    settle(std::move(events), before);
    if (!attempted_) {
        attempted_ = true;
        if (deps_.first_attempt)
            deps_.first_attempt();
    }
}

void cluster_runtime::settle(std::vector<event> events, const cluster_flags& before) {
    // A view at most one interval old for the stall alert's successors, and from the start.
    const bool read_now = std::any_of(events.begin(), events.end(), [](const event& e) {
        return e.type == event_type::upgrade_started || e.type == event_type::upgrade_stalled;
    });
    if (!events.empty() || tracker_.changed_since_save()) {
        commit(std::move(events));
        tracker_.mark_saved();
    }
    const auto after = flags();
    if (after != before && deps_.flags_changed)
        deps_.flags_changed(before, after);
    publish_gauges();
    arm_deadline();
    steer_watch(read_now);
}

const std::string& cluster_runtime::history_id() const {
    const auto& upgrade = tracker_.state().upgrade;
    if (!upgrade) {
        history_id_.clear();
        history_id_of_.reset();
    } else if (history_id_of_ != upgrade->identity) {
        // The id events carry: their action_date is formatted at the API's zone offset.
        const auto info = monitor::make_upgrade_info(*upgrade, deps_.zone_offset);
        history_id_ = state::upgrade_id(cluster_.instance_no, info.action_date, info.to_version);
        history_id_of_ = upgrade->identity;
    }
    return history_id_;
}

std::optional<wall_time> cluster_runtime::expected_finish() const {
    return tracker_.expected_finish(deps_.decision_clock->now());
}

void cluster_runtime::publish_gauges() {
    const auto& st = tracker_.state();
    web::metrics::cluster_gauges g;
    g.upgrade_in_progress = tracker_.upgrade_in_progress();
    g.stalled = st.upgrade && st.upgrade->stall.open;
    if (st.upgrade) {
        for (const auto& n : st.upgrade->nodes) {
            if (n.listed)
                ++g.nodes[static_cast<std::size_t>(classify_status(n.status))];
        }
    }
    g.last_success = last_success_at_ ? last_success_at_ : st.blind.last_success;
    deps_.metrics->set_cluster(metrics_, g);
}

void cluster_runtime::commit(std::vector<event> events) {
    state::batch b;
    b.clusters.push_back({cluster_.instance_no, cluster_.name, tracker_.state(), history_id()});
    if (events.empty()) {
        deps_.store->commit(std::move(b), {});
        return;
    }
    const bool finished = std::any_of(events.begin(), events.end(), [](const event& e) {
        return e.type == event_type::upgrade_finished;
    });
    std::vector<state::routed_event> routed;
    routed.reserve(events.size());
    for (event& e : events) {
        auto notifiers = deps_.dispatcher->route(e, cluster_.notify);
        routed.push_back({std::move(e), std::move(notifiers)});
    }
    b.events = routed;
    // Runs on the loop once the state and the events are durable together — or the store
    // is degraded, and the events go out from memory (it keeps retrying the write).
    deps_.store->commit(
        std::move(b),
        [dispatcher = deps_.dispatcher, metrics = deps_.metrics, logger = deps_.logger,
         name = cluster_.name, instance_no = cluster_.instance_no, finished,
         history_grew = deps_.history_grew, routed = std::move(routed)](std::error_code ec) {
            for (const state::routed_event& r : routed) {
                dispatcher->enqueue(r.event, r.notifiers);
                metrics->record_event(to_string(r.event.type));
                logger->debug("cluster {}: emitted {} id={}{}", name, to_string(r.event.type),
                              r.event.id, ec ? " (not on disk: " + ec.message() + ")" : "");
            }
            if (finished && !ec && history_grew)
                history_grew(instance_no);
        });
}

void cluster_runtime::reconfigure(const cluster_config& cluster, std::chrono::seconds zone_offset,
                                  duration eta_node_prior) {
    const bool view_changed = cluster.opensearch != cluster_.opensearch;
    cluster_ = cluster;
    if (view_changed && started_)
        start_watch();  // a view (an HA standby's) that was never started stays so
    deps_.zone_offset = zone_offset;
    deps_.eta_node_prior = eta_node_prior;
    history_id_of_.reset();
    tracker_.set_options(tracker_options_of(cluster_, zone_offset, eta_node_prior));
    tracker_.set_cluster(ref_of(cluster_));
    arm_deadline();  // new timeouts move the deadlines
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
        v.upgrade_id = history_id();
        v.expected_finish = expected_finish();
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
    if (const auto& os = tracker_.cluster_view()) {
        v.opensearch = web::make_opensearch_view(*os);
        web::node_versions(v.nodes, *os);
    }
    return v;
}

}  // namespace sesmon::daemon
