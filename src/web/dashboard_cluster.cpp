#include "web/dashboard_cluster.hpp"

namespace sesmon::web {
namespace {

// Hooks for tests and scripts (docs/dashboard.md): #cluster-view[data-cluster] holds one
// section.cluster[data-cluster="<name>"] card with data-state (failed, stalled, blind,
// upgrading, finished, idle), .labels .chip, .versions, .badges > .badge-<kind>,
// .progress[role=progressbar][aria-valuenow], .progress-text ("3/8 nodes") and
// tr[data-node="<hostname>"][data-phase] rows; #cluster-missing when the name is not watched.

constexpr std::string_view cluster_style = R"css(
.back{display:inline-block;margin-bottom:.75rem;font-size:.9rem;text-decoration:none}
#cluster-missing{padding:1rem;background:var(--card);border:1px solid var(--line);border-radius:8px}
#cluster-missing[hidden]{display:none}
.cluster{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;
border-top:4px solid var(--accent);min-width:0;margin-bottom:1rem}
.cluster[data-state=idle],.cluster[data-state=finished]{border-top-color:var(--ok)}
.cluster[data-state=stalled],.cluster[data-state=blind]{border-top-color:var(--warn)}
.cluster[data-state=failed]{border-top-color:var(--bad)}
.cluster-head{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.25rem .75rem;
align-items:baseline}
.cluster-name{font-size:1.2rem;margin:0;overflow-wrap:anywhere}
.instance{color:var(--muted);font-size:.8rem}
.cluster .labels{margin-top:.3rem}
.versions{font-size:1.35rem;font-weight:600;margin:.35rem 0 0;font-variant-numeric:tabular-nums}
.dates{color:var(--muted);font-size:.8rem;margin-bottom:.3rem}
.badges{display:flex;flex-wrap:wrap;gap:.35rem;margin:.25rem 0 .6rem}
.progress-row{display:flex;align-items:center;gap:.75rem}
.progress{flex:1;height:.8rem;border-radius:999px;background:var(--track);overflow:hidden}
.progress-bar{height:100%;background:var(--accent);transition:width .4s}
.cluster[data-state=idle] .progress-bar,.cluster[data-state=finished] .progress-bar{background:var(--ok)}
.cluster[data-state=stalled] .progress-bar,.cluster[data-state=blind] .progress-bar{background:var(--warn)}
.cluster[data-state=failed] .progress-bar{background:var(--bad)}
.progress-text{font-weight:600;white-space:nowrap;font-variant-numeric:tabular-nums}
table.nodes{width:100%;border-collapse:collapse;margin-top:.75rem;font-size:.88rem}
table.nodes th{text-align:left;color:var(--muted);font-weight:600;font-size:.75rem;
text-transform:uppercase;border-bottom:1px solid var(--line);padding:.3rem .4rem}
table.nodes td{border-bottom:1px solid var(--line);padding:.35rem .4rem;vertical-align:top}
td.hostname{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
td.time{white-space:nowrap;font-variant-numeric:tabular-nums;text-align:right}
th.time{text-align:right}
.phase{display:inline-block;padding:0 .4rem;border-radius:4px;background:var(--track)}
.phase-upgrading{background:var(--accent);color:#fff}
.phase-complete{background:var(--ok);color:#fff}
.phase-failed{background:var(--bad);color:#fff}
.phase-unknown{background:var(--warn);color:#fff}
.poll{margin-top:.6rem;color:var(--muted);font-size:.8rem}
.poll .error{color:var(--bad);overflow-wrap:anywhere}
.opensearch{font-size:.85rem;margin:.5rem 0 0;font-variant-numeric:tabular-nums}
.opensearch .health{font-weight:700;padding:0 .45rem;border-radius:4px;background:var(--track)}
.health-green{background:var(--ok)!important;color:#fff}
.health-yellow{background:var(--warn)!important;color:#fff}
.health-red{background:var(--bad)!important;color:#fff}
@media (max-width:600px){
.cluster{padding:.75rem}
.versions{font-size:1.15rem}
table.nodes{font-size:.8rem}
table.nodes thead{display:none}
table.nodes tr{display:grid;grid-template-columns:auto 1fr auto;gap:.15rem .6rem;
border-bottom:1px solid var(--line);padding:.4rem 0}
table.nodes td{border:0;padding:0}
table.nodes td.hostname{grid-column:1/-1}
}
)css";

constexpr std::string_view cluster_script = R"js(
'use strict';
(() => {
  const S = window.sesmon;
  const {el, duration, when, ago} = S;
  const $ = (id) => document.getElementById(id);

  const versions = (u) => {
    if (u.from_version && u.to_version && u.from_version !== u.to_version)
      return u.from_version + ' \u2192 ' + u.to_version;
    return u.to_version || u.from_version || 'no version reported';
  };

  const badges = (c) => {
    const box = el('div', 'badges');
    const add = (kind, text, title) => {
      const b = box.appendChild(el('span', 'badge badge-' + kind, text));
      if (title) b.title = title;
    };
    const u = c.upgrade || {};
    if (u.in_progress) add('upgrading', 'Upgrading');
    else if (c.state === 'finished' || u.finished_at) add('finished', 'Finished');
    else add('idle', 'No upgrade');
    if (c.stalled && c.stall)
      add('stalled', 'Stalled ' + duration(c.stall.stalled_for_seconds),
          (c.stall.reason || '').replace(/_/g, ' ') + (c.stall.node ? ': ' + c.stall.node : ''));
    if (c.failed) add('failed', 'Failed');
    if (c.blind) add('blind', 'Blind: no successful poll', c.last_poll && c.last_poll.error);
    return box;
  };

  const progress = (u) => {
    const total = Number(u.nodes_total) || 0, done = Number(u.nodes_complete) || 0;
    const row = el('div', 'progress-row');
    const bar = row.appendChild(el('div', 'progress'));
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', String(total));
    bar.setAttribute('aria-valuenow', String(done));
    const fill = bar.appendChild(el('div', 'progress-bar'));
    fill.style.width = (total > 0 ? Math.min(100, (100 * done) / total) : 0).toFixed(1) + '%';
    row.appendChild(el('span', 'progress-text', done + '/' + total + ' nodes'));
    return row;
  };

  // The cluster's own OpenSearch view (SPEC §16), when the cluster has one configured.
  const clusterView = (o) => {
    const line = el('div', 'opensearch');
    if (!o.current) {
      line.dataset.health = 'unknown';
      line.textContent = 'OpenSearch view unavailable: ' + (o.error || 'not read yet');
      return line;
    }
    const s = o.shards || {}, r = o.recoveries || {};
    line.dataset.health = o.health;
    line.appendChild(el('span', 'health health-' + o.health, o.health));
    line.appendChild(el('span', 'shards', ' shards: ' + s.initializing + ' initializing \u00b7 ' +
        s.relocating + ' relocating \u00b7 ' + s.unassigned + ' unassigned'));
    line.appendChild(el('span', 'recovery', r.count
        ? ' \u00b7 ' + r.count + ' recoveries ' + Math.floor(r.percent_done) + '% done'
        : ' \u00b7 no recovery active'));
    return line;
  };

  const nodeTable = (nodes) => {
    const table = el('table', 'nodes');
    const head = table.createTHead().insertRow();
    const viewed = nodes.some((n) => 'in_cluster' in n);  // an OpenSearch view is configured
    const columns = [['hostname', 'Node'], ['role', 'Role'], ['status', 'Status'],
                     ['time', 'In status']];
    if (viewed) columns.push(['os-version', 'OpenSearch']);
    for (const [cls, text] of columns)
      head.appendChild(el('th', cls, text));
    const body = table.createTBody();
    for (const n of nodes) {
      const tr = body.insertRow();
      tr.dataset.node = n.hostname;
      tr.dataset.phase = n.phase;
      tr.appendChild(el('td', 'hostname', n.hostname));
      tr.appendChild(el('td', 'role', n.role));
      tr.appendChild(el('td', 'status')).appendChild(el('span', 'phase phase-' + n.phase, n.status));
      const t = tr.appendChild(el('td', 'time', n.status_since ? duration(n.seconds_in_status) : '\u2014'));
      if (n.status_since) t.title = 'since ' + when(n.status_since);
      if (viewed)
        tr.appendChild(el('td', 'os-version', n.in_cluster === null ? '?' :
            n.in_cluster ? n.opensearch_version : 'not in cluster'));
    }
    return table;
  };

  const dates = (u, now) => {
    const parts = [];
    if (u.action_date) parts.push('action date ' + u.action_date.replace('T', ' '));
    if (u.started_at) parts.push('started ' + ago(u.started_at, now));
    if (u.finished_at) parts.push('finished ' + ago(u.finished_at, now));
    return el('div', 'dates', parts.join(' \u00b7 '));
  };

  // The card's poll line. An HA standby never polls: it shows the group's state as the
  // leader last changed it.
  const pollLine = (lp, ha, now) => {
    if (lp.at) return 'Last poll ' + ago(lp.at, now) + ': ' + lp.result;
    if (!ha || ha.role === 'leader') return 'Not polled yet';
    const by = ha.leader ? 'member ' + ha.leader : 'the leader';
    return 'Polled by ' + by + '; shown as of its last change';
  };

  const card = (c, now, ha) => {
    const u = c.upgrade || {};
    const sec = el('section', 'cluster');
    sec.dataset.cluster = c.name;
    sec.dataset.state = c.state;
    const head = sec.appendChild(el('div', 'cluster-head'));
    head.appendChild(el('h2', 'cluster-name', c.name));
    head.appendChild(el('span', 'instance', c.instance_no + ' \u00b7 ' + c.region +
        (c.discovered ? ' \u00b7 discovered' : '')));
    const labels = Object.entries(c.labels || {});
    if (labels.length) {
      const box = sec.appendChild(el('div', 'labels'));
      for (const [k, v] of labels) box.appendChild(el('span', 'chip', k + '=' + v));
    }
    sec.appendChild(el('div', 'versions', versions(u)));
    sec.appendChild(dates(u, now));
    sec.appendChild(badges(c));
    sec.appendChild(progress(u));
    if (c.opensearch) sec.appendChild(clusterView(c.opensearch));
    if (c.nodes && c.nodes.length) sec.appendChild(nodeTable(c.nodes));
    const lp = c.last_poll || {};
    const poll = sec.appendChild(el('div', 'poll'));
    poll.appendChild(el('span', 'last-poll', pollLine(lp, ha, now)));
    if (lp.result && lp.result !== 'ok' && lp.success_at)
      poll.appendChild(el('div', 'last-success', 'Last success ' + ago(lp.success_at, now)));
    if (lp.error) poll.appendChild(el('div', 'error', lp.error));
    if (window.sesmonTimeline) window.sesmonTimeline.card(sec, c, now);  // ETA, timeline
    return sec;
  };

  // ---- the view ----
  let name = null, opened = null;
  const view = $('cluster-view');
  const refresh = async () => {
    if (name === null) return;
    let doc;
    try {
      doc = (await S.getJson('api/v1/clusters/' + encodeURIComponent(name))).data;
    } catch (e) {
      if (e.status !== 404) throw e;
      $('cluster-card').replaceChildren();
      $('cluster-missing').textContent = 'No cluster named \u201c' + name + '\u201d is watched.';
      $('cluster-missing').hidden = false;
      return;
    }
    $('cluster-missing').hidden = true;
    view.dataset.cluster = name;
    $('cluster-card').replaceChildren(card(doc.cluster, doc.now, S.ha));
    if (window.sesmonTimeline) window.sesmonTimeline.cluster(name, doc, opened);
  };

  S.views.cluster = {
    show: async (r) => {
      opened = r.upgrade || null;
      if (r.upgrade) {  // #upgrade/<id>: the cluster of that upgrade, its timeline opened
        const {data} = await S.getJson('api/v1/upgrades/' + r.upgrade);
        r.name = data.upgrade.cluster;
      }
      if (r.name !== name) {
        $('cluster-card').replaceChildren(el('p', 'empty', 'loading\u2026'));
        if (window.sesmonTimeline) window.sesmonTimeline.forget();
      }
      name = r.name;
      document.title = name + ' \u00b7 SES upgrade monitor';
      await refresh();
      if (opened) $('timeline-view').scrollIntoView({block: 'start'});
      else window.scrollTo(0, 0);
    },
    refresh,
    hide: () => {
      name = null;
      document.title = 'SES upgrade monitor';
    },
  };
})();
)js";

constexpr std::string_view cluster_body = R"html(<section id="cluster-view" hidden>
<a class="back" href="#">‹ All clusters</a>
<div id="cluster-missing" hidden></div>
<div id="cluster-card"></div>
<section id="timeline-view" aria-live="polite" hidden></section>
<section id="history"><h2>History of this cluster</h2><div id="history-list"><p class="empty">loading…</p></div></section>
</section>
)html";

}  // namespace

dashboard_part cluster_part() {
    return {cluster_style, cluster_script, cluster_body};
}

}  // namespace sesmon::web
