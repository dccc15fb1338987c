// The comparison of proposals, whatever shows it (compare's text, the
// report's HTML, text and Markdown, docs/proposals.md): a matrix where a
// column is a property family (I1 with I1.crash, I1.witness…) and a cell is
// the worst of its members: violated (shortest trace length) > latent >
// vacuous > incomplete > holds; n/a when the scenario or kernel cannot
// exercise it. Then each violated cell's trace, and every violation of the
// reference row (baseline) replayed on the other proposals of its scenario.

import type { Model } from '../engine/model.js';
import type { CheckResult, CrossReplay, PropertyResult, ReplayVerdict, TraceStep } from '../engine/result.js';
import { insteadText, labelAt, othersText, replaySaved, type SavedTrace } from '../replay/saved.js';

export type Cell = { readonly status: 'holds' | 'violated' | 'latent' | 'vacuous' | 'n/a' | 'incomplete'; readonly steps?: number; readonly by?: string; /** A liveness counterexample: a lasso. */ readonly lasso?: boolean };

/** A property named `*.latent` flags a mistake with no effect in this model yet (it becomes one elsewhere). */
const isLatent = (name: string) => name.endsWith('.latent');

/** How a cell's trace is named: "latent" for a `*.latent` property, else "violated". */
export const traceVerb = (property: string): 'latent' | 'violated' => (isLatent(property) ? 'latent' : 'violated');

/** Column order: I1..I11 numerically, then other named properties, then deadlock and field-range, then liveness (L, non-progress). */
export function familyOf(name: string): string {
  const inv = /^(I\d+)/.exec(name);
  if (inv) return inv[1]!;
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}

function familyRank(f: string): number {
  const m = /^I(\d+)$/.exec(f);
  if (m) return Number(m[1]);
  return f === 'deadlock' ? 100 : f === 'field-range' ? 101 : f === 'L' ? 102 : f === 'non-progress' ? 103 : 50;
}

export function columnsOf(results: readonly CheckResult[]): string[] {
  const fams = new Set<string>();
  for (const r of results) for (const p of r.properties) fams.add(familyOf(p.name));
  return [...fams].sort((a, b) => familyRank(a) - familyRank(b) || a.localeCompare(b));
}

export function cellOf(r: CheckResult, family: string): Cell {
  const members = r.properties.filter((p) => familyOf(p.name) === family);
  if (members.length === 0) return { status: 'n/a' };
  let worst: PropertyResult | undefined;
  const real = members.some((p) => p.status === 'violated' && !isLatent(p.name));
  for (const p of members) {
    if (p.status !== 'violated' || (real && isLatent(p.name))) continue;
    if (worst === undefined || (p.trace?.length ?? 0) < (worst.trace?.length ?? 0)) worst = p;
  }
  if (worst !== undefined) return { status: real ? 'violated' : 'latent', steps: (worst.trace?.length ?? 1) - 1, by: worst.name, ...(worst.loop !== undefined ? { lasso: true } : {}) };
  if (members.some((p) => p.status === 'vacuous')) return { status: 'vacuous', by: members.find((p) => p.status === 'vacuous')!.name };
  if (members.some((p) => p.status === 'unknown')) return { status: 'incomplete' };
  return { status: 'holds' };
}

export const cellText = (c: Cell): string => (c.status === 'violated' || c.status === 'latent' ? `${c.status} (${c.lasso === true ? 'lasso, ' : ''}${c.steps} steps)` : c.status);

/** Aligned plain-text table (columns `sep` apart). */
export function table(header: readonly string[], body: readonly (readonly string[])[], sep = '  '): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(sep).trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
}

/** The matrix as aligned plain text: one row per (proposal, scenario). */
export function renderMatrix(rows: readonly { proposal: string; scenario: string; result: CheckResult }[]): string {
  const cols = columnsOf(rows.map((r) => r.result));
  return table(['proposal', 'scenario', ...cols], rows.map((r) => [r.proposal, r.scenario, ...cols.map((c) => cellText(cellOf(r.result, c)))])).join('\n');
}

/** Scenarios in first-seen order. */
const scenariosOf = (rows: readonly CompareRow[]) => [...new Set(rows.map((r) => r.scenario))];

/**
 * One table per scenario (rows: proposals; columns: the families some
 * proposal can exercise there), so a reader compares proposals on the same
 * interleavings without a wall of n/a.
 */
export function renderScenarioTables(rows: readonly CompareRow[], about: (scenario: string) => string | undefined): string[] {
  const out: string[] = [];
  for (const sc of scenariosOf(rows)) {
    const these = rows.filter((r) => r.scenario === sc);
    const cols = columnsOf(these.map((r) => r.result)).filter((c) => these.some((r) => cellOf(r.result, c).status !== 'n/a'));
    const text = about(sc);
    out.push(`== ${sc}${text !== undefined ? `: ${text}` : ''}`, '');
    out.push(...table(['proposal', ...cols], these.map((r) => [r.proposal, ...cols.map((c) => cellText(cellOf(r.result, c)))])).map((l) => `  ${l}`), '');
  }
  return out;
}

/** A violated cell's trace, shared by every proposal on which it is the same sequence of steps, labelled alike. */
export interface CellTrace {
  readonly scenario: string;
  readonly family: string;
  readonly property: PropertyResult & { trace: TraceStep[] };
  readonly proposals: readonly string[];
}

/** The shortest trace of every violated cell, grouped where proposals take exactly the same steps (with the same labels, unless byLabel is false). */
export function cellTraces(rows: readonly CompareRow[], opts: { byLabel?: boolean } = {}): CellTrace[] {
  const byLabel = opts.byLabel ?? true;
  const out: (CellTrace & { key: string; proposals: string[] })[] = [];
  for (const r of rows) {
    for (const fam of columnsOf([r.result])) {
      const c = cellOf(r.result, fam);
      if (c.status !== 'violated' && c.status !== 'latent') continue;
      const p = r.result.properties.find((x) => x.name === c.by);
      if (p?.trace === undefined) continue;
      // Shared only where the steps and their labels agree: a step that adds BIAS on one proposal
      // and 1 on another is told in each proposal's own words.
      const key = JSON.stringify([r.scenario, p.name, p.loop ?? null, p.trace.map((s) => (byLabel ? [s.action, s.params, s.label] : [s.action, s.params]))]);
      const same = out.find((x) => x.key === key);
      if (same !== undefined) same.proposals.push(r.proposal);
      else out.push({ key, scenario: r.scenario, family: fam, property: { ...p, trace: p.trace }, proposals: [r.proposal] });
    }
  }
  return out.map(({ key: _key, ...rest }) => rest);
}

// --- cross-replay ------------------------------------------------------------

export interface CompareRow {
  readonly proposal: string;
  readonly scenario: string;
  readonly result: CheckResult;
}

/** The row whose violations are replayed on the others: baseline if compared, else the first. */
export function referenceOf(proposals: readonly string[]): string | undefined {
  return proposals.includes('baseline') ? 'baseline' : proposals[0];
}

const savedOf = (row: CompareRow, p: PropertyResult & { trace: TraceStep[] }): SavedTrace =>
  ({ model: row.result.model, params: row.result.params, property: p.name, trace: p.trace });

/** Every violation of the `ref` rows, replayed on the other rows of the same scenario; `build` gives a row's model. */
export function crossReplays<R extends CompareRow>(rows: readonly R[], ref: string, build: (row: R) => Model): CrossReplay[] {
  const out: CrossReplay[] = [];
  for (const base of rows.filter((r) => r.proposal === ref)) {
    const others = rows.filter((r) => r.scenario === base.scenario && r.proposal !== ref);
    // One trace per violated cell (the shortest of its family), as the matrix shows it.
    const shown = new Set(columnsOf([base.result]).map((f) => cellOf(base.result, f)).flatMap((c) => (c.status === 'violated' && c.by !== undefined ? [c.by] : [])));
    for (const p of base.result.properties) {
      if (p.status !== 'violated' || p.trace === undefined || !shown.has(p.name)) continue;
      const saved = savedOf(base, { ...p, trace: p.trace });
      const on = others.map((o) => replaySaved(saved, build(o), `${ref} / ${base.scenario}`, { foreignInit: 'refusal' }).verdict);
      out.push({ from: ref, scenario: base.scenario, property: p.name, steps: p.trace.length - 1, on });
    }
  }
  return out;
}

/** One compact line per proposal: how far the trace runs there, and what it violates. */
export function crossLine(v: ReplayVerdict, trace: readonly TraceStep[]): string {
  const own = v.violations.find((x) => x.property === v.property);
  const refused = v.refusedAt === 0
    ? `not replayed: ${v.reason}`
    : v.refusedAt !== undefined
      ? `refuses step ${v.refusedAt}: ${labelAt(trace, v.refusedAt)} (${v.reason}); ${insteadText(v, trace[v.refusedAt]?.actor)}`
      : undefined;
  const head = own !== undefined
    ? (refused !== undefined ? `violated at step ${own.step}, then ${refused}` : `runs, still violated at step ${own.step}`)
    : refused ?? (v.reason !== undefined ? `runs, not checked (${v.reason})` : 'runs, not violated');
  return head + othersText(v);
}

/** The cross-replay blocks as text, a blank line after each. */
export function renderCrossReplays(blocks: readonly CrossReplay[], rows: readonly CompareRow[]): string[] {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.on.length === 0) continue;
    const row = rows.find((r) => r.proposal === b.from && r.scenario === b.scenario);
    const trace = row?.result.properties.find((p) => p.name === b.property)?.trace ?? [];
    const w = Math.max(...b.on.map((v) => v.model.length));
    out.push(`${b.from} / ${b.scenario}: ${b.property} trace (${b.steps} steps) on the other proposals:`);
    for (const v of b.on) out.push(`  ${v.model.padEnd(w)}  ${crossLine(v, trace)}`);
    out.push('');
  }
  return out;
}

/** One proposal's actions over every compared scenario: each action kind, how often it fired and where. */
export interface CoverageAcross {
  readonly proposal: string;
  readonly actions: readonly { readonly action: string; readonly fired: number; readonly scenarios: readonly string[] }[];
  /** Action kinds some scenario has and none fired: a part of the proposal the comparison does not exercise. */
  readonly never: readonly string[];
}

/** Per proposal, every action kind (by name) across all its rows: what a scenario-by-scenario coverage table hides. */
export function coverageAcross(rows: readonly CompareRow[]): CoverageAcross[] {
  const out: CoverageAcross[] = [];
  for (const proposal of [...new Set(rows.map((r) => r.proposal))]) {
    const acc = new Map<string, { fired: number; scenarios: Set<string> }>();
    for (const r of rows.filter((x) => x.proposal === proposal)) {
      for (const c of r.result.coverage) {
        const e = acc.get(c.action) ?? { fired: 0, scenarios: new Set<string>() };
        e.fired += c.fired;
        if (c.fired > 0) e.scenarios.add(r.scenario);
        acc.set(c.action, e);
      }
    }
    const actions = [...acc].map(([action, e]) => ({ action, fired: e.fired, scenarios: [...e.scenarios] }));
    out.push({ proposal, actions, never: actions.filter((a) => a.fired === 0).map((a) => a.action) });
  }
  return out;
}

/** One line per proposal with an action kind no scenario fired (none: one line saying so). */
export function renderCoverageAcross(cov: readonly CoverageAcross[]): string[] {
  const gaps = cov.filter((c) => c.never.length > 0);
  const head = `coverage across the scenarios: ${cov.length - gaps.length} of ${cov.length} proposals fire every action kind in some scenario`;
  return gaps.length === 0 ? [head] : [`${head}; never fired:`, ...gaps.map((c) => `  ${c.proposal}: ${c.never.join('; ')}`)];
}
