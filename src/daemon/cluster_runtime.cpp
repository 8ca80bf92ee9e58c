#include "daemon/cluster_runtime.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "notify/dispatcher.hpp"
#include "silence/planned.hpp"
#include "state/records.hpp"
#include "state/store.hpp"
#include "web/fleet_index.hpp"
#include "web/metrics.hpp"

namespace sesmon::daemon {

namespace {

double seconds(duration d) {
    return std::chrono::duration<double>(d).count();
}

}  // namespace

cluster_runtime::cluster_runtime(cluster_config cluster, runtime_deps deps,
                                 monitor::cluster_state restored, monitor::watcher_options watching,
                                 std::optional<silence::silence_record> silence)
    : tracked_cluster(std::move(cluster), deps.tracking, std::move(restored)),
      deps_(std::move(deps)),
      metrics_(deps_.metrics->cluster(cluster_.name)),
      watcher_(std::make_shared<monitor::cluster_watcher>(
          deps_.executor, *deps_.source, *deps_.limiter, *deps_.clock, *deps_.rng, *this,
          deps_.logger, std::move(watching))),
      deadline_timer_(deps_.executor),
      silence_(std::move(silence)) {
    if (silence_)  // it came from the store: durable
        silence_durable_ =
            desire_key{silence_->upgrade_id, silence_->generation, silence_->version};
    publish(true);
}

cluster_runtime::~cluster_runtime() {
    set_silence_manager(nullptr);
    if (opensearch_)
        opensearch_->stop();
}

void cluster_runtime::start(std::function<void()> on_exit, silence::manager* silences) {
    started_ = true;
    publish(false);
    arm_deadline();
    set_silence_manager(silences);
    watcher_->start(std::move(on_exit));
    start_watch();
}

void cluster_runtime::stop() {
    stopped_ = true;
    armed_for_.reset();
    deadline_timer_.cancel();
    set_silence_manager(nullptr);
    watcher_->stop();
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

void cluster_runtime::start_watch() {
    make_watch();
    if (opensearch_ && !stopped_) {
        opensearch_->start();
        steer_watch(false);
    }
}

void cluster_runtime::on_cluster_view(const cluster_view_state& state) {
    if (stopped_)
        return;
    tracker_.set_cluster_view(state);
    const auto before = flags();
    std::vector<event> events;
    if (state.reading)
        events = tracker_.observe_cluster(*state.reading, options_.decision_clock->now());
    shown_changed_ = true;  // what the view shows changed
    settle(std::move(events), before);
}

void cluster_runtime::steer_watch(bool read_now) {
    if (!opensearch_ || stopped_)
        return;
    opensearch_->set_active(tracker_.upgrade_in_progress() || tracker_.cluster_red_open());
    if (read_now)
        opensearch_->read_now();
}

void cluster_runtime::set_silence_manager(silence::manager* silences) {
    if (silences_ != nullptr)
        silences_->detach(cluster_.instance_no);
    silences_ = stopped_ ? nullptr : silences;
    if (silences_ != nullptr)
        silences_->attach(cluster_.instance_no, *this);
}

silence::upgrade_facts cluster_runtime::upgrade_facts() const {
    silence::upgrade_facts f;
    const auto& st = tracker_.state();
    if (!st.upgrade)
        return f;
    const auto& u = *st.upgrade;
    f.upgrade_id = history_id();
    f.in_progress = u.phase == monitor::upgrade_phase::in_progress;
    f.stalled = u.stall.open;
    f.ended_by =
        u.phase == monitor::upgrade_phase::finished ? "upgrade_finished" : "upgrade_vanished";
    f.from_version = u.from_version;
    f.to_version = u.to_version;
    f.nodes_complete = u.nodes_complete;
    for (const auto& n : u.nodes) {
        if (!n.listed)
            continue;
        f.nodes.push_back(n.hostname);
        const auto phase = classify_status(n.status);
        if (phase != node_phase::complete)
            f.remaining.push_back(n.hostname);
        f.failed = f.failed || phase == node_phase::failed;
    }
    f.nodes_total = std::max<int>(u.node_count, static_cast<int>(f.nodes.size()));
    if (f.in_progress)
        f.expected_finish = expected_finish();
    return f;
}

bool cluster_runtime::plan_silence() {
    silence::plan_context context;
    if (deps_.alertmanager != nullptr && deps_.alertmanager->has_value())
        context.alertmanager = &**deps_.alertmanager;
    context.cluster = {cluster_.name, cluster_.instance_no, cluster_.region, cluster_.labels, {}};
    context.now = deps_.clock->wall_now();
    auto planned = silence::plan(silence_, upgrade_facts(), context);
    if (planned.note != silence_note_) {
        if (!planned.note.empty())
            deps_.logger->warn("cluster {}: {}", cluster_.name, planned.note);
        silence_note_ = planned.note;
    }
    if (planned.record == silence_)
        return false;
    silence_ = std::move(planned.record);
    return true;
}

std::optional<silence::silence_record> cluster_runtime::silence_to_act_on() const {
    if (!silence_ || silence_->synced() || !silence_durable_ ||
        !(*silence_durable_ ==
          desire_key{silence_->upgrade_id, silence_->generation, silence_->version}))
        return std::nullopt;
    return silence_;
}

void cluster_runtime::silence_acted(const silence::step_result& result) {
    if (!silence_ || silence_->upgrade_id != result.upgrade_id ||
        silence_->generation != result.generation) {
        return;  // a record replaced meanwhile (only after the old one was settled)
    }
    silence_->silence_id = result.silence_id;
    if (result.applied_ends_at != wall_time{})
        silence_->applied_ends_at = result.applied_ends_at;
    silence_->applied = result.version;
    if (result.expired_outside) {
        // Someone wanted this upgrade's alerts back: no further silence for it.
        silence_->active = false;
        silence_->final = true;
        silence_->ended_by = "expired in Alertmanager";
        ++silence_->version;
        silence_->applied = silence_->version;
    }
    plan_silence();  // the next silence may wait for this one's end
    commit({});
}

void cluster_runtime::silence_committed(const std::string& upgrade_id, std::uint32_t generation,
                                        std::uint64_t version) {
    silence_durable_ = desire_key{upgrade_id, generation, version};
    if (silences_ != nullptr)
        silences_->wake(cluster_.instance_no);
}

void cluster_runtime::arm_deadline() {
    const auto next = stopped_ ? std::nullopt : tracker_.next_deadline();
    if (next == armed_for_)
        return;
    armed_for_ = next;
    deadline_timer_.cancel();
    if (!next)
        return;
    deadline_timer_.expires_at(options_.decision_clock->steady_at(*next));
    deadline_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec && !stopped_)  // stopped: the wait may have completed before the cancel
            on_deadline();
    });
}

void cluster_runtime::on_deadline() {
    armed_for_.reset();
    const auto before = flags();
    settle(tracker_.tick(options_.decision_clock->now()), before);
}

bool cluster_runtime::on_success(const snapshot& s, duration elapsed) {
    const auto before = flags();
    auto result = tracker_.observe(s, options_.decision_clock->now());
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
    shown_changed_ = !last_error_.empty();
    last_error_.clear();
    after_poll(std::move(result.events), before, "ok", elapsed);
    return result.upgrade_in_progress;
}

void cluster_runtime::on_failure(const api_error& error, duration elapsed) {
    const auto before = flags();
    auto events = tracker_.poll_failed(error, options_.decision_clock->now());
    shown_changed_ = last_error_ != error.message;
    last_error_ = error.message;
    after_poll(std::move(events), before, to_string(error.kind), elapsed);
}

void cluster_runtime::on_poll_started(duration lateness) {
    deps_.metrics->record_poll_lateness(seconds(lateness));
}

void cluster_runtime::after_poll(std::vector<event> events, const cluster_flags& before,
                                 std::string_view result, duration elapsed) {
    last_poll_at_ = deps_.clock->wall_now();
    shown_changed_ = shown_changed_ || last_poll_result_ != result;
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
    if (!events.empty() && deps_.maintenance != nullptr && tracker_.state().upgrade)
        silence::mark_maintenance(events, *deps_.maintenance, tracker_.state().upgrade->identity);
    const bool silence_changed = plan_silence();
    // A view at most one interval old for the stall alert's successors, and from the start.
    const bool read_now = std::any_of(events.begin(), events.end(), [](const event& e) {
        return e.type == event_type::upgrade_started || e.type == event_type::upgrade_stalled;
    });
    const bool changed = !events.empty() || tracker_.changed_since_save() || shown_changed_;
    shown_changed_ = false;
    if (!events.empty() || tracker_.changed_since_save() || silence_changed) {
        commit(std::move(events));
        tracker_.mark_saved();
    }
    const auto after = flags();
    if (after != before && deps_.flags_changed)
        deps_.flags_changed(before, after);
    publish(changed);
    arm_deadline();
    steer_watch(read_now);
}

void cluster_runtime::publish(bool changed) {
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
    if (deps_.fleet)
        deps_.fleet->update(fleet_row(), changed, deps_.clock->wall_now());
}

void cluster_runtime::commit(std::vector<event> events) {
    state::batch b;
    b.clusters.push_back(
        {cluster_.instance_no, cluster_.name, tracker_.state(), history_id(), silence_});
    // The silence's desire is acted on only once durable (or, degraded, from memory).
    std::function<void()> silence_done;
    if (silence_ && !silence_->synced() &&
        !(silence_durable_ ==
          desire_key{silence_->upgrade_id, silence_->generation, silence_->version})) {
        silence_done =
            [weak = std::weak_ptr<cluster_runtime*>(self_),
             key = desire_key{silence_->upgrade_id, silence_->generation, silence_->version}] {
                if (const auto self = weak.lock())
                    (*self)->silence_committed(key.upgrade_id, key.generation, key.version);
            };
    }
    if (events.empty()) {
        deps_.store->commit(std::move(b), silence_done
                                              ? [silence_done](std::error_code) { silence_done(); }
                                              : state::store::commit_handler{});
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
         history_grew = deps_.history_grew, routed = std::move(routed),
         silence_done = std::move(silence_done)](std::error_code ec) {
            for (const state::routed_event& r : routed) {
                dispatcher->enqueue(r.event, r.notifiers);
                metrics->record_event(to_string(r.event.type));
                logger->debug("cluster {}: emitted {} id={}{}", name, to_string(r.event.type),
                              r.event.id, ec ? " (not on disk: " + ec.message() + ")" : "");
            }
            if (finished && !ec && history_grew)
                history_grew(instance_no);
            if (silence_done)
                silence_done();
        });
}

void cluster_runtime::reconfigure(const cluster_config& cluster, std::chrono::seconds zone_offset,
                                  duration eta_node_prior) {
    const bool view_changed = cluster.opensearch != cluster_.opensearch;
    tracked_cluster::reconfigure(cluster, zone_offset, eta_node_prior);
    if (view_changed && started_)
        start_watch();
    publish(true);   // labels, and the name events carry
    arm_deadline();  // new timeouts move the deadlines
    watcher_->update(cluster_.polling);
}

web::cluster_view cluster_runtime::view(wall_time now) const {
    web::cluster_view v = tracked_cluster::view(now);
    v.last_poll_at = last_poll_at_;
    if (last_success_at_)
        v.last_success_at = last_success_at_;
    v.last_poll_result = last_poll_result_;
    v.last_error = last_error_;
    if (const auto& os = tracker_.cluster_view()) {
        v.opensearch = web::make_opensearch_view(*os);
        web::node_versions(v.nodes, *os);
    }
    return v;
}

}  // namespace sesmon::daemon
