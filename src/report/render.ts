// Plain-text rendering of check results: statistics, the property table, and
// each counterexample as numbered steps (who acts, the action in the kernel's
// words) showing only the fields that changed, with the properties that
// break named at the step where they break. Colour only when asked for (a
// TTY: see styleFor); --full prints whole states.

import { workLeft } from '../engine/search.js';
import type { CheckResult, PropertyResult, TraceStep } from '../engine/result.js';
import type { JsonValue } from '../engine/schema.js';
import type { Failure } from './lanes.js';
import { changes, flatten, isBlankValue, type Change } from './state.js';
import { PLAIN, type Style } from './style.js';

export { flatten } from './state.js';

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtRate = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0));

/** Fields that differ between two states, as "path a→b". */
export function diffStates(a: JsonValue, b: JsonValue): string[] {
  return changes(a, b).map((c) => `${c.path} ${c.before ?? '∅'}→${c.after ?? '∅'}`);
}

export interface TraceTextOptions {
  /** Whole states at every step (changed fields as a→b, the others as = v). */
  readonly full?: boolean;
  readonly style?: Style;
  /** Properties that break along the trace, each named at its step. */
  readonly failures?: readonly Failure[];
  /** A lasso: the steps after this one repeat forever (the last state is this step's state). */
  readonly loop?: number;
}

const changeLine = (c: Change, st: Style) => `${c.path} ${st.red(c.before ?? '∅')}${st.dim('→')}${st.green(c.after ?? '∅')}`;

/** The line naming a property at the step where it breaks. */
export function failureText(f: Failure): string {
  return f.property === 'deadlock' ? `here deadlock: ${f.description}` : `here ${f.property} fails: ${f.description}`;
}

/** "actor: rest" with the actor coloured, or "[actor] label" when the label does not start with it. */
function stepHead(st: TraceStep, style: Style): string {
  if (st.actor === undefined) return st.label;
  if (st.label.startsWith(`${st.actor}:`)) return style.cyan(st.actor) + st.label.slice(st.actor.length);
  return `${style.cyan(`[${st.actor}]`)} ${st.label}`;
}

export function renderTrace(trace: readonly TraceStep[], opts: boolean | TraceTextOptions = {}): string[] {
  const o: TraceTextOptions = typeof opts === 'boolean' ? { full: opts } : opts;
  const full = o.full === true;
  const style = o.style ?? PLAIN;
  const lines: string[] = [];
  const w = String(trace.length - 1).length;
  const pad = `  ${' '.repeat(w)}     `;
  trace.forEach((st, i) => {
    const n = style.bold(String(st.index).padStart(w));
    if (o.loop !== undefined && i === o.loop + 1) lines.push(`  ${style.bold(style.yellow(`── the cycle: steps ${o.loop + 1}–${trace.length - 1} repeat forever ──`))}`);
    if (i === 0) {
      lines.push(`  ${n}  ${st.label}`);
      for (const [k, v] of flatten(st.state)) if (full || !isBlankValue(v)) lines.push(`${pad}${k} = ${v}`);
    } else {
      lines.push(`  ${n}  ${stepHead(st, style)}`);
      const diff = changes(trace[i - 1]!.state, st.state);
      if (full) {
        const changed = new Map(diff.map((c) => [c.path, c]));
        for (const [k, v] of flatten(st.state)) {
          const c = changed.get(k);
          lines.push(pad + (c !== undefined ? style.bold(changeLine(c, style)) : style.dim(`${k} = ${v}`)));
        }
        for (const c of diff) if (c.after === undefined) lines.push(pad + changeLine(c, style));
      } else {
        for (const c of diff) lines.push(pad + changeLine(c, style));
      }
    }
    for (const f of o.failures ?? []) if (f.step === i) lines.push(`  ${style.bold(style.red(failureText(f)))}`);
  });
  if (o.loop !== undefined) {
    lines.push(o.loop === trace.length - 1
      ? `  ${style.bold(style.yellow(`── the behaviour stops here: it stays at step ${o.loop} forever ──`))}`
      : `  ${style.bold(style.yellow(`── back to the state of step ${o.loop}: the cycle repeats ──`))}`);
  }
  return lines;
}

function statusCell(p: PropertyResult): string {
  if (p.status === 'violated' && p.loop !== undefined) return `violated (lasso ${p.loop}+${(p.trace?.length ?? 1) - 1 - p.loop})`;
  if (p.status === 'violated') return `violated (${(p.trace?.length ?? 1) - 1} steps)`;
  return p.status;
}

function statusColour(status: string, text: string, st: Style): string {
  if (status === 'holds') return st.green(text);
  if (status === 'violated') return st.red(text);
  return st.yellow(text);
}

export interface ResultTextOptions {
  readonly full?: boolean;
  readonly style?: Style;
  /** Per violated property, what breaks along its trace (default: the property itself, at the last step). */
  readonly failures?: (p: PropertyResult & { trace: TraceStep[] }) => readonly Failure[];
}

export function renderResult(r: CheckResult, opts: ResultTextOptions = {}): string {
  const style = opts.style ?? PLAIN;
  const s = r.stats;
  const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ');
  const out: string[] = [];
  out.push(style.bold(`model ${r.model}${params ? ' ' + params : ''}`));
  out.push(`  search: ${r.complete ? 'complete' : style.yellow(`INCOMPLETE (stopped by ${r.stopReason ?? 'a bound'}; ${fmtInt(s.queued)} states still queued)`)}, ${r.mode} mode`);
  const left = r.remaining;
  if (left !== undefined) {
    out.push(left.pastBound !== undefined
      ? `  left: ${fmtInt(left.pastBound)} successors past --max-depth, not explored`
      : `  left: level ${left.level} expanded ${fmtInt(left.levelExpanded)} of ${fmtInt(left.levelStates)} states; the next level ≈ ${fmtInt(left.nextLevelEstimate)} states (${fmtInt(left.nextLevelStates)} found so far)`);
    if (left.pastBound === undefined) out.push(`  ${estimateText(left, s.queued, s.statesPerSecond, s.states)}`);
  }
  out.push(`  ${fmtInt(s.states)} distinct states, ${fmtInt(s.transitions)} transitions, ${fmtInt(s.levels)} BFS levels (max depth ${s.maxDepth})`);
  out.push(`  ${s.seconds.toFixed(2)} s, ${fmtRate(s.statesPerSecond)} states/s, ${s.bytesPerState.toFixed(1)} bytes stored per state (${s.stateWords} words per state)`);
  if (r.reduction !== undefined) {
    const red = r.reduction;
    out.push(`  partial-order reduction (stubborn sets): ${fmtInt(red.reduced)} of ${fmtInt(red.reduced + red.full)} states expanded with a proper subset of their enabled actions${red.proviso > 0 ? `, ${fmtInt(red.proviso)} fully by the cycle proviso` : ''}; ${red.visibleActions} visible actions`);
  }
  if (r.mode === 'fingerprint' && r.secondPass === undefined) out.push(`  fingerprint collision probability ≈ ${s.collisionProbability.toExponential(1)} (use --exact to rule it out, or --second-pass to check it)`);
  if (r.secondPass !== undefined) {
    const p = r.secondPass;
    out.push(p.agree
      ? `  second pass with an independent fingerprint: the same states, transitions and verdicts (${p.seconds.toFixed(2)} s); chance that a collision changed the outcome unseen ≤ ${s.collisionProbability.toExponential(1)} × ${p.estimate.toExponential(1)} = ${p.collisionProbability.toExponential(1)}`
      : style.yellow(`  second pass with an independent fingerprint DISAGREES: ${fmtInt(p.states)} states, ${fmtInt(p.transitions)} transitions`));
  }
  out.push('');
  const nameW = Math.max(8, ...r.properties.map((p) => p.name.length));
  const statW = Math.max(6, ...r.properties.map((p) => statusCell(p).length));
  out.push(`  ${'property'.padEnd(nameW)}  ${'kind'.padEnd(9)}  ${'result'.padEnd(statW)}  description`);
  for (const p of r.properties) out.push(`  ${p.name.padEnd(nameW)}  ${p.kind.padEnd(9)}  ${statusColour(p.status, statusCell(p).padEnd(statW), style)}  ${p.description}`);
  const fired = r.coverage.filter((c) => c.fired > 0).length;
  out.push('');
  out.push(`  coverage: ${fired} of ${r.coverage.length} actions fired`);
  if (r.liveness !== undefined) out.push(`  liveness: ${r.liveness.complete ? 'complete' : 'INCOMPLETE'} graph of ${fmtInt(r.liveness.states)} states, ${fmtInt(r.liveness.edges)} edges, ${r.liveness.fairness === 'weak' ? 'weak fairness per actor' : r.liveness.fairness === 'strong' ? 'strong fairness per step' : 'no fairness'}, ${r.liveness.seconds.toFixed(2)} s`);
  for (const w of r.warnings) out.push(`  ${style.yellow('warning:')} ${w}`);
  for (const p of r.properties) {
    if (p.status !== 'violated' || p.trace === undefined) continue;
    const withTrace = { ...p, trace: p.trace };
    out.push('');
    const lasso = p.loop !== undefined;
    out.push(style.bold(lasso
      ? `${p.name} violated: a lasso, ${p.loop} steps to the cycle, then ${p.trace.length - 1 - p.loop!} repeated (${r.liveness?.fairness === 'none' ? 'without fairness' : `under ${r.liveness?.fairness ?? 'weak'} fairness`})`
      : `${p.name} violated: ${r.reduction !== undefined && !r.reduction.shortest ? 'counterexample of the reduced search (not necessarily shortest)' : 'shortest counterexample'}, ${p.trace.length - 1} steps`));
    if (p.detail) out.push(`  (${p.detail})`);
    const failures = lasso ? [] : opts.failures?.(withTrace) ?? [{ step: p.trace.length - 1, property: p.name, description: p.kind === 'deadlock' ? 'no action is enabled here' : p.description }];
    out.push(...renderTrace(p.trace, { ...(opts.full !== undefined ? { full: opts.full } : {}), style, failures, ...(lasso ? { loop: p.loop! } : {}) }));
  }
  return out.join('\n');
}

/** The work an incomplete search left, as a range of states and of time at the rate it ran. */
export function estimateText(left: NonNullable<CheckResult['remaining']>, queued: number, rate: number, statesSoFar = 0): string {
  const w = workLeft({ queued, nextLevelEstimate: left.nextLevelEstimate, nextLevelStates: left.nextLevelStates, ...(left.recentLevels !== undefined ? { recentLevels: left.recentLevels } : {}) });
  const secs = (n: number) => (rate > 0 ? fmtSeconds(n / rate) : '?');
  const growth = w.growth === undefined ? '' : `; the last levels ${w.growth >= 1 ? 'grew' : 'shrank'} ×${w.growth.toFixed(2)} each`;
  if (w.high === undefined) {
    // Still growing: no bound, but a bell-shaped search (most are) has about as many states ahead of its peak as behind it.
    const bell = Math.max(w.low, statesSoFar);
    return `estimate: ${fmtInt(Math.round(w.low))}–${fmtInt(Math.round(bell))}+ more states, ${secs(w.low)}–${secs(bell)}+ at ${fmtRate(rate)} states/s (the upper figure if the levels, still growing${growth.replace('; the last levels grew', '')}, fall as they rose; no bound while they grow)`;
  }
  return `estimate: ${fmtInt(Math.round(w.low))}–${fmtInt(Math.round(w.high))} more states, ${secs(w.low)}–${secs(w.high)} at ${fmtRate(rate)} states/s${growth}`;
}

function fmtSeconds(s: number): string {
  if (s < 0.1) return '< 0.1 s';
  if (s < 1) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
