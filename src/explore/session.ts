// What the explorer shows for a path through a model: every step's state
// (as the checker describes it), the fields each step changed, the actions
// enabled at the end (labelled in the model's words, grouped by actor), and
// each property's verdict along the path. Pure functions of the model: the
// HTTP server (server.ts) only carries them to the browser.

import type { Action, Model, Property } from '../engine/model.js';
import type { JsonValue } from '../engine/schema.js';
import { FieldRangeError } from '../engine/schema.js';
import { changes, flatten } from '../report/state.js';
import type { TraceStep } from '../engine/result.js';

/** A path: an initial state's index, then action indices. */
export interface ExplorePath {
  readonly init: number;
  readonly actions: readonly number[];
}

export interface ExploreStep {
  readonly index: number;
  readonly label: string;
  readonly action: string;
  readonly actor?: string;
  readonly state: JsonValue;
  /** The state as field rows (path, value), in document order. */
  readonly fields: readonly (readonly [string, string])[];
  /** Fields this step changed (paths as the trace text names them). */
  readonly changed: readonly string[];
}

export interface EnabledAction {
  /** The action's index in the model (what a path holds). */
  readonly i: number;
  readonly label: string;
  readonly name: string;
  readonly actor: string;
}

export interface Verdict {
  readonly name: string;
  readonly kind: string;
  readonly description: string;
  /** Along the path so far: violated (at its first step), holds, or for a sometimes property witnessed (at its first step) or not yet. */
  readonly status: 'holds' | 'violated' | 'witnessed' | 'not yet' | 'not checked here';
  readonly step?: number;
}

export interface ExploreView {
  readonly steps: readonly ExploreStep[];
  readonly enabled: readonly EnabledAction[];
  readonly verdicts: readonly Verdict[];
  /** Why the path stops early (a step that cannot run), if it does. */
  readonly error?: string;
}

const describer = (m: Model) => m.describe ?? ((s: Uint32Array) => m.layout.toJSON(s));

/** Re-execute a path on the model and say everything the explorer shows about it. */
export function viewPath(model: Model, path: ExplorePath): ExploreView {
  const describe = describer(model);
  const init = model.init[path.init];
  if (init === undefined) return { steps: [], enabled: [], verdicts: [], error: `no initial state ${path.init}` };
  const s = Uint32Array.from(init);
  const prev = new Uint32Array(s.length);
  const rows = (v: JsonValue) => [...flatten(v)];
  const s0 = describe(s);
  const steps: ExploreStep[] = [{ index: 0, label: `initial state ${path.init}`, action: 'init', state: s0, fields: rows(s0), changed: [] }];
  const first = new Map<string, number>();
  const mark = (name: string, step: number) => { if (!first.has(name)) first.set(name, step); };
  const stateProps = (st: Uint32Array, k: number) => {
    const quiet = model.isQuiescent?.(st) ?? false;
    for (const p of model.properties) {
      if (p.kind === 'always' && !p.holds(st)) mark(p.name, k);
      else if (p.kind === 'quiescent' && quiet && !p.holds(st)) mark(p.name, k);
      else if (p.kind === 'sometimes' && p.witness(st)) mark(p.name, k);
    }
  };
  stateProps(s, 0);
  let error: string | undefined;
  for (let k = 0; k < path.actions.length; k++) {
    const a: Action | undefined = model.actions[path.actions[k]!];
    if (a === undefined || !a.enabled(s)) {
      error = `step ${k + 1} (${a?.label ?? `action ${path.actions[k]}`}) is not enabled here`;
      break;
    }
    prev.set(s);
    try {
      a.apply(s);
    } catch (e) {
      if (!(e instanceof FieldRangeError)) throw e;
      s.set(prev);
      mark('field-range', k + 1);
      error = `step ${k + 1} (${a.label}) leaves a field's range: ${e.message}`;
      break;
    }
    for (const p of model.properties) if (p.kind === 'step' && !p.holds(prev, a, s)) mark(p.name, k + 1);
    stateProps(s, k + 1);
    const before = steps[k]!.state;
    const now = describe(s);
    steps.push({ index: k + 1, label: a.label, action: a.name, ...(a.actor !== undefined ? { actor: a.actor } : {}), state: now, fields: rows(now), changed: changes(before, now).map((c) => c.path) });
  }
  const enabled = model.actions.flatMap((a, i) => (a.enabled(s) ? [{ i, label: a.label, name: a.name, actor: a.actor ?? a.name }] : []));
  if ((model.checkDeadlock ?? true) && enabled.length === 0 && !(model.isLegalEnd?.(s) ?? false)) mark('deadlock', steps.length - 1);
  const verdicts: Verdict[] = [
    ...model.properties.map((p: Property) => verdictOf(p.name, p.kind, p.description, first.get(p.name))),
    verdictOf('deadlock', 'deadlock', 'every reachable state has an enabled action or is a legal end state', first.get('deadlock')),
  ];
  return { steps, enabled, verdicts, ...(error !== undefined ? { error } : {}) };
}

function verdictOf(name: string, kind: string, description: string, at: number | undefined): Verdict {
  if (kind === 'sometimes') return { name, kind, description, ...(at !== undefined ? { status: 'witnessed' as const, step: at } : { status: 'not yet' as const }) };
  return { name, kind, description, ...(at !== undefined ? { status: 'violated' as const, step: at } : { status: 'holds' as const }) };
}

/** The path of a recorded trace on this model (each step the first enabled action of its name and parameters). */
export function pathOfTrace(model: Model, trace: readonly TraceStep[]): ExplorePath | string {
  const initParam = trace[0]?.params['init'];
  const init = typeof initParam === 'number' ? initParam : 0;
  const s = Uint32Array.from(model.init[init] ?? model.init[0]!);
  const actions: number[] = [];
  for (let k = 1; k < trace.length; k++) {
    const st = trace[k]!;
    const i = model.actions.findIndex((a) => a.name === st.action && sameParams(a.params, st.params) && a.enabled(s));
    if (i < 0) return `step ${k} (${st.label}) does not run on ${model.name}`;
    model.actions[i]!.apply(s);
    actions.push(i);
  }
  return { init, actions };
}

const sameParams = (a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>) => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
};

/** "0.3.7.2": the initial state, then action indices (what the explorer's link and --path carry). */
export const pathText = (p: ExplorePath): string => [p.init, ...p.actions].join('.');
export function parsePath(text: string): ExplorePath | undefined {
  if (!/^\d+(\.\d+)*$/.test(text)) return undefined;
  const [init, ...actions] = text.split('.').map(Number);
  return { init: init!, actions };
}
