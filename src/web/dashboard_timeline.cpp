#include "web/dashboard_timeline.hpp"

namespace sesmon::web {
namespace {

// Hooks for tests and scripts (docs/dashboard.md): .eta[data-at] on a card; div.gantt
// [data-upgrade] holding .gantt-row[data-node] rows with .gantt-bar[data-status][data-phase]
// [data-start][data-end] bars (data-end "" while open), .gantt-now and .gantt-eta[data-at];
// #history tr[data-upgrade] rows (td.h-outcome, td.h-duration[data-seconds]) of the shown
// cluster; #timeline-view[data-upgrade] while a timeline is opened (#upgrade/<id>).

constexpr std::string_view timeline_style = R"css(
.eta{font-size:.85rem;margin:.45rem 0 0;font-variant-numeric:tabular-nums}
.eta b{font-weight:600}
.gantt{margin-top:.75rem;--label:11rem}
.gantt-rows{position:relative}
.gantt-row{display:grid;grid-template-columns:var(--label) 1fr;align-items:center;min-height:1.35rem}
.gantt-label{display:flex;gap:.35rem;align-items:baseline;min-width:0;padding-right:.4rem;font-size:.78rem}
.gantt-label .host{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow:hidden;
text-overflow:ellipsis;white-space:nowrap;direction:rtl;text-align:left;flex:1;min-width:0}
.gantt-label .role{color:var(--muted);font-size:.7rem}
.gantt-track{position:relative;height:.9rem;background:var(--track);border-radius:3px;overflow:hidden}
.gantt-bar{position:absolute;top:0;bottom:0;min-width:2px;border-right:1px solid var(--card)}
.gantt-marks{position:absolute;top:0;bottom:0;left:var(--label);right:0;pointer-events:none}
.gantt-now,.gantt-eta{position:absolute;top:-.2rem;bottom:-.2rem;width:0}
.gantt-now{border-left:2px solid var(--fg)}
.gantt-eta{border-left:2px dashed var(--accent)}
.gantt-axis{display:grid;grid-template-columns:var(--label) 1fr;font-size:.7rem;color:var(--muted);
margin-top:.2rem}
.gantt-axis .ticks{position:relative;height:1rem}
.gantt-axis .tick{position:absolute;transform:translateX(-50%);white-space:nowrap}
.gantt-axis .tick.first{transform:none}
.gantt-axis .tick.last{transform:translateX(-100%)}
.gantt-legend{display:flex;flex-wrap:wrap;gap:.2rem .8rem;list-style:none;padding:0;margin:.4rem 0 0;
font-size:.72rem;color:var(--muted)}
.gantt-legend .swatch{display:inline-block;width:.7rem;height:.7rem;border-radius:2px;
margin-right:.3rem;vertical-align:-.05rem}
.gantt-legend .mark{display:inline-block;width:0;height:.8rem;margin-right:.3rem;vertical-align:-.1rem}
.gantt-legend .mark.now{border-left:2px solid var(--fg)}
.gantt-legend .mark.eta{border-left:2px dashed var(--accent)}
.gantt-empty{color:var(--muted);font-size:.8rem;margin-top:.5rem}
#history,#timeline-view{margin:0 0 1rem;background:var(--card);border:1px solid var(--line);
border-radius:8px;padding:1rem}
#timeline-view[hidden]{display:none}
#history h2,#timeline-view h2{font-size:1.05rem;margin:0 0 .5rem}
#timeline-view .close{float:right;font-size:.85rem;color:var(--accent)}
table.history{width:100%;border-collapse:collapse;font-size:.85rem}
table.history th{text-align:left;color:var(--muted);font-weight:600;font-size:.72rem;
text-transform:uppercase;border-bottom:1px solid var(--line);padding:.3rem .4rem}
table.history td{border-bottom:1px solid var(--line);padding:.35rem .4rem}
table.history tbody tr{cursor:pointer}
table.history tbody tr:hover,table.history tbody tr.selected{background:var(--bg)}
table.history a{color:var(--accent);text-decoration:none;font-weight:600}
table.history td.h-duration,table.history td.h-nodes{font-variant-numeric:tabular-nums;white-space:nowrap}
.outcome{font-size:.75rem;font-weight:700;padding:.05rem .45rem;border-radius:999px;background:var(--track)}
.outcome-finished{background:var(--ok);color:#fff}
.outcome-in_progress{background:var(--accent);color:#fff}
.outcome-failed{background:var(--bad);color:#fff}
.outcome-vanished{background:var(--warn);color:#fff}
@media (max-width:600px){
.gantt{--label:6.5rem}
#history,#timeline-view{padding:.75rem}
table.history thead{display:none}
table.history tr{display:grid;grid-template-columns:1fr auto;gap:.1rem .6rem;
border-bottom:1px solid var(--line);padding:.4rem 0}
table.history td{border:0;padding:0}
table.history td.h-started{grid-column:1/-1;color:var(--muted);font-size:.78rem}
.gantt-axis .tick.minor{display:none}
}
)css";

constexpr std::string_view timeline_script = R"js(
'use strict';
(() => {
  const TIMELINE_MAX_AGE_MS = 15000, HISTORY_MAX_AGE_MS = 15000;
  const PALETTE = ['#2f6fde', '#7b4fd6', '#0f9aa8', '#c2459b', '#5b7fa6', '#b5651d'];
  const PHASE_COLOURS = {pending: '#9aa5b1', complete: '#1f8a4c', failed: '#c62828',
                         unknown: '#b86e00'};
  const timelines = new Map();  // upgrade id -> {data, signature, fetchedAt, loading}
  let history = {data: null, fetchedAt: 0, loading: false, signature: ''};
  let lastNow = null;

  const {el, pad, duration, clock: hhmmss} = window.sesmonDashboard;
  const hhmm = (d) => pad(d.getHours()) + ':' + pad(d.getMinutes());
  const ms = (iso) => (iso ? Date.parse(iso) : NaN);
  const versions = (u) => (u.from_version || '?') + ' \u2192 ' + (u.to_version || '?');

  // Colours: phases fixed, each Upgrade_* status its own, in the order the upgrade met them.
  const colours = (nodes) => {
    const stages = [];
    const firsts = new Map();
    for (const n of nodes)
      for (const s of n.statuses)
        if (s.phase === 'upgrading') {
          const t = ms(s.started_at);
          if (!firsts.has(s.status) || t < firsts.get(s.status)) firsts.set(s.status, t);
        }
    for (const [status, t] of firsts) stages.push([t, status]);
    stages.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
    const map = new Map();
    stages.forEach(([, status], i) => map.set(status, PALETTE[i % PALETTE.length]));
    return (s) => (s.phase === 'upgrading' ? map.get(s.status) : PHASE_COLOURS[s.phase]) ||
                  PHASE_COLOURS.unknown;
  };

  const legend = (nodes, colourOf, withNow, withEta) => {
    const seen = new Map();
    for (const n of nodes) for (const s of n.statuses) if (!seen.has(s.status)) seen.set(s.status, s);
    const order = {pending: 0, upgrading: 1, complete: 2, failed: 3, unknown: 4};
    const items = [...seen.values()].sort((a, b) =>
        order[a.phase] - order[b.phase] || ms(a.started_at) - ms(b.started_at));
    const ul = el('ul', 'gantt-legend');
    for (const s of items) {
      const li = ul.appendChild(el('li'));
      li.appendChild(el('span', 'swatch')).style.background = colourOf(s);
      li.appendChild(document.createTextNode(s.status));
    }
    if (withNow) {
      const now = ul.appendChild(el('li'));
      now.appendChild(el('span', 'mark now'));
      now.appendChild(document.createTextNode('now'));
    }
    if (withEta) {
      const eta = ul.appendChild(el('li'));
      eta.appendChild(el('span', 'mark eta'));
      eta.appendChild(document.createTextNode('expected finish'));
    }
    return ul;
  };

  // The Gantt of one timeline document (api/v1/upgrades/{id}) at `nowIso`.
  const gantt = (doc, nowIso) => {
    const u = doc.upgrade;
    const box = el('div', 'gantt');
    box.dataset.upgrade = u.id;
    if (!doc.nodes || !doc.nodes.length) {
      box.appendChild(el('div', 'gantt-empty', 'No node timeline recorded for this upgrade.'));
      return box;
    }
    const now = ms(nowIso) || Date.now();
    const running = u.outcome === 'in_progress';
    const end = running ? now : (ms(u.ended_at) || ms(u.finished_at) || now);
    const eta = running ? ms(u.expected_finish) : NaN;
    const t0 = ms(u.started_at);
    const t1 = Math.max(end, isNaN(eta) ? end : eta, t0 + 1000);
    const x = (t) => (100 * (Math.min(Math.max(t, t0), t1) - t0)) / (t1 - t0);
    const colourOf = colours(doc.nodes);
    const rows = box.appendChild(el('div', 'gantt-rows'));
    for (const n of doc.nodes) {
      const row = rows.appendChild(el('div', 'gantt-row'));
      row.dataset.node = n.hostname;
      const label = row.appendChild(el('div', 'gantt-label'));
      label.title = n.hostname + (n.role ? ' (' + n.role + ')' : '');
      label.appendChild(el('span', 'host', n.hostname));
      label.appendChild(el('span', 'role', n.role));
      const track = row.appendChild(el('div', 'gantt-track'));
      for (const s of n.statuses) {
        const from = ms(s.started_at);
        const to = s.ended_at ? ms(s.ended_at) : end;
        const bar = track.appendChild(el('div', 'gantt-bar'));
        bar.dataset.status = s.status;
        bar.dataset.phase = s.phase;
        bar.dataset.start = s.started_at;
        bar.dataset.end = s.ended_at || '';
        bar.style.left = x(from).toFixed(3) + '%';
        bar.style.width = Math.max(0, x(to) - x(from)).toFixed(3) + '%';
        bar.style.background = colourOf(s);
        bar.title = s.status + ': ' + hhmmss(new Date(from)) + ' \u2013 ' +
                    (s.ended_at ? hhmmss(new Date(to)) : 'now') + ' (' + duration(s.seconds) + ')';
      }
    }
    const marks = rows.appendChild(el('div', 'gantt-marks'));
    if (running) {
      const line = marks.appendChild(el('div', 'gantt-now'));
      line.style.left = x(now).toFixed(3) + '%';
      line.title = 'now ' + hhmmss(new Date(now));
    }
    if (!isNaN(eta)) {
      const mark = marks.appendChild(el('div', 'gantt-eta'));
      mark.dataset.at = u.expected_finish;
      mark.style.left = x(eta).toFixed(3) + '%';
      mark.title = 'expected finish ' + hhmmss(new Date(eta));
    }
    const axis = box.appendChild(el('div', 'gantt-axis'));
    axis.appendChild(el('span'));
    const ticks = axis.appendChild(el('div', 'ticks'));
    for (let i = 0; i <= 4; i++) {
      const t = t0 + ((t1 - t0) * i) / 4;
      const kind = i === 0 ? ' first' : i === 4 ? ' last' : i === 2 ? '' : ' minor';
      const tick = ticks.appendChild(el('span', 'tick' + kind,
                                        (t1 - t0 < 600000 ? hhmmss : hhmm)(new Date(t))));
      tick.style.left = ((100 * i) / 4) + '%';
    }
    box.appendChild(legend(doc.nodes, colourOf, running, !isNaN(eta)));
    return box;
  };

  const getJson = async (url) => {
    const r = await fetch(url, {cache: 'no-store'});
    if (!r.ok) throw new Error('HTTP ' + r.status);
    return r.json();
  };

  // Replaces every placeholder of upgrade `id` (cards, the opened view) with its Gantt.
  const paint = (id) => {
    const entry = timelines.get(id);
    if (!entry || !entry.data) return;
    for (const slot of document.querySelectorAll('.gantt-slot')) {
      if (slot.dataset.upgrade === id) slot.replaceChildren(gantt(entry.data, lastNow || entry.data.now));
    }
  };

  const loadTimeline = async (id, signature) => {
    let entry = timelines.get(id);
    if (!entry) timelines.set(id, entry = {data: null, signature: '', fetchedAt: 0, loading: false});
    const fresh = entry.data && entry.signature === signature &&
                  Date.now() - entry.fetchedAt < TIMELINE_MAX_AGE_MS;
    if (fresh || entry.loading) return;
    entry.loading = true;
    try {
      entry.data = await getJson('api/v1/upgrades/' + encodeURIComponent(id));
      entry.signature = signature;
      entry.fetchedAt = Date.now();
      paint(id);
    } catch (e) {
      // Kept as it was; the next refresh tries again (the cards' banner reports outages).
    } finally {
      entry.loading = false;
    }
  };

  const slotFor = (id, nowIso) => {
    const slot = el('div', 'gantt-slot');
    slot.dataset.upgrade = id;
    const entry = timelines.get(id);
    if (entry && entry.data) slot.appendChild(gantt(entry.data, nowIso));
    return slot;
  };

  // Called by the cards' script for every card it draws.
  const card = (sec, c, nowIso) => {
    const u = c.upgrade || {};
    lastNow = nowIso;
    if (u.in_progress && u.expected_finish) {
      const d = new Date(u.expected_finish);
      const left = (ms(u.expected_finish) - ms(nowIso)) / 1000;
      const p = el('p', 'eta');
      p.dataset.at = u.expected_finish;
      p.appendChild(el('b', null, 'Expected to finish '));
      p.appendChild(document.createTextNode(hhmmss(d) + (left > 0 ? ' (in ' + duration(left) + ')' : ' (any moment)')));
      p.title = d.toLocaleString();
      sec.insertBefore(p, sec.querySelector('table.nodes') || sec.querySelector('.poll'));
    }
    if (!u.id || !(u.in_progress || u.finished_at)) return;
    const signature = (c.nodes || []).map((n) => n.hostname + '=' + n.status).join(',') +
                      '|' + u.nodes_complete + '|' + (u.finished_at || '');
    sec.insertBefore(slotFor(u.id, nowIso), sec.querySelector('table.nodes') || sec.querySelector('.poll'));
    loadTimeline(u.id, signature);
  };

  // ---- the cluster's history list and the opened timeline (the cluster view calls) ----

  let shownCluster = null, openedId = null;

  const renderHistory = () => {
    const box = document.getElementById('history-list');
    const list = history.data ? history.data.upgrades : null;
    if (!list) return;
    if (!list.length) {
      box.replaceChildren(el('p', 'empty', 'No upgrades recorded yet.'));
      return;
    }
    const table = el('table', 'history');
    const head = table.createTHead().insertRow();
    for (const [cls, text] of [['h-cluster', 'Cluster'], ['h-versions', 'Versions'],
                               ['h-started', 'Started'], ['h-duration', 'Duration'],
                               ['h-outcome', 'Outcome'], ['h-nodes', 'Nodes']])
      head.appendChild(el('th', cls, text));
    const body = table.createTBody();
    for (const u of list) {
      const tr = body.insertRow();
      tr.dataset.upgrade = u.id;
      if (u.id === openedId) tr.classList.add('selected');
      const name = tr.appendChild(el('td', 'h-cluster'));
      const a = name.appendChild(el('a', null, u.cluster));
      a.href = '#upgrade/' + u.id;
      a.title = 'timeline of upgrade ' + u.id;
      tr.appendChild(el('td', 'h-versions', versions(u)));
      tr.appendChild(el('td', 'h-started', new Date(u.started_at).toLocaleString()));
      const d = tr.appendChild(el('td', 'h-duration',
          duration(u.duration_seconds) + (u.outcome === 'in_progress' ? ' so far' : '')));
      d.dataset.seconds = u.duration_seconds;
      tr.appendChild(el('td', 'h-outcome')).appendChild(
          el('span', 'outcome outcome-' + u.outcome, u.outcome.replace('_', ' ')));
      tr.appendChild(el('td', 'h-nodes', u.nodes.complete + '/' + u.nodes.total));
      tr.addEventListener('click', () => { location.hash = '#upgrade/' + u.id; });
    }
    box.replaceChildren(table);
  };

  // The history is written to state.db after the poll that the cluster's document shows, so
  // right after a change it may lag by a commit: read it again (a second apart, a few times)
  // until its row of the current upgrade agrees with the document.
  const HISTORY_RETRIES = 5;
  let retry = null;
  const agrees = (u) => {
    if (!u.id) return true;
    const row = history.data.upgrades.find((x) => x.id === u.id);
    return !!row && row.nodes.complete === u.nodes_complete &&
           (row.outcome === 'in_progress') === !u.finished_at;
  };
  const loadHistory = async (name, signature, upgrade, tries = 0) => {
    if (history.loading) return;
    if (history.data && history.signature === signature && !tries &&
        Date.now() - history.fetchedAt < HISTORY_MAX_AGE_MS) return;
    history.loading = true;
    clearTimeout(retry);
    try {
      history.data = await getJson('api/v1/history?limit=20&cluster=' + encodeURIComponent(name));
      history.signature = signature;
      history.fetchedAt = Date.now();
      if (name === shownCluster) renderHistory();
      if (!agrees(upgrade) && tries < HISTORY_RETRIES)
        retry = setTimeout(() => {
          if (name === shownCluster) loadHistory(name, signature, upgrade, tries + 1);
        }, 1000);
    } catch (e) {
      const box = document.getElementById('history-list');
      if (!history.data) box.replaceChildren(el('p', 'empty', 'History not available (' + e.message + ').'));
    } finally {
      history.loading = false;
    }
  };

  const showOpened = () => {
    const view = document.getElementById('timeline-view');
    const id = openedId;
    for (const tr of document.querySelectorAll('#history tr[data-upgrade]'))
      tr.classList.toggle('selected', tr.dataset.upgrade === id);
    if (!id) {
      view.hidden = true;
      delete view.dataset.upgrade;
      return;
    }
    const entry = timelines.get(id);
    const u = entry && entry.data ? entry.data.upgrade : null;
    view.dataset.upgrade = id;
    const close = el('a', 'close', 'close');
    close.href = '#cluster/' + encodeURIComponent(shownCluster || '');
    const title = el('h2', null, u ? u.cluster + ': ' + versions(u) + ' \u00b7 ' +
                                     u.outcome.replace('_', ' ') + ' \u00b7 ' + duration(u.duration_seconds)
                                   : 'Upgrade ' + id);
    view.replaceChildren(close, title, slotFor(id, lastNow || (entry && entry.data ? entry.data.now : null)));
    view.hidden = false;
  };

  // The cluster view shows `name` (its document `doc`), with upgrade `opened` (or none) open.
  const cluster = (name, doc, opened) => {
    lastNow = doc.now;
    shownCluster = name;
    openedId = opened;
    const c = doc.cluster || {}, u = c.upgrade || {};
    loadHistory(name, (u.id || '') + ':' + u.nodes_complete + ':' + (u.finished_at || '') + ':' + !!c.failed, u);
    showOpened();
    if (!opened) return;
    const entry = timelines.get(opened);
    const running = !entry || !entry.data || entry.data.upgrade.outcome === 'in_progress';
    if (running) loadTimeline(opened, 'opened@' + Math.floor(Date.now() / TIMELINE_MAX_AGE_MS)).then(showOpened);
  };

  // Another cluster is about to be shown: nothing of this one stays on screen.
  const forget = () => {
    clearTimeout(retry);
    history = {data: null, fetchedAt: 0, loading: false, signature: ''};
    document.getElementById('history-list').replaceChildren(el('p', 'empty', 'loading\u2026'));
    openedId = null;
    showOpened();
  };

  window.sesmonTimeline = {card, cluster, forget};
})();
)js";

// The cluster view (dashboard_cluster.cpp) holds #timeline-view and #history.
constexpr std::string_view timeline_body = "";

}  // namespace

dashboard_part timeline_part() {
    return {timeline_style, timeline_script, timeline_body};
}

}  // namespace sesmon::web
