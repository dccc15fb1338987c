// A counterexample saved from `gupcheck check --json`, replayed on a model:
// on its own model every recorded state is verified (so a tampered file is
// bad input), on another model the first step it refuses is reported with
// what that actor could do instead. Used by `gupcheck replay` and by the
// comparison's cross-replay.

import type { Model, Params } from '../engine/model.js';
import { InputError } from '../engine/registry.js';
import { replay, replayableProperties, type ReplayResult, type ReplayStep } from '../engine/replay.js';
import { REPLAY_SCHEMA_VERSION, type ReplayReport, type ReplayVerdict, type TraceStep } from '../engine/result.js';

/** A violated property of a saved report, with its trace. */
export interface SavedTrace {
  /** The model and parameters the trace was recorded with. */
  readonly model: string;
  readonly params: Params;
  readonly property: string;
  readonly trace: readonly TraceStep[];
  /** A lasso (liveness counterexample): the steps after this one repeat forever. */
  readonly loop?: number;
  /** The fairness the lasso was found under. */
  readonly fairness?: 'strong' | 'weak' | 'none';
  /** The input file (a scenario given by path) the model was built from, where the report recorded it. */
  readonly inputFile?: { readonly path: string; readonly sha256: string };
}

const bad = (file: string, what: string) => new InputError(`${file}: ${what}`);

export const paramText = (params: Readonly<Record<string, unknown>>): string =>
  Object.entries(params).map(([k, v]) => `${k}=${String(v)}`).join(' ');

const toSteps = (trace: readonly TraceStep[]): ReplayStep[] =>
  trace.map((s) => ({ action: s.action, params: s.params, label: s.label, state: s.state, ...(s.actor !== undefined ? { actor: s.actor } : {}), ...(s.role !== undefined ? { role: s.role } : {}) }));

/** Replay a saved trace on `model`; on its own model every recorded state is verified (a mismatch is bad input). */
export function replaySaved(saved: SavedTrace, model: Model, file: string, opts: { readonly foreignInit?: 'error' | 'refusal' } = {}): { result: ReplayResult; verdict: ReplayVerdict } {
  const same = model.name === saved.model;
  // On its own model the trace must re-execute exactly and end where its property first fails.
  const lasso = saved.loop !== undefined ? { loop: saved.loop, property: saved.property, ...(saved.fairness !== undefined ? { fairness: saved.fairness } : {}) } : {};
  const result = replay(model, toSteps(saved.trace), { verify: same, ...(same ? { expect: saved.property } : {}), ...lasso });
  if (result.mismatch?.kind === 'foreign-init' && opts.foreignInit === 'refusal') {
    // Cross-replay within one scenario: the other model's own set-up starts elsewhere (its initial
    // state differs by design, not by scenario): step 0 is refused, with the first difference.
    const scenario = model.params['scenario'];
    return {
      result,
      verdict: {
        model: model.name, from: saved.model, params: model.params, ...(scenario !== undefined ? { scenario: String(scenario) } : {}),
        property: saved.property, steps: 0, outcome: 'refused', refusedAt: 0,
        reason: `its set-up starts from another state (${result.mismatch.difference ?? result.mismatch.detail})`,
        enabledInstead: [], violations: [],
      },
    };
  }
  if (result.mismatch?.kind === 'foreign-init') {
    // Not a verdict about the other model: the trace was recorded on another scenario (or other parameters).
    throw bad(file, `${result.mismatch.detail}; it was recorded on ${saved.model} ${paramText(saved.params)}, so replay it on a model of the same scenario (--scenario FILE if it is not a shipped one)`);
  }
  if (result.mismatch !== undefined) {
    const m = result.mismatch;
    const what = m.kind === 'state' ? `the recorded state differs from ${model.name}'s re-execution at ${m.detail}` : m.detail;
    throw bad(file, `step ${m.step}: ${what}; the trace was edited or comes from another version`);
  }
  return { result, verdict: verdictOf(saved, model, result) };
}

/** The outcome of a replay for the trace's own property. */
export function verdictOf(saved: SavedTrace, model: Model, r: ReplayResult): ReplayVerdict {
  const own = r.violations.find((v) => v.property === saved.property);
  // A range error on the last step of a range trace is the violation itself, not a refusal.
  const refusal = r.refusal !== undefined && !(r.refusal.kind === 'field-range' && own !== undefined && r.refusal.step === r.steps) ? r.refusal : undefined;
  const known = replayableProperties(model).includes(saved.property);
  const scenario = model.params['scenario'];
  return {
    model: model.name,
    from: saved.model,
    params: model.params,
    ...(scenario !== undefined ? { scenario: String(scenario) } : {}),
    property: saved.property,
    steps: r.steps,
    outcome: own !== undefined ? 'violated' : refusal !== undefined ? 'refused' : 'not-violated',
    ...(refusal !== undefined ? { refusedAt: refusal.step, reason: refusal.reason, enabledInstead: [...refusal.enabledInstead] } : {}),
    ...(refusal === undefined && !known ? { reason: `${model.name} has no property ${saved.property} here` } : {}),
    ...(refusal === undefined && known && own === undefined && r.lassoNote !== undefined ? { reason: r.lassoNote } : {}),
    violations: r.violations.map((v) => ({ property: v.property, step: v.step })),
  };
}

export const replayReport = (v: ReplayVerdict): ReplayReport => ({ schemaVersion: REPLAY_SCHEMA_VERSION, ...v });

export const labelAt = (trace: readonly TraceStep[], step: number): string => trace[step]?.label ?? `step ${step}`;

export function insteadText(v: ReplayVerdict, actor: string | undefined): string {
  const list = v.enabledInstead ?? [];
  const who = actor !== undefined ? ` for ${actor}` : '';
  return list.length === 0 ? `nothing is enabled${who}` : `enabled${who} instead: ${list.join('; ')}`;
}

/** '; also violated: P at step n, …' for the properties other than the trace's own, or ''. */
export function othersText(v: ReplayVerdict): string {
  const others = v.violations.filter((x) => x.property !== v.property);
  return others.length === 0 ? '' : `; also violated: ${others.map((x) => `${x.property} at step ${x.step}`).join(', ')}`;
}

/** The verdict line of `gupcheck replay`. */
export function verdictLine(v: ReplayVerdict, trace: readonly TraceStep[]): string {
  const own = v.violations.find((x) => x.property === v.property);
  const refused = v.refusedAt !== undefined
    ? `${v.model} refuses step ${v.refusedAt} (${labelAt(trace, v.refusedAt)}): ${v.reason}; ${insteadText(v, trace[v.refusedAt]?.actor)}`
    : undefined;
  if (own !== undefined && refused !== undefined) return `${v.property} violated at step ${own.step} on ${v.model}; then ${refused}${othersText(v)}`;
  if (refused !== undefined) return `${refused}${othersText(v)}`;
  if (own !== undefined) return `every step runs on ${v.model}; ${v.property} still violated at step ${own.step}${othersText(v)}`;
  return `every step runs on ${v.model}; ${v.property} not violated${v.reason !== undefined ? ` (${v.reason})` : ''}${othersText(v)}`;
}

/** `gupcheck replay` as text: a header, one line per step that ran (as the replayed model names it), the verdict. */
export function renderReplay(saved: SavedTrace, r: ReplayResult, v: ReplayVerdict): string {
  const scenario = saved.params['scenario'];
  const from = scenario !== undefined ? `${saved.model} / ${String(scenario)}` : `${saved.model} ${paramText(saved.params)}`.trimEnd();
  const lines = [`replaying ${from}: ${saved.property} trace (${r.steps} steps) on ${v.model}`];
  const w = String(r.steps).length;
  r.labels.forEach((label, i) => lines.push(`  ${String(i).padStart(w)}. ${label} ok`));
  lines.push(verdictLine(v, saved.trace));
  return lines.join('\n');
}
