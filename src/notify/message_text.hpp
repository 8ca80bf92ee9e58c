#pragma once
// message_text: an event in a notifier's language and time zone — title, one-line summary,
// facts (label, value) and the time — from the catalogue (catalogue.hpp). The formats of
// naver_works, teams, ncp_mail, smtp and ncp_sms are built from it, and so are the human
// parts of slack, pagerduty, generic and log in a language other than English.
#include <optional>
#include <string>
#include <vector>

#include "sesmon/config.hpp"
#include "sesmon/event.hpp"

namespace sesmon::notify {

struct catalogue;

enum class fact_kind {
    cluster,
    versions,
    progress,
    expected_finish,
    node,
    status,
    stuck_for,
    error
};

struct message_fact {
    fact_kind kind;
    std::string label;
    std::string value;
    friend bool operator==(const message_fact&, const message_fact&) = default;
};

struct message_text {
    std::string title;    // "업그레이드 지연"
    std::string summary;  // the one-line sentence, cluster first
    // Cluster, versions, progress, expected finish, node, status, stuck for, last error —
    // those the event has; the time is separate.
    std::vector<message_fact> facts;
    std::string occurred_label;
    std::string occurred;   // the event's time in the zone, with its abbreviation
    std::string event_ref;  // "event 9f2c4e1ab0d3"
};

struct text_options {
    message_language language = message_language::en;
    message_time_zone time_zone;
};

inline text_options text_options_of(const notifier_config& config) {
    return {config.language, config.time_zone};
}

message_text render_message(const event& e, const text_options& options);

// The {progress} slot of `e`'s summary in `c`'s language: " (2140 → 2150, 3/8 nodes done)",
// or "" for an event without an upgrade or about the monitor itself.
std::string progress_text(const catalogue& c, const event& e);

// The summary alone: for English the event's own summary (what earlier versions sent, and
// equal to the catalogue's), otherwise the catalogue's sentence.
std::string localized_summary(const event& e, const text_options& options);

// `e` with localized_summary as its summary: what generic, pagerduty, command and log send
// (their machine fields stay as they are).
sesmon::event with_localized_summary(const sesmon::event& e, const text_options& options);

// How long the cluster had not been observed, for monitor_blind and monitor_recovered: the
// tracker writes it only into the English summary ("no successful poll for 12m", "after 12m
// without a successful poll"), so it is read back from there; nullopt when absent.
std::optional<duration> unobserved_for(const event& e);

// <dashboard_url>#cluster/<name> (the dashboard's cluster view), or "" without a dashboard.
std::string dashboard_link(const std::string& dashboard_url, const event& e);

}  // namespace sesmon::notify
