// Replaying a recorded trace (a list of action names and parameters) on a
// model: the same model, to check the trace and reproduce its violation, or
// another one, to see whether it takes the same path. Each step looks up the
// action with the same name and parameters, checks its guard and applies it;
// the model's properties are evaluated along the way, as the explorer does.
//
// The first step that cannot run ends the replay; what the same actor could
// do there instead is reported with it.

import type { Action, Model, Params, Property } from './model.js';
import { FieldRangeError, type JsonValue } from './schema.js';
import { lassoVerdict, livenessProperties, type Fairness } from './liveness.js';
import { oneLine, pathSegment, show } from '../io/decode.js';

/** One step of a recorded trace; step 0 is the initial state. */
export interface ReplayStep {
  readonly action: string;
  readonly params: Params;
  readonly label?: string;
  readonly actor?: string;
  /** The step's role (see Action.role): the fallback match on another model. */
  readonly role?: string;
  /** The recorded state after the step (compared when `verify` is on). */
  readonly state?: JsonValue;
}

export interface ReplayOptions {
  /**
   * The trace is a recording of this very model: compare every recorded
   * state with the model's rendering of the re-executed one, and treat a
   * step that cannot run (no such action, guard false, a range error before
   * the last step) or a step 0 that is not an initial state as a mismatch,
   * not as a refusal.
   */
  readonly verify?: boolean;
  /**
   * With verify: the property the trace is a counterexample of. The
   * explorer records a counterexample at the first violation on its path,
   * so the property must be violated first at the last step; anything else
   * (a trace cut short, steps added, another property's name) is a mismatch.
   */
  readonly expect?: string;
  /**
   * The trace is a lasso (a liveness counterexample): the steps after this
   * one repeat forever. After the last step the lasso is re-checked for the
   * trace's property (`expect`, or `property`): that it closes, is fair, and
   * never reaches the goal or progress (liveness.ts, lassoVerdict).
   */
  readonly loop?: number;
  /** The liveness property a lasso is checked for on another model (default: expect). */
  readonly property?: string;
  /** Fairness the lasso is checked under (default weak). */
  readonly fairness?: Fairness;
}

/** Why a step could not run. */
export type RefusalKind = 'no-action' | 'guard' | 'field-range';

export interface Refusal {
  /** Index of the step in the trace (1-based; step 0 is the initial state). */
  readonly step: number;
  readonly kind: RefusalKind;
  /** One line: what stopped the step. */
  readonly reason: string;
  /** The actor whose alternatives are listed, when the step names one. */
  readonly actor?: string;
  /** Labels of the actions of the same actor (or of any actor) enabled at that state. */
  readonly enabledInstead: readonly string[];
}

export interface Violation {
  readonly property: string;
  /** First step at whose state (or transition) the property fails. */
  readonly step: number;
  readonly detail?: string;
}

/** Why a recorded trace is not what the model does (only when verifying). */
export type MismatchKind =
  /** A recorded state differs from the re-executed one; detail is the first differing JSON path. */
  | 'state'
  /** Step 0 is not an initial state of the model. */
  | 'init'
  /** The recorded step cannot run on re-execution. */
  | 'step'
  /** The path does not end at the first violation of the expected property. */
  | 'end'
  /** On another model: the trace's step 0 is none of that model's initial states (it comes from another scenario or parameters). */
  | 'foreign-init';

/** A recorded trace differs from the re-execution. */
export interface Mismatch {
  readonly step: number;
  readonly kind: MismatchKind;
  /** For 'state': the first differing JSON path, with both values; else what is wrong, in one line. */
  readonly detail: string;
  /** For 'foreign-init': the first differing path, with both values. */
  readonly difference?: string;
}

export interface ReplayResult {
  /** Steps in the trace after the initial state. */
  readonly steps: number;
  /** Steps that ran to completion. */
  readonly ran: number;
  /** The replayed model's label of step 0 (its initial state) and of every step that ran. */
  readonly labels: readonly string[];
  readonly refusal?: Refusal;
  readonly mismatch?: Mismatch;
  /** Each violated property once, at its first step, in step order. */
  readonly violations: readonly Violation[];
  /** For a lasso that does not violate its property here: why not. */
  readonly lassoNote?: string;
}

export class ReplayError extends Error {}

const paramsKey = (name: string, params: Params): string =>
  JSON.stringify([name, Object.keys(params).sort().map((k) => [k, params[k]])]);

/** Actions by name and parameters (several instances may share both; the first enabled one runs). */
function indexActions(actions: readonly Action[]): Map<string, Action[]> {
  const m = new Map<string, Action[]>();
  const add = (k: string, a: Action) => {
    const list = m.get(k);
    if (list === undefined) m.set(k, [a]);
    else list.push(a);
  };
  for (const a of actions) {
    add(paramsKey(a.name, a.params), a);
    if (a.role !== undefined) add(paramsKey(`role:${a.role}`, a.params), a);
  }
  return m;
}

const describer = (m: Model) => m.describe ?? ((s: Uint32Array) => m.layout.toJSON(s));

/** The first JSON path at which two values differ, as "path (recorded a, replayed b)", or undefined. */
export function firstDifference(recorded: unknown, replayed: unknown, path = ''): string | undefined {
  const at = path === '' ? '(top level)' : oneLine(path, 200);
  if (Array.isArray(recorded) && Array.isArray(replayed)) {
    const n = Math.max(recorded.length, replayed.length);
    for (let i = 0; i < n; i++) {
      const d = firstDifference(recorded[i], replayed[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (isObject(recorded) && isObject(replayed)) {
    const keys = new Set([...Object.keys(replayed), ...Object.keys(recorded)]);
    for (const k of keys) {
      const d = firstDifference(recorded[k], replayed[k], path + pathSegment(k, path === '', true));
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return recorded === replayed ? undefined : `${at} (recorded ${show(recorded)}, re-executed ${show(replayed)})`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The first difference between two states on the fields both have (another
 * model may add fields, or name one differently): where a trace recorded on
 * one model cannot start from this model's initial state.
 */
export function commonDifference(recorded: unknown, replayed: unknown, path = ''): string | undefined {
  if (isObject(recorded) && isObject(replayed)) {
    for (const k of Object.keys(recorded)) {
      if (!(k in replayed)) continue;
      const d = commonDifference(recorded[k], replayed[k], path + pathSegment(k, path === '', true));
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return firstDifference(recorded, replayed, path);
}

/** Index of the initial state to start from: the one the trace recorded, when verifying; else the first. */
function pickInit(model: Model, step0: ReplayStep | undefined, verify: boolean): number {
  if (model.init.length === 0) throw new ReplayError(`model ${model.name} has no initial state`);
  if (step0?.state === undefined) return 0;
  const describe = describer(model);
  const same = verify ? firstDifference : commonDifference;
  return Math.max(0, model.init.findIndex((s) => same(step0.state, describe(s)) === undefined));
}

/** Labels of the actions enabled in `s`, restricted to `actor` when given. */
export function enabledLabels(model: Model, s: Uint32Array, actor: string | undefined): string[] {
  return model.actions.filter((a) => (actor === undefined || a.actor === actor) && a.enabled(s)).map((a) => a.label);
}

/** Evaluates the model's properties along one path, remembering the first violation of each. */
class PathProperties {
  private readonly found = new Map<string, Violation>();
  private readonly checkDeadlock: boolean;

  constructor(private readonly model: Model) {
    this.checkDeadlock = model.checkDeadlock ?? true;
  }

  violations(): Violation[] {
    return [...this.found.values()];
  }

  /** Why a lasso did not violate its property here (shown with the verdict). */
  readonly notes = new Map<string, string>();
  note(property: string, why: string): void {
    this.notes.set(property, why);
  }

  record(property: string, step: number, detail?: string): void {
    if (!this.found.has(property)) this.found.set(property, { property, step, ...(detail !== undefined ? { detail } : {}) });
  }

  state(s: Uint32Array, step: number): void {
    const quiet = this.model.isQuiescent?.(s) ?? false;
    for (const p of this.model.properties) {
      if (p.kind === 'always' && !p.holds(s)) this.record(p.name, step);
      else if (p.kind === 'quiescent' && quiet && !p.holds(s)) this.record(p.name, step);
    }
    if (this.checkDeadlock && !this.model.actions.some((a) => a.enabled(s)) && !(this.model.isLegalEnd?.(s) ?? false)) {
      this.record('deadlock', step);
    }
  }

  transition(prev: Uint32Array, a: Action, next: Uint32Array, step: number): void {
    for (const p of this.model.properties) {
      if (p.kind === 'step' && !p.holds(prev, a, next)) this.record(p.name, step);
    }
  }
}

/** Names of the properties a replay can report: the model's own (but `sometimes`), deadlock and field-range. */
export function replayableProperties(model: Model): string[] {
  const own = model.properties.filter((p: Property) => p.kind !== 'sometimes').map((p) => p.name);
  return [...own, ...((model.checkDeadlock ?? true) ? ['deadlock'] : []), 'field-range', ...livenessProperties(model).map((p) => p.name)];
}

/**
 * Replay `trace` (step 0 the initial state, then one action per step) on
 * `model`. Stops at the first step that cannot run, and, when verifying, at
 * the first recorded state that differs from the re-executed one.
 */
export function replay(model: Model, trace: readonly ReplayStep[], opts: ReplayOptions = {}): ReplayResult {
  const verify = opts.verify === true;
  const describe = describer(model);
  const index = indexActions(model.actions);
  const props = new PathProperties(model);
  const steps = Math.max(0, trace.length - 1);
  const init = pickInit(model, trace[0], verify);
  const s = Uint32Array.from(model.init[init]!);
  const prev = new Uint32Array(s.length);
  const labels = [`initial state ${init}`];
  const done = (ran: number, extra: { refusal?: Refusal; mismatch?: Mismatch } = {}): ReplayResult =>
    ({ steps, ran, labels: labels.slice(0, ran + 1), ...extra, violations: props.violations(), ...(lassoNote() !== undefined ? { lassoNote: lassoNote()! } : {}) });
  const lassoNote = () => (opts.property ?? opts.expect) === undefined ? undefined : props.notes.get((opts.property ?? opts.expect)!);
  const check = (i: number): Mismatch | undefined => {
    const recorded = trace[i]?.state;
    if (!verify || recorded === undefined) return undefined;
    const d = firstDifference(recorded, describe(s));
    return d === undefined ? undefined : { step: i, kind: 'state', detail: d };
  };

  /** A step that cannot run: a refusal on another model, a mismatch on the model the trace was recorded on. */
  const cannotRun = (i: number, r: Refusal): ReplayResult => {
    if (!verify) return done(i - 1, { refusal: r });
    const st = trace[i]!;
    return done(i - 1, { mismatch: { step: i, kind: 'step', detail: `recorded step '${oneLine(st.label ?? st.action)}' cannot run on re-execution (${r.reason})` } });
  };

  if (verify) {
    const st0 = trace[0];
    if (st0 === undefined) return done(0, { mismatch: { step: 0, kind: 'init', detail: 'the trace has no steps, not even its initial state' } });
    if (st0.action !== 'init') return done(0, { mismatch: { step: 0, kind: 'init', detail: `step 0 is '${oneLine(st0.label ?? st0.action)}', not an initial state` } });
  }
  const m0 = check(0);
  if (m0 !== undefined) return done(0, { mismatch: m0 });
  // On another model the trace must still start where that model starts (the same scenario):
  // else every refusal it reports would be about a different setting.
  const st0 = trace[0];
  if (!verify && st0?.state !== undefined) {
    const differences = model.init.map((i) => commonDifference(st0.state, describe(i)));
    if (differences.every((d) => d !== undefined)) {
      return done(0, { mismatch: { step: 0, kind: 'foreign-init', detail: `the trace does not start from ${model.name}'s initial state: ${differences[0]}`, difference: differences[0]! } });
    }
  }
  props.state(s, 0);
  // A lasso keeps every state and action, to re-check its cycle at the end.
  const lassoStates: Uint32Array[] = opts.loop !== undefined ? [Uint32Array.from(s)] : [];
  const lassoActions: Action[] = [];
  for (let i = 1; i < trace.length; i++) {
    const st = trace[i]!;
    const candidates = index.get(paramsKey(st.action, st.params)) ??
      (st.role !== undefined ? index.get(paramsKey(`role:${st.role}`, st.params)) : undefined);
    if (candidates === undefined) return cannotRun(i, refusal(model, s, st, i, 'no-action', noAction(model, st)));
    const a = candidates.find((c) => c.enabled(s));
    if (a === undefined) return cannotRun(i, refusal(model, s, st, i, 'guard', 'guard false'));
    prev.set(s);
    try {
      a.apply(s);
    } catch (e) {
      if (!(e instanceof FieldRangeError)) throw e;
      const mm = check(i);
      if (mm !== undefined) return done(i - 1, { mismatch: mm });
      props.record('field-range', i, e.message);
      const r = refusal(model, prev, st, i, 'field-range', `field-range: ${e.message}`);
      // The explorer never goes past a range error: on the recorded model it can only be the last step.
      return verify && i < steps ? cannotRun(i, r) : done(i - 1, { refusal: r });
    }
    const mm = check(i);
    if (mm !== undefined) return done(i - 1, { mismatch: mm });
    labels.push(a.label);
    props.transition(prev, a, s, i);
    props.state(s, i);
    if (opts.loop !== undefined) {
      lassoStates.push(Uint32Array.from(s));
      lassoActions[i] = a;
    }
  }
  const lassoProperty = opts.property ?? opts.expect;
  if (opts.loop !== undefined && lassoProperty !== undefined) {
    const v = lassoVerdict(model, lassoProperty, lassoStates, lassoActions, opts.loop, opts.fairness ?? 'weak');
    if (v.violated) props.record(lassoProperty, steps, v.reason);
    else if (verify && opts.expect !== undefined) return done(steps, { mismatch: { step: steps, kind: 'end', detail: `the lasso does not violate ${oneLine(lassoProperty, 60)}: ${v.reason}` } });
    else props.note(lassoProperty, v.reason);
    return done(steps);
  }
  if (verify && opts.expect !== undefined) {
    const end = endMismatch(model, opts.expect, steps, props.violations());
    if (end !== undefined) return done(steps, { mismatch: end });
  }
  return done(steps);
}

/** A counterexample of `property` ends at the first violation of it: anything else is a mismatch. */
function endMismatch(model: Model, property: string, steps: number, violations: readonly Violation[]): Mismatch | undefined {
  const name = oneLine(property, 60);
  if (!replayableProperties(model).includes(property)) {
    return { step: steps, kind: 'end', detail: `${model.name} has no property '${name}' a trace can violate (it has: ${replayableProperties(model).join(', ')})` };
  }
  const v = violations.find((x) => x.property === property);
  if (v === undefined) return { step: steps, kind: 'end', detail: `the trace ends at step ${steps} without violating ${name}` };
  if (v.step !== steps) return { step: steps, kind: 'end', detail: `${name} is violated at step ${v.step}, but the trace goes on to step ${steps}` };
  return undefined;
}

function noAction(model: Model, st: ReplayStep): string {
  const withParams = Object.keys(st.params).length > 0 ? ` with params ${oneLine(JSON.stringify(st.params))}` : '';
  return `${model.name} has no action '${oneLine(st.action)}'${withParams}`;
}

function refusal(model: Model, s: Uint32Array, st: ReplayStep, step: number, kind: RefusalKind, reason: string): Refusal {
  const actor = st.actor ?? model.actions.find((a) => a.name === st.action && a.actor !== undefined)?.actor;
  return { step, kind, reason, ...(actor !== undefined ? { actor } : {}), enabledInstead: enabledLabels(model, s, actor) };
}
