// Differential test: random models, explored by the engine (fingerprint mode,
// exact mode, and fingerprint mode driven through runSlice(0) in the smallest
// possible slices) and by the naive reference explorer in
// test/reference-explorer.ts. Everything observable must agree: completeness
// and stop reason, state/transition/level/queued counts, per-action coverage,
// every property's status, every counterexample/witness length and its path
// (init index + action indices). Each engine trace is also replayed twice:
// through the Model's own actions (matched by label) and through a plain-array
// interpreter of the model data that shares no code with the packed layout.
//
// Three generators: small fully random models (the bulk), larger "counter"
// models that drive the engine through its table/array growth paths, and
// small or large models searched under random maxDepth / maxStates bounds.
// DIFF_RUNS, DIFF_BIG_RUNS, DIFF_BOUNDED_RUNS, DIFF_BIG_BOUNDED_RUNS override
// the run counts (e.g. for a long soak).

import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { Checker, check, type CheckOptions, type CheckResult, type PropertyResult, type TraceStep } from '../src/engine/checker.js';
import { action, always, quiescent, sometimes, step, type Action, type Model, type Property } from '../src/engine/model.js';
import { FieldRangeError, Layout, arrayOf, bool, enumOf, int, record, type FieldSpec, type JsonValue } from '../src/engine/schema.js';
import { RefTooBig, referenceExplore, type RefProperty, type RefResult } from './reference-explorer.js';

const NUM_RUNS = Number(process.env['DIFF_RUNS'] ?? 500);
const BIG_RUNS = Number(process.env['DIFF_BIG_RUNS'] ?? 60);
const BOUNDED_RUNS = Number(process.env['DIFF_BOUNDED_RUNS'] ?? 300);
const BIG_BOUNDED_RUNS = Number(process.env['DIFF_BIG_BOUNDED_RUNS'] ?? 20);
const REF_CAP = 100_000;

// --- models as plain data -----------------------------------------------------

type Leaf =
  | { readonly kind: 'bool' }
  | { readonly kind: 'int'; readonly min: number; readonly max: number }
  | { readonly kind: 'enum'; readonly n: number };
type FieldData = Leaf | { readonly kind: 'array'; readonly of: Leaf; readonly length: number };
const OPS = ['==', '!=', '<', '<=', '>', '>='] as const;
type Op = (typeof OPS)[number];
/** State predicate. `leaf` indexes the flattened leaves (layout order). */
type Pred =
  | { readonly t: 'true' }
  | { readonly t: 'cmpC'; readonly leaf: number; readonly op: Op; readonly c: number }
  | { readonly t: 'cmpF'; readonly leaf: number; readonly op: Op; readonly other: number }
  | { readonly t: 'and' | 'or'; readonly a: Pred; readonly b: Pred }
  | { readonly t: 'not'; readonly a: Pred };
type Eff =
  | { readonly t: 'set'; readonly leaf: number; readonly c: number }
  | { readonly t: 'copy'; readonly leaf: number; readonly from: number }
  | { readonly t: 'inc' | 'dec'; readonly leaf: number };
/** Transition predicate: `delta` is next[leaf] op prev[leaf]; `notAction` holds unless that action fired. */
type StepPred =
  | { readonly t: 'delta'; readonly leaf: number; readonly op: Op }
  | { readonly t: 'pre' | 'post'; readonly p: Pred }
  | { readonly t: 'notAction'; readonly action: number }
  | { readonly t: 'and' | 'or'; readonly a: StepPred; readonly b: StepPred };
interface ActionData { readonly guard: Pred; readonly effects: readonly Eff[] }
type PropData =
  | { readonly kind: 'always' | 'quiescent' | 'sometimes'; readonly p: Pred }
  | { readonly kind: 'step'; readonly p: StepPred };
interface ModelData {
  readonly fields: readonly FieldData[];
  /** Initial states as leaf values, in layout order. */
  readonly init: readonly (readonly number[])[];
  readonly actions: readonly ActionData[];
  readonly properties: readonly PropData[];
  readonly isQuiescent?: Pred;
  readonly isLegalEnd?: Pred;
  readonly checkDeadlock?: boolean;
}

interface Range { readonly min: number; readonly max: number }
const leafRange = (l: Leaf): Range =>
  l.kind === 'bool' ? { min: 0, max: 1 } : l.kind === 'enum' ? { min: 0, max: l.n - 1 } : { min: l.min, max: l.max };
const leavesOf = (fields: readonly FieldData[]): Leaf[] =>
  fields.flatMap((f) => (f.kind === 'array' ? Array.from({ length: f.length }, () => f.of) : [f]));
const isWide = (r: Range): boolean => r.max - r.min > 15;

// --- the arbitrary ------------------------------------------------------------
// Raw values (leaf references and constants as free integers) are generated
// first and normalised by .map() into a valid ModelData, so fast-check shrinks
// the raw form and prints the normalised one. Cross-shrinking lets a failing
// model shrink towards the simpler alternatives (a guard towards `true`…).

const narrowLeafArb: fc.Arbitrary<Leaf> = fc.oneof(
  { withCrossShrink: true },
  fc.constant<Leaf>({ kind: 'bool' }),
  fc.record({ min: fc.integer({ min: -4, max: 3 }), span: fc.integer({ min: 0, max: 9 }) })
    .map(({ min, span }): Leaf => ({ kind: 'int', min, max: min + span })),
  fc.integer({ min: 1, max: 4 }).map((n): Leaf => ({ kind: 'enum', n })),
);
// Wide ints (up to 24 bits) make layouts spill over several 32-bit words.
const wideLeafArb: fc.Arbitrary<Leaf> = fc.record({ min: fc.integer({ min: -40, max: 0 }), bits: fc.integer({ min: 5, max: 24 }) })
  .map(({ min, bits }): Leaf => ({ kind: 'int', min, max: min + 2 ** bits - 1 - (bits % 3) }));
const fieldArb: fc.Arbitrary<FieldData> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: narrowLeafArb, weight: 6 },
  { arbitrary: wideLeafArb, weight: 1 },
  { arbitrary: fc.record({ of: narrowLeafArb, length: fc.integer({ min: 1, max: 4 }) }).map((a): FieldData => ({ kind: 'array', ...a })), weight: 2 },
);

const ref = fc.nat({ max: 1000 });
const rawC = fc.integer({ min: -1000, max: 1000 });
const opArb = fc.constantFrom(...OPS);

const predArb = (depth: number): fc.Arbitrary<Pred> => {
  const atoms: fc.Arbitrary<Pred>[] = [
    fc.record({ t: fc.constant('cmpC' as const), leaf: ref, op: opArb, c: rawC }),
    fc.record({ t: fc.constant('cmpF' as const), leaf: ref, op: opArb, other: ref }),
  ];
  if (depth <= 0) return fc.oneof(...atoms);
  const sub = predArb(depth - 1);
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant<Pred>({ t: 'true' }), weight: 3 },
    { arbitrary: fc.oneof(...atoms), weight: 4 },
    { arbitrary: fc.record({ t: fc.constantFrom('and' as const, 'or' as const), a: sub, b: sub }), weight: 2 },
    { arbitrary: fc.record({ t: fc.constant('not' as const), a: sub }), weight: 1 },
  );
};
const effArb: fc.Arbitrary<Eff> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: fc.record({ t: fc.constant('set' as const), leaf: ref, c: rawC }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('copy' as const), leaf: ref, from: ref }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constantFrom('inc' as const, 'dec' as const), leaf: ref }), weight: 3 },
);
const stepPredArb = (depth: number): fc.Arbitrary<StepPred> => {
  const atoms: fc.Arbitrary<StepPred>[] = [
    fc.record({ t: fc.constant('delta' as const), leaf: ref, op: opArb }),
    fc.record({ t: fc.constantFrom('pre' as const, 'post' as const), p: predArb(1) }),
    fc.record({ t: fc.constant('notAction' as const), action: ref }),
  ];
  if (depth <= 0) return fc.oneof(...atoms);
  const sub = stepPredArb(depth - 1);
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.oneof(...atoms), weight: 3 },
    { arbitrary: fc.record({ t: fc.constantFrom('and' as const, 'or' as const), a: sub, b: sub }), weight: 1 },
  );
};
const propArb: fc.Arbitrary<PropData> = fc.oneof(
  { withCrossShrink: true },
  fc.record({ kind: fc.constantFrom('always' as const, 'quiescent' as const, 'sometimes' as const), p: predArb(2) }),
  fc.record({ kind: fc.constant('step' as const), p: stepPredArb(1) }),
);

const rawModelArb = fc.record(
  {
    fields: fc.array(fieldArb, { minLength: 1, maxLength: 5 }),
    init: fc.array(fc.array(fc.nat(), { minLength: 16, maxLength: 16 }), { minLength: 1, maxLength: 3 }),
    actions: fc.array(
      fc.record({ guard: predArb(2), effects: fc.array(effArb, { minLength: 1, maxLength: 3 }), safe: fc.integer({ min: 0, max: 9 }).map((x) => x < 6) }),
      { minLength: 1, maxLength: 8 },
    ),
    properties: fc.array(propArb, { maxLength: 6 }),
    isQuiescent: predArb(1),
    isLegalEnd: predArb(1),
    checkDeadlock: fc.boolean(),
    /** 0-6: fully random; 7-9: "counters", every action a single range-guarded update (larger state spaces). */
    shape: fc.integer({ min: 0, max: 9 }),
  },
  { requiredKeys: ['fields', 'init', 'actions', 'properties', 'shape'] },
);

const mod = (x: number, n: number): number => ((x % n) + n) % n;

/** Constants worth using for a leaf: its range, one past each end, and for wide ints a few near either end. */
function candidates(r: Range): number[] {
  const mid = Math.floor((r.min + r.max) / 2);
  const inRange = isWide(r) ? [r.min, r.min + 1, r.min + 2, r.min + 3, 0, mid, r.max - 1, r.max] : Array.from({ length: r.max - r.min + 1 }, (_, i) => r.min + i);
  // Mostly in range; one pick in about six falls just outside.
  const outside = Math.max(1, Math.round(inRange.length / 5));
  return [...inRange, ...Array.from({ length: outside }, (_, i) => (i % 2 === 0 ? r.min - 1 : r.max + 1))];
}

type RawModel = typeof rawModelArb extends fc.Arbitrary<infer T> ? T : never;

function normalise(raw: RawModel): ModelData {
  const leaves = leavesOf(raw.fields).map(leafRange);
  const L = leaves.length;
  const leaf = (x: number) => mod(x, L);
  const pred = (p: Pred): Pred => {
    switch (p.t) {
      case 'true': return p;
      case 'cmpC': { const l = leaf(p.leaf); const cs = candidates(leaves[l]!); return { t: 'cmpC', leaf: l, op: p.op, c: cs[mod(p.c, cs.length)]! }; }
      case 'cmpF': return { t: 'cmpF', leaf: leaf(p.leaf), op: p.op, other: leaf(p.other) };
      case 'and': case 'or': return { t: p.t, a: pred(p.a), b: pred(p.b) };
      case 'not': return { t: 'not', a: pred(p.a) };
    }
  };
  const eff = (e: Eff): Eff => {
    const l = leaf(e.leaf);
    const cs = candidates(leaves[l]!);
    switch (e.t) {
      case 'set': return { t: 'set', leaf: l, c: cs[mod(e.c, cs.length)]! };
      case 'copy': return { t: 'copy', leaf: l, from: leaf(e.from) };
      // Counting up a wide int would make the state space huge: assign instead.
      case 'inc': case 'dec': return isWide(leaves[l]!) ? { t: 'set', leaf: l, c: cs[mod(e.leaf, cs.length)]! } : { t: e.t, leaf: l };
    }
  };
  // A "safe" action cannot go out of range (so state spaces get large enough to
  // matter): its first effect is guarded by a range check on the pre-state and
  // its other effects are in-range constant assignments.
  const inRange = (x: number, r: Range) => x >= r.min && x <= r.max;
  const counters = raw.shape >= 7;
  const safeAction = (guard0: Pred, effects0: Eff[]): ActionData => {
    const guard: Pred = counters && guard0.t !== 'cmpC' && guard0.t !== 'cmpF' ? { t: 'true' } : guard0;
    const effects = counters ? effects0.slice(0, 1) : effects0;
    const [first, ...rest] = effects as [Eff, ...Eff[]];
    const r = leaves[first.leaf]!;
    const cond: Pred | undefined =
      first.t === 'inc' ? { t: 'cmpC', leaf: first.leaf, op: '<', c: r.max } :
      first.t === 'dec' ? { t: 'cmpC', leaf: first.leaf, op: '>', c: r.min } :
      first.t === 'copy' ? { t: 'and', a: { t: 'cmpC', leaf: first.from, op: '>=', c: r.min }, b: { t: 'cmpC', leaf: first.from, op: '<=', c: r.max } } :
      undefined;
    const eff0: Eff = first.t === 'set' && !inRange(first.c, r) ? { t: 'set', leaf: first.leaf, c: r.min } : first;
    return {
      guard: cond === undefined ? guard : guard.t === 'true' ? cond : { t: 'and', a: cond, b: guard },
      effects: [eff0, ...rest.filter((e): e is Eff & { t: 'set' } => e.t === 'set' && inRange(e.c, leaves[e.leaf]!))],
    };
  };
  const nA = raw.actions.length;
  const stepPred = (p: StepPred): StepPred => {
    switch (p.t) {
      case 'delta': return { t: 'delta', leaf: leaf(p.leaf), op: p.op };
      case 'pre': case 'post': return { t: p.t, p: pred(p.p) };
      case 'notAction': return { t: 'notAction', action: mod(p.action, nA) };
      case 'and': case 'or': return { t: p.t, a: stepPred(p.a), b: stepPred(p.b) };
    }
  };
  const out: ModelData = {
    fields: raw.fields,
    init: raw.init.map((vals) => leaves.map((r, i) => r.min + mod(vals[i % vals.length]! * (i + 1), r.max - r.min + 1))),
    actions: raw.actions.map((a) => (a.safe || counters ? safeAction(pred(a.guard), a.effects.map(eff)) : { guard: pred(a.guard), effects: a.effects.map(eff) })),
    properties: raw.properties.map((p): PropData => (p.kind === 'step' ? { kind: 'step', p: stepPred(p.p) } : { kind: p.kind, p: pred(p.p) })),
    ...(raw.isQuiescent !== undefined ? { isQuiescent: pred(raw.isQuiescent) } : {}),
    ...(raw.isLegalEnd !== undefined ? { isLegalEnd: pred(raw.isLegalEnd) } : {}),
    ...(raw.checkDeadlock !== undefined ? { checkDeadlock: raw.checkDeadlock } : {}),
  };
  return out;
}

const modelDataArb: fc.Arbitrary<ModelData> = rawModelArb.map(normalise);

// Larger models, to push the engine through its growth paths (visited table
// past 3072 states, id arrays past 1024, BFS levels wider than 256 states) and
// multi-word layouts: 3-4 int counters, each with a guarded increment and
// decrement (so the reachable space is roughly their product), a bool array,
// optionally a wide int, plus a few fully random actions and properties.
const bigModelArb: fc.Arbitrary<ModelData> = fc.record({
  raw: rawModelArb,
  counters: fc.array(fc.record({ min: fc.integer({ min: -3, max: 2 }), span: fc.integer({ min: 3, max: 8 }) }), { minLength: 3, maxLength: 4 }),
  flags: fc.integer({ min: 1, max: 3 }),
  wide: fc.option(wideLeafArb, { nil: undefined }),
  randomActions: fc.integer({ min: 0, max: 3 }),
}).map(({ raw, counters: counters0, flags, wide, randomActions }) => {
  // Keep the counters' product (times the flags) under 3000: with the wide int's
  // few possible values that bounds the state space well under REF_CAP.
  const counters = counters0.map((c) => ({ ...c }));
  const product = () => counters.reduce((p, c) => p * (c.span + 1), 2 ** flags);
  while (product() > 3000) counters.reduce((a, c) => (c.span > a.span ? c : a)).span--;
  const fields: FieldData[] = [
    ...counters.map(({ min, span }): FieldData => ({ kind: 'int', min, max: min + span })),
    { kind: 'array', of: { kind: 'bool' }, length: flags },
    ...(wide !== undefined ? [wide] : []),
  ];
  const d = normalise({ ...raw, fields });
  const updown: ActionData[] = counters.flatMap(({ min, span }, i): ActionData[] => [
    { guard: { t: 'cmpC', leaf: i, op: '<', c: min + span }, effects: [{ t: 'inc', leaf: i }] },
    { guard: { t: 'cmpC', leaf: i, op: '>', c: min }, effects: [{ t: 'dec', leaf: i }] },
  ]);
  const flip: ActionData = { guard: { t: 'true' }, effects: [{ t: 'copy', leaf: counters.length, from: counters.length + flags - 1 }, { t: 'set', leaf: counters.length + flags - 1, c: 1 }] };
  return { ...d, actions: [...updown, flip, ...d.actions.slice(0, randomActions)] };
});

// --- plain semantics (shared by the Model builder and the shadow replay) --------

const cmp = (x: number, op: Op, y: number): boolean => {
  switch (op) {
    case '==': return x === y;
    case '!=': return x !== y;
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    case '>=': return x >= y;
  }
};
function evalPred(p: Pred, v: (leaf: number) => number): boolean {
  switch (p.t) {
    case 'true': return true;
    case 'cmpC': return cmp(v(p.leaf), p.op, p.c);
    case 'cmpF': return cmp(v(p.leaf), p.op, v(p.other));
    case 'and': return evalPred(p.a, v) && evalPred(p.b, v);
    case 'or': return evalPred(p.a, v) || evalPred(p.b, v);
    case 'not': return !evalPred(p.a, v);
  }
}
function evalStep(p: StepPred, prev: (leaf: number) => number, actionIndex: number, next: (leaf: number) => number): boolean {
  switch (p.t) {
    case 'delta': return cmp(next(p.leaf), p.op, prev(p.leaf));
    case 'pre': return evalPred(p.p, prev);
    case 'post': return evalPred(p.p, next);
    case 'notAction': return actionIndex !== p.action;
    case 'and': return evalStep(p.a, prev, actionIndex, next) && evalStep(p.b, prev, actionIndex, next);
    case 'or': return evalStep(p.a, prev, actionIndex, next) || evalStep(p.b, prev, actionIndex, next);
  }
}

// --- building a Model from the data ---------------------------------------------

const leafSpec = (l: Leaf): FieldSpec =>
  l.kind === 'bool' ? bool() : l.kind === 'int' ? int(l.min, l.max) : enumOf(Array.from({ length: l.n }, (_, i) => `e${i}`));

function buildModel(d: ModelData): Model {
  const spec = record(Object.fromEntries(d.fields.map((f, i) => [`f${i}`, f.kind === 'array' ? arrayOf(leafSpec(f.of), f.length) : leafSpec(f)])));
  const layout = new Layout(spec);
  const F = layout.fields;
  if (F.length !== leavesOf(d.fields).length) throw new Error('layout leaf count mismatch');
  const getter = (s: Uint32Array) => (i: number) => F[i]!.get(s);
  const actions: Action[] = d.actions.map((a, k) => action({
    name: `a${k}`,
    guard: (s) => evalPred(a.guard, getter(s)),
    effect: (s) => {
      for (const e of a.effects) {
        const f = F[e.leaf]!;
        switch (e.t) {
          case 'set': f.set(s, e.c); break;
          case 'copy': f.set(s, F[e.from]!.get(s)); break;
          case 'inc': f.set(s, f.get(s) + 1); break;
          case 'dec': f.set(s, f.get(s) - 1); break;
        }
      }
    },
  }));
  const index = new Map(actions.map((a, i) => [a, i]));
  const properties: Property[] = d.properties.map((p, i) => {
    const name = `p${i}`;
    switch (p.kind) {
      case 'always': return always(name, '', (s) => evalPred(p.p, getter(s)));
      case 'quiescent': return quiescent(name, '', (s) => evalPred(p.p, getter(s)));
      case 'sometimes': return sometimes(name, '', (s) => evalPred(p.p, getter(s)));
      case 'step': return step(name, '', (prev, act, next) => {
        const ai = index.get(act);
        if (ai === undefined) throw new Error(`step property got an unknown action object ${act.label}`);
        return evalStep(p.p, getter(prev), ai, getter(next));
      });
    }
  });
  const init = d.init.map((vals) => {
    const s = layout.blank();
    vals.forEach((v, i) => F[i]!.set(s, v));
    return s;
  });
  const { isQuiescent: q, isLegalEnd: le } = d;
  return {
    name: 'random',
    params: {},
    layout,
    init,
    actions,
    properties,
    ...(q !== undefined ? { isQuiescent: (s: Uint32Array) => evalPred(q, getter(s)) } : {}),
    ...(le !== undefined ? { isLegalEnd: (s: Uint32Array) => evalPred(le, getter(s)) } : {}),
    ...(d.checkDeadlock !== undefined ? { checkDeadlock: d.checkDeadlock } : {}),
  };
}

// --- comparing ----------------------------------------------------------------

class Mismatch extends Error {}
function expectEq(what: string, engine: unknown, reference: unknown): void {
  if (!isDeepStrictEqual(engine, reference)) {
    throw new Mismatch(`${what}: engine ${JSON.stringify(engine)}, reference ${JSON.stringify(reference)}`);
  }
}
function expect(what: string, ok: boolean): void {
  if (!ok) throw new Mismatch(what);
}

const traceOf = (p: PropertyResult): readonly TraceStep[] | undefined => p.trace ?? p.witness;

/** [init index, action index…] of an engine trace, matching actions by label. */
function pathOf(model: Model, trace: readonly TraceStep[]): number[] {
  const byLabel = new Map(model.actions.map((a, i) => [a.label, i]));
  return trace.map((st, i) => {
    if (i === 0) return st.params['init'] as number;
    const a = byLabel.get(st.label);
    if (a === undefined) throw new Mismatch(`trace step ${i} names unknown action ${st.label}`);
    return a;
  });
}

/** Replay through the Model: guards hold, states match, the last state offends. */
function replayModel(where: string, model: Model, p: PropertyResult, trace: readonly TraceStep[]): void {
  const L = model.layout;
  expect(`${where}: step 0 is not init`, trace[0]!.action === 'init' && trace[0]!.index === 0);
  const init = model.init[trace[0]!.params['init'] as number];
  expect(`${where}: no initial state ${String(trace[0]!.params['init'])}`, init !== undefined);
  const s = Uint32Array.from(init!);
  expectEq(`${where}: step 0 state`, trace[0]!.state, L.toJSON(s));
  let prev = s;
  let last: Action | undefined;
  let rangeThrown = false;
  for (let i = 1; i < trace.length; i++) {
    const st = trace[i]!;
    expect(`${where}: step ${i} has index ${st.index}`, st.index === i);
    const a = model.actions.find((x) => x.label === st.label);
    expect(`${where}: step ${i} action ${st.label} unknown`, a !== undefined);
    expect(`${where}: step ${i} action name ${st.action} vs ${a!.name}`, st.action === a!.name);
    expect(`${where}: step ${i} (${st.label}) is not enabled on replay`, a!.enabled(s));
    prev = Uint32Array.from(s);
    try {
      a!.apply(s);
    } catch (e) {
      if (!(e instanceof FieldRangeError)) throw e;
      expect(`${where}: range error at step ${i} of ${trace.length - 1} in a ${p.kind} trace`, p.kind === 'range' && i === trace.length - 1);
      rangeThrown = true;
    }
    expectEq(`${where}: step ${i} state`, st.state, L.toJSON(s));
    last = a;
  }
  const prop = model.properties.find((x) => x.name === p.name);
  switch (p.kind) {
    case 'always': expect(`${where}: last state does not violate`, prop?.kind === 'always' && !prop.holds(s)); break;
    case 'quiescent': expect(`${where}: last state not a quiescent violation`, prop?.kind === 'quiescent' && model.isQuiescent !== undefined && model.isQuiescent(s) && !prop.holds(s)); break;
    case 'sometimes': expect(`${where}: last state is not a witness`, prop?.kind === 'sometimes' && prop.witness(s)); break;
    case 'step': expect(`${where}: last transition does not violate`, prop?.kind === 'step' && last !== undefined && !prop.holds(prev, last, s)); break;
    case 'deadlock': expect(`${where}: last state is not a deadlock`, model.actions.every((a) => !a.enabled(s)) && !(model.isLegalEnd?.(s) ?? false)); break;
    case 'range': expect(`${where}: last step did not go out of range`, rangeThrown && typeof p.detail === 'string'); break;
  }
}

/** The same replay on plain number arrays, straight from the data (no layout involved). */
function replayPlain(where: string, d: ModelData, path: readonly number[], trace: readonly TraceStep[], p: PropertyResult): void {
  const leaves = leavesOf(d.fields);
  const ranges = leaves.map(leafRange);
  const flatten = (j: JsonValue): number[] => {
    const o = j as Record<string, JsonValue>;
    const leafVal = (l: Leaf, x: JsonValue): number => (l.kind === 'bool' ? (x ? 1 : 0) : l.kind === 'enum' ? Number(String(x).slice(1)) : (x as number));
    return d.fields.flatMap((f, i) => (f.kind === 'array' ? (o[`f${i}`] as JsonValue[]).map((x) => leafVal(f.of, x)) : [leafVal(f, o[`f${i}`]!)]));
  };
  let v = [...d.init[path[0]!]!];
  expectEq(`${where} (plain): step 0`, flatten(trace[0]!.state), v);
  let prev = v;
  let range = false;
  for (let i = 1; i < path.length; i++) {
    const a = d.actions[path[i]!]!;
    expect(`${where} (plain): step ${i} guard false`, evalPred(a.guard, (k) => v[k]!));
    prev = v;
    v = [...v];
    for (const e of a.effects) {
      const x = e.t === 'set' ? e.c : e.t === 'copy' ? v[e.from]! : e.t === 'inc' ? v[e.leaf]! + 1 : v[e.leaf]! - 1;
      if (x < ranges[e.leaf]!.min || x > ranges[e.leaf]!.max) { range = true; break; }
      v[e.leaf] = x;
    }
    expect(`${where} (plain): range error at step ${i}`, !range || (p.kind === 'range' && i === path.length - 1));
    expectEq(`${where} (plain): step ${i}`, flatten(trace[i]!.state), v);
  }
  const at = (k: number) => v[k]!;
  const pd = d.properties[Number(p.name.slice(1))];
  switch (p.kind) {
    case 'always': case 'quiescent': expect(`${where} (plain): not violated`, pd !== undefined && pd.kind !== 'step' && !evalPred(pd.p, at) && (p.kind === 'always' || (d.isQuiescent !== undefined && evalPred(d.isQuiescent, at)))); break;
    case 'sometimes': expect(`${where} (plain): not witnessed`, pd?.kind === 'sometimes' && evalPred(pd.p, at)); break;
    case 'step': expect(`${where} (plain): step holds`, pd?.kind === 'step' && !evalStep(pd.p, (k) => prev[k]!, path[path.length - 1]!, at)); break;
    case 'deadlock': expect(`${where} (plain): not a deadlock`, d.actions.every((a) => !evalPred(a.guard, at)) && !(d.isLegalEnd !== undefined && evalPred(d.isLegalEnd, at))); break;
    case 'range': expect(`${where} (plain): no range error`, range); break;
  }
}

function compare(where: string, d: ModelData, model: Model, r: CheckResult, ref: RefResult): void {
  expectEq(`${where}: complete`, r.complete, ref.complete);
  expectEq(`${where}: stopReason`, r.stopReason, ref.stopReason);
  expectEq(`${where}: states`, r.stats.states, ref.states);
  expectEq(`${where}: transitions`, r.stats.transitions, ref.transitions);
  expectEq(`${where}: levels`, r.stats.levels, ref.levels);
  expectEq(`${where}: maxDepth`, r.stats.maxDepth, Math.max(0, ref.levels - 1));
  expectEq(`${where}: queued`, r.stats.queued, ref.queued);
  expectEq(`${where}: fired`, r.coverage.map((c) => c.fired), ref.fired);
  expectEq(`${where}: distinct`, r.coverage.map((c) => c.distinct), ref.distinct);
  expectEq(`${where}: properties`, r.properties.map((p) => `${p.name}/${p.kind}`), ref.properties.map((p) => `${p.name}/${p.kind}`));
  r.properties.forEach((p, i) => {
    const rp: RefProperty = ref.properties[i]!;
    const w = `${where}: ${p.name} (${p.kind})`;
    expectEq(`${w} status`, p.status, rp.status);
    const tr = traceOf(p);
    expectEq(`${w} counterexample/witness steps`, tr === undefined ? undefined : tr.length - 1, rp.steps);
    expect(`${w}: trace under the wrong key`, p.kind === 'sometimes' ? p.trace === undefined : p.witness === undefined);
    if (tr === undefined) return;
    const path = pathOf(model, tr);
    expectEq(`${w} path [init, actions…]`, path, rp.path);
    replayModel(w, model, p, tr);
    replayPlain(w, d, path, tr, p);
  });
}

/** Drive the engine through its resumable API in the smallest possible slices. */
function checkSliced(model: Model, opts: CheckOptions = {}): CheckResult {
  const c = new Checker(model, opts);
  let slices = 0;
  while (!c.runSlice(0)) if (++slices > 1e6) throw new Error('runSlice never finished');
  return c.result();
}

const comparable = (r: CheckResult) => ({
  complete: r.complete,
  stats: { states: r.stats.states, transitions: r.stats.transitions, levels: r.stats.levels, maxDepth: r.stats.maxDepth, queued: r.stats.queued },
  coverage: r.coverage,
  properties: r.properties,
});

// --- the tests ----------------------------------------------------------------

interface Bounds { readonly maxDepth?: number; readonly maxStates?: number }

function differential(t: ExecutionContext, arb: fc.Arbitrary<{ d: ModelData; bounds: Bounds }>, numRuns: number): void {
  let tooBig = 0;
  let incomplete = 0;
  let multiWord = 0;
  const sizes: number[] = [];
  const outcomes = new Map<string, number>();
  fc.assert(
    fc.property(arb, ({ d, bounds }) => {
      const model = buildModel(d);
      let ref: RefResult;
      try {
        ref = referenceExplore(model, { giveUpAfter: REF_CAP, ...bounds });
      } catch (e) {
        if (e instanceof RefTooBig) { tooBig++; return; }
        throw e;
      }
      sizes.push(ref.states);
      if (!ref.complete) incomplete++;
      if (model.layout.words > 1) multiWord++;
      for (const p of ref.properties) outcomes.set(`${p.kind}:${p.status}`, (outcomes.get(`${p.kind}:${p.status}`) ?? 0) + 1);
      const fp = check(model, bounds);
      const ex = check(model, { ...bounds, exact: true });
      const sl = checkSliced(model, bounds);
      compare('fingerprint', d, model, fp, ref);
      compare('exact', d, model, ex, ref);
      expectEq('exact vs fingerprint', comparable(ex), comparable(fp));
      expectEq('sliced vs one-shot', comparable(sl), comparable(fp));
    }),
    { numRuns, includeErrorInReport: true },
  );
  sizes.sort((a, b) => a - b);
  const q = (f: number) => sizes[Math.min(sizes.length - 1, Math.floor(f * sizes.length))];
  t.log(`${sizes.length} models compared (${tooBig} over ${REF_CAP} states skipped, ${incomplete} searches cut short by a bound); states median ${q(0.5)}, p90 ${q(0.9)}, max ${q(1)}; ${sizes.filter((n) => n > 3072).length} over 3072`);
  t.log(`${multiWord} multi-word layouts; outcomes: ${[...outcomes].sort().map(([k, n]) => `${k} ${n}`).join(', ')}`);
  t.true(tooBig <= numRuns / 20, `too many oversized models skipped: ${tooBig}`);
}

const unbounded = <T>(arb: fc.Arbitrary<T>) => arb.map((d) => ({ d, bounds: {} as Bounds }));
const boundsArb = (maxDepth: number, maxStates: number): fc.Arbitrary<Bounds> => fc.oneof(
  fc.record({ maxDepth: fc.integer({ min: 0, max: maxDepth }) }),
  fc.record({ maxStates: fc.integer({ min: 0, max: maxStates }) }),
  fc.record({ maxDepth: fc.integer({ min: 0, max: maxDepth }), maxStates: fc.integer({ min: 0, max: maxStates }) }),
);

test('engine (fingerprint, exact, sliced) agrees with the naive reference explorer on random small models', (t) => {
  differential(t, unbounded(modelDataArb), NUM_RUNS);
});

test('engine agrees with the reference explorer on larger random models (table growth, wide levels)', (t) => {
  differential(t, unbounded(bigModelArb), BIG_RUNS);
});

test('engine agrees with the reference explorer on searches cut short by maxDepth / maxStates', (t) => {
  differential(t, fc.record({ d: modelDataArb, bounds: boundsArb(6, 40) }), BOUNDED_RUNS);
  differential(t, fc.record({ d: bigModelArb, bounds: boundsArb(30, 5000) }), BIG_BOUNDED_RUNS);
});

// --- engine issues found while writing this test, now fixed or pinned ----------

// Regression: Checker once kept the "action that reached this state" in a
// Uint16Array whenever the model had fewer than 0xffff actions, though an
// initial state's init index goes in the same array, so init indices >= 65536
// wrapped and the counterexample started from the wrong initial state.
test('counterexamples from initial state #65536 and up name the right initial state', (t) => {
  const n = 65_537;
  const d: ModelData = {
    fields: [{ kind: 'int', min: 0, max: n - 1 }],
    init: Array.from({ length: n }, (_, i) => [i]),
    actions: [],
    properties: [{ kind: 'always', p: { t: 'cmpC', leaf: 0, op: '!=', c: n - 1 } }],
    checkDeadlock: false,
  };
  const model = buildModel(d);
  const ref = referenceExplore(model);
  for (const exact of [false, true]) {
    const trace = check(model, { exact }).properties[0]!.trace;
    t.deepEqual(trace?.map((s) => s.state), [{ f0: n - 1 }], `${exact ? 'exact' : 'fingerprint'} mode`);
    t.deepEqual(trace && pathOf(model, trace), ref.properties[0]!.path);
  }
});

// Convention: a search that did not finish never reports `holds`, not even
// for a `sometimes` property whose witness it found; the witness trace is
// still returned with the `unknown` status, so nothing found is lost.
test('a witnessed sometimes property holds, with its witness, even when the search is incomplete (an unwitnessed one is unknown)', (t) => {
  const d: ModelData = {
    fields: [{ kind: 'int', min: 0, max: 2 }],
    init: [[0]],
    actions: [{ guard: { t: 'cmpC', leaf: 0, op: '<', c: 2 }, effects: [{ t: 'inc', leaf: 0 }] }],
    properties: [{ kind: 'sometimes', p: { t: 'cmpC', leaf: 0, op: '==', c: 1 } }],
    checkDeadlock: false,
  };
  const model = buildModel(d);
  const ref = referenceExplore(model, { maxDepth: 1 });
  const r = check(model, { maxDepth: 1 });
  t.is(r.complete, false);
  t.is(r.properties[0]!.witness?.length, 2);
  t.is(r.properties[0]!.status, 'holds');
  t.is(ref.properties[0]!.status, 'holds');
});
