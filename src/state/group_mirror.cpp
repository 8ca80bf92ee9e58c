#include "state/group_mirror.hpp"

#include <spdlog/spdlog.h>

namespace sesmon::state {

using kind = group::keys::parsed::kind;

namespace {

// Revisions applied are sampled this often, and kept this many (a week: the longest
// compaction_retention).
constexpr auto sample_every = std::chrono::seconds(10);
constexpr std::size_t max_samples = 7 * 24 * 360;

}  // namespace

group_mirror::group_mirror(boost::asio::any_io_executor executor, ha::etcd_client& client,
                           std::string prefix, store& local, std::shared_ptr<spdlog::logger> logger,
                           ha::prefix_watch_options options)
    : keys_{prefix},
      local_(local),
      log_(logger),
      watch_(std::move(executor), client, prefix + "/", options, std::move(logger)),
      image_(prefix) {}

void group_mirror::start(hooks h) {
    hooks_ = std::move(h);
    ha::prefix_watch_handler w;
    w.snapshot_begin = [this] { begin_snapshot(); };
    w.snapshot_page = [this](std::vector<ha::key_value>& page) {
        for (const ha::key_value& kv : page)
            apply(*reading_, kv);
    };
    w.snapshot_end = [this](std::int64_t revision) { snapshot_end(revision); };
    w.changed = [this](const ha::watch_event& e) { changed(e); };
    w.progress = [this](std::int64_t revision) { flush(revision); };
    w.note = [this](const std::optional<ha::etcd_error>& e) {
        if (hooks_.note)
            hooks_.note(e);
    };
    watch_.start(std::move(w));
}

void group_mirror::stop() {
    watch_.stop();
}

std::vector<discovered_record> group_mirror::discovered() const {
    std::vector<discovered_record> out;
    out.reserve(image_.discovered().size());
    for (const auto& [instance_no, d] : image_.discovered())
        out.push_back(d);
    return out;
}

const group_image* group_mirror::image_through(std::int64_t revision) const {
    return snapshot_valid_ && image_.revision >= revision ? &image_ : nullptr;
}

void group_mirror::begin_snapshot() {
    reading_.emplace(keys_.prefix);
}

void group_mirror::snapshot_end(std::int64_t revision) {
    image_ = std::move(*reading_);
    reading_.reset();
    snapshot_valid_ = true;
    for (const std::string& instance_no : image_.instances())
        dirty_.insert(instance_no);
    discovered_dirty_ = true;
    if (hooks_.leader_key)
        hooks_.leader_key(image_.leader(), revision);
    flush(revision);
}

void group_mirror::mirror_event(const group::stored_event& e) {
    ++events_seen_;
    batch b;
    routed_event r{e.event, {}};
    for (const group::delivery& d : e.deliveries)
        r.notifiers.push_back(d.notifier);
    b.events.push_back(std::move(r));
    local_.commit(std::move(b), {});
    for (const group::delivery& d : e.deliveries) {
        if (d.status != delivery_status::pending || d.attempts > 0)
            local_.record({d.notifier, e.event.id, d.status, d.attempts, d.next_attempt,
                           d.last_error, d.updated_at});
    }
}

void group_mirror::apply(group_image& image, const ha::key_value& kv) {
    std::string problem;
    const auto parsed = image.put(kv, problem);
    if (!problem.empty()) {
        log_->warn("HA: the group's key {} does not read ({}); not mirrored", kv.key, problem);
        return;
    }
    switch (parsed.what) {
        case kind::cluster:
        case kind::node:
        case kind::chunk:
            dirty_.insert(parsed.instance_no);
            break;
        case kind::event:
            mirror_event(image.events().at(parsed.number));
            break;
        case kind::discovered:
            discovered_dirty_ = true;
            break;
        case kind::leader:
        case kind::other:
            break;
    }
}

void group_mirror::changed(const ha::watch_event& e) {
    if (e.type == ha::watch_event::kind::put) {
        apply(image_, e.kv);
    } else {
        // A deleted event is a finished one the leader pruned; a deleted cluster state is an
        // operator's doing. Neither changes the local history.
        const auto parsed = image_.remove(e.kv.key);
        if (parsed.what == kind::discovered)
            discovered_dirty_ = true;
    }
    if (keys_.parse(e.kv.key).what == kind::leader && hooks_.leader_key)
        hooks_.leader_key(image_.leader(), e.kv.mod_revision);
}

std::int64_t group_mirror::revision_at(std::chrono::steady_clock::time_point at) const {
    std::int64_t found = 0;
    for (const auto& [when, revision] : applied_) {
        if (when > at)
            break;
        found = revision;
    }
    return found;
}

void group_mirror::flush(std::int64_t revision) {
    image_.revision = std::max(image_.revision, revision);
    const auto now = std::chrono::steady_clock::now();
    if (applied_.empty() || now - applied_.back().first >= sample_every) {
        applied_.emplace_back(now, image_.revision);
        if (applied_.size() > max_samples)
            applied_.pop_front();
    }
    for (const std::string& instance_no : dirty_) {
        auto c = image_.cluster(instance_no);
        if (!c)
            continue;
        cluster_record& record = clusters_[instance_no];
        record = std::move(c->record);
        batch b;
        b.clusters.push_back(record);
        local_.commit(std::move(b), {});
        if (hooks_.cluster)
            hooks_.cluster(record);
    }
    dirty_.clear();
    if (discovered_dirty_) {
        discovered_dirty_ = false;
        if (hooks_.discovered)
            hooks_.discovered(discovered());
    }
}

}  // namespace sesmon::state
