#pragma once
// quiet: the configuration of SPEC §14 — Alertmanager silences during upgrades, maintenance
// windows, routes — as values, after the loader parsed and checked them (src/config/
// quiet.cpp, with the parsers of src/silence/). Pure data: what they mean is src/silence/
// (silences, windows) and src/notify/routing.* (routes).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sesmon/event.hpp"
#include "sesmon/labels.hpp"
#include "sesmon/secret.hpp"
#include "sesmon/time.hpp"

namespace sesmon {

// One piece of a matcher's value template: literal text, or a placeholder.
struct template_part {
    enum class kind { text, cluster, instance_no, region, label, nodes_regex };
    kind what = kind::text;
    std::string text;  // kind::text: the text; kind::label: the label key
    friend bool operator==(const template_part&, const template_part&) = default;
};

// One `alertmanager.matchers` entry, e.g. `instance=~"{nodes_regex}"`: Alertmanager's
// matcher (label name, operator) with a value template.
struct matcher_template {
    std::string source;     // as written, for messages and check-config
    std::string name;       // the label name
    bool is_equal = true;   // = and =~ (false: != and !~)
    bool is_regex = false;  // =~ and !~
    std::vector<template_part> value;
    friend bool operator==(const matcher_template&, const matcher_template&) = default;
};

struct alertmanager_config {
    std::string url;              // base URL, e.g. http://127.0.0.1:9093
    std::optional<secret> token;  // token_file: sent as a bearer token
    std::string ca_file;          // extra PEM CA bundle
    std::vector<matcher_template> matchers;
    duration margin = std::chrono::minutes(30);          // endsAt = expected finish + margin
    duration timeout = std::chrono::seconds(10);         // one request
    duration initial_backoff = std::chrono::seconds(1);  // retries: the outbox's policy
    duration max_backoff = std::chrono::minutes(1);
    // Effective: "ses-upgrade-monitor/" + ha.member, or this host's name.
    std::string created_by;
    friend bool operator==(const alertmanager_config&, const alertmanager_config&) = default;
};

// One weekly span in the window's own time zone: minutes since Monday 00:00, start
// inclusive, end exclusive. A span across the week's end (Sun 23:00-01:00) has end > one
// week (10140 + 120); a span is never longer than a week.
struct weekly_span {
    int start = 0;
    int end = 0;
    std::string source;  // "Tue 02:00-05:00" as written
    friend bool operator==(const weekly_span&, const weekly_span&) = default;
};

inline constexpr int minutes_per_week = 7 * 24 * 60;

struct maintenance_window {
    std::string name;
    // Which clusters it applies to: those with every label (labels), or the named clusters
    // (clusters); neither: every cluster.
    label_set labels;
    std::vector<std::string> clusters;
    std::vector<weekly_span> weekly;
    std::string time_zone;               // as written ("Asia/Seoul", "+09:00")
    std::chrono::minutes utc_offset{0};  // the zone's offset (fixed: no DST)
    friend bool operator==(const maintenance_window&, const maintenance_window&) = default;
};

// One `routes:` entry (SPEC §14). An event matches when every given condition holds.
struct route_config {
    label_set labels;                   // the cluster carries every one of them
    std::vector<event_type> events;     // empty: any type
    std::vector<severity> severities;   // empty: any severity
    std::vector<std::string> clusters;  // empty: any cluster
    std::vector<std::string> notifiers;
    bool continue_matching = false;  // `continue: true`: later routes are tried too
    friend bool operator==(const route_config&, const route_config&) = default;
};

}  // namespace sesmon
