#include "silence/planner.hpp"

namespace sesmon::silence {
namespace {

using namespace std::chrono_literals;

// An ETA that moves later by less than this does not touch Alertmanager.
constexpr auto extend_step = 1min;
// Node names listed in a comment; more are counted.
constexpr std::size_t max_named_nodes = 10;

wall_time wanted_end(const upgrade_facts& facts, const plan_context& context) {
    const auto base = facts.expected_finish.value_or(context.now);
    return std::chrono::ceil<std::chrono::seconds>(std::max(base, context.now) +
                                                   context.alertmanager->margin);
}

// `final` needs no word to Alertmanager: it only keeps later silences of this upgrade away.
void end(silence_record& r, std::string why, bool final) {
    r.final = r.final || final;
    if (!r.active)
        return;
    r.active = false;
    r.ended_by = std::move(why);
    ++r.version;
}

// A fresh silence for this upgrade; nullopt (with the note) when a template cannot expand.
std::optional<silence_record> create(const upgrade_facts& facts, const plan_context& context,
                                     std::uint32_t generation, std::string& note) {
    template_context cluster = context.cluster;
    cluster.nodes = facts.nodes;
    silence_record r;
    r.upgrade_id = facts.upgrade_id;
    r.generation = generation;
    for (const matcher_template& t : context.alertmanager->matchers) {
        std::string missing;
        auto m = expand(t, cluster, &missing);
        if (!m) {
            note = "no silence for this upgrade: matcher " + t.source + " needs " + missing +
                   ", which the cluster has not";
            return std::nullopt;
        }
        r.matchers.push_back(std::move(*m));
    }
    r.starts_at = context.now;
    r.ends_at = wanted_end(facts, context);
    r.created_by = context.alertmanager->created_by;
    r.comment = silence_comment(r, facts, context.cluster.cluster);
    return r;
}

// A record that only remembers that this upgrade is never silenced again.
silence_record tombstone(const upgrade_facts& facts, std::string why) {
    silence_record r;
    r.upgrade_id = facts.upgrade_id;
    r.active = false;
    r.final = true;
    r.ended_by = std::move(why);
    r.applied = r.version;
    return r;
}

}  // namespace

std::string silence_comment(const silence_record& r, const upgrade_facts& facts,
                            const std::string& cluster) {
    std::string text = "ses-upgrade-monitor: " + cluster + " is upgrading";
    if (!facts.from_version.empty() || !facts.to_version.empty())
        text += " " + facts.from_version + " \u2192 " + facts.to_version;
    text += ", " + std::to_string(facts.remaining.size()) + " of " +
            std::to_string(std::max<std::size_t>(facts.nodes_total, facts.nodes.size())) +
            " nodes remaining";
    if (!facts.remaining.empty()) {
        std::string names;
        for (std::size_t i = 0; i < facts.remaining.size() && i < max_named_nodes; ++i)
            names += (names.empty() ? "" : ", ") + facts.remaining[i];
        if (facts.remaining.size() > max_named_nodes)
            names += " and " + std::to_string(facts.remaining.size() - max_named_nodes) + " more";
        text += " (" + names + ")";
    }
    return text + " " + marker(r);
}

std::string marker(const silence_record& r) {
    return "[ses-upgrade-monitor upgrade=" + r.upgrade_id +
           " silence=" + std::to_string(r.generation) + "]";
}

plan_result plan(const std::optional<silence_record>& current, const upgrade_facts& facts,
                 const plan_context& context) {
    plan_result out{current, {}};
    if (context.alertmanager == nullptr)
        return out;  // silences off: what is stored stays, nothing acts on it
    const bool wanted = facts.in_progress && !facts.stalled && !facts.failed;

    std::optional<silence_record>& r = out.record;
    if (r && r->upgrade_id != facts.upgrade_id) {
        // Another upgrade (or none): the old silence ends first.
        end(*r, facts.upgrade_id.empty() ? "upgrade_vanished" : "upgrade_replaced", false);
        if (!r->settled() || facts.upgrade_id.empty())
            return out;
        r.reset();
    }
    if (!r) {
        if (facts.failed && facts.in_progress)
            r = tombstone(facts, "upgrade_failed");
        else if (wanted)
            r = create(facts, context, 1, out.note);
        return out;
    }

    // The same upgrade.
    if (!facts.in_progress) {
        end(*r, facts.ended_by, false);
    } else if (facts.failed) {
        end(*r, "upgrade_failed", true);
    } else if (facts.stalled) {
        end(*r, "upgrade_stalled", false);
    } else if (r->active) {
        const wall_time target = wanted_end(facts, context);
        const std::string comment = silence_comment(*r, facts, context.cluster.cluster);
        if (target >= r->ends_at + extend_step || comment != r->comment) {
            r->ends_at = std::max(r->ends_at, target);
            r->comment = comment;
            ++r->version;
        }
    } else if (!r->final && r->settled()) {
        // The stall cleared: the next silence of this upgrade.
        const std::uint32_t next = r->generation + 1;
        auto made = create(facts, context, next, out.note);
        if (made)
            r = std::move(made);
    }
    return out;
}

}  // namespace sesmon::silence
