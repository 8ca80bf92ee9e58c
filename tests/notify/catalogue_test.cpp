// The text catalogue (SPEC §15): golden texts per language and event type. The expected
// sentences below were written and reviewed by hand (terms of NAVER Cloud's Korean and
// Japanese consoles), not copied from the program's output.
#include <gtest/gtest.h>

#include <regex>

#include "monitor/summary.hpp"
#include "notify/catalogue.hpp"
#include "notify/message_text.hpp"
#include "sample_event.hpp"

namespace sesmon::notify {
namespace {

using namespace std::chrono_literals;

const message_time_zone seoul_zone{"Asia/Seoul", 9h, "KST"};
const message_time_zone tokyo{"Asia/Tokyo", 9h, "JST"};
const message_time_zone utc{"UTC", 0s, "UTC"};

// The sample stall (prod-logs, 2140 → 2150, 3/8, node prod-logs-do-6tnm) as each type.
event as_type(event_type type) {
    event e = test::stalled_event();
    e.type = type;
    switch (type) {
        case event_type::upgrade_started:
            e.node.reset();
            e.stall.reset();
            break;
        case event_type::node_changed:
            e.stall.reset();
            break;
        case event_type::upgrade_finished:
            e.node.reset();
            e.stall.reset();
            e.upgrade->nodes_complete = 8;
            e.upgrade->finished_at = e.occurred_at;
            e.upgrade->expected_finish.reset();
            break;
        case event_type::upgrade_failed:
            e.node->status = "fail";
            e.node->previous_status = "Upgrade_OpenSearch";
            e.stall.reset();
            break;
        case event_type::upgrade_stalled:
            break;
        case event_type::stall_cleared:
            e.stall = stall_info{"node_stage_timeout", 52 * 60};
            break;
        case event_type::upgrade_vanished:
            e.node.reset();
            e.stall.reset();
            break;
        case event_type::monitor_blind:
            e.node.reset();
            e.stall.reset();
            e.upgrade.reset();
            e.error = "HTTP 503";
            break;
        case event_type::monitor_recovered:
            e.node.reset();
            e.stall.reset();
            e.upgrade.reset();
            break;
        case event_type::monitor_degraded:
            e.cluster = {"ha:/ses-upgrade-monitor/prod", "", "", {}};
            e.node.reset();
            e.stall.reset();
            e.upgrade.reset();
            e.error = "etcd: database space exceeded";
            break;
        case event_type::upgrade_unplanned:
            e.node.reset();
            e.stall.reset();
            break;
        case event_type::cluster_health_red:
        case event_type::cluster_health_cleared:
        case event_type::recovery_stuck: {
            cluster_insight view;
            view.current = true;
            view.health = type == event_type::cluster_health_red ? "red" : "yellow";
            view.shards = {6, 0, type == event_type::cluster_health_red ? 7 : 0};
            view.recoveries = {6, 41.2};
            e.node.reset();
            // cleared: red for the span the tracker passes (65m); stuck: 15m without progress.
            const long long seconds = type == event_type::cluster_health_red       ? 0
                                      : type == event_type::cluster_health_cleared ? 65 * 60
                                                                                   : 15 * 60;
            e.stall = stall_info{
                type == event_type::recovery_stuck ? "recovery_stuck" : "cluster_health_red",
                seconds, 0, view};
            break;
        }
    }
    // What the tracker writes (English), from which blind/recovered durations are read.
    const duration span = type == event_type::monitor_blind ? duration(12min) : duration(65min);
    e.summary = monitor::summarize(e, span);
    return e;
}

struct golden {
    event_type type;
    const char* en;
    const char* ko;
    const char* ja;
};

const golden summaries[] = {
    {event_type::upgrade_started, "prod-logs: upgrade started (2140 → 2150, 3/8 nodes done)",
     "prod-logs: 업그레이드가 시작되었습니다 (2140 → 2150, 노드 3/8 완료)",
     "prod-logs: アップグレードが開始されました（2140 → 2150、ノード 3/8 完了）"},
    {event_type::node_changed,
     "prod-logs: node prod-logs-do-6tnm running → Upgrade_OpenSearch (2140 → 2150, 3/8 nodes "
     "done)",
     "prod-logs: 노드 prod-logs-do-6tnm의 상태가 바뀌었습니다: running → Upgrade_OpenSearch "
     "(2140 → 2150, 노드 3/8 완료)",
     "prod-logs: ノード prod-logs-do-6tnm のステータスが変わりました: running → "
     "Upgrade_OpenSearch（2140 → 2150、ノード 3/8 完了）"},
    {event_type::upgrade_finished,
     "prod-logs: upgrade finished in 2h00m (2140 → 2150, 8/8 nodes done)",
     "prod-logs: 업그레이드가 2시간 만에 완료되었습니다 (2140 → 2150, 노드 8/8 완료)",
     "prod-logs: アップグレードが2時間で完了しました（2140 → 2150、ノード 8/8 完了）"},
    {event_type::upgrade_failed,
     "prod-logs: node prod-logs-do-6tnm failed with status fail (2140 → 2150, 3/8 nodes done)",
     "prod-logs: 노드 prod-logs-do-6tnm의 업그레이드가 실패했습니다. 상태: fail (2140 → 2150, "
     "노드 3/8 완료)",
     "prod-logs: ノード prod-logs-do-6tnm のアップグレードが失敗しました。ステータス: "
     "fail（2140 → 2150、ノード 3/8 完了）"},
    {event_type::upgrade_stalled,
     "prod-logs: node prod-logs-do-6tnm stuck in Upgrade_OpenSearch for 47m (2140 → 2150, 3/8 "
     "nodes done)",
     "prod-logs: 노드 prod-logs-do-6tnm의 Upgrade_OpenSearch 단계가 47분째 끝나지 않고 "
     "있습니다 (2140 → 2150, 노드 3/8 완료)",
     "prod-logs: ノード prod-logs-do-6tnm が Upgrade_OpenSearch の段階のまま47分経過して"
     "います（2140 → 2150、ノード 3/8 完了）"},
    {event_type::stall_cleared,
     "prod-logs: upgrade moving again after 52m stalled (2140 → 2150, 3/8 nodes done)",
     "prod-logs: 52분 동안 멈춰 있던 업그레이드가 다시 진행됩니다 (2140 → 2150, 노드 3/8 완료)",
     "prod-logs: 52分停滞していたアップグレードが再び進み始めました（2140 → 2150、ノード 3/8 "
     "完了）"},
    {event_type::upgrade_vanished,
     "prod-logs: upgrade disappeared from the API before finishing (2140 → 2150, 3/8 nodes "
     "done)",
     "prod-logs: 업그레이드가 완료되기 전에 API 응답에서 사라졌습니다 (2140 → 2150, 노드 3/8 "
     "완료)",
     "prod-logs: アップグレードが完了前に API の応答から消えました（2140 → 2150、ノード 3/8 "
     "完了）"},
    {event_type::monitor_blind, "prod-logs: no successful poll for 12m: HTTP 503",
     "prod-logs: 12분 동안 클러스터 상태를 조회하지 못했습니다. 마지막 오류: HTTP 503",
     "prod-logs: 12分の間、クラスターの状態を取得できていません。最後のエラー: HTTP 503"},
    {event_type::monitor_recovered,
     "prod-logs: polling works again after 1h05m without a successful poll",
     "prod-logs: 1시간 5분 동안 실패하던 클러스터 상태 조회가 다시 성공했습니다",
     "prod-logs: 1時間5分の間取得できなかったクラスターの状態が、再び取得できるようになりました"},
    {event_type::monitor_degraded,
     "ha:/ses-upgrade-monitor/prod: the group's store refuses writes: etcd: database space "
     "exceeded; alerts wait until it accepts them again",
     "ha:/ses-upgrade-monitor/prod: 그룹 저장소가 쓰기를 거부하고 있어 알림이 대기 중입니다. "
     "원인: etcd: database space exceeded",
     "ha:/ses-upgrade-monitor/prod: グループのストアが書き込みを拒否しているため、通知は待機"
     "しています。原因: etcd: database space exceeded"},
    {event_type::upgrade_unplanned,
     "prod-logs: upgrade started outside its maintenance windows (2140 → 2150, 3/8 nodes done)",
     "prod-logs: 유지보수 시간대 밖에서 업그레이드가 시작되었습니다 (2140 → 2150, 노드 3/8 완료)",
     "prod-logs: メンテナンス時間外にアップグレードが開始されました（2140 → 2150、ノード 3/8 "
     "完了）"},
    // The OpenSearch view's figures stay in English (monitor::describe_insight) in every
    // language: they are the words of the commands an operator types next.
    {event_type::cluster_health_red,
     "prod-logs: cluster health is red during the upgrade (2140 → 2150, 3/8 nodes done); "
     "OpenSearch red, shards 6 initializing, 0 relocating, 7 unassigned, 6 recoveries 41% done",
     "prod-logs: 업그레이드 중 클러스터 상태가 red입니다 (2140 → 2150, 노드 3/8 완료); "
     "OpenSearch red, shards 6 initializing, 0 relocating, 7 unassigned, 6 recoveries 41% done",
     "prod-logs: アップグレード中にクラスター状態が red になりました（2140 → 2150、ノード 3/8 "
     "完了）; OpenSearch red, shards 6 initializing, 0 relocating, 7 unassigned, 6 recoveries "
     "41% done"},
    {event_type::cluster_health_cleared,
     "prod-logs: cluster health no longer red (yellow) after 1h05m (2140 → 2150, 3/8 nodes "
     "done); OpenSearch yellow, shards 6 initializing, 0 relocating, 0 unassigned, 6 recoveries "
     "41% done",
     "prod-logs: 클러스터 상태가 1시간 5분 만에 red에서 벗어났습니다 (yellow) (2140 → 2150, 노드 "
     "3/8 완료); OpenSearch yellow, shards 6 initializing, 0 relocating, 0 unassigned, 6 "
     "recoveries 41% done",
     "prod-logs: クラスター状態が 1時間5分 後に red でなくなりました（yellow）（2140 → 2150、"
     "ノード 3/8 完了）; OpenSearch yellow, shards 6 initializing, 0 relocating, 0 unassigned, "
     "6 recoveries 41% done"},
    {event_type::recovery_stuck,
     "prod-logs: shard recoveries made no progress for 15m (2140 → 2150, 3/8 nodes done); "
     "OpenSearch yellow, shards 6 initializing, 0 relocating, 0 unassigned, 6 recoveries 41% done",
     "prod-logs: 샤드 복구가 15분째 진행되지 않습니다 (2140 → 2150, 노드 3/8 완료); "
     "OpenSearch yellow, shards 6 initializing, 0 relocating, 0 unassigned, 6 recoveries 41% done",
     "prod-logs: シャードの復旧が 15分 進んでいません（2140 → 2150、ノード 3/8 完了）; "
     "OpenSearch yellow, shards 6 initializing, 0 relocating, 0 unassigned, 6 recoveries 41% "
     "done"},
};

std::string summary(const event& e, message_language language) {
    return render_message(e, {language, seoul_zone}).summary;
}

TEST(catalogue_test, golden_summaries_per_language_and_event_type) {
    for (const golden& g : summaries) {
        SCOPED_TRACE(std::string(to_string(g.type)));
        const event e = as_type(g.type);
        EXPECT_EQ(summary(e, message_language::en), g.en);
        EXPECT_EQ(summary(e, message_language::ko), g.ko);
        EXPECT_EQ(summary(e, message_language::ja), g.ja);
    }
}

TEST(catalogue_test, english_sentences_are_the_trackers_summaries) {
    // monitor::summarize writes event::summary: the English catalogue says exactly the same.
    for (const event_type type : all_event_types) {
        const event e = as_type(type);
        EXPECT_EQ(summary(e, message_language::en), e.summary) << to_string(type);
    }
}

TEST(catalogue_test, golden_titles) {
    const std::vector<std::string> en{"Upgrade started",
                                      "Node changed",
                                      "Upgrade finished",
                                      "Upgrade failed",
                                      "Upgrade stalled",
                                      "Stall cleared",
                                      "Upgrade vanished",
                                      "Monitor blind",
                                      "Monitor recovered",
                                      "Monitor degraded",
                                      "Unplanned upgrade",
                                      "Cluster health red",
                                      "Cluster health no longer red",
                                      "Shard recovery stuck"};
    const std::vector<std::string> ko{"업그레이드 시작",
                                      "노드 상태 변경",
                                      "업그레이드 완료",
                                      "업그레이드 실패",
                                      "업그레이드 지연",
                                      "지연 해소",
                                      "업그레이드 사라짐",
                                      "모니터링 불가",
                                      "모니터링 복구",
                                      "모니터링 기능 저하",
                                      "계획되지 않은 업그레이드",
                                      "클러스터 상태 red",
                                      "클러스터 상태 red 해소",
                                      "샤드 복구 정체"};
    const std::vector<std::string> ja{"アップグレード開始",
                                      "ノードのステータス変更",
                                      "アップグレード完了",
                                      "アップグレード失敗",
                                      "アップグレード停滞",
                                      "停滞解消",
                                      "アップグレード消失",
                                      "監視不能",
                                      "監視回復",
                                      "監視機能の低下",
                                      "計画外のアップグレード",
                                      "クラスター状態 red",
                                      "クラスター状態 red 解消",
                                      "シャード復旧の停滞"};
    for (std::size_t i = 0; i < std::size(all_event_types); ++i) {
        const event e = as_type(all_event_types[i]);
        EXPECT_EQ(render_message(e, {message_language::en, utc}).title, en[i]);
        EXPECT_EQ(render_message(e, {message_language::ko, seoul_zone}).title, ko[i]);
        EXPECT_EQ(render_message(e, {message_language::ja, tokyo}).title, ja[i]);
    }
}

TEST(catalogue_test, stall_variants_and_a_new_node) {
    event slow = as_type(event_type::upgrade_stalled);
    slow.stall = stall_info{"slower_than_peers", 40 * 60, 11 * 60};
    slow.summary = monitor::summarize(slow);
    EXPECT_EQ(summary(slow, message_language::en), slow.summary);
    EXPECT_EQ(summary(slow, message_language::ko),
              "prod-logs: 노드 prod-logs-do-6tnm의 Upgrade_OpenSearch 단계가 40분째 진행 중으로, "
              "완료된 노드들의 중앙값 11분보다 느립니다 (2140 → 2150, 노드 3/8 완료)");
    EXPECT_EQ(summary(slow, message_language::ja),
              "prod-logs: ノード prod-logs-do-6tnm は Upgrade_OpenSearch の段階で40分経過しており、"
              "完了したノードの中央値（11分）より遅れています（2140 → 2150、ノード 3/8 完了）");

    event quiet = as_type(event_type::upgrade_stalled);
    quiet.stall = stall_info{"no_progress_timeout", 3600 + 30 * 60};
    quiet.summary = monitor::summarize(quiet);
    EXPECT_EQ(summary(quiet, message_language::en), quiet.summary);
    EXPECT_EQ(
        summary(quiet, message_language::ko),
        "prod-logs: 1시간 30분 동안 상태가 바뀐 노드가 없습니다 (2140 → 2150, 노드 3/8 완료)");
    EXPECT_EQ(summary(quiet, message_language::ja),
              "prod-logs: 1時間30分の間、ステータスが変わったノードがありません（2140 → 2150、"
              "ノード 3/8 完了）");

    event fresh = as_type(event_type::node_changed);
    fresh.node->previous_status.clear();
    fresh.summary = monitor::summarize(fresh);
    EXPECT_EQ(summary(fresh, message_language::en), fresh.summary);
    EXPECT_EQ(summary(fresh, message_language::ko),
              "prod-logs: 새 노드 prod-logs-do-6tnm 확인, 상태: Upgrade_OpenSearch (2140 → 2150, "
              "노드 3/8 완료)");
    EXPECT_EQ(summary(fresh, message_language::ja),
              "prod-logs: 新しいノード prod-logs-do-6tnm を確認、ステータス: "
              "Upgrade_OpenSearch（2140 → 2150、ノード 3/8 完了）");
}

TEST(catalogue_test, blind_without_a_readable_duration_still_says_what_happened) {
    event e = as_type(event_type::monitor_blind);
    e.summary = "prod-logs: something else";  // an event from elsewhere (test-notify, say)
    EXPECT_EQ(summary(e, message_language::ko),
              "prod-logs: 클러스터 상태를 조회하지 못하고 있습니다. 마지막 오류: HTTP 503");
    EXPECT_EQ(summary(e, message_language::ja),
              "prod-logs: クラスターの状態を取得できていません。最後のエラー: HTTP 503");
    EXPECT_FALSE(unobserved_for(e));
}

TEST(catalogue_test, facts_in_each_language_with_times_in_the_zone) {
    const event e = as_type(event_type::upgrade_stalled);
    const auto facts = [](const message_text& m) {
        std::vector<std::string> out;
        for (const auto& f : m.facts)
            out.push_back(f.label + "=" + f.value);
        out.push_back(m.occurred_label + "=" + m.occurred);
        return out;
    };
    EXPECT_EQ(facts(render_message(e, {message_language::en, utc})),
              (std::vector<std::string>{
                  "Cluster=prod-logs (1037123456, KR)", "Versions=2140 → 2150",
                  "Progress=3/8 nodes done", "Expected finish=2026-11-26 21:14:00 UTC",
                  "Node=prod-logs-do-6tnm (DO)", "Status=Upgrade_OpenSearch (was running)",
                  "Stuck for=47m", "Time=2026-11-26 20:01:02 UTC"}));
    EXPECT_EQ(facts(render_message(e, {message_language::ko, seoul_zone})),
              (std::vector<std::string>{
                  "클러스터=prod-logs (1037123456, KR)", "버전=2140 → 2150",
                  "진행 상황=노드 3/8 완료", "완료 예상 시각=2026년 11월 27일 06:14:00 KST",
                  "노드=prod-logs-do-6tnm (DO)", "상태=Upgrade_OpenSearch (이전 상태: running)",
                  "지연 시간=47분", "발생 시각=2026년 11월 27일 05:01:02 KST"}));
    EXPECT_EQ(facts(render_message(e, {message_language::ja, tokyo})),
              (std::vector<std::string>{"クラスター=prod-logs (1037123456, KR)",
                                        "バージョン=2140 → 2150", "進捗=ノード 3/8 完了",
                                        "完了予定時刻=2026年11月27日 06:14:00 JST",
                                        "ノード=prod-logs-do-6tnm (DO)",
                                        "ステータス=Upgrade_OpenSearch（前のステータス: running）",
                                        "停滞時間=47分", "発生時刻=2026年11月27日 05:01:02 JST"}));
}

TEST(catalogue_test, durations_in_each_languages_units) {
    const catalogue& ko = korean_catalogue();
    const catalogue& ja = japanese_catalogue();
    const std::vector<std::tuple<duration, std::string, std::string>> cases{
        {500ms, "1초 미만", "1秒未満"},          {12s, "12초", "12秒"},
        {4min + 5s, "4분 5초", "4分5秒"},        {47min, "47분", "47分"},
        {65min, "1시간 5분", "1時間5分"},        {2h, "2시간", "2時間"},
        {49h + 1min, "49시간 1분", "49時間1分"},
    };
    for (const auto& [d, korean, japanese] : cases) {
        EXPECT_EQ(ko.duration_text(d), korean);
        EXPECT_EQ(ja.duration_text(d), japanese);
    }
}

TEST(catalogue_test, every_template_uses_only_known_slots) {
    const std::regex slot("\\{([a-z]+)\\}");
    const std::set<std::string> known{"cluster", "node",  "status", "previous", "for",
                                      "median",  "took",  "error",  "progress", "versions",
                                      "done",    "total", "health"};
    for (const catalogue* c : {&english_catalogue(), &korean_catalogue(), &japanese_catalogue()}) {
        for (std::string_view text :
             {c->started,      c->node_changed,        c->node_appeared,  c->node_unknown,
              c->finished,     c->finished_in,         c->failed,         c->stalled_stage,
              c->stalled_slow, c->stalled_no_progress, c->stall_cleared,  c->vanished,
              c->blind,        c->blind_error,         c->blind_since,    c->blind_since_error,
              c->recovered,    c->recovered_since,     c->progress,       c->progress_value,
              c->status_was,   c->health_red,          c->health_cleared, c->recovery_stuck}) {
            const std::string s(text);
            EXPECT_FALSE(s.empty());
            for (std::sregex_iterator it(s.begin(), s.end(), slot), end; it != end; ++it)
                EXPECT_TRUE(known.count((*it)[1])) << s;
        }
    }
}

TEST(catalogue_test, fill_leaves_unknown_slots_and_braces_alone) {
    EXPECT_EQ(fill("{a} and {b} {c", {{"a", "1"}}), "1 and {b} {c");
    EXPECT_EQ(fill("{a}{a}", {{"a", "{a}"}}), "{a}{a}");
}

TEST(catalogue_test, localized_summary_keeps_the_events_own_english) {
    event e = as_type(event_type::upgrade_stalled);
    e.summary = "prod-logs: written by an older version";
    EXPECT_EQ(localized_summary(e, {message_language::en, seoul_zone}), e.summary);
    EXPECT_NE(localized_summary(e, {message_language::ko, seoul_zone}), e.summary);
}

TEST(catalogue_test, dashboard_link_points_at_the_cluster_view) {
    const event e = as_type(event_type::upgrade_stalled);
    EXPECT_EQ(dashboard_link("https://mon.example.net", e),
              "https://mon.example.net/#cluster/prod-logs");
    EXPECT_EQ(dashboard_link("https://mon.example.net/ses/", e),
              "https://mon.example.net/ses/#cluster/prod-logs");
    EXPECT_EQ(dashboard_link("", e), "");
}

}  // namespace
}  // namespace sesmon::notify
