// Korean texts, in the terms of NAVER Cloud's Korean console (클러스터, 노드, 업그레이드,
// 버전, 상태). Hostnames and status words are kept as the API writes them; particles after
// them are ones that do not depend on the preceding sound (의, 에서), so no sentence needs
// 이(가)-style alternatives.
#include <cstdio>

#include "notify/catalogue.hpp"

namespace sesmon::notify {
namespace {

// "1초 미만", "12초", "4분 5초", "47분", "1시간 5분", "2시간".
std::string ko_duration_text(duration d) {
    const long long s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
    char text[48];
    if (s < 1)
        return "1초 미만";
    if (s < 60) {
        std::snprintf(text, sizeof text, "%lld초", s);
    } else if (s < 3600) {
        if (s % 60 == 0)
            std::snprintf(text, sizeof text, "%lld분", s / 60);
        else
            std::snprintf(text, sizeof text, "%lld분 %lld초", s / 60, s % 60);
    } else {
        const long long m = s / 60;
        if (m % 60 == 0)
            std::snprintf(text, sizeof text, "%lld시간", m / 60);
        else
            std::snprintf(text, sizeof text, "%lld시간 %lld분", m / 60, m % 60);
    }
    return text;
}

// "노드 상태 변경 6건": the type's title and the count.
std::string ko_counted(event_type /*type*/, std::size_t n, std::string_view title) {
    return std::string(title) + " " + std::to_string(n) + "건";
}

std::string ko_time_text(wall_time t, const message_time_zone& zone) {
    const local_fields f = local_time(t, zone);
    char text[80];
    std::snprintf(text, sizeof text, "%d년 %d월 %d일 %02d:%02d:%02d %s", f.year, f.month, f.day,
                  f.hour, f.minute, f.second, zone.abbreviation.c_str());
    return text;
}

}  // namespace

const catalogue& korean_catalogue() {
    static const catalogue table{
        .titles = {"업그레이드 시작", "노드 상태 변경", "업그레이드 완료", "업그레이드 실패",
                   "업그레이드 지연", "지연 해소", "업그레이드 사라짐", "모니터링 불가",
                   "모니터링 복구", "모니터링 기능 저하", "계획되지 않은 업그레이드",
                   "클러스터 상태 red", "클러스터 상태 red 해소", "샤드 복구 정체"},
        .started = "{cluster}: 업그레이드가 시작되었습니다{progress}",
        .node_changed =
            "{cluster}: 노드 {node}의 상태가 바뀌었습니다: {previous} \u2192 "
            "{status}{progress}",
        .node_appeared = "{cluster}: 새 노드 {node} 확인, 상태: {status}{progress}",
        .node_unknown = "{cluster}: 노드 상태가 바뀌었습니다{progress}",
        .finished = "{cluster}: 업그레이드가 완료되었습니다{progress}",
        .finished_in = "{cluster}: 업그레이드가 {took} 만에 완료되었습니다{progress}",
        .failed = "{cluster}: 노드 {node}의 업그레이드가 실패했습니다. 상태: {status}{progress}",
        .stalled_stage =
            "{cluster}: 노드 {node}의 {status} 단계가 {for}째 끝나지 않고 "
            "있습니다{progress}",
        .stalled_slow =
            "{cluster}: 노드 {node}의 {status} 단계가 {for}째 진행 중으로, 완료된 "
            "노드들의 중앙값 {median}보다 느립니다{progress}",
        .stalled_no_progress = "{cluster}: {for} 동안 상태가 바뀐 노드가 없습니다{progress}",
        .stall_cleared = "{cluster}: {for} 동안 멈춰 있던 업그레이드가 다시 진행됩니다{progress}",
        .vanished = "{cluster}: 업그레이드가 완료되기 전에 API 응답에서 사라졌습니다{progress}",
        .blind = "{cluster}: {for} 동안 클러스터 상태를 조회하지 못했습니다",
        .blind_error =
            "{cluster}: {for} 동안 클러스터 상태를 조회하지 못했습니다. 마지막 "
            "오류: {error}",
        .blind_since = "{cluster}: 클러스터 상태를 조회하지 못하고 있습니다",
        .blind_since_error =
            "{cluster}: 클러스터 상태를 조회하지 못하고 있습니다. 마지막 "
            "오류: {error}",
        .recovered =
            "{cluster}: {for} 동안 실패하던 클러스터 상태 조회가 다시 "
            "성공했습니다",
        .recovered_since = "{cluster}: 클러스터 상태 조회가 다시 성공했습니다",
        .degraded =
            "{cluster}: 그룹 저장소가 쓰기를 거부하고 있어 알림이 대기 중입니다. 원인: {error}",
        .degraded_plain = "{cluster}: 그룹 저장소가 쓰기를 거부하고 있어 알림이 대기 중입니다",
        .unplanned = "{cluster}: 유지보수 시간대 밖에서 업그레이드가 시작되었습니다{progress}",
        .health_red = "{cluster}: 업그레이드 중 클러스터 상태가 red입니다{progress}",
        .health_cleared =
            "{cluster}: 클러스터 상태가 {for} 만에 red에서 벗어났습니다 ({health}){progress}",
        .recovery_stuck = "{cluster}: 샤드 복구가 {for}째 진행되지 않습니다{progress}",
        .progress = " ({versions}, 노드 {done}/{total} 완료)",
        .digest = "{cluster}: {what}{progress}",
        .digest_in = "{cluster}: {for} 동안 {what}{progress}",
        .digest_kinds = "이벤트 {count}건 ({items})",
        .counted = ko_counted,
        .cluster_label = "클러스터",
        .versions_label = "버전",
        .progress_label = "진행 상황",
        .progress_value = "노드 {done}/{total} 완료",
        .expected_finish_label = "완료 예상 시각",
        .node_label = "노드",
        .status_label = "상태",
        .status_was = "{status} (이전 상태: {previous})",
        .stuck_for_label = "지연 시간",
        .error_label = "마지막 오류",
        .occurred_label = "발생 시각",
        .open_dashboard = "대시보드에서 보기",
        .event_label = "이벤트",
        .shortened = "\u2026 (일부 생략)",
        .duration_text = ko_duration_text,
        .time_text = ko_time_text,
    };
    return table;
}

}  // namespace sesmon::notify
