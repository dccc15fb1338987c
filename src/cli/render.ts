// Plain-text rendering of check results: statistics, the property table, and
// each counterexample as numbered steps showing only the fields that changed.

import type { CheckResult, PropertyResult, TraceStep } from '../engine/result.js';
import type { JsonValue } from '../engine/schema.js';

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtRate = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0));

/** Flatten a JSON state into path -> scalar, for diffs. */
export function flatten(v: JsonValue, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(v)) v.forEach((x, i) => flatten(x, `${prefix}[${i}]`, out));
  else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix === '' ? k : `${prefix}.${k}`, out);
  } else out.set(prefix, String(v));
  return out;
}

/** Fields that differ between two states, as "path a→b". */
export function diffStates(a: JsonValue, b: JsonValue): string[] {
  const fa = flatten(a);
  const fb = flatten(b);
  const out: string[] = [];
  for (const [k, v] of fb) if (fa.get(k) !== v) out.push(`${k} ${fa.get(k) ?? '∅'}→${v}`);
  return out;
}

export function renderTrace(trace: readonly TraceStep[], full = false): string[] {
  const lines: string[] = [];
  const w = String(trace.length - 1).length;
  trace.forEach((st, i) => {
    const n = String(st.index).padStart(w);
    if (i === 0) {
      lines.push(`  ${n}  ${st.label}`);
      for (const [k, v] of flatten(st.state)) if (full || v !== '0' && v !== 'false') lines.push(`  ${' '.repeat(w)}     ${k} = ${v}`);
      return;
    }
    const who = st.actor !== undefined && !st.label.startsWith(`${st.actor}:`) ? `[${st.actor}] ` : '';
    lines.push(`  ${n}  ${who}${st.label}`);
    const changes = full ? [...flatten(st.state)].map(([k, v]) => `${k} = ${v}`) : diffStates(trace[i - 1]!.state, st.state);
    for (const c of changes) lines.push(`  ${' '.repeat(w)}     ${c}`);
  });
  return lines;
}

function statusCell(p: PropertyResult): string {
  if (p.status === 'violated') return `violated (${(p.trace?.length ?? 1) - 1} steps)`;
  return p.status;
}

export function renderResult(r: CheckResult, opts: { full?: boolean } = {}): string {
  const s = r.stats;
  const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ');
  const out: string[] = [];
  out.push(`model ${r.model}${params ? ' ' + params : ''}`);
  out.push(`  search: ${r.complete ? 'complete' : `INCOMPLETE (stopped by ${r.stopReason ?? 'a bound'}; ${fmtInt(s.queued)} states still queued)`}, ${r.mode} mode`);
  out.push(`  ${fmtInt(s.states)} distinct states, ${fmtInt(s.transitions)} transitions, ${fmtInt(s.levels)} BFS levels (max depth ${s.maxDepth})`);
  out.push(`  ${s.seconds.toFixed(2)} s, ${fmtRate(s.statesPerSecond)} states/s, ${s.bytesPerState.toFixed(1)} bytes stored per state (${s.stateWords} words per state)`);
  if (r.mode === 'fingerprint') out.push(`  fingerprint collision probability ≈ ${s.collisionProbability.toExponential(1)} (use --exact to rule it out)`);
  out.push('');
  const nameW = Math.max(8, ...r.properties.map((p) => p.name.length));
  const statW = Math.max(6, ...r.properties.map((p) => statusCell(p).length));
  out.push(`  ${'property'.padEnd(nameW)}  ${'kind'.padEnd(9)}  ${'result'.padEnd(statW)}  description`);
  for (const p of r.properties) out.push(`  ${p.name.padEnd(nameW)}  ${p.kind.padEnd(9)}  ${statusCell(p).padEnd(statW)}  ${p.description}`);
  const fired = r.coverage.filter((c) => c.fired > 0).length;
  out.push('');
  out.push(`  coverage: ${fired} of ${r.coverage.length} actions fired`);
  for (const w of r.warnings) out.push(`  warning: ${w}`);
  for (const p of r.properties) {
    if (p.status !== 'violated' || p.trace === undefined) continue;
    out.push('');
    out.push(`${p.name} violated: shortest counterexample, ${p.trace.length - 1} steps`);
    if (p.detail) out.push(`  (${p.detail})`);
    out.push(...renderTrace(p.trace, opts.full));
    out.push(`  ${p.kind === 'deadlock' ? 'no action is enabled here' : `here ${p.name} fails: ${p.description}`}`);
  }
  return out.join('\n');
}
