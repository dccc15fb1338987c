// The comparison at a glance (what `gupcheck compare` prints first): one
// table of proposals × scenarios whose cells name the properties violated
// there, a legend of every property named, then one line per distinct
// counterexample. The per-scenario tables, the traces and the cross-replay
// are asked for (--detail, --traces); the whole output stays short however
// many scenarios and proposals there are.

import type { CheckResult } from '../engine/result.js';
import { cellOf, cellTraces, columnsOf, familyOf, table, type CompareRow } from './matrix.js';

/** Short codes of the families whose names are long (the I-families and S, L keep theirs). */
const CODES: Readonly<Record<string, string>> = {
  durability: 'du', 'stable-pages': 'st', 'non-progress': 'np', deadlock: 'dl', 'field-range': 'fr',
};
export const familyCode = (f: string): string => CODES[f] ?? f;

/** What a cell shows: the families violated there (latent with *, vacuous with ?), ✓ if none, … if incomplete. */
export function overviewCell(r: CheckResult): string {
  const parts: string[] = [];
  for (const f of columnsOf([r])) {
    const c = cellOf(r, f);
    if (c.status === 'violated') parts.push(familyCode(f));
    else if (c.status === 'latent') parts.push(`${familyCode(f)}*`);
    else if (c.status === 'vacuous') parts.push(`${familyCode(f)}?`);
    else if (c.status === 'incomplete') parts.push(`${familyCode(f)}…`);
  }
  return parts.length === 0 ? '✓' : parts.join(' ');
}

const scenariosOf = (rows: readonly CompareRow[]): string[] => [...new Set(rows.map((r) => r.scenario))];
const proposalsOf = (rows: readonly CompareRow[]): string[] => [...new Set(rows.map((r) => r.proposal))];

export interface OverviewOptions {
  /** A family's title for the legend (e.g. "I1: no dirty page without buffers"); else a property's description. */
  readonly familyTitle?: (family: string) => string | undefined;
  /** The most lines the whole overview may take (the counterexample list is summarised per scenario beyond). */
  readonly maxLines?: number;
}

/** The overview table, scenario legend, property legend and one line per distinct counterexample. */
export function renderOverview(rows: readonly CompareRow[], opts: OverviewOptions = {}): string[] {
  const scenarios = scenariosOf(rows);
  const proposals = proposalsOf(rows);
  const cell = (p: string, sc: string) => {
    const r = rows.find((x) => x.proposal === p && x.scenario === sc);
    return r === undefined ? '' : overviewCell(r.result);
  };
  const out: string[] = [];
  out.push(...table(['proposal', ...scenarios.map((_, i) => `#${i + 1}`)], proposals.map((p) => [p, ...scenarios.map((sc) => cell(p, sc))]), ' ').map((l) => `  ${l}`), '');
  out.push(...wrap(`scenarios: ${scenarios.map((sc, i) => `#${i + 1} ${sc}`).join(', ')}`, 110, '  ', '    '));
  // Every family that appears anywhere, named once.
  const fams = columnsOf(rows.map((r) => r.result));
  const described = (f: string) => {
    const t = opts.familyTitle?.(f);
    if (t !== undefined) return t;
    for (const r of rows) {
      const p = r.result.properties.find((x) => familyOf(x.name) === f && x.kind !== 'sometimes');
      if (p !== undefined) return p.description;
    }
    return f;
  };
  out.push('  cells: the properties violated there (✓: none; X*: latent, a wrong release with no effect in that era; X?: vacuous, the situation never reached; X…: the search stopped)');
  out.push('  properties:');
  for (const f of fams) out.push(`    ${familyCode(f).padEnd(4)} ${f !== familyCode(f) ? `${f}: ` : ''}${described(f)}`);
  out.push('');
  // One line per distinct counterexample (the same steps), or one per scenario when that would not fit.
  const traces = cellTraces(rows, { byLabel: false });
  const budget = (opts.maxLines ?? 190) - out.length - 1;
  out.push(`== ${traces.length} distinct counterexamples (shortest; proposals taking the same steps share one; --traces shows each step by step, in each proposal's words)`);
  if (traces.length <= budget) {
    for (const c of traces) {
      const t = c.property.trace;
      const lasso = c.property.loop !== undefined ? `, lasso from step ${c.property.loop}` : '';
      out.push(`  #${scenarios.indexOf(c.scenario) + 1} ${c.scenario} / ${c.property.name}: ${t.length - 1} steps${lasso} on ${c.proposals.join(', ')}: ${keySteps(t, c.property.loop)}`);
    }
  } else {
    for (const sc of scenarios) {
      const these = traces.filter((c) => c.scenario === sc);
      if (these.length === 0) continue;
      out.push(`  #${scenarios.indexOf(sc) + 1} ${sc}: ${these.map((c) => `${c.property.name} (${c.property.trace.length - 1} steps, ${c.proposals.length} proposal${c.proposals.length > 1 ? 's' : ''})`).join('; ')}`);
    }
  }
  return out;
}

/**
 * The actors in order (consecutive steps of one actor counted), then the step
 * where it breaks; for a lasso, the prefix's actors, then the actors of the
 * cycle that repeats forever.
 */
export function keySteps(trace: readonly { actor?: string; action: string }[], loop?: number): string {
  if (loop !== undefined) {
    const cycle = [...new Set(trace.slice(loop + 1).map((st) => st.actor ?? '?'))];
    const prefix = loop === 0 ? 'from the start' : actorRuns(trace.slice(1, loop + 1));
    return cycle.length === 0 ? `${prefix}; then stops there forever` : `${prefix}; then forever: ${cycle.join(', ')}`;
  }
  // The last step by its action name (the kernel's words, the same on every proposal sharing the line).
  return `${actorRuns(trace.slice(1))}; ends: ${trace.at(-1)!.action}`;
}

function actorRuns(steps: readonly { actor?: string }[]): string {
  const runs: { actor: string; n: number }[] = [];
  for (const st of steps) {
    const a = st.actor ?? '?';
    const last = runs.at(-1);
    if (last !== undefined && last.actor === a) last.n++;
    else runs.push({ actor: a, n: 1 });
  }
  return runs.map((r) => (r.n > 1 ? `${r.actor} ×${r.n}` : r.actor)).join(' → ');
}

/** Greedy word wrap: the first line with `first`, the rest with `rest` as indent. */
function wrap(text: string, width: number, first: string, rest: string): string[] {
  const out: string[] = [];
  let line = first;
  for (const w of text.split(' ')) {
    if (line.length + w.length + 1 > width && line.trim() !== '') {
      out.push(line.trimEnd());
      line = rest;
    }
    line += `${w} `;
  }
  if (line.trim() !== '') out.push(line.trimEnd());
  return out;
}
