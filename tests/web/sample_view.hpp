#pragma once
// The daemon_view the web tests render: one cluster mid-upgrade and stalled, one blind.
// docs/http-api.md shows its JSON (checked by view_model_test).
#include "common/time_format.hpp"
#include "web/view_model.hpp"

namespace sesmon::web::testing {

inline daemon_view sample_view() {
    auto at = [](const char* text) { return *common::parse_rfc3339(text); };
    daemon_view v;
    v.version = "0.1.0";
    v.started_at = at("2026-11-26T19:00:00Z");
    v.now = at("2026-11-26T20:00:00Z");
    v.ready = true;

    cluster_view c;
    c.name = "prod-logs";
    c.instance_no = "1037001";
    c.region = "KR";
    c.labels = {{"team", "search"}, {"env", "prod"}};
    c.upgrade_in_progress = true;
    c.from_version = "2140";
    c.to_version = "2150";
    c.action_date = "2026-11-27T03:50:00+09:00";
    c.started_at = at("2026-11-26T18:50:00Z");
    c.upgrade_id = "3f9a0c2d5e7b8a61";
    c.expected_finish = at("2026-11-26T20:52:00Z");
    c.nodes_total = 3;
    c.nodes_complete = 1;
    c.nodes = {
        {"prod-logs-m-1", "M", "complete", "complete", at("2026-11-26T19:05:00Z"), 3300},
        {"prod-logs-do-6tnm", "DO", "Upgrade_OpenSearch", "upgrading", at("2026-11-26T19:13:00Z"),
         2820},
        {"prod-logs-do-7xq2", "DO", "running", "pending", std::nullopt, 0},
    };
    c.stalled = true;
    c.stall_reason = "node_stage_timeout";
    c.stalled_for_seconds = 2820;
    c.stall_node = "prod-logs-do-6tnm";
    c.last_poll_at = at("2026-11-26T19:59:45Z");
    c.last_success_at = at("2026-11-26T19:59:45Z");
    c.last_poll_result = "ok";
    v.clusters.push_back(c);

    cluster_view b;
    b.name = "staging \"eu\"";
    b.instance_no = "1037002";
    b.region = "KR";
    b.blind = true;
    b.last_poll_at = at("2026-11-26T19:59:50Z");
    b.last_poll_result = "auth";
    b.last_error =
        "authentication failed (gateway 401/200): check the access key, secret key and clock";
    v.clusters.push_back(b);
    return v;
}

}  // namespace sesmon::web::testing
