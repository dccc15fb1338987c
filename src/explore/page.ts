// The explorer's page: one HTML document with its CSS and script inline (no
// network beyond its own server's /api/view). The state as a table with the
// fields the current step changed highlighted, every enabled action as a
// button in the model's words grouped by actor, back / forward / start /
// end, the path as a list to jump to any step, branching by clicking an
// action at an earlier step, each property's verdict along the path, and a
// link (the URL's #p=…&at=…) and a command line that reproduce the path.

import { esc, scriptJson } from '../report/html-escape.js';

export interface PageData {
  readonly token: string;
  readonly title: string;
  readonly command: string;
  readonly properties: readonly { name: string; kind: string }[];
  readonly start?: { readonly path: string; readonly title: string; /** A lasso's cycle start (the steps after it repeat forever). */ readonly loop?: number };
}

const CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d1d1f; }
header { padding: 10px 18px; border-bottom: 1px solid #ddd; background: #fafafa; }
header h1 { font-size: 17px; margin: 0 0 4px; } header .muted { color: #666; font-size: 12.5px; }
main { display: grid; grid-template-columns: minmax(260px, 1.1fr) minmax(300px, 1.2fr) minmax(280px, 1fr); gap: 14px; padding: 12px 18px; }
h2 { font-size: 14px; margin: 6px 0; } code, .mono, td { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
ol#steps { margin: 0; padding: 0; list-style: none; max-height: 78vh; overflow: auto; border: 1px solid #e3e3e3; }
ol#steps li { padding: 3px 6px; cursor: pointer; border-bottom: 1px solid #f0f0f0; font-size: 12.5px; }
ol#steps li.current { background: #fff1a8; font-weight: 600; } ol#steps li.cycle { border-left: 4px solid #e0a000; } ol#steps li.cycle-start::after { content: "  ↻ the cycle starts after this step"; color: #a06a00; font-weight: 600; } ol#steps li.future { color: #999; } ol#steps li.bad { border-left: 4px solid #d22; }
table { border-collapse: collapse; width: 100%; } td { border-bottom: 1px solid #eee; padding: 2px 6px; vertical-align: top; }
tr.changed td { background: #ffe0a3; font-weight: 600; }
.nav button, .actions button { margin: 2px 3px 2px 0; font: inherit; font-size: 12.5px; padding: 3px 8px; cursor: pointer; }
.actions fieldset { border: 1px solid #e3e3e3; margin: 0 0 8px; padding: 4px 8px; } .actions legend { font-weight: 600; font-size: 12.5px; }
.actions button { display: block; text-align: left; width: 100%; white-space: normal; }
ul#verdicts { list-style: none; padding: 0; margin: 0; } ul#verdicts li { font-size: 12.5px; padding: 2px 0; }
.v-violated { color: #b00; font-weight: 600; } .v-holds { color: #176b1a; } .v-witnessed { color: #176b1a; } .v-not-yet { color: #777; }
#error { color: #b00; font-weight: 600; } #link { word-break: break-all; }
`;

const SCRIPT = `
(function () {
  var D = JSON.parse(document.getElementById('data').textContent);
  var full = { init: 0, actions: [] }, pos = 0, fullView = null;
  function api(path) {
    return fetch('/api/view?t=' + encodeURIComponent(D.token) + '&p=' + encodeURIComponent(path)).then(function (r) { return r.json(); });
  }
  function text(p) { return [p.init].concat(p.actions).join('.'); }
  function prefix(n) { return { init: full.init, actions: full.actions.slice(0, n) }; }
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) { if (k === 'text') e.textContent = attrs[k]; else if (k === 'onclick') e.onclick = attrs[k]; else e.setAttribute(k, attrs[k]); }
    (kids || []).forEach(function (c) { e.appendChild(c); });
    return e;
  }
  function readHash() {
    var h = new URLSearchParams(location.hash.slice(1));
    var p = (h.get('p') || '0').split('.').map(Number);
    if (p.some(isNaN)) p = [0];
    full = { init: p[0], actions: p.slice(1) };
    pos = Math.min(Number(h.get('at') || 0), full.actions.length);
  }
  function writeHash() {
    history.replaceState(null, '', '#p=' + text(full) + '&at=' + pos);
    document.getElementById('link').textContent = location.href;
    document.getElementById('repro').textContent = D.command + ' --path ' + text(prefix(pos));
  }
  function load() {
    return api(text(full)).then(function (v) { fullView = v; if (v.steps.length - 1 < full.actions.length) full.actions = full.actions.slice(0, v.steps.length - 1); pos = Math.min(pos, full.actions.length); return show(); });
  }
  function show() {
    writeHash();
    return api(text(prefix(pos))).then(function (v) {
      var steps = fullView.steps;
      var firstBad = {};
      v.verdicts.forEach(function (x) { if (x.status === 'violated') firstBad[x.step] = true; });
      var ol = document.getElementById('steps'); ol.textContent = '';
      steps.forEach(function (st, k) {
        var lasso = D.start && D.start.loop !== undefined && text(full).indexOf(D.start.path) === 0 ? D.start.loop : -1;
        var cls = (k === pos ? 'current' : k > pos ? 'future' : '') + (firstBad[k] ? ' bad' : '') + (lasso >= 0 && k > lasso ? ' cycle' : '') + (k === lasso ? ' cycle-start' : '');
        ol.appendChild(el('li', { 'class': cls, 'data-step': String(k), text: k + '. ' + st.label, onclick: function () { pos = k; show(); } }));
      });
      var cur = steps[pos];
      var tb = document.querySelector('#state tbody'); tb.textContent = '';
      cur.fields.forEach(function (f) {
        tb.appendChild(el('tr', { 'class': cur.changed.indexOf(f[0]) >= 0 ? 'changed' : '', 'data-field': f[0] }, [el('td', { text: f[0] }), el('td', { text: f[1] })]));
      });
      document.getElementById('where').textContent = 'step ' + pos + ' of ' + (steps.length - 1) + ': ' + cur.label;
      var box = document.getElementById('actions'); box.textContent = '';
      var groups = {};
      v.enabled.forEach(function (a) { (groups[a.actor] = groups[a.actor] || []).push(a); });
      Object.keys(groups).forEach(function (actor) {
        box.appendChild(el('fieldset', {}, [el('legend', { text: actor })].concat(groups[actor].map(function (a) {
          var next = full.actions[pos];
          return el('button', { 'data-action': String(a.i), 'class': next === a.i ? 'next' : '', text: (next === a.i ? '▶ ' : '') + a.label, onclick: function () {
            if (full.actions[pos] !== a.i) full.actions = full.actions.slice(0, pos).concat([a.i]);
            pos = pos + 1; load();
          } });
        }))));
      });
      if (v.enabled.length === 0) box.appendChild(el('p', { text: 'nothing is enabled here' }));
      var ul = document.getElementById('verdicts'); ul.textContent = '';
      v.verdicts.forEach(function (x) {
        var s = x.status === 'violated' ? 'violated at step ' + x.step : x.status === 'witnessed' ? 'witnessed at step ' + x.step : x.status;
        ul.appendChild(el('li', { 'class': 'v-' + x.status.replace(' ', '-'), 'data-property': x.name, title: x.description, text: x.name + ' (' + x.kind + '): ' + s }));
      });
      document.getElementById('error').textContent = fullView.error || '';
      document.getElementById('back').disabled = pos === 0;
      document.getElementById('fwd').disabled = pos >= steps.length - 1;
    });
  }
  document.getElementById('back').onclick = function () { if (pos > 0) { pos--; show(); } };
  document.getElementById('fwd').onclick = function () { if (pos < full.actions.length) { pos++; show(); } };
  document.getElementById('first').onclick = function () { pos = 0; show(); };
  document.getElementById('last').onclick = function () { pos = full.actions.length; show(); };
  document.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowLeft' && pos > 0) { pos--; show(); }
    else if (e.key === 'ArrowRight' && pos < full.actions.length) { pos++; show(); }
  });
  if (D.start && !location.hash) location.hash = 'p=' + D.start.path + '&at=0';
  readHash();
  load().then(function () { document.body.setAttribute('data-ready', '1'); });
  window.addEventListener('hashchange', function () { readHash(); load(); });
})();
`;

export function explorerPage(d: PageData): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gupcheck explore: ${esc(d.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${CSS}</style></head>
<body>
<header><h1>gupcheck explore: ${esc(d.title)}</h1>
<div class="muted">${d.start !== undefined ? `started from ${esc(d.start.title)}; ` : ''}click an action to take it (at an earlier step: a new branch); ← → step; this link reproduces the path: <span id="link" class="mono"></span></div>
<div class="muted">or from the command line: <code id="repro"></code></div></header>
<main>
<section><h2>Path</h2><div class="nav"><button id="first">« start</button><button id="back">◀ back</button><button id="fwd">forward ▶</button><button id="last">end »</button></div>
<div id="error"></div><ol id="steps"></ol></section>
<section><h2 id="where"></h2><table id="state"><tbody></tbody></table></section>
<section><h2>Enabled actions</h2><div id="actions" class="actions"></div><h2>Properties along the path</h2><ul id="verdicts"></ul></section>
</main>
<script type="application/json" id="data">${scriptJson(d)}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
