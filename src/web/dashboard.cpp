#include "web/dashboard.hpp"

#include <string_view>
#include <vector>

#include "common/crypto.hpp"
#include "web/dashboard_cluster.hpp"
#include "web/dashboard_fleet.hpp"
#include "web/dashboard_timeline.hpp"

namespace sesmon::web {
namespace {

// The page's frame: colours, header, the offline banner, and the core script every view
// uses — helpers, fetches with the answer's ETag, the change feed, and the address (which
// view shows). Hooks for tests and scripts: body[data-state] is loading | ok | offline,
// body[data-view] is fleet | cluster; #offline-banner is shown while the daemon does not
// answer; #last-updated says when the last answer came.

constexpr std::string_view style = R"css(
:root{--bg:#f4f6f8;--card:#fff;--fg:#1d2329;--muted:#5f6b76;--line:#dde3e8;--accent:#2f6fde;
--ok:#1f8a4c;--warn:#b86e00;--bad:#c62828;--track:#e3e8ee}
@media (prefers-color-scheme:dark){:root{--bg:#111418;--card:#1b2026;--fg:#e6eaee;
--muted:#98a3ad;--line:#2c333b;--accent:#6b9cf5;--ok:#3fbf74;--warn:#e0a030;--bad:#ef5350;
--track:#2c333b}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);
font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--accent)}
header.top{display:flex;flex-wrap:wrap;align-items:baseline;gap:.25rem 1rem;
padding:.9rem 1.25rem;border-bottom:1px solid var(--line);background:var(--card)}
header.top h1{font-size:1.15rem;margin:0}
header.top h1 a{color:inherit;text-decoration:none}
header.top .meta{color:var(--muted);font-size:.85rem}
#offline-banner{margin:1rem 1.25rem 0;padding:.7rem 1rem;border-radius:6px;
background:var(--bad);color:#fff;font-weight:600}
#offline-banner[hidden]{display:none}
body[data-state=offline] main{opacity:.55}
main{padding:1rem 1.25rem 2rem}
main>section[hidden]{display:none}
.empty{color:var(--muted)}
.badge{font-size:.78rem;font-weight:700;letter-spacing:.02em;padding:.12rem .55rem;border-radius:999px;
background:var(--track);color:var(--fg);white-space:nowrap}
.badge-upgrading{background:var(--accent);color:#fff}
.badge-finished,.badge-idle{background:var(--ok);color:#fff}
.badge-stalled,.badge-blind{background:var(--warn);color:#fff}
.badge-failed{background:var(--bad);color:#fff}
.chip{display:inline-block;font-size:.75rem;padding:0 .45rem;border-radius:4px;background:var(--track);
color:var(--fg);margin:0 .25rem .15rem 0;white-space:nowrap}
@media (max-width:600px){
body{font-size:14px}
header.top,main{padding-left:.6rem;padding-right:.6rem}
#offline-banner{margin:.6rem .6rem 0}
}
)css";

constexpr std::string_view script = R"js(
'use strict';
(() => {
  // ?feed_wait=N (1-25 s) shortens the long poll: a headless browser that waits for the
  // network to go quiet (chromium --virtual-time-budget) would otherwise wait out each poll.
  const FEED_WAIT_S = Math.min(25, Math.max(1,
      Number(new URLSearchParams(location.search).get('feed_wait')) || 25));
  const FEED_TIMEOUT_MS = 35000, REQUEST_TIMEOUT_MS = 8000;
  // While the fleet changes all the time, one refresh of what is shown per cycle at most.
  const MIN_CYCLE_MS = 3000, RETRY_MS = 5000, SUMMARY_MAX_AGE_MS = 30000;
  const $ = (id) => document.getElementById(id);

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
  const when = (iso) => {
    if (!iso) return 'never';
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleString();
  };
  // "20:41:07 (3m 10s ago)", against the daemon's clock so that a skewed laptop clock does
  // not matter.
  const ago = (iso, now) => {
    if (!iso) return 'never';
    const d = new Date(iso), n = new Date(now);
    if (isNaN(d)) return iso;
    const s = isNaN(n) ? 0 : (n - d) / 1000;
    return clock(d) + (s >= 1 ? ' (' + duration(s) + ' ago)' : '');
  };
  const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

  // GET with a timeout; the answer's ETag is kept per URL and sent back as If-None-Match, so
  // an unchanged answer is a 304 without a body. Resolves {data, changed}.
  const validators = new Map();  // url -> {etag, data}, the 40 most recent
  const getJson = async (url, timeoutMs = REQUEST_TIMEOUT_MS) => {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), timeoutMs);
    try {
      const kept = validators.get(url);
      const r = await fetch(url, {cache: 'no-store', signal: ctrl.signal,
                                  headers: kept ? {'If-None-Match': kept.etag} : {}});
      if (r.status === 304 && kept) return {data: kept.data, changed: false};
      if (!r.ok) {
        const e = new Error('HTTP ' + r.status);
        e.status = r.status;
        e.retryAfter = Number(r.headers.get('Retry-After')) || 0;
        throw e;
      }
      const data = await r.json();
      const etag = r.headers.get('ETag');
      validators.delete(url);
      if (etag) validators.set(url, {etag, data});
      if (validators.size > 40) validators.delete(validators.keys().next().value);
      return {data, changed: true};
    } catch (e) {
      if (e.name === 'AbortError') throw new Error('timed out');
      throw e;
    } finally {
      clearTimeout(timer);
    }
  };

  const S = {el, pad, duration, clock, when, ago, sleep, getJson, views: {},
             summary: null, revision: null, ha: null, now: null};
  window.sesmon = S;
  window.sesmonDashboard = S;  // the timeline's script (dashboard_timeline.cpp) uses these

  // ---- online / offline ----
  let failingSince = null, loadedOnce = false;
  const online = () => {
    failingSince = null;
    $('offline-banner').hidden = true;
    document.body.dataset.state = 'ok';
    $('last-updated').textContent = 'updated ' + clock(new Date());
    loadedOnce = true;
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
  S.online = online;
  S.offline = offline;

  // ---- the header: version, HA seat; the summary feeds the fleet view's counts ----
  let summaryAt = 0;
  const applyHeader = (doc) => {
    if (doc.now) S.now = doc.now;
    S.ha = doc.ha || null;
    if (doc.version) $('daemon-version').textContent = 'v' + doc.version;
    const ha = doc.ha;  // an HA member: its role and the leader (SPEC §11)
    $('ha-role').textContent = !ha ? '' : 'member ' + ha.member + ': ' + (ha.problem ||
        (ha.role === 'leader' ? 'leader' : ha.role + (ha.leader ? ', ' + ha.leader + ' leads' : '')));
  };
  const loadSummary = async () => {
    const {data} = await getJson('api/v1/summary');
    summaryAt = Date.now();
    S.summary = data;
    if (S.revision === null) S.revision = data.revision;
    applyHeader(data);
    for (const v of Object.values(S.views)) if (v.summary) v.summary(data);
  };

  // ---- which view the address shows ----
  const route = () => {
    const h = location.hash;
    let m = /^#cluster\/(.+)$/.exec(h);
    if (m) return {view: 'cluster', name: decodeURIComponent(m[1])};
    m = /^#upgrade\/([0-9a-f]{16})$/.exec(h);
    if (m) return {view: 'cluster', upgrade: m[1]};
    return {view: 'fleet', params: new URLSearchParams(h.replace(/^#/, ''))};
  };
  let current = null;
  const show = async () => {
    const r = route();
    for (const [name, v] of Object.entries(S.views)) {
      $(name + '-view').hidden = name !== r.view;
      if (name !== r.view && v.hide) v.hide();
    }
    document.body.dataset.view = r.view;
    current = S.views[r.view];
    try {
      await current.show(r);
      online();
    } catch (e) {
      offline(e.message || 'network error');
    }
  };
  window.addEventListener('hashchange', show);

  // What is shown, again (each fetch revalidated with its ETag: mostly 304s).
  const refreshShown = async () => {
    if (Date.now() - summaryAt > SUMMARY_MAX_AGE_MS) await loadSummary();
    if (current && current.refresh) await current.refresh();
  };

  // ---- the change feed: a long poll that answers when the fleet's revision moves ----
  const feed = async () => {
    while (true) {
      const started = Date.now();
      try {
        const url = 'api/v1/changes?since=' + S.revision + '&wait=' + FEED_WAIT_S;
        const {data} = await getJson(url, FEED_TIMEOUT_MS);
        applyHeader(data);  // the HA seat may change while no cluster does
        for (const v of Object.values(S.views)) if (v.counts) v.counts(data.counts, data.clusters);
        if (data.revision !== S.revision) {
          S.revision = data.revision;
          await refreshShown();
        }
        online();
      } catch (e) {
        offline(e.message || 'network error');
        await sleep(e.retryAfter ? e.retryAfter * 1000 : RETRY_MS);
        continue;
      }
      const rest = MIN_CYCLE_MS - (Date.now() - started);
      if (rest > 0) await sleep(rest);
    }
  };

  const start = async () => {
    // The summary and the first view load together: the first paint waits for neither alone.
    const first = Promise.all([loadSummary(), show()]);
    try {
      await first;
    } catch (e) {
      offline(e.message || 'network error');
    }
    while (S.revision === null) {  // the daemon did not answer yet
      await sleep(RETRY_MS);
      try {
        await loadSummary();
        await show();
      } catch (e) {
        offline(e.message || 'network error');
      }
    }
    feed();
  };
  document.addEventListener('DOMContentLoaded', start);
})();
)js";

constexpr std::string_view body_start = R"html(<body data-state="loading" data-view="fleet">
<header class="top"><h1><a href="#">SES upgrade monitor</a></h1>
<span class="meta" id="daemon-version"></span><span class="meta" id="ha-role"></span><span class="meta" id="last-updated">loading…</span>
</header>
<div id="offline-banner" role="alert" hidden></div>
<main>
)html";

constexpr std::string_view noscript =
    "<noscript>This page needs JavaScript; the same data is at api/v1/summary and "
    "api/v1/clusters.</noscript>\n";

std::string csp_hash(std::string_view content) {
    return "'sha256-" + common::base64_encode(common::sha256(content)) + "'";
}

}  // namespace

dashboard_page make_dashboard_page() {
    // In the order their scripts run: the core first (it defines the helpers and starts
    // once every part has registered, at DOMContentLoaded).
    const std::vector<dashboard_part> parts{
        {style, script, ""}, fleet_part(), cluster_part(), timeline_part()};
    std::string all_style;
    for (const auto& p : parts)
        all_style += p.style;
    dashboard_page page;
    page.html =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<link rel=\"icon\" href=\"data:,\">\n<title>SES upgrade monitor</title>\n<style>";
    page.html += all_style;
    page.html += "</style></head>\n";
    page.html += body_start;
    for (const auto& p : parts)
        page.html += p.body;
    page.html += "</main>\n";
    page.html += noscript;
    std::string script_hashes;
    for (const auto& p : parts) {
        page.html += "<script>";
        page.html += p.script;
        page.html += "</script>\n";
        script_hashes += (script_hashes.empty() ? "" : " ") + csp_hash(p.script);
    }
    page.html += "</body></html>\n";
    page.content_security_policy = "default-src 'none'; script-src " + script_hashes +
                                   "; style-src " + csp_hash(all_style) +
                                   "; connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
                                   "form-action 'none'; frame-ancestors 'none'";
    return page;
}

}  // namespace sesmon::web
