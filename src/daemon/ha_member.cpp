#include "daemon/ha_member.hpp"

#include <spdlog/spdlog.h>

#include "state/etcd_store.hpp"
#include "state/group_codec.hpp"

namespace sesmon::daemon {

ha::etcd_client_options etcd_client_options_of(const ha_config& c) {
    ha::etcd_client_options o;
    o.endpoints = c.endpoints;
    o.tls = {c.ca_file, c.cert_file, c.key_file};
    o.username = c.username;
    o.password = c.password;
    return o;
}

namespace {

// The group's reads and writes may take longer than the election's renewals (ttl/6): a
// write of a large group; but not so long that a dead etcd holds alerts up past the TTL.
duration group_request_timeout(const ha_config& c) {
    return std::max<duration>(c.lease_ttl / 3, std::chrono::seconds(1));
}

// The client of the group, which says when it moves from one etcd endpoint to the next.
ha::etcd_client_options logging_failover(ha::etcd_client_options o,
                                         std::shared_ptr<spdlog::logger> log) {
    o.on_failover = [log = std::move(log)](const std::string& from, const std::string& to,
                                           const std::string& why) {
        log->warn("HA: etcd endpoint {} cannot serve ({}); requests go to {} now", from, why, to);
    };
    return o;
}

std::string joined(const std::string& a, const std::string& b) {
    return a.empty() ? b : b.empty() ? a : a + "; " + b;
}

}  // namespace

ha_member::ha_member(boost::asio::any_io_executor executor, const ha_config& config,
                     const sesmon::clock& clock, std::shared_ptr<spdlog::logger> logger,
                     std::unique_ptr<state::store> local)
    : config_(config),
      clock_(clock),
      log_(std::move(logger)),
      local_(std::move(local)),
      client_(executor, logging_failover(etcd_client_options_of(config), log_)),
      election_(executor, client_, clock,
                {state::group::keys{config.prefix}.leader(), config.member, config.lease_ttl},
                log_),
      mirror_(executor, client_, config.prefix, *local_, log_,
              {group_request_timeout(config), config.lease_ttl / 6, std::chrono::seconds(30)}) {}

ha_member::~ha_member() {
    stop();
}

std::unique_ptr<state::store> ha_member::make_group_store() {
    state::etcd_store_options o;
    o.prefix = config_.prefix;
    o.request_timeout = group_request_timeout(config_);
    o.compaction_retention = config_.compaction_retention;
    // Finished events stay as long as the history a lagging member's watch replays them from
    // (it reads the group again past that); an hour when etcd compacts on its own terms.
    o.finished_kept = config_.compaction_retention > duration::zero() ? config_.compaction_retention
                                                                      : std::chrono::hours(1);
    auto store = std::make_unique<state::etcd_store>(client_.executor(), client_, clock_,
                                                     std::move(o), log_);
    store->take_images_from(
        [this](std::int64_t revision) { return mirror_.image_through(revision); });
    store->take_revisions_from(
        [this](std::chrono::steady_clock::time_point at) { return mirror_.revision_at(at); });
    store->on_fenced([this](const ha::term& t) { election_.fenced_out(t); });
    store->on_etcd([this](const std::optional<ha::etcd_error>& e) { election_.note_etcd(e); });
    group_store_ = store.get();
    return store;
}

void ha_member::start(hooks h) {
    hooks_ = std::move(h);
    log_->info("HA: member {} of group {} (etcd {}, lease {} s)", config_.member, config_.prefix,
               client_.current_endpoint(),
               std::chrono::duration_cast<std::chrono::seconds>(config_.lease_ttl).count());
    mirror_.start({[this](const std::optional<ha::key_value>& kv, std::int64_t revision) {
                       election_.leader_key_changed(kv, revision);
                   },
                   [this](const state::cluster_record& c) {
                       if (hooks_.cluster_seen)
                           hooks_.cluster_seen(c);
                   },
                   [this](const std::vector<state::discovered_record>& known) {
                       if (hooks_.discovered_seen)
                           hooks_.discovered_seen(known);
                   },
                   [this](const std::optional<ha::etcd_error>& e) { election_.note_etcd(e); }});
    election_.start({[this](const ha::term& t) {
                         group_store_->begin_term(t, [this, t](state::initial_state initial) {
                             if (election_.current_term() == t && hooks_.elected)
                                 hooks_.elected(std::move(initial));
                         });
                     },
                     [this](const std::string& reason) {
                         group_store_->end_term();
                         if (hooks_.deposed)
                             hooks_.deposed(reason);
                     },
                     [this] {
                         if (hooks_.changed)
                             hooks_.changed();
                     }});
}

boost::asio::awaitable<void> ha_member::resign() {
    co_await election_.resign();
    stop();
}

// Ends every coroutine of the member (the group store's writer included) so that the
// event loop can run out.
void ha_member::stop() {
    election_.stop();
    mirror_.stop();
    // Once: the daemon calls this before it destroys the group store, and the destructor
    // again after.
    if (auto* store = std::exchange(group_store_, nullptr))
        store->end_term();
}

progress_source& ha_member::source(progress_source& inner) {
    if (!source_)
        source_ = std::make_unique<fenced_source>(inner, election_);
    return *source_;
}

cluster_list_source& ha_member::list_source(cluster_list_source& inner) {
    if (!list_source_)
        list_source_ = std::make_unique<fenced_list_source>(inner, election_);
    return *list_source_;
}

std::unique_ptr<notifier> ha_member::fence(std::unique_ptr<notifier> inner) {
    if (!inner)
        return inner;
    return std::make_unique<fenced_notifier>(std::move(inner), election_);
}

web::readiness ha_member::readiness(bool first_round_done, bool active) const {
    const auto s = election_.status();
    std::string note;
    if (const auto local = local_->health(); local.degraded)
        note = "state store degraded: " + local.reason;
    if (group_store_ != nullptr && group_store_->health().degraded)
        note = joined(note, "group store: " + group_store_->health().reason);
    if (!s.problem.empty())
        return {false, note, s.problem};
    if (group_store_ != nullptr && group_store_->health().refused)
        return {false, note, group_store_->health().reason};
    if (s.current == ha::role::standby) {
        return {true,
                joined(s.leader.empty() ? "standby, no leader yet (campaigning)"
                                        : "standby, member " + s.leader + " leads",
                       note),
                ""};
    }
    if (!active)
        return {false, note, "taking over: reading the group's state from etcd"};
    return {first_round_done, joined("leader", note), ""};
}

std::string ha_member::status_line() const {
    const auto s = election_.status();
    if (!s.problem.empty())
        return s.problem;
    if (s.current == ha::role::leader)
        return "leader";
    return s.leader.empty() ? "standby (no leader)" : "standby (leader " + s.leader + ")";
}

web::ha_view ha_member::view() const {
    const auto s = election_.status();
    return {config_.prefix, config_.member, std::string(ha::to_string(s.current)), s.leader,
            s.problem};
}

}  // namespace sesmon::daemon
