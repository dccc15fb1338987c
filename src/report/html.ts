// The design-review report as ONE self-contained HTML file: no network, no
// CDN, no external file (a Content-Security-Policy says so to the browser).
// Sections: the comparison matrix per scenario (cells link to their trace);
// every distinct counterexample as a stepper (previous/next buttons, arrow
// keys, a click on the diagram) over the state as a table with the changed
// fields highlighted, beside its sequence diagram drawn as inline SVG; the
// cross-replay of the reference proposal's traces; and each run's
// statistics and coverage. Every string is escaped (esc, scriptJson); the
// script writes trace data into the page with textContent only.

import { coverageAcross, renderCoverageAcross, cellText, crossLine, familyOf, traceVerb, type CompareRow } from '../compare/matrix.js';
import { overviewCell } from '../compare/overview.js';
import type { CheckResult, TraceStep } from '../engine/result.js';
import { cellFor, totals, traceOfCell, type ReportData, type ReportTrace } from './data.js';
import { anchor, esc, scriptJson } from './html-escape.js';
import { viewTrace } from './lanes.js';
import { flatten } from './state.js';
import { traceSvg } from './svg.js';

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** The per-step data the stepper needs: every field path once, and its value at each step (null: absent). */
export interface StepperData {
  readonly paths: string[];
  readonly values: (string | null)[][];
  readonly labels: string[];
  readonly failures: string[][];
}

export function stepperData(t: ReportTrace): StepperData {
  const flats = t.property.trace.map((s: TraceStep) => flatten(s.state));
  const paths: string[] = [];
  const seen = new Set<string>();
  for (const f of flats) for (const k of f.keys()) if (!seen.has(k)) { seen.add(k); paths.push(k); }
  // A field that appears later (page.A.writtenBy) sits with its own record (page.A), not at the end.
  const group = (k: string) => k.split('.').slice(0, k.startsWith('page.') ? 2 : 1).join('.');
  const groups = [...new Set(paths.map(group))];
  paths.sort((a, b) => groups.indexOf(group(a)) - groups.indexOf(group(b)));
  return {
    paths,
    values: flats.map((f) => paths.map((p) => f.get(p) ?? null)),
    labels: t.property.trace.map((s) => `${s.index}. ${s.label}`),
    failures: t.property.trace.map((_, i) => t.failures.filter((f) => f.step === i).map((f) => (f.property === 'deadlock' ? `deadlock: ${f.description}` : `here ${f.property} fails: ${f.description}`))),
  };
}

const STYLE = `
:root { --fg:#1d1d1f; --muted:#666; --line:#d8d8d8; --ok:#e4f4e6; --bad:#fbe0e0; --warn:#fdf0d2; --na:#f2f2f2; --chg:#fff1a8; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0 auto; padding: 16px 24px 64px; max-width: 1500px; }
h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 22px 0 6px; } code, .mono, td.v, td.f { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12.5px; }
.muted { color: var(--muted); } nav a { margin-right: 14px; }
table { border-collapse: collapse; margin: 6px 0 12px; } th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f6f6; font-weight: 600; }
table.matrix td, table.matrix th { white-space: nowrap; } table.matrix td.c-holds { background: var(--ok); } table.matrix td.c-violated { background: var(--bad); font-weight: 600; }
table.matrix td.c-vacuous, table.matrix td.c-incomplete, table.matrix td.c-latent { background: var(--warn); } table.matrix td.c-na { background: var(--na); color: #999; }
table.matrix td a { color: #a00; }
.trace { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px 14px; margin: 18px 0; outline: none; }
.trace.active { border-color: #6b8fd6; box-shadow: 0 0 0 2px #dbe6fb; }
.controls { display: flex; gap: 10px; align-items: center; margin: 8px 0; flex-wrap: wrap; }
.controls button { font: inherit; padding: 3px 12px; border-radius: 5px; border: 1px solid #999; background: #fafafa; cursor: pointer; }
.controls button:disabled { opacity: .4; cursor: default; } .pos { font-weight: 600; min-width: 110px; }
.steplabel { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; background: #f4f6fa; padding: 6px 10px; border-radius: 5px; }
.fail { background: var(--bad); color: #8a0000; font-weight: 600; padding: 6px 10px; border-radius: 5px; margin-top: 6px; }
.panes { display: flex; gap: 16px; align-items: flex-start; margin-top: 10px; }
.statepane { flex: 0 0 auto; max-height: 560px; overflow: auto; } .seqpane { flex: 1 1 auto; overflow: auto; max-height: 560px; border: 1px solid var(--line); border-radius: 5px; }
table.state { margin: 0; } table.state td.f { color: #444; } table.state tr.chg td { background: var(--chg); font-weight: 600; }
table.state del { color: #a00; } table.state ins { color: #070; text-decoration: none; }
table.state tr.gone td { color: #999; text-decoration: line-through; }
svg.seq { font: 11px ui-monospace, "DejaVu Sans Mono", Menlo, monospace; display: block; }
svg.seq .role { font-size: 9px; fill: #555; } svg.seq .num { fill: #666; } svg.seq .hit { fill: transparent; cursor: pointer; }
svg.seq line, svg.seq text, svg.seq circle, svg.seq .fail-band { pointer-events: none; }
svg.seq g.sq-step.current .hit { fill: #fff1a8; } svg.seq g.future { opacity: .3; }
svg.seq .fail-band { fill: #fbe0e0; } svg.seq .fail-text { fill: #a00; font-weight: bold; }
details { margin: 0; } tr.never td { color: #a00; } summary { cursor: pointer; }
@media (max-width: 1100px) { .panes { flex-direction: column; } }
`;

// The stepper: one per .trace, driven by buttons, arrow keys (on the trace
// that has focus, was clicked last, or is in view) and clicks on diagram rows.
const SCRIPT = `
(function () {
  // Never clip a label: measure every text of each sequence diagram and widen the drawing to fit.
  function fitSvg(svg) {
    var vb = svg.viewBox.baseVal; if (!vb || !vb.width) return;
    var right = vb.width;
    svg.querySelectorAll('text').forEach(function (t) { var b = t.getBBox(); if (b.width > 0 && b.x + b.width + 8 > right) right = b.x + b.width + 8; });
    if (right > vb.width) {
      right = Math.ceil(right);
      svg.querySelectorAll('rect.hit').forEach(function (r) { r.setAttribute('width', right); });
      svg.setAttribute('viewBox', '0 0 ' + right + ' ' + vb.height);
      svg.setAttribute('width', right);
    }
  }
  document.querySelectorAll('svg.seq').forEach(fitSvg);
  'use strict';
  var traces = Array.prototype.slice.call(document.querySelectorAll('.trace'));
  var active = null;
  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
  function activate(t) { if (active && active !== t) active.classList.remove('active'); active = t; t.classList.add('active'); }
  traces.forEach(function (t) {
    var data = JSON.parse(t.querySelector('script.trace-data').textContent);
    var n = data.values.length, cur = 0;
    var tbody = t.querySelector('table.state tbody');
    var pos = t.querySelector('.pos'), label = t.querySelector('.steplabel'), fail = t.querySelector('.fail');
    var prev = t.querySelector('button.prev'), next = t.querySelector('button.next'), only = t.querySelector('input.only');
    var rows = t.querySelectorAll('svg.seq g[data-step]');
    function show(i) {
      cur = Math.max(0, Math.min(n - 1, i));
      var now = data.values[cur], before = cur > 0 ? data.values[cur - 1] : null;
      while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
      var changed = 0;
      data.paths.forEach(function (p, k) {
        var v = now[k], b = before ? before[k] : v;
        var chg = before !== null && v !== b;
        if (chg) changed++;
        if (v === null && !chg) return;
        if (only.checked && !chg) return;
        var tr = el('tr'); tr.setAttribute('data-path', p);
        if (chg) tr.className = v === null ? 'chg gone' : 'chg';
        tr.appendChild(el('td', p, 'f'));
        var td = el('td', undefined, 'v');
        if (chg) { td.appendChild(el('del', b === null ? '(none)' : b)); td.appendChild(document.createTextNode(' \\u2192 ')); td.appendChild(el('ins', v === null ? '(none)' : v)); }
        else td.textContent = v;
        tr.appendChild(td); tbody.appendChild(tr);
      });
      pos.textContent = 'step ' + cur + ' of ' + (n - 1);
      label.textContent = data.labels[cur] + (cur > 0 ? '  (' + changed + ' field' + (changed === 1 ? '' : 's') + ' changed)' : '');
      var f = data.failures[cur];
      fail.hidden = f.length === 0; fail.textContent = f.join('\\n');
      prev.disabled = cur === 0; next.disabled = cur === n - 1;
      Array.prototype.forEach.call(rows, function (g) {
        var s = Number(g.getAttribute('data-step'));
        g.classList.toggle('current', s === cur); g.classList.toggle('future', s > cur);
      });
      t.setAttribute('data-step', String(cur));
    }
    prev.addEventListener('click', function () { activate(t); show(cur - 1); });
    next.addEventListener('click', function () { activate(t); show(cur + 1); });
    only.addEventListener('change', function () { show(cur); });
    Array.prototype.forEach.call(rows, function (g) { g.addEventListener('click', function () { activate(t); show(Number(g.getAttribute('data-step'))); }); });
    t.addEventListener('focusin', function () { activate(t); });
    t.addEventListener('mousedown', function () { activate(t); });
    t.gupShow = show; t.gupStep = function () { return cur; };
    show(0);
  });
  function inView() {
    var mid = window.innerHeight / 2, best = null, bestD = Infinity;
    traces.forEach(function (t) { var r = t.getBoundingClientRect(); var d = r.top <= mid && r.bottom >= mid ? 0 : Math.min(Math.abs(r.top - mid), Math.abs(r.bottom - mid)); if (d < bestD) { bestD = d; best = t; } });
    return best;
  }
  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || (e.target && e.target.tagName === 'INPUT' && e.target.type !== 'checkbox')) return;
    var t = active || inView(); if (!t) return;
    var d = { ArrowRight: 1, ArrowDown: 0, ArrowLeft: -1, j: 1, k: -1, n: 1, p: -1 }[e.key];
    if (e.key === 'Home') { activate(t); t.gupShow(0); e.preventDefault(); return; }
    if (e.key === 'End') { activate(t); t.gupShow(1e9); e.preventDefault(); return; }
    if (!d) return;
    activate(t); t.gupShow(t.gupStep() + d); e.preventDefault();
  });
})();
`;

/** What a column checks: each of its properties with its description, as the models word them. */
function familyMembers(rows: readonly CompareRow[], family: string): { name: string; description: string }[] {
  const seen = new Map<string, string>();
  for (const r of rows) for (const p of r.result.properties) if (familyOf(p.name) === family && p.kind !== 'sometimes' && !seen.has(p.name)) seen.set(p.name, p.description);
  return [...seen].map(([name, description]) => ({ name, description }));
}
const familyText = (rows: readonly CompareRow[], family: string): string => familyMembers(rows, family).map((m) => `${m.name}: ${m.description}`).join('\n');

/** The legend under the matrices: every column family, with what each of its properties checks. */
function legendHtml(data: ReportData): string[] {
  const rows = data.scenarios.flatMap((sc) => sc.rows);
  const fams = [...new Set(data.scenarios.flatMap((sc) => sc.columns))];
  const out = ['<h3 id="legend">Properties</h3><dl class="legend">'];
  for (const f of fams) {
    out.push(`<dt>${esc(f)}</dt>`);
    for (const m of familyMembers(rows, f)) out.push(`<dd><code>${esc(m.name)}</code>: ${esc(m.description)}</dd>`);
  }
  out.push('</dl>');
  return out;
}

function matrixHtml(data: ReportData): string[] {
  const out: string[] = ['<section id="matrix"><h2>Comparison</h2>',
    '<p class="muted">Cells: <b>holds</b>; <b>violated (N steps)</b>, the shortest counterexample (click it); <b>latent (N steps)</b>, a wrong release with no effect in that era yet; <b>vacuous</b>, the situation the property guards was never reached; <b>n/a</b>, the scenario or era cannot exercise it; <b>incomplete</b>, a bound stopped the search.</p>'];
  // The overview first: a row per proposal, a column per scenario, each cell the families violated there.
  out.push('<h3 id="overview">Overview</h3><p class="muted">Each cell: the property families violated there (✓: none; X*: latent; X?: vacuous; X…: the search stopped); a column heading links to its scenario\'s table below.</p>');
  out.push('<table class="matrix overview"><thead><tr><th>proposal</th>', ...data.scenarios.map((sc) => `<th title="${esc(sc.about ?? sc.name)}"><a href="#sc-${esc(anchor(sc.name))}">${esc(sc.name)}</a></th>`), '</tr></thead><tbody>');
  for (const p of data.proposals) {
    const cells = data.scenarios.map((sc) => {
      const r = sc.rows.find((x) => x.proposal === p);
      const text = r === undefined ? '' : overviewCell(r.result);
      return `<td class="${text === '✓' ? 'c-holds' : text === '' ? 'c-na' : 'c-violated'}">${esc(text)}</td>`;
    });
    out.push(`<tr><th>${esc(p)}</th>${cells.join('')}</tr>`);
  }
  out.push('</tbody></table>');
  for (const sc of data.scenarios) {
    out.push(`<h3 id="sc-${esc(anchor(sc.name))}">${esc(sc.name)}</h3>`);
    if (sc.about !== undefined) out.push(`<p>${esc(sc.about)}</p>`);
    out.push('<table class="matrix"><thead><tr><th>proposal</th>', ...sc.columns.map((c) => `<th title="${esc(familyText(sc.rows, c))}">${esc(c)}</th>`), '</tr></thead><tbody>');
    for (const r of sc.rows) {
      const cells = sc.columns.map((c) => {
        const cell = cellFor(r, c);
        const cls = `c-${cell.status === 'n/a' ? 'na' : cell.status}`;
        const t = cell.status === 'violated' || cell.status === 'latent' ? traceOfCell(data, sc.name, r.proposal, c) : undefined;
        const text = esc(cellText(cell));
        const title = cell.by !== undefined ? ` title="${esc(cell.by)}"` : '';
        return `<td class="${cls}"${title}>${t !== undefined ? `<a href="#${t.id}">${text}</a>` : text}</td>`;
      });
      out.push(`<tr><th>${esc(r.proposal)}</th>${cells.join('')}</tr>`);
    }
    out.push('</tbody></table>');
  }
  out.push(...legendHtml(data));
  out.push('</section>');
  return out;
}

function traceHtml(t: ReportTrace): string[] {
  const steps = t.property.trace.length - 1;
  const view = viewTrace(t.property.trace, t.failures);
  return [
    `<article class="trace" id="${t.id}" tabindex="0" data-scenario="${esc(t.scenario)}" data-property="${esc(t.property.name)}">`,
    `<h3>${esc(t.scenario)} / ${esc(t.property.name)} ${traceVerb(t.property.name)} in ${steps} steps</h3>`,
    `<p>on ${t.proposals.map((p) => `<code>${esc(p)}</code>`).join(', ')}: ${esc(t.property.description)}${t.property.detail !== undefined ? ` (${esc(t.property.detail)})` : ''}</p>`,
    '<div class="controls"><button type="button" class="prev" aria-label="previous step">&#9664; previous</button>',
    '<span class="pos" aria-live="polite"></span>',
    '<button type="button" class="next" aria-label="next step">next &#9654;</button>',
    '<label class="muted"><input type="checkbox" class="only"> changed fields only</label>',
    '<span class="muted">keys: &larr; &rarr; (Home, End)</span></div>',
    '<div class="steplabel"></div><div class="fail" hidden></div>',
    '<div class="panes"><div class="statepane"><table class="state"><thead><tr><th>field</th><th>value</th></tr></thead><tbody></tbody></table></div>',
    `<div class="seqpane">${traceSvg(view, t.id)}</div></div>`,
    `<script type="application/json" class="trace-data">${scriptJson(stepperData(t))}</script>`,
    '</article>',
  ];
}

function crossHtml(data: ReportData): string[] {
  const blocks = data.cross.filter((b) => b.on.length > 0);
  if (blocks.length === 0) return [];
  const out = ['<section id="cross"><h2>Cross-replay</h2>',
    `<p class="muted">Each counterexample of <code>${esc(data.reference ?? '')}</code> replayed step by step on the other proposals of its scenario: does the proposal stop this interleaving, and where?</p>`];
  for (const b of blocks) {
    const row = data.scenarios.find((s) => s.name === b.scenario)?.rows.find((r) => r.proposal === b.from);
    const trace = row?.result.properties.find((p) => p.name === b.property)?.trace ?? [];
    const own = data.traces.find((t) => t.scenario === b.scenario && t.proposals.includes(b.from) && t.property.name === b.property);
    const title = `${esc(b.from)} / ${esc(b.scenario)}: ${esc(b.property)} trace (${b.steps} steps)`;
    out.push(`<h3>${own !== undefined ? `<a href="#${own.id}">${title}</a>` : title}</h3><table><thead><tr><th>proposal</th><th>outcome</th></tr></thead><tbody>`);
    for (const v of b.on) out.push(`<tr><th>${esc(v.model)}</th><td>${esc(crossLine(v, trace))}</td></tr>`);
    out.push('</tbody></table>');
  }
  out.push('</section>');
  return out;
}

function coverageHtml(r: CheckResult): string {
  const rows = r.coverage.map((c) => `<tr${c.fired === 0 ? ' class="never"' : ''}><td class="f">${esc(c.label)}</td><td>${int(c.fired)}</td><td>${int(c.distinct)}</td></tr>`);
  return `<details><summary>${r.coverage.filter((c) => c.fired > 0).length} of ${r.coverage.length} actions fired</summary><table><thead><tr><th>action</th><th>fired</th><th>new states</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`;
}

function statsHtml(data: ReportData): string[] {
  const out = ['<section id="stats"><h2>Statistics and coverage</h2>',
    '<p class="muted">Per run: the search, its size and time, and how many of the scenario\'s actions fired at least once (an action that never fires is a part of the scenario the search did not exercise).</p>'];
  for (const sc of data.scenarios) {
    out.push(`<h3>${esc(sc.name)}</h3><table><thead><tr><th>proposal</th><th>search</th><th>states</th><th>transitions</th><th>BFS levels</th><th>seconds</th><th>coverage</th></tr></thead><tbody>`);
    for (const r of sc.rows) {
      const s = r.result.stats;
      out.push(`<tr><th>${esc(r.proposal)}</th><td>${r.result.complete ? 'complete' : esc(`incomplete (${r.result.stopReason ?? 'bound'})`)}</td><td>${int(s.states)}</td><td>${int(s.transitions)}</td><td>${int(s.levels)}</td><td>${s.seconds.toFixed(3)}</td><td>${coverageHtml(r.result)}</td></tr>`);
    }
    out.push('</tbody></table>');
  }
  out.push(`<p>${renderCoverageAcross(coverageAcross(data.scenarios.flatMap((sc) => sc.rows))).map(esc).join('<br>')}</p>`);
  out.push('</section>');
  return out;
}

export function reportHtml(data: ReportData): string {
  const tot = totals(data);
  const csp = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(data.title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<header><h1>${esc(data.title)}</h1>`,
    `<p>${data.proposals.length} proposals &times; ${data.scenarios.length} scenarios, ${tot.complete} of ${tot.searches} searches complete, ${int(tot.states)} states, ${tot.seconds.toFixed(1)} s. ${data.traces.length} distinct counterexamples.</p>`,
    `<p class="muted">Made by <code>${esc(data.command)}</code>.</p>`,
    '<nav><a href="#matrix">comparison</a><a href="#traces">counterexamples</a>' + (data.cross.some((b) => b.on.length > 0) ? '<a href="#cross">cross-replay</a>' : '') + '<a href="#stats">statistics and coverage</a></nav></header>',
    ...matrixHtml(data),
    '<section id="traces"><h2>Counterexamples</h2>',
    '<p class="muted">The shortest trace of each violated cell, shared by the proposals that take exactly the same steps. Step through it with the buttons, the arrow keys, or a click on a row of the diagram; the fields that changed at the step are highlighted.</p>',
    ...(data.traces.length === 0 ? ['<p>No property is violated.</p>'] : data.traces.flatMap(traceHtml)),
    '</section>',
    ...crossHtml(data),
    ...statsHtml(data),
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
