#include "state/group_mirror.hpp"

#include <spdlog/spdlog.h>

namespace sesmon::state {

group_mirror::group_mirror(boost::asio::any_io_executor executor, ha::etcd_client& client,
                           std::string prefix, store& local, std::shared_ptr<spdlog::logger> logger,
                           ha::prefix_watch_options options)
    : keys_{prefix},
      local_(local),
      log_(logger),
      watch_(std::move(executor), client, prefix + "/", options, std::move(logger)) {}

void group_mirror::start(hooks h) {
    hooks_ = std::move(h);
    watch_.start({[this](const std::vector<ha::key_value>& all, std::int64_t revision) {
                      snapshot(all, revision);
                  },
                  [this](const ha::watch_event& e) { changed(e); },
                  [this](const std::optional<ha::etcd_error>& e) {
                      if (hooks_.note)
                          hooks_.note(e);
                  }});
}

void group_mirror::stop() {
    watch_.stop();
}

void group_mirror::snapshot(const std::vector<ha::key_value>& all, std::int64_t revision) {
    std::optional<ha::key_value> leader;
    for (const ha::key_value& kv : all) {
        if (keys_.parse(kv.key).what == group::keys::parsed::kind::leader) {
            leader = kv;
        } else {
            apply(kv);
        }
    }
    if (hooks_.leader_key)
        hooks_.leader_key(leader, revision);
}

void group_mirror::changed(const ha::watch_event& e) {
    const auto parsed = keys_.parse(e.kv.key);
    if (parsed.what == group::keys::parsed::kind::leader) {
        if (hooks_.leader_key)
            hooks_.leader_key(
                e.type == ha::watch_event::kind::put ? std::optional(e.kv) : std::nullopt,
                e.kv.mod_revision);
        return;
    }
    // A deleted event is a finished one the leader pruned; a deleted cluster state is an
    // operator's doing. Neither changes the local history.
    if (e.type == ha::watch_event::kind::put)
        apply(e.kv);
}

void group_mirror::apply(const ha::key_value& kv) {
    const auto parsed = keys_.parse(kv.key);
    std::string error;
    switch (parsed.what) {
        case group::keys::parsed::kind::cluster: {
            auto c = group::decode_cluster(parsed.instance_no, kv.value, error);
            if (!c) {
                log_->warn("HA: the group's state of instance {} does not read ({}); not mirrored",
                           parsed.instance_no, error);
                return;
            }
            batch b;
            b.clusters.push_back(*c);
            local_.commit(std::move(b), {});
            clusters_[c->instance_no] = *c;
            if (hooks_.cluster)
                hooks_.cluster(*c);
            return;
        }
        case group::keys::parsed::kind::event: {
            auto e = group::decode_event(parsed.seq, kv.value, error);
            if (!e) {
                log_->warn("HA: the group's event {} does not read ({}); not mirrored", kv.key,
                           error);
                return;
            }
            ++events_seen_;
            batch b;
            routed_event r{e->event, {}};
            for (const group::delivery& d : e->deliveries)
                r.notifiers.push_back(d.notifier);
            b.events.push_back(std::move(r));
            local_.commit(std::move(b), {});
            for (const group::delivery& d : e->deliveries) {
                if (d.status != delivery_status::pending || d.attempts > 0)
                    local_.record({d.notifier, e->event.id, d.status, d.attempts, d.next_attempt,
                                   d.last_error, d.updated_at});
            }
            return;
        }
        default:
            return;
    }
}

}  // namespace sesmon::state
