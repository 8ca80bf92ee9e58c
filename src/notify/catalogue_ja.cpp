// Japanese texts, in the terms of NAVER Cloud's Japanese console (クラスター, ノード,
// アップグレード, バージョン, ステータス). Hostnames, status words and other Latin text are
// kept as the API writes them and set off by spaces; Japanese durations ("47分") are not.
#include <cstdio>

#include "notify/catalogue.hpp"

namespace sesmon::notify {
namespace {

// "1秒未満", "12秒", "4分5秒", "47分", "1時間5分", "2時間".
std::string ja_duration_text(duration d) {
    const long long s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
    char text[48];
    if (s < 1)
        return "1秒未満";
    if (s < 60) {
        std::snprintf(text, sizeof text, "%lld秒", s);
    } else if (s < 3600) {
        if (s % 60 == 0)
            std::snprintf(text, sizeof text, "%lld分", s / 60);
        else
            std::snprintf(text, sizeof text, "%lld分%lld秒", s / 60, s % 60);
    } else {
        const long long m = s / 60;
        if (m % 60 == 0)
            std::snprintf(text, sizeof text, "%lld時間", m / 60);
        else
            std::snprintf(text, sizeof text, "%lld時間%lld分", m / 60, m % 60);
    }
    return text;
}

// "ノードのステータス変更 6件": the type's title and the count.
std::string ja_counted(event_type /*type*/, std::size_t n, std::string_view title) {
    return std::string(title) + " " + std::to_string(n) + "件";
}

std::string ja_time_text(wall_time t, const message_time_zone& zone) {
    const local_fields f = local_time(t, zone);
    char text[80];
    std::snprintf(text, sizeof text, "%d年%d月%d日 %02d:%02d:%02d %s", f.year, f.month, f.day,
                  f.hour, f.minute, f.second, zone.abbreviation.c_str());
    return text;
}

}  // namespace

const catalogue& japanese_catalogue() {
    static const catalogue table{
        .titles = {"アップグレード開始", "ノードのステータス変更", "アップグレード完了",
                   "アップグレード失敗", "アップグレード停滞", "停滞解消", "アップグレード消失",
                   "監視不能", "監視回復", "監視機能の低下", "計画外のアップグレード",
                   "クラスター状態 red", "クラスター状態 red 解消", "シャード復旧の停滞"},
        .started = "{cluster}: アップグレードが開始されました{progress}",
        .node_changed =
            "{cluster}: ノード {node} のステータスが変わりました: {previous} "
            "\u2192 {status}{progress}",
        .node_appeared = "{cluster}: 新しいノード {node} を確認、ステータス: {status}{progress}",
        .node_unknown = "{cluster}: ノードのステータスが変わりました{progress}",
        .finished = "{cluster}: アップグレードが完了しました{progress}",
        .finished_in = "{cluster}: アップグレードが{took}で完了しました{progress}",
        .failed =
            "{cluster}: ノード {node} のアップグレードが失敗しました。ステータス: "
            "{status}{progress}",
        .stalled_stage =
            "{cluster}: ノード {node} が {status} の段階のまま{for}経過して"
            "います{progress}",
        .stalled_slow =
            "{cluster}: ノード {node} は {status} の段階で{for}経過しており、"
            "完了したノードの中央値（{median}）より遅れています{progress}",
        .stalled_no_progress =
            "{cluster}: {for}の間、ステータスが変わったノードが"
            "ありません{progress}",
        .stall_cleared =
            "{cluster}: {for}停滞していたアップグレードが再び進み始めました"
            "{progress}",
        .vanished = "{cluster}: アップグレードが完了前に API の応答から消えました{progress}",
        .blind = "{cluster}: {for}の間、クラスターの状態を取得できていません",
        .blind_error =
            "{cluster}: {for}の間、クラスターの状態を取得できていません。"
            "最後のエラー: {error}",
        .blind_since = "{cluster}: クラスターの状態を取得できていません",
        .blind_since_error =
            "{cluster}: クラスターの状態を取得できていません。最後のエラー: "
            "{error}",
        .recovered =
            "{cluster}: {for}の間取得できなかったクラスターの状態が、再び取得"
            "できるようになりました",
        .recovered_since = "{cluster}: クラスターの状態が再び取得できるようになりました",
        .degraded =
            "{cluster}: グループのストアが書き込みを拒否しているため、通知は待機しています。原因: "
            "{error}",
        .degraded_plain =
            "{cluster}: グループのストアが書き込みを拒否しているため、通知は待機しています",
        .unplanned = "{cluster}: メンテナンス時間外にアップグレードが開始されました{progress}",
        .health_red = "{cluster}: アップグレード中にクラスター状態が red になりました{progress}",
        .health_cleared =
            "{cluster}: クラスター状態が {for} 後に red でなくなりました（{health}）{progress}",
        .recovery_stuck = "{cluster}: シャードの復旧が {for} 進んでいません{progress}",
        .progress = "（{versions}、ノード {done}/{total} 完了）",
        .digest = "{cluster}: {what}{progress}",
        .digest_in = "{cluster}: {for}の間に{what}{progress}",
        .digest_kinds = "イベント {count}件（{items}）",
        .counted = ja_counted,
        .cluster_label = "クラスター",
        .versions_label = "バージョン",
        .progress_label = "進捗",
        .progress_value = "ノード {done}/{total} 完了",
        .expected_finish_label = "完了予定時刻",
        .node_label = "ノード",
        .status_label = "ステータス",
        .status_was = "{status}（前のステータス: {previous}）",
        .stuck_for_label = "停滞時間",
        .error_label = "最後のエラー",
        .occurred_label = "発生時刻",
        .open_dashboard = "ダッシュボードで表示",
        .event_label = "イベント",
        .shortened = "\u2026（一部省略）",
        .duration_text = ja_duration_text,
        .time_text = ja_time_text,
    };
    return table;
}

}  // namespace sesmon::notify
