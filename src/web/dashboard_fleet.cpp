#include "web/dashboard_fleet.hpp"

namespace sesmon::web {
namespace {

// Hooks for tests and scripts (docs/dashboard.md): #counts a.count[data-state] (.n the
// number; .active when it is the filter); #search; #label-filter (a select of key:value);
// #label-chips .chip[data-label]; #fleet-list tr.fleet-row[data-cluster][data-state] rows
// (td.f-name a, td.f-state, td.f-versions, td.f-progress, td.f-detail, td.f-labels) with
// #fleet-total and #fleet-pager; #rest (details) holding #rest-list of the same rows.

constexpr std::string_view fleet_style = R"css(
#counts{display:flex;flex-wrap:wrap;gap:.5rem;margin-bottom:.9rem}
#counts a.count{display:flex;flex-direction:column;min-width:7.2rem;padding:.45rem .8rem;border-radius:8px;
background:var(--card);border:1px solid var(--line);border-left:4px solid var(--track);color:var(--fg);
text-decoration:none}
#counts a.count .n{font-size:1.4rem;font-weight:700;font-variant-numeric:tabular-nums;line-height:1.2}
#counts a.count .what{font-size:.78rem;color:var(--muted)}
#counts a.count[data-state=failed]{border-left-color:var(--bad)}
#counts a.count[data-state=stalled],#counts a.count[data-state=blind]{border-left-color:var(--warn)}
#counts a.count[data-state=upgrading]{border-left-color:var(--accent)}
#counts a.count[data-state=finished],#counts a.count[data-state=idle]{border-left-color:var(--ok)}
#counts a.count.zero .n{color:var(--muted)}
#counts a.count.active{outline:2px solid var(--accent);outline-offset:-1px}
#counts .scope{align-self:center;color:var(--muted);font-size:.8rem}
#filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin-bottom:.8rem}
#search{flex:1 1 16rem;min-width:0;padding:.45rem .7rem;border:1px solid var(--line);border-radius:6px;
background:var(--card);color:var(--fg);font:inherit}
#label-filter{padding:.42rem .4rem;border:1px solid var(--line);border-radius:6px;background:var(--card);
color:var(--fg);font:inherit;max-width:100%}
#label-chips .chip{font-size:.8rem;padding:.15rem .2rem .15rem .5rem}
#label-chips .chip button{border:0;background:none;color:var(--muted);cursor:pointer;font:inherit;padding:0 .25rem}
.list-box{background:var(--card);border:1px solid var(--line);border-radius:8px;overflow:hidden}
.list-head{display:flex;justify-content:space-between;gap:1rem;padding:.6rem .8rem;border-bottom:1px solid var(--line)}
.list-head h2{font-size:1rem;margin:0}
.list-head .total{color:var(--muted);font-size:.85rem;font-variant-numeric:tabular-nums}
table.fleet{width:100%;border-collapse:collapse;font-size:.88rem}
table.fleet td{padding:.45rem .6rem;border-bottom:1px solid var(--line);vertical-align:middle}
table.fleet tr.fleet-row{cursor:pointer}
table.fleet tr.fleet-row:hover{background:var(--bg)}
.f-name{min-width:0}
.f-name a{display:block;font-weight:600;text-decoration:none;white-space:nowrap;overflow:hidden;
text-overflow:ellipsis;max-width:20rem}
.f-name .instance{display:block;color:var(--muted);font-size:.75rem}
.f-versions,.f-progress{white-space:nowrap;font-variant-numeric:tabular-nums}
.mini{display:inline-block;width:4.5rem;height:.5rem;border-radius:999px;background:var(--track);
overflow:hidden;vertical-align:middle;margin-right:.4rem}
.mini-bar{height:100%;background:var(--accent)}
tr[data-state=stalled] .mini-bar,tr[data-state=blind] .mini-bar{background:var(--warn)}
tr[data-state=failed] .mini-bar{background:var(--bad)}
tr[data-state=finished] .mini-bar,tr[data-state=idle] .mini-bar{background:var(--ok)}
.f-detail{color:var(--muted);overflow-wrap:anywhere}
tr[data-state=failed] .f-detail{color:var(--bad)}
tr[data-state=stalled] .f-detail,tr[data-state=blind] .f-detail{color:var(--warn)}
.f-labels{max-width:16rem}
.pager{display:flex;justify-content:space-between;align-items:center;gap:.5rem;padding:.5rem .8rem;font-size:.85rem}
.pager[hidden]{display:none}
.pager button{font:inherit;padding:.25rem .7rem;border:1px solid var(--line);border-radius:6px;
background:var(--card);color:var(--accent);cursor:pointer}
.pager button:disabled{color:var(--muted);cursor:default}
.list-box .empty{padding:.8rem}
#rest{margin-top:1rem}
#rest[hidden]{display:none}
#rest>summary{cursor:pointer;padding:.6rem .8rem;font-weight:600;background:var(--card);
border:1px solid var(--line);border-radius:8px}
#rest[open]>summary{border-radius:8px 8px 0 0;border-bottom:0}
@media (max-width:600px){
#counts{gap:.35rem}
#counts a.count{min-width:0;flex:1 1 30%;padding:.35rem .5rem}
#counts a.count .n{font-size:1.15rem}
table.fleet tr.fleet-row{display:grid;grid-template-columns:1fr auto;gap:.15rem .6rem;
padding:.5rem .6rem;border-bottom:1px solid var(--line)}
table.fleet td{border:0;padding:0}
.f-versions{grid-column:1}
.f-detail,.f-labels{grid-column:1/-1;max-width:none}
.f-labels:empty{display:none}
}
)css";

constexpr std::string_view fleet_script = R"js(
'use strict';
(() => {
  const S = window.sesmon;
  const {el, duration, pad} = S;
  const $ = (id) => document.getElementById(id);
  const PAGE = 50, SEARCH_DEBOUNCE_MS = 25;
  const STATES = ['failed', 'stalled', 'blind', 'upgrading', 'finished', 'idle'];
  const ATTENTION = ['failed', 'stalled', 'blind', 'upgrading'];
  const NAMES = {failed: 'Failed', stalled: 'Stalled', blind: 'Blind', upgrading: 'Upgrading',
                 finished: 'Finished (24 h)', idle: 'Idle'};
  let filter = {states: [], labels: [], q: ''};
  let overall = null;  // counts by state, from the feed or the summary
  const lists = {
    main: {cursors: [''], page: 0, box: 'fleet-list', pager: 'fleet-pager', data: null, asked: 0},
    rest: {cursors: [''], page: 0, box: 'rest-list', pager: 'rest-pager', data: null, asked: 0},
  };

  // ---- the address: #state=stalled&label=team:search&q=logs ----
  const readAddress = (params) => ({
    states: (params.get('state') || '').split(',').filter((s) => STATES.includes(s)),
    labels: params.getAll('label').filter((l) => l.includes(':')),
    q: params.get('q') || '',
  });
  const part = (v) => encodeURIComponent(v).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
  const address = (f) => {
    const out = [];
    if (f.states.length) out.push('state=' + part(f.states.join(',')));
    for (const l of f.labels) out.push('label=' + part(l));
    if (f.q) out.push('q=' + part(f.q));
    return '#' + out.join('&');
  };
  const same = (a, b) => address(a) === address(b);
  const resetPages = () => {
    for (const l of Object.values(lists)) { l.cursors = ['']; l.page = 0; }
  };

  // ---- the counts: each a link that filters by its state ----
  const labelCounts = () => {
    if (filter.labels.length !== 1 || !S.summary) return null;
    const [key, ...rest] = filter.labels[0].split(':');
    const values = S.summary.labels[key];
    return values ? values[rest.join(':')] || null : null;
  };
  const renderCounts = () => {
    const box = $('counts');
    const scoped = labelCounts();
    const counts = scoped || overall;
    if (!counts) return;
    const links = STATES.map((s) => {
      const a = el('a', 'count');
      a.dataset.state = s;
      const n = counts[s] || 0;
      a.appendChild(el('span', 'n', n.toLocaleString('en-US')));
      a.appendChild(el('span', 'what', NAMES[s]));
      const only = filter.states.length === 1 && filter.states[0] === s;
      a.href = address({...filter, states: only ? [] : [s]});
      a.title = only ? 'show every state again' : 'only ' + NAMES[s].toLowerCase() + ' clusters';
      a.classList.toggle('active', filter.states.includes(s));
      a.classList.toggle('zero', n === 0);
      return a;
    });
    if (scoped) links.push(el('span', 'scope', 'with ' + filter.labels[0].replace(':', '=')));
    box.replaceChildren(...links);
  };

  // ---- the label filters ----
  const renderLabels = () => {
    const select = $('label-filter');
    const options = [el('option', null, 'Filter by label…')];
    options[0].value = '';
    const labels = S.summary ? S.summary.labels : {};
    for (const key of Object.keys(labels)) {
      const group = el('optgroup');
      group.label = key;
      for (const [value, c] of Object.entries(labels[key])) {
        const o = group.appendChild(el('option', null, key + '=' + value + ' (' + c.clusters + ')'));
        o.value = key + ':' + value;
        o.disabled = filter.labels.includes(o.value);
      }
      options.push(group);
    }
    select.replaceChildren(...options);
    select.hidden = Object.keys(labels).length === 0;
    $('label-chips').replaceChildren(...filter.labels.map((l) => {
      const chip = el('span', 'chip', l.replace(':', '='));
      chip.dataset.label = l;
      const x = chip.appendChild(el('button', null, '\u00d7'));
      x.type = 'button';
      x.title = 'remove this filter';
      x.addEventListener('click', () => {
        location.hash = address({...filter, labels: filter.labels.filter((o) => o !== l)});
      });
      return chip;
    }));
  };

  // ---- the lists ----
  const versions = (u) => {
    if (u.from_version && u.to_version && u.from_version !== u.to_version)
      return u.from_version + ' \u2192 ' + u.to_version;
    return u.to_version || u.from_version || '\u2014';
  };
  const hhmm = (d) => pad(d.getHours()) + ':' + pad(d.getMinutes());
  const detail = (c, now) => {
    const u = c.upgrade || {}, lp = c.last_poll || {};
    const since = (iso) => duration((Date.parse(now) - Date.parse(iso)) / 1000);
    switch (c.state) {
      case 'failed': return 'a node failed \u2014 open for the nodes';
      case 'stalled':
        return 'stuck ' + duration(c.stall.stalled_for_seconds) +
               (c.stall.node ? ': ' + c.stall.node : '') + ' (' + c.stall.reason.replace(/_/g, ' ') + ')';
      case 'blind':
        return 'no successful poll' + (lp.success_at ? ' for ' + since(lp.success_at) : '') +
               (lp.error ? ': ' + lp.error : '');
      case 'upgrading': {
        if (!u.expected_finish) return 'upgrading';
        const left = (Date.parse(u.expected_finish) - Date.parse(now)) / 1000;
        return 'expected ' + hhmm(new Date(u.expected_finish)) +
               (left > 0 ? ' (in ' + duration(left) + ')' : ' (any moment)');
      }
      case 'finished': return 'finished ' + (u.finished_at ? since(u.finished_at) + ' ago' : '');
      default:
        if (lp.error) return 'last poll failed: ' + lp.error;
        return lp.at ? 'no upgrade in progress' : 'not polled yet';
    }
  };
  const row = (c, now) => {
    const u = c.upgrade || {};
    const tr = el('tr', 'fleet-row');
    tr.dataset.cluster = c.name;
    tr.dataset.state = c.state;
    const name = tr.appendChild(el('td', 'f-name'));
    const a = name.appendChild(el('a', null, c.name));
    a.href = '#cluster/' + encodeURIComponent(c.name);
    a.title = c.name;
    name.appendChild(el('span', 'instance', c.instance_no + ' \u00b7 ' + c.region));
    tr.appendChild(el('td', 'f-state')).appendChild(
        el('span', 'badge badge-' + c.state, NAMES[c.state].replace(' (24 h)', '')));
    tr.appendChild(el('td', 'f-versions', versions(u)));
    const progress = tr.appendChild(el('td', 'f-progress'));
    const total = Number(u.nodes_total) || 0, done = Number(u.nodes_complete) || 0;
    const bar = progress.appendChild(el('span', 'mini')).appendChild(el('span', 'mini-bar'));
    bar.style.display = 'block';
    bar.style.width = (total ? Math.min(100, (100 * done) / total) : 0).toFixed(0) + '%';
    progress.appendChild(document.createTextNode(done + '/' + total));
    tr.appendChild(el('td', 'f-detail', detail(c, now)));
    const labels = tr.appendChild(el('td', 'f-labels'));
    for (const [k, v] of Object.entries(c.labels || {})) labels.appendChild(el('span', 'chip', k + '=' + v));
    tr.addEventListener('click', (e) => {
      if (e.target.tagName !== 'A') location.hash = a.getAttribute('href');
    });
    return tr;
  };

  // A search looks through every state; otherwise the list shows the chosen states, or those
  // needing attention (with the finished and idle ones collapsed below).
  const mainStates = () => (filter.states.length ? filter.states : filter.q ? STATES : ATTENTION);
  const restApplies = () => !filter.states.length && !filter.q;
  const listUrl = (which) => {
    const l = lists[which];
    const p = new URLSearchParams();
    const states = which === 'rest' ? ['finished', 'idle'] : mainStates();
    p.set('state', states.join(','));
    for (const x of filter.labels) p.append('label', x);
    if (filter.q) p.set('q', filter.q);
    p.set('sort', 'attention');
    p.set('limit', String(PAGE));
    p.set('nodes', '0');
    if (l.cursors[l.page]) p.set('cursor', l.cursors[l.page]);
    return 'api/v1/clusters?' + p.toString();
  };

  const renderList = (which) => {
    const l = lists[which], doc = l.data;
    if (!doc) return;
    const box = $(l.box);
    if (!doc.clusters.length) {
      const nothing = filter.q || filter.labels.length || filter.states.length ? 'No cluster matches.'
                                                                             : 'Nothing needs attention.';
      box.replaceChildren(el('p', 'empty', which === 'rest' ? 'None.' : nothing));
    } else {
      const table = el('table', 'fleet');
      table.createTBody().replaceChildren(...doc.clusters.map((c) => row(c, doc.now)));
      box.replaceChildren(table);
    }
    const first = l.page * PAGE;
    const pager = $(l.pager);
    pager.hidden = l.page === 0 && !doc.next_cursor;
    pager.querySelector('.range').textContent =
        doc.total ? (first + 1) + '\u2013' + (first + doc.clusters.length) + ' of ' + doc.total : '';
    pager.querySelector('[data-go=prev]').disabled = l.page === 0;
    pager.querySelector('[data-go=next]').disabled = !doc.next_cursor;
    if (which === 'main') {
      $('fleet-total').textContent = doc.total.toLocaleString('en-US') + (doc.total === 1 ? ' cluster' : ' clusters');
      $('fleet-title').textContent = filter.states.length
          ? filter.states.map((s) => NAMES[s]).join(', ')
          : filter.q ? 'Clusters matching \u201c' + filter.q + '\u201d' : 'Needing attention';
    } else {
      $('rest-count').textContent = doc.total.toLocaleString('en-US');
    }
  };

  // Answers can overtake each other (a search typed fast asks for every prefix): only the
  // answer to the list's latest request is shown.
  const load = async (which) => {
    const l = lists[which];
    const asked = ++l.asked;
    const {data} = await S.getJson(listUrl(which));
    if (asked !== l.asked) return;
    l.data = data;
    if (l.page > 0 && !data.clusters.length) {  // the page emptied: back to the start
      resetPages();
      return load(which);
    }
    if (data.next_cursor) l.cursors[l.page + 1] = data.next_cursor;
    renderList(which);
  };
  const restShown = () => restApplies() && $('rest').open;
  const loadAll = async () => {
    await Promise.all([load('main'), restShown() ? load('rest') : null]);
  };

  const go = (which, step) => {
    const l = lists[which];
    const next = l.page + step;
    if (next < 0 || next >= l.cursors.length) return;
    l.page = next;
    load(which).catch((e) => S.offline(e.message));
  };
  for (const which of Object.keys(lists)) {
    const pager = $(lists[which].pager);
    pager.querySelector('[data-go=prev]').addEventListener('click', () => go(which, -1));
    pager.querySelector('[data-go=next]').addEventListener('click', () => go(which, +1));
  }
  $('rest').addEventListener('toggle', () => {
    if ($('rest').open) load('rest').catch((e) => S.offline(e.message));
  });
  $('label-filter').addEventListener('change', (e) => {
    const v = e.target.value;
    if (v && !filter.labels.includes(v)) location.hash = address({...filter, labels: [...filter.labels, v]});
  });
  let typing = null;
  $('search').addEventListener('input', (e) => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      typing = null;
      const next = {...filter, q: e.target.value.trim()};
      if (same(next, filter)) return;
      filter = next;
      history.replaceState(null, '', address(filter) === '#' ? location.pathname : address(filter));
      resetPages();
      $('rest').hidden = !restApplies();
      renderCounts();
      loadAll().then(S.online, (err) => S.offline(err.message));
    }, SEARCH_DEBOUNCE_MS);
  });

  S.views.fleet = {
    show: async (r) => {
      const next = readAddress(r.params);
      if (!same(next, filter)) resetPages();
      filter = next;
      if (typing === null) $('search').value = filter.q;  // not while a search is being typed
      $('rest').hidden = !restApplies();
      renderCounts();
      renderLabels();
      await loadAll();
    },
    refresh: loadAll,
    summary: (doc) => {
      overall = doc.counts;
      renderCounts();
      renderLabels();
      if (!$('rest').open) $('rest-count').textContent =
          ((doc.counts.finished || 0) + (doc.counts.idle || 0)).toLocaleString('en-US') +
          (filter.labels.length || filter.q ? ' in the fleet' : '');
    },
    counts: (counts) => {
      overall = counts;
      renderCounts();
    },
  };
})();
)js";

constexpr std::string_view fleet_body = R"html(<section id="fleet-view">
<nav id="counts" aria-label="clusters by state"></nav>
<div id="filters"><input id="search" type="search" placeholder="Search a cluster by name or instance number" aria-label="search clusters" autocomplete="off" spellcheck="false">
<select id="label-filter" aria-label="filter by label" hidden></select><span id="label-chips"></span></div>
<div class="list-box"><div class="list-head"><h2 id="fleet-title">Needing attention</h2><span class="total" id="fleet-total"></span></div>
<div id="fleet-list" aria-live="polite"><p class="empty">loading…</p></div>
<div class="pager" id="fleet-pager" hidden><button type="button" data-go="prev">‹ Previous</button><span class="range"></span><button type="button" data-go="next">Next ›</button></div></div>
<details id="rest"><summary>Finished and idle: <span id="rest-count"></span></summary>
<div class="list-box"><div id="rest-list"><p class="empty">loading…</p></div>
<div class="pager" id="rest-pager" hidden><button type="button" data-go="prev">‹ Previous</button><span class="range"></span><button type="button" data-go="next">Next ›</button></div></div></details>
</section>
)html";

}  // namespace

dashboard_part fleet_part() {
    return {fleet_style, fleet_script, fleet_body};
}

}  // namespace sesmon::web
