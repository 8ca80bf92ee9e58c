#include "web/dashboard.hpp"

#include <string_view>

#include "common/crypto.hpp"
#include "web/dashboard_timeline.hpp"

namespace sesmon::web {
namespace {

// Stable hooks for tests and scripts: #clusters holds one section.cluster[data-cluster]
// per cluster, each with .versions, .badges > .badge-<kind>, .progress[aria-valuenow],
// .progress-text ("3/8 nodes") and tr[data-node] rows; #offline-banner is shown while the
// daemon does not answer; body[data-state] is loading | ok | offline.

constexpr std::string_view style = R"css(
:root{--bg:#f4f6f8;--card:#fff;--fg:#1d2329;--muted:#5f6b76;--line:#dde3e8;--accent:#2f6fde;
--ok:#1f8a4c;--warn:#b86e00;--bad:#c62828;--track:#e3e8ee}
@media (prefers-color-scheme:dark){:root{--bg:#111418;--card:#1b2026;--fg:#e6eaee;
--muted:#98a3ad;--line:#2c333b;--accent:#6b9cf5;--ok:#3fbf74;--warn:#e0a030;--bad:#ef5350;
--track:#2c333b}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);
font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header.top{display:flex;flex-wrap:wrap;align-items:baseline;gap:.25rem 1rem;
padding:.9rem 1.25rem;border-bottom:1px solid var(--line);background:var(--card)}
header.top h1{font-size:1.15rem;margin:0}
header.top .meta{color:var(--muted);font-size:.85rem}
#offline-banner{margin:1rem 1.25rem 0;padding:.7rem 1rem;border-radius:6px;
background:var(--bad);color:#fff;font-weight:600}
#offline-banner[hidden]{display:none}
body[data-state=offline] #clusters{opacity:.55}
main{padding:1rem 1.25rem 2rem}
#clusters{display:grid;gap:1rem;grid-template-columns:repeat(auto-fill,minmax(min(100%,30rem),1fr));
align-items:start}
.empty{color:var(--muted)}
.cluster{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;
border-top:4px solid var(--accent);min-width:0}
.cluster[data-state=idle],.cluster[data-state=finished]{border-top-color:var(--ok)}
.cluster[data-state=stalled],.cluster[data-state=blind]{border-top-color:var(--warn)}
.cluster[data-state=failed]{border-top-color:var(--bad)}
.cluster-head{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.25rem .75rem;
align-items:baseline}
.cluster-name{font-size:1.1rem;margin:0;overflow-wrap:anywhere}
.instance{color:var(--muted);font-size:.8rem}
.versions{font-size:1.35rem;font-weight:600;margin:.35rem 0 0;font-variant-numeric:tabular-nums}
.dates{color:var(--muted);font-size:.8rem;margin-bottom:.3rem}
.badges{display:flex;flex-wrap:wrap;gap:.35rem;margin:.25rem 0 .6rem}
.badge{font-size:.78rem;font-weight:700;letter-spacing:.02em;padding:.12rem .55rem;border-radius:999px;background:var(--track);color:var(--fg)}
.badge-upgrading{background:var(--accent);color:#fff}
.badge-finished,.badge-idle{background:var(--ok);color:#fff}
.badge-stalled,.badge-blind{background:var(--warn);color:#fff}
.badge-failed{background:var(--bad);color:#fff}
.opensearch{font-size:.85rem;margin:0 0 .5rem;font-variant-numeric:tabular-nums}
.opensearch .health{font-weight:700;padding:0 .45rem;border-radius:4px;background:var(--track)}
.health-green{background:var(--ok)!important;color:#fff}
.health-yellow{background:var(--warn)!important;color:#fff}
.health-red{background:var(--bad)!important;color:#fff}
.progress-row{display:flex;align-items:center;gap:.75rem}
.progress{flex:1;height:.8rem;border-radius:999px;background:var(--track);overflow:hidden}
.progress-bar{height:100%;background:var(--accent);transition:width .4s}
.cluster[data-state=idle] .progress-bar,.cluster[data-state=finished] .progress-bar{background:var(--ok)}
.cluster[data-state=stalled] .progress-bar{background:var(--warn)}
.cluster[data-state=failed] .progress-bar{background:var(--bad)}
.progress-text{font-weight:600;white-space:nowrap;font-variant-numeric:tabular-nums}
table.nodes{width:100%;border-collapse:collapse;margin-top:.75rem;font-size:.88rem}
table.nodes th{text-align:left;color:var(--muted);font-weight:600;font-size:.75rem;
text-transform:uppercase;border-bottom:1px solid var(--line);padding:.3rem .4rem}
table.nodes td{border-bottom:1px solid var(--line);padding:.35rem .4rem;vertical-align:top}
td.hostname{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
overflow-wrap:anywhere}
td.time{white-space:nowrap;font-variant-numeric:tabular-nums;text-align:right}
th.time{text-align:right}
.phase{display:inline-block;padding:0 .4rem;border-radius:4px;background:var(--track)}
.phase-upgrading{background:var(--accent);color:#fff}
.phase-complete{background:var(--ok);color:#fff}
.phase-failed{background:var(--bad);color:#fff}
.phase-unknown{background:var(--warn);color:#fff}
.poll{margin-top:.6rem;color:var(--muted);font-size:.8rem}
.poll .error{color:var(--bad);overflow-wrap:anywhere}
@media (max-width:600px){
body{font-size:14px}
header.top,main{padding-left:.6rem;padding-right:.6rem}
#offline-banner{margin:.6rem .6rem 0}
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

constexpr std::string_view script = R"js(
'use strict';
(() => {
  const REFRESH_MS = 2500, TIMEOUT_MS = 5000;
  const $ = (id) => document.getElementById(id);
  let failingSince = null, loadedOnce = false;

  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };
  const pad = (n) => String(n).padStart(2, '0');
  const duration = (s) => {
    s = Math.max(0, Math.floor(Number(s) || 0));
    if (s < 60) return s + 's';
    if (s < 3600) return Math.floor(s / 60) + 'm ' + pad(s % 60) + 's';
    if (s < 86400) return Math.floor(s / 3600) + 'h ' + pad(Math.floor(s / 60) % 60) + 'm';
    return Math.floor(s / 86400) + 'd ' + Math.floor(s / 3600) % 24 + 'h';
  };
  const clock = (d) => pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  // Shared with the timeline's script (dashboard_timeline.cpp), which runs after this one.
  window.sesmonDashboard = {el, pad, duration, clock};
  const when = (iso) => {
    if (!iso) return 'never';
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleString();
  };

  const stateOf = (c) => {
    const u = c.upgrade || {};
    if (c.failed) return 'failed';
    if (c.stalled) return 'stalled';
    if (c.blind) return 'blind';
    if (u.in_progress) return 'upgrading';
    return u.finished_at ? 'finished' : 'idle';
  };

  const versions = (u) => {
    if (u.from_version && u.to_version && u.from_version !== u.to_version)
      return u.from_version + ' \u2192 ' + u.to_version;
    return u.to_version || u.from_version || 'no version reported';
  };

  const badges = (c, state) => {
    const box = el('div', 'badges');
    const add = (kind, text, title) => {
      const b = box.appendChild(el('span', 'badge badge-' + kind, text));
      if (title) b.title = title;
    };
    const words = {upgrading: 'Upgrading', finished: 'Finished', idle: 'No upgrade'};
    if (words[state]) add(state, words[state]);
    else if (c.upgrade && c.upgrade.in_progress) add('upgrading', words.upgrading);
    if (c.stalled && c.stall)
      add('stalled', 'Stalled ' + duration(c.stall.stalled_for_seconds),
          (c.stall.reason || '').replace(/_/g, ' '));
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

  // "20:41:07 (3m 10s ago)", relative to the daemon's clock so skew does not matter.
  const ago = (iso, now) => {
    if (!iso) return 'never';
    const d = new Date(iso), n = new Date(now);
    if (isNaN(d)) return iso;
    const s = isNaN(n) ? 0 : (n - d) / 1000;
    return clock(d) + (s >= 1 ? ' (' + duration(s) + ' ago)' : '');
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
    const state = stateOf(c);
    const sec = el('section', 'cluster');
    sec.dataset.cluster = c.name;
    sec.dataset.state = state;
    const head = sec.appendChild(el('div', 'cluster-head'));
    head.appendChild(el('h2', 'cluster-name', c.name));
    head.appendChild(el('span', 'instance', c.instance_no + ' \u00b7 ' + c.region +
        (c.discovered ? ' \u00b7 discovered' : '')));
    sec.appendChild(el('div', 'versions', versions(u)));
    sec.appendChild(dates(u, now));
    sec.appendChild(badges(c, state));
    if (c.opensearch) sec.appendChild(clusterView(c.opensearch));
    sec.appendChild(progress(u));
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

  const render = (doc) => {
    const box = $('clusters');
    const cards = (doc.clusters || []).map((c) => card(c, doc.now, doc.ha));
    if (!cards.length) cards.push(el('p', 'empty', 'No clusters configured.'));
    box.replaceChildren(...cards);
    $('daemon-version').textContent = 'v' + doc.version;
    const ha = doc.ha;  // an HA member: its role and the leader (SPEC §11)
    $('ha-role').textContent = !ha ? '' : 'member ' + ha.member + ': ' + (ha.problem ||
        (ha.role === 'leader' ? 'leader' : ha.role + (ha.leader ? ', ' + ha.leader + ' leads' : '')));
    $('last-updated').textContent = 'updated ' + clock(new Date());
    loadedOnce = true;
    if (window.sesmonTimeline) window.sesmonTimeline.refreshed(doc);  // the history list
  };

  const online = () => {
    failingSince = null;
    $('offline-banner').hidden = true;
    document.body.dataset.state = 'ok';
  };
  const offline = (why) => {
    if (!failingSince) failingSince = new Date();
    const b = $('offline-banner');
    const stale = loadedOnce ? '; the data below may be out of date.' : '; no data yet.';
    b.textContent = 'Daemon not answering since ' + clock(failingSince) + ' (' + why + ')' + stale;
    if (!loadedOnce) $('last-updated').textContent = 'no data yet';
    b.hidden = false;
    document.body.dataset.state = 'offline';
  };

  const refresh = async () => {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
    try {
      const r = await fetch('api/v1/clusters', {cache: 'no-store', signal: ctrl.signal});
      if (!r.ok) throw new Error('HTTP ' + r.status);
      render(await r.json());
      online();
    } catch (e) {
      offline(e.name === 'AbortError' ? 'timed out' : (e.message || 'network error'));
    } finally {
      clearTimeout(timer);
      setTimeout(refresh, REFRESH_MS);
    }
  };
  refresh();
})();
)js";

constexpr std::string_view body = R"html(<body data-state="loading">
<header class="top"><h1>SES upgrade monitor</h1>
<span class="meta" id="daemon-version"></span><span class="meta" id="ha-role"></span><span class="meta" id="last-updated">loading…</span>
</header>
<div id="offline-banner" role="alert" hidden></div>
<main><div id="clusters" aria-live="polite"></div></main>
)html";

constexpr std::string_view noscript =
    "<noscript>This page needs JavaScript; the same data is at api/v1/clusters.</noscript>\n";

std::string csp_hash(std::string_view content) {
    return "'sha256-" + common::base64_encode(common::sha256(content)) + "'";
}

}  // namespace

dashboard_page make_dashboard_page() {
    const dashboard_part timeline = timeline_part();
    const std::string all_style = std::string(style) + std::string(timeline.style);
    dashboard_page page;
    page.html =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<link rel=\"icon\" href=\"data:,\">\n<title>SES upgrade monitor</title>\n<style>";
    page.html += all_style;
    page.html += "</style></head>\n";
    page.html += body;
    page.html += timeline.body;
    page.html += noscript;
    // The cards' script first: it defines the helpers the timeline's script uses; it calls
    // the timeline's hooks only once its first answer arrived, when both have run.
    page.html += "<script>";
    page.html += script;
    page.html += "</script>\n<script>";
    page.html += timeline.script;
    page.html += "</script>\n</body></html>\n";
    page.content_security_policy = "default-src 'none'; script-src " + csp_hash(script) + " " +
                                   csp_hash(timeline.script) + "; style-src " +
                                   csp_hash(all_style) +
                                   "; connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
                                   "form-action 'none'; frame-ancestors 'none'";
    return page;
}

}  // namespace sesmon::web
