#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto.hpp"
#include "notify/format_generic.hpp"
#include "notify/format_pagerduty.hpp"
#include "notify/format_slack.hpp"
#include "notify/log_notifier.hpp"
#include "notify/signing.hpp"
#include "notify/webhook_notifier.hpp"
#include "sample_event.hpp"
#include "support/run_awaitable.hpp"

namespace sesmon::notify {
namespace {

using namespace std::chrono_literals;

rapidjson::Document parse(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    EXPECT_FALSE(doc.HasParseError()) << text;
    return doc;
}

std::string str(const rapidjson::Value& v) {
    return {v.GetString(), v.GetStringLength()};
}

TEST(formats_test, generic_body_is_exactly_the_spec_shape) {
    const std::string expected =
        R"({"schema":"ses-upgrade-monitor/v1",)"
        R"("id":"9f2c4e1ab0d37c55e2a1f4b6d8c90e13a7b5c2d4e6f8091a2b3c4d5e6f708192",)"
        R"("type":"upgrade_stalled","severity":"critical","occurred_at":"2026-11-26T20:01:02Z",)"
        R"("summary":"prod-logs: node prod-logs-do-6tnm stuck in Upgrade_OpenSearch for 47m )"
        "(2140 \u2192 2150, 3/8 nodes done)\","
        R"("cluster":{"name":"prod-logs","instance_no":"1037123456","region":"KR",)"
        R"("labels":{"env":"prod","team":"search"}},)"
        R"("upgrade":{"from_version":"2140","to_version":"2150",)"
        R"("action_date":"2026-11-27T03:01:02+09:00","nodes_total":8,"nodes_complete":3,)"
        R"("started_at":"2026-11-26T18:01:02Z","finished_at":null,)"
        R"("expected_finish":"2026-11-26T21:14:00Z"},)"
        R"("node":{"hostname":"prod-logs-do-6tnm","role":"DO","status":"Upgrade_OpenSearch",)"
        R"("previous_status":"running","status_since":"2026-11-26T19:14:02Z"},)"
        R"("stall":{"reason":"node_stage_timeout","stalled_for_seconds":2820},"error":null,)"
        R"("in_maintenance_window":null,"digest":null})";
    EXPECT_EQ(format_generic(test::stalled_event()), expected);
}

TEST(formats_test, a_slower_than_peers_stall_says_what_it_was_compared_with) {
    event e = test::stalled_event();
    e.stall = stall_info{"slower_than_peers", 600, 120};
    const std::string body = format_generic(e);
    const auto doc = parse(body);
    EXPECT_EQ(str(doc["stall"]["reason"]), "slower_than_peers");
    EXPECT_EQ(doc["stall"]["peer_median_seconds"].GetInt64(), 120);
    const auto back = parse_generic(body);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->stall, e.stall);
    EXPECT_EQ(back->upgrade->expected_finish, e.upgrade->expected_finish);
}

TEST(formats_test, generic_body_has_nulls_where_parts_do_not_apply) {
    event e = test::simple_event("abc", "prod-logs", event_type::monitor_blind);
    e.error = "authentication failed (gateway 401/200)";
    auto doc = parse(format_generic(e));
    EXPECT_TRUE(doc["upgrade"].IsNull());
    EXPECT_TRUE(doc["node"].IsNull());
    EXPECT_TRUE(doc["stall"].IsNull());
    EXPECT_EQ(str(doc["error"]), "authentication failed (gateway 401/200)");
}

TEST(formats_test, generic_body_reads_back_into_the_same_event) {
    event blind = test::simple_event("abc", "prod-logs", event_type::monitor_blind);
    blind.error = "timeout";
    event fresh_node = test::stalled_event();
    fresh_node.node->previous_status.clear();
    fresh_node.node->status_since.reset();
    fresh_node.upgrade->finished_at = test::sample_time();
    for (const event& e : {test::stalled_event(), blind, fresh_node}) {
        auto back = parse_generic(format_generic(e));
        ASSERT_TRUE(back) << format_generic(e);
        EXPECT_EQ(*back, e);
    }
}

TEST(formats_test, generic_reader_rejects_foreign_or_broken_bodies) {
    EXPECT_FALSE(parse_generic("not json"));
    EXPECT_FALSE(parse_generic(R"({"schema":"other/v1","id":"x"})"));
    std::string body = format_generic(test::stalled_event());
    std::string bad_time = body;
    bad_time.replace(bad_time.find("2026-11-26T20:01:02Z"), 20, "yesterday");
    EXPECT_FALSE(parse_generic(bad_time));
    std::string bad_type = body;
    bad_type.replace(bad_type.find("upgrade_stalled"), 15, "upgrade_exploded");
    EXPECT_FALSE(parse_generic(bad_type));
}

TEST(formats_test, slack_has_phone_text_header_and_fields) {
    auto doc = parse(format_slack(test::stalled_event()));
    EXPECT_EQ(str(doc["text"]),
              ":warning: prod-logs: node prod-logs-do-6tnm stuck in Upgrade_OpenSearch for 47m "
              "(2140 \u2192 2150, 3/8 nodes done)");
    const auto& blocks = doc["blocks"];
    ASSERT_EQ(blocks.Size(), 3u);
    EXPECT_EQ(str(blocks[0]["type"]), "header");
    EXPECT_EQ(str(blocks[0]["text"]["type"]), "plain_text");
    EXPECT_EQ(str(blocks[0]["text"]["text"]), ":warning: Upgrade stalled: prod-logs");
    EXPECT_EQ(str(blocks[1]["type"]), "section");
    std::vector<std::string> fields;
    for (const auto& f : blocks[1]["fields"].GetArray()) {
        EXPECT_EQ(str(f["type"]), "mrkdwn");
        fields.push_back(str(f["text"]));
    }
    EXPECT_EQ(fields, (std::vector<std::string>{
                          "*Cluster*\nprod-logs (1037123456, KR)\nenv=prod \u00b7 team=search",
                          "*Versions*\n2140 \u2192 2150",
                          "*Progress*\n3/8 nodes done",
                          "*Expected finish*\n<!date^1795727640^{date_short_pretty} "
                          "{time}|2026-11-27 06:14:00 KST>",
                          "*Node*\nprod-logs-do-6tnm (DO)\n`Upgrade_OpenSearch` (was `running`)",
                          "*Stuck for*\n47m",
                      }));
    EXPECT_EQ(str(blocks[2]["type"]), "context");
    EXPECT_EQ(str(blocks[2]["elements"][0]["text"]),
              "2026-11-27 05:01:02 KST \u00b7 upgrade_stalled \u00b7 event 9f2c4e1ab0d3");
}

TEST(formats_test, slack_in_korean_and_japanese_time) {
    const text_options options{message_language::ko, {"Asia/Tokyo", 9h, "JST"}};
    auto doc = parse(format_slack(test::stalled_event(), options));
    EXPECT_EQ(str(doc["text"]),
              ":warning: prod-logs: 노드 prod-logs-do-6tnm의 Upgrade_OpenSearch 단계가 47분째 "
              "끝나지 않고 있습니다 (2140 \u2192 2150, 노드 3/8 완료)");
    const auto& blocks = doc["blocks"];
    EXPECT_EQ(str(blocks[0]["text"]["text"]), ":warning: 업그레이드 지연: prod-logs");
    std::vector<std::string> fields;
    for (const auto& f : blocks[1]["fields"].GetArray())
        fields.push_back(str(f["text"]));
    EXPECT_EQ(fields, (std::vector<std::string>{
                          "*클러스터*\nprod-logs (1037123456, KR)\nenv=prod \u00b7 team=search",
                          "*버전*\n2140 \u2192 2150",
                          "*진행 상황*\n노드 3/8 완료",
                          "*완료 예상 시각*\n<!date^1795727640^{date_short_pretty} "
                          "{time}|2026년 11월 27일 06:14:00 JST>",
                          "*노드*\nprod-logs-do-6tnm (DO)\n`Upgrade_OpenSearch` (이전 상태: "
                          "`running`)",
                          "*지연 시간*\n47분",
                      }));
    EXPECT_EQ(str(blocks[2]["elements"][0]["text"]),
              "2026년 11월 27일 05:01:02 JST \u00b7 upgrade_stalled \u00b7 이벤트 9f2c4e1ab0d3");
}

TEST(formats_test, generic_and_pagerduty_summaries_follow_the_language_and_nothing_else) {
    notifier_config config;
    config.type = notifier_type::webhook;
    config.format = webhook_format::generic;
    config.language = message_language::ja;
    const std::string body = webhook_bodies(config, test::stalled_event()).at(0);
    auto doc = parse(body);
    EXPECT_EQ(str(doc["summary"]),
              "prod-logs: ノード prod-logs-do-6tnm が Upgrade_OpenSearch の段階のまま47分経過して"
              "います（2140 \u2192 2150、ノード 3/8 完了）");
    EXPECT_EQ(str(doc["occurred_at"]), "2026-11-26T20:01:02Z");  // machine fields as they were
    config.format = webhook_format::pagerduty;
    config.routing_key = secret("K", "test");
    auto pd = parse(webhook_bodies(config, test::stalled_event()).at(0));
    EXPECT_EQ(str(pd["payload"]["summary"]), str(doc["summary"]));
    config.language = message_language::en;
    pd = parse(webhook_bodies(config, test::stalled_event()).at(0));
    EXPECT_EQ(str(pd["payload"]["summary"]), test::stalled_event().summary);
}

TEST(formats_test, slack_escapes_mrkdwn_control_characters) {
    event e = test::simple_event("abc", "a<b>&c", event_type::upgrade_started);
    auto doc = parse(format_slack(e));
    EXPECT_EQ(str(doc["text"]), ":rocket: a&lt;b&gt;&amp;c: upgrade_started");
}

// The one message of an event that PagerDuty gets as a single trigger or resolve.
rapidjson::Document pagerduty_message(const event& e) {
    const auto bodies = format_pagerduty(e, "K");
    EXPECT_EQ(bodies.size(), 1u) << to_string(e.type);
    return parse(bodies.empty() ? "{}" : bodies.front());
}

event with_type(event e, event_type type) {
    e.type = type;
    return e;
}

TEST(formats_test, pagerduty_triggers_stalls_with_a_dedup_key_per_incident_kind_and_upgrade) {
    const auto bodies = format_pagerduty(test::stalled_event(), "R0UTINGKEY");
    ASSERT_EQ(bodies.size(), 1u);
    auto doc = parse(bodies.front());
    EXPECT_EQ(str(doc["routing_key"]), "R0UTINGKEY");
    EXPECT_EQ(str(doc["event_action"]), "trigger");
    EXPECT_EQ(str(doc["dedup_key"]),
              "ses-upgrade-monitor/1037123456/2026-11-27T03:01:02+09:00/2150/stall");
    const auto& payload = doc["payload"];
    EXPECT_EQ(str(payload["summary"]), test::stalled_event().summary);
    EXPECT_EQ(str(payload["source"]), "prod-logs");
    EXPECT_EQ(str(payload["severity"]), "error");
    EXPECT_EQ(str(payload["timestamp"]), "2026-11-26T20:01:02Z");
    EXPECT_EQ(str(payload["component"]), "prod-logs-do-6tnm");
    EXPECT_EQ(str(payload["custom_details"]["event_id"]), test::stalled_event().id);
    EXPECT_EQ(payload["custom_details"]["upgrade"]["nodes_complete"].GetInt(), 3);
}

TEST(formats_test, pagerduty_stall_cleared_resolves_the_stall_and_not_the_failure) {
    const event stalled = test::stalled_event();
    auto stall = pagerduty_message(stalled);
    auto failure = pagerduty_message(with_type(stalled, event_type::upgrade_failed));
    auto cleared = pagerduty_message(with_type(stalled, event_type::stall_cleared));
    EXPECT_EQ(str(failure["event_action"]), "trigger");
    EXPECT_EQ(str(failure["payload"]["severity"]), "critical");
    EXPECT_NE(str(failure["dedup_key"]), str(stall["dedup_key"]));
    EXPECT_TRUE(str(failure["dedup_key"]).ends_with("/2150/failure"));
    EXPECT_EQ(str(cleared["event_action"]), "resolve");
    EXPECT_EQ(str(cleared["dedup_key"]), str(stall["dedup_key"]));
    EXPECT_FALSE(cleared.HasMember("payload"));
}

TEST(formats_test, pagerduty_finished_and_vanished_resolve_every_incident_of_the_upgrade) {
    const event stalled = test::stalled_event();
    const std::string stall_key = str(pagerduty_message(stalled)["dedup_key"]);
    const std::string failure_key =
        str(pagerduty_message(with_type(stalled, event_type::upgrade_failed))["dedup_key"]);
    const std::string recovery_key =
        str(pagerduty_message(with_type(stalled, event_type::recovery_stuck))["dedup_key"]);
    EXPECT_TRUE(recovery_key.ends_with("/2150/recovery")) << recovery_key;
    for (const event_type type : {event_type::upgrade_finished, event_type::upgrade_vanished}) {
        const auto bodies = format_pagerduty(with_type(stalled, type), "K");
        ASSERT_EQ(bodies.size(), 3u) << to_string(type);
        std::vector<std::string> keys;
        for (const auto& body : bodies) {
            auto doc = parse(body);
            EXPECT_EQ(str(doc["event_action"]), "resolve");
            keys.push_back(str(doc["dedup_key"]));
        }
        EXPECT_EQ(keys, (std::vector<std::string>{stall_key, failure_key, recovery_key}))
            << to_string(type);
    }
    // Another upgrade of the same cluster is another set of incidents.
    event next = stalled;
    next.upgrade->to_version = "2160";
    EXPECT_NE(str(pagerduty_message(next)["dedup_key"]), stall_key);
}

TEST(formats_test, pagerduty_blindness_is_one_incident_per_cluster) {
    event blind = test::simple_event("b1", "prod-logs", event_type::monitor_blind);
    event recovered = test::simple_event("b2", "prod-logs", event_type::monitor_recovered);
    recovered.upgrade = test::stalled_event().upgrade;  // recovered in an upgrade: same key
    auto trigger = pagerduty_message(blind);
    auto resolve = pagerduty_message(recovered);
    EXPECT_EQ(str(trigger["event_action"]), "trigger");
    EXPECT_EQ(str(trigger["payload"]["severity"]), "warning");
    EXPECT_EQ(str(resolve["event_action"]), "resolve");
    EXPECT_EQ(str(trigger["dedup_key"]), str(resolve["dedup_key"]));
    EXPECT_TRUE(str(trigger["dedup_key"]).ends_with("/blind"));
}

TEST(formats_test, pagerduty_steps_cover_every_event_type) {
    using incident = pagerduty_incident;
    for (event_type type : all_event_types) {
        const auto steps = pagerduty_steps(type);
        std::vector<pagerduty_step> expected;
        switch (type) {
            case event_type::upgrade_stalled:
                expected = {{"trigger", incident::stall}};
                break;
            case event_type::upgrade_failed:
                expected = {{"trigger", incident::failure}};
                break;
            case event_type::monitor_blind:
                expected = {{"trigger", incident::blind}};
                break;
            case event_type::stall_cleared:
                expected = {{"resolve", incident::stall}};
                break;
            case event_type::monitor_recovered:
                expected = {{"resolve", incident::blind}};
                break;
            case event_type::monitor_degraded:
                expected = {{"trigger", incident::degraded}};
                break;
            case event_type::cluster_health_red:
                expected = {{"trigger", incident::red}};
                break;
            case event_type::cluster_health_cleared:
                expected = {{"resolve", incident::red}};
                break;
            case event_type::recovery_stuck:
                expected = {{"trigger", incident::recovery}};
                break;
            case event_type::upgrade_finished:
            case event_type::upgrade_vanished:
                expected = {{"resolve", incident::stall},
                            {"resolve", incident::failure},
                            {"resolve", incident::recovery}};
                break;
            case event_type::upgrade_started:
            case event_type::node_changed:
            case event_type::upgrade_unplanned:  // nothing to open and later resolve
                break;
        }
        EXPECT_EQ(steps, expected) << to_string(type);
        EXPECT_EQ(accepted_by_pagerduty(type), !expected.empty()) << to_string(type);
    }
    notifier_config config;
    config.type = notifier_type::webhook;
    config.format = webhook_format::pagerduty;
    EXPECT_TRUE(
        webhook_bodies(config, test::simple_event("x", "c", event_type::node_changed)).empty());
}

TEST(formats_test, log_line_names_type_cluster_node_statuses_and_duration) {
    EXPECT_EQ(log_line(test::stalled_event(), log_format::text),
              "event=upgrade_stalled cluster=prod-logs labels=\"env=prod,team=search\" "
              "node=prod-logs-do-6tnm role=DO "
              "status=Upgrade_OpenSearch previous=running versions=\"2140 \u2192 2150\" "
              "progress=3/8 eta=2026-11-26T21:14:00Z stall=node_stage_timeout for=47m "
              "summary=\"prod-logs: node "
              "prod-logs-do-6tnm stuck in Upgrade_OpenSearch for 47m (2140 \u2192 2150, 3/8 "
              "nodes done)\" id=9f2c4e1ab0d3");
    EXPECT_EQ(log_line(test::stalled_event(), log_format::json),
              format_generic(test::stalled_event()));
}

// Writes each format's body for the sample event to <build>/notify-examples/, and checks that
// docs/webhooks.md shows those same bodies (compared as JSON values).
std::string read_doc(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The ```json block after the line "<!-- example: NAME -->" in the docs.
std::string doc_example(const std::string& docs, const std::string& name) {
    const auto marker = docs.find("<!-- example: " + name + " -->");
    if (marker == std::string::npos) {
        return {};
    }
    const auto begin = docs.find("```json\n", marker);
    const auto end = docs.find("\n```", begin + 8);
    return docs.substr(begin + 8, end - begin - 8);
}

TEST(formats_test, docs_show_the_bodies_the_code_produces) {
    event cleared = test::stalled_event();
    cleared.type = event_type::stall_cleared;
    cleared.stall.reset();
    cleared.summary = "prod-logs: node prod-logs-do-6tnm moved on after 52m (3/8 nodes done)";
    const std::vector<std::pair<std::string, std::string>> examples = {
        {"generic", format_generic(test::stalled_event())},
        {"slack", format_slack(test::stalled_event())},
        {"pagerduty-trigger", format_pagerduty(test::stalled_event(), "R0UTINGKEY").at(0)},
        {"pagerduty-resolve", format_pagerduty(cleared, "R0UTINGKEY").at(0)},
        {"pagerduty-finished-1",
         format_pagerduty(with_type(test::stalled_event(), event_type::upgrade_finished),
                          "R0UTINGKEY")
             .at(0)},
        {"pagerduty-finished-2",
         format_pagerduty(with_type(test::stalled_event(), event_type::upgrade_finished),
                          "R0UTINGKEY")
             .at(1)},
        {"pagerduty-finished-3",
         format_pagerduty(with_type(test::stalled_event(), event_type::upgrade_finished),
                          "R0UTINGKEY")
             .at(2)},
        {"generic-recovery-stuck", format_generic(test::recovery_stuck_event())},
    };
    const std::filesystem::path out =
        std::filesystem::path(SESMON_BIN_DIR) / ".." / "notify-examples";
    std::filesystem::create_directories(out);
    const std::string docs =
        read_doc(std::filesystem::path(SESMON_SOURCE_DIR) / "docs" / "webhooks.md");
    for (const auto& [name, body] : examples) {
        std::ofstream(out / (name + ".json")) << body << "\n";
    }
    for (const auto& [name, body] : examples) {
        const std::string shown = doc_example(docs, name);
        EXPECT_FALSE(shown.empty()) << "docs/webhooks.md lacks example " << name;
        if (shown.empty()) {
            continue;
        }
        const rapidjson::Document expected = parse(body);
        const rapidjson::Document actual = parse(shown);
        EXPECT_TRUE(static_cast<const rapidjson::Value&>(actual) == expected)
            << "docs/webhooks.md example " << name << " differs from the code's:\n"
            << body;
    }
}

TEST(formats_test, the_opensearch_view_goes_into_stall_only_where_it_is_configured) {
    // Without a view: SPEC §5's shape, nothing added.
    const auto plain = parse(format_generic(test::stalled_event()));
    EXPECT_FALSE(plain["stall"].HasMember("cluster_health"));

    const auto viewed = parse(format_generic(test::recovery_stuck_event()));
    const auto& stall = viewed["stall"];
    EXPECT_EQ(str(stall["cluster_health"]), "yellow");
    EXPECT_EQ(stall["shards"]["initializing"].GetInt(), 6);
    EXPECT_EQ(stall["shards"]["unassigned"].GetInt(), 6);
    EXPECT_EQ(stall["recoveries"]["count"].GetInt(), 6);
    EXPECT_DOUBLE_EQ(stall["recoveries"]["percent_done"].GetDouble(), 41.2);
    EXPECT_TRUE(stall["node_in_cluster"].IsNull());  // no node in this event
    EXPECT_TRUE(stall["cluster_view_error"].IsNull());

    // Configured but unreachable: every view field null, and why.
    event down = test::stalled_event();
    cluster_insight c;
    c.error = "OpenSearch unreachable: connect to 10.0.1.5:9200 refused";
    down.stall->cluster = c;
    const auto unavailable = parse(format_generic(down));
    EXPECT_TRUE(unavailable["stall"]["cluster_health"].IsNull());
    EXPECT_TRUE(unavailable["stall"]["shards"].IsNull());
    EXPECT_EQ(str(unavailable["stall"]["cluster_view_error"]), c.error);

    // What the legacy importer reads back is what was written.
    const auto back = parse_generic(format_generic(test::recovery_stuck_event()));
    ASSERT_TRUE(back && back->stall && back->stall->cluster);
    EXPECT_EQ(back->stall->cluster->shards, (shard_counts{6, 0, 6}));
    EXPECT_EQ(back->stall->cluster->health, "yellow");

    // Slack shows it as a field, the log line as health=.
    EXPECT_NE(format_slack(test::recovery_stuck_event())
                  .find("*OpenSearch*\\nyellow; shards 6 initializing, 0 relocating, 6 "
                        "unassigned; 6 recoveries 41% done"),
              std::string::npos)
        << format_slack(test::recovery_stuck_event());
    EXPECT_NE(log_line(test::recovery_stuck_event(), log_format::text).find(" health=yellow "),
              std::string::npos);
}

TEST(formats_test, docs_signature_example_is_the_signature_of_the_generic_example) {
    const std::string docs =
        read_doc(std::filesystem::path(SESMON_SOURCE_DIR) / "docs" / "webhooks.md");
    const auto key = common::webhook_signing_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    ASSERT_TRUE(key);
    const event e = test::stalled_event();
    const std::string signature =
        webhook_signature(*key, e.id, 1795723265, format_generic(e));  // 2026-11-26T20:01:05Z
    EXPECT_NE(docs.find("webhook-signature: " + signature), std::string::npos) << signature;
}

// Past its delivery context's deadline (an HA member whose term lapsed) the log notifier writes
// nothing: the line would be an alert from a member that may no longer act.
TEST(formats_test, a_log_notifier_writes_nothing_past_its_deadline) {
    std::ostringstream out;
    auto logger = std::make_shared<spdlog::logger>(
        "t", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
    log_notifier n("journal", logger, log_format::text);
    boost::asio::io_context io;
    const event e = test::stalled_event();
    delivery_context context;
    context.deadline = std::chrono::steady_clock::now();
    auto outcome = sesmon::test::run_awaitable(io, n.deliver(e, context));
    EXPECT_EQ(outcome.result, delivery_outcome::kind::retry);
    EXPECT_EQ(outcome.detail, "not sent: past the attempt's deadline");
    EXPECT_TRUE(out.str().empty()) << out.str();
    const delivery_context unbounded;
    outcome = sesmon::test::run_awaitable(io, n.deliver(e, unbounded));
    EXPECT_EQ(outcome.result, delivery_outcome::kind::delivered);
    EXPECT_NE(out.str().find("event=upgrade_stalled"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace sesmon::notify
