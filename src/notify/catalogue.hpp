#pragma once
// The text catalogue (SPEC §15): every human sentence a notifier sends, one table per
// language (catalogue_en.cpp, catalogue_ko.cpp, catalogue_ja.cpp). A sentence is a whole
// template with named slots ({cluster}, {node}, ...), filled by message_text.cpp: nothing is
// assembled from another language's fragments, and word order is each language's own.
//
// Slots: {cluster} {node} {status} {previous} {for} {median} {took} {error} {progress}
// (the summary's progress part: `progress` below, or "" without upgrade info) {versions}
// {done} {total} {health}, and in digests {what} {count} {items}. The English sentences are exactly
// monitor::summarize's (a test checks).
#include <iterator>
#include <string>
#include <string_view>

#include "sesmon/config.hpp"
#include "sesmon/event.hpp"
#include "sesmon/time.hpp"

namespace sesmon::notify {

struct catalogue {
    // Titles, by event type (all_event_types' order).
    std::string_view titles[std::size(all_event_types)];

    // Summaries.
    std::string_view started;
    std::string_view node_changed;   // with the previous status
    std::string_view node_appeared;  // a node seen for the first time
    std::string_view node_unknown;   // no node information
    std::string_view finished;
    std::string_view finished_in;  // with {took}
    std::string_view failed;
    std::string_view stalled_stage;        // node_stage_timeout
    std::string_view stalled_slow;         // slower_than_peers
    std::string_view stalled_no_progress;  // no_progress_timeout
    std::string_view stall_cleared;
    std::string_view vanished;
    std::string_view blind;        // with {for}
    std::string_view blind_error;  // with {for} and {error}
    std::string_view blind_since;  // how long unknown
    std::string_view blind_since_error;
    std::string_view recovered;  // with {for}
    std::string_view recovered_since;
    std::string_view degraded;        // the HA group's store refuses writes, with {error}
    std::string_view degraded_plain;  // the same without a reason
    std::string_view unplanned;       // an upgrade started outside its maintenance windows
    // The cluster's own OpenSearch view (SPEC §16). Every summary of an event that carries
    // the view ends with "; " and its figures (monitor::describe_insight, in English).
    std::string_view health_red;
    std::string_view health_cleared;  // {health} now, after {for}
    std::string_view recovery_stuck;  // for {for}
    std::string_view progress;        // the {progress} slot: {versions}, {done}, {total}
    // A digest message (`digest:` on a notifier): {what} is one counted type, or
    // digest_kinds over several ({count} in all, {items} the counted types).
    std::string_view digest;     // {cluster} {what} {progress}
    std::string_view digest_in;  // the same, over {for}
    std::string_view digest_kinds;
    // "6 node changes" / "노드 상태 변경 6건" / "ノードのステータス変更 6件": `n` events of a
    // type whose title is `title`.
    std::string (*counted)(event_type type, std::size_t n, std::string_view title);

    // Facts: labels and values.
    std::string_view cluster_label;
    std::string_view versions_label;
    std::string_view progress_label;
    std::string_view progress_value;  // {done}, {total}
    std::string_view expected_finish_label;
    std::string_view node_label;
    std::string_view status_label;
    std::string_view status_was;  // {status}, {previous}
    std::string_view stuck_for_label;
    std::string_view error_label;
    std::string_view occurred_label;
    std::string_view open_dashboard;  // a link's or button's label
    std::string_view event_label;     // "event" before the short event id
    std::string_view shortened;       // appended where a text was cut to fit a limit

    // Durations ("47m" / "47분" / "47分") and wall times in a zone ("2026-11-27 05:01:02
    // KST" / "2026년 11월 27일 05:01:02 KST" / "2026年11月27日 05:01:02 JST").
    std::string (*duration_text)(duration d);
    std::string (*time_text)(wall_time t, const message_time_zone& zone);
};

const catalogue& catalogue_for(message_language language);

// The tables (one file each).
const catalogue& english_catalogue();
const catalogue& korean_catalogue();
const catalogue& japanese_catalogue();

// Fills the {slot}s of `text` from `slots` (name, value) pairs; an unknown slot stays as
// written (a test checks that every template uses only known slots).
std::string fill(std::string_view text,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> slots);

// The calendar fields of `t` at the zone's offset (shared by the time_text functions).
struct local_fields {
    int year, month, day, hour, minute, second;
};
local_fields local_time(wall_time t, const message_time_zone& zone);

}  // namespace sesmon::notify
