// Random models as plain data (fast-check arbitraries), their plain
// semantics, and how a Model is built from them: shared by the differential
// test against the reference explorer and the partial-order-reduction test.

import fc from 'fast-check';
import { action, always, quiescent, sometimes, step, type Action, type Model, type Property } from '../../src/engine/model.js';
import { Layout, arrayOf, bool, enumOf, int, record, type Field, type FieldSpec } from '../../src/engine/schema.js';

// --- models as plain data -----------------------------------------------------

export type Leaf =
  | { readonly kind: 'bool' }
  | { readonly kind: 'int'; readonly min: number; readonly max: number }
  | { readonly kind: 'enum'; readonly n: number };
export type FieldData = Leaf | { readonly kind: 'array'; readonly of: Leaf; readonly length: number };
export const OPS = ['==', '!=', '<', '<=', '>', '>='] as const;
export type Op = (typeof OPS)[number];
/** State predicate. `leaf` indexes the flattened leaves (layout order). */
export type Pred =
  | { readonly t: 'true' }
  | { readonly t: 'cmpC'; readonly leaf: number; readonly op: Op; readonly c: number }
  | { readonly t: 'cmpF'; readonly leaf: number; readonly op: Op; readonly other: number }
  | { readonly t: 'and' | 'or'; readonly a: Pred; readonly b: Pred }
  | { readonly t: 'not'; readonly a: Pred };
export type Eff =
  | { readonly t: 'set'; readonly leaf: number; readonly c: number }
  | { readonly t: 'copy'; readonly leaf: number; readonly from: number }
  | { readonly t: 'inc' | 'dec'; readonly leaf: number };
/** Transition predicate: `delta` is next[leaf] op prev[leaf]; `notAction` holds unless that action fired. */
export type StepPred =
  | { readonly t: 'delta'; readonly leaf: number; readonly op: Op }
  | { readonly t: 'pre' | 'post'; readonly p: Pred }
  | { readonly t: 'notAction'; readonly action: number }
  | { readonly t: 'and' | 'or'; readonly a: StepPred; readonly b: StepPred };
export interface ActionData { readonly guard: Pred; readonly effects: readonly Eff[] }
export type PropData =
  | { readonly kind: 'always' | 'quiescent' | 'sometimes'; readonly p: Pred }
  | { readonly kind: 'step'; readonly p: StepPred };
export interface ModelData {
  readonly fields: readonly FieldData[];
  /** Initial states as leaf values, in layout order. */
  readonly init: readonly (readonly number[])[];
  readonly actions: readonly ActionData[];
  readonly properties: readonly PropData[];
  readonly isQuiescent?: Pred;
  readonly isLegalEnd?: Pred;
  readonly checkDeadlock?: boolean;
}

export interface Range { readonly min: number; readonly max: number }
export const leafRange = (l: Leaf): Range =>
  l.kind === 'bool' ? { min: 0, max: 1 } : l.kind === 'enum' ? { min: 0, max: l.n - 1 } : { min: l.min, max: l.max };
export const leavesOf = (fields: readonly FieldData[]): Leaf[] =>
  fields.flatMap((f) => (f.kind === 'array' ? Array.from({ length: f.length }, () => f.of) : [f]));
export const isWide = (r: Range): boolean => r.max - r.min > 15;

// --- the arbitrary ------------------------------------------------------------
// Raw values (leaf references and constants as free integers) are generated
// first and normalised by .map() into a valid ModelData, so fast-check shrinks
// the raw form and prints the normalised one. Cross-shrinking lets a failing
// model shrink towards the simpler alternatives (a guard towards `true`…).

export const narrowLeafArb: fc.Arbitrary<Leaf> = fc.oneof(
  { withCrossShrink: true },
  fc.constant<Leaf>({ kind: 'bool' }),
  fc.record({ min: fc.integer({ min: -4, max: 3 }), span: fc.integer({ min: 0, max: 9 }) })
    .map(({ min, span }): Leaf => ({ kind: 'int', min, max: min + span })),
  fc.integer({ min: 1, max: 4 }).map((n): Leaf => ({ kind: 'enum', n })),
);
// Wide ints (up to 24 bits) make layouts spill over several 32-bit words.
export const wideLeafArb: fc.Arbitrary<Leaf> = fc.record({ min: fc.integer({ min: -40, max: 0 }), bits: fc.integer({ min: 5, max: 24 }) })
  .map(({ min, bits }): Leaf => ({ kind: 'int', min, max: min + 2 ** bits - 1 - (bits % 3) }));
export const fieldArb: fc.Arbitrary<FieldData> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: narrowLeafArb, weight: 6 },
  { arbitrary: wideLeafArb, weight: 1 },
  { arbitrary: fc.record({ of: narrowLeafArb, length: fc.integer({ min: 1, max: 4 }) }).map((a): FieldData => ({ kind: 'array', ...a })), weight: 2 },
);

export const ref = fc.nat({ max: 1000 });
export const rawC = fc.integer({ min: -1000, max: 1000 });
export const opArb = fc.constantFrom(...OPS);

export const predArb = (depth: number): fc.Arbitrary<Pred> => {
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
export const effArb: fc.Arbitrary<Eff> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: fc.record({ t: fc.constant('set' as const), leaf: ref, c: rawC }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('copy' as const), leaf: ref, from: ref }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constantFrom('inc' as const, 'dec' as const), leaf: ref }), weight: 3 },
);
export const stepPredArb = (depth: number): fc.Arbitrary<StepPred> => {
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
export const propArb: fc.Arbitrary<PropData> = fc.oneof(
  { withCrossShrink: true },
  fc.record({ kind: fc.constantFrom('always' as const, 'quiescent' as const, 'sometimes' as const), p: predArb(2) }),
  fc.record({ kind: fc.constant('step' as const), p: stepPredArb(1) }),
);

export const rawModelArb = fc.record(
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

export const mod = (x: number, n: number): number => ((x % n) + n) % n;

/** Constants worth using for a leaf: its range, one past each end, and for wide ints a few near either end. */
export function candidates(r: Range): number[] {
  const mid = Math.floor((r.min + r.max) / 2);
  const inRange = isWide(r) ? [r.min, r.min + 1, r.min + 2, r.min + 3, 0, mid, r.max - 1, r.max] : Array.from({ length: r.max - r.min + 1 }, (_, i) => r.min + i);
  // Mostly in range; one pick in about six falls just outside.
  const outside = Math.max(1, Math.round(inRange.length / 5));
  return [...inRange, ...Array.from({ length: outside }, (_, i) => (i % 2 === 0 ? r.min - 1 : r.max + 1))];
}

export type RawModel = typeof rawModelArb extends fc.Arbitrary<infer T> ? T : never;

export function normalise(raw: RawModel): ModelData {
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

export const modelDataArb: fc.Arbitrary<ModelData> = rawModelArb.map(normalise);

// Larger models, to push the engine through its growth paths (visited table
// past 3072 states, id arrays past 1024, BFS levels wider than 256 states) and
// multi-word layouts: 3-4 int counters, each with a guarded increment and
// decrement (so the reachable space is roughly their product), a bool array,
// optionally a wide int, plus a few fully random actions and properties.
export const bigModelArb: fc.Arbitrary<ModelData> = fc.record({
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

export const cmp = (x: number, op: Op, y: number): boolean => {
  switch (op) {
    case '==': return x === y;
    case '!=': return x !== y;
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    case '>=': return x >= y;
  }
};
export function evalPred(p: Pred, v: (leaf: number) => number): boolean {
  switch (p.t) {
    case 'true': return true;
    case 'cmpC': return cmp(v(p.leaf), p.op, p.c);
    case 'cmpF': return cmp(v(p.leaf), p.op, v(p.other));
    case 'and': return evalPred(p.a, v) && evalPred(p.b, v);
    case 'or': return evalPred(p.a, v) || evalPred(p.b, v);
    case 'not': return !evalPred(p.a, v);
  }
}
export function evalStep(p: StepPred, prev: (leaf: number) => number, actionIndex: number, next: (leaf: number) => number): boolean {
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

export const leafSpec = (l: Leaf): FieldSpec =>
  l.kind === 'bool' ? bool() : l.kind === 'int' ? int(l.min, l.max) : enumOf(Array.from({ length: l.n }, (_, i) => `e${i}`));

/** The leaves a predicate reads. */
export function predLeaves(p: Pred, out: Set<number> = new Set()): Set<number> {
  switch (p.t) {
    case 'true': break;
    case 'cmpC': out.add(p.leaf); break;
    case 'cmpF': out.add(p.leaf); out.add(p.other); break;
    case 'and': case 'or': predLeaves(p.a, out); predLeaves(p.b, out); break;
    case 'not': predLeaves(p.a, out); break;
  }
  return out;
}
function stepLeaves(p: StepPred, out: Set<number> = new Set()): Set<number> {
  switch (p.t) {
    case 'delta': out.add(p.leaf); break;
    case 'pre': case 'post': predLeaves(p.p, out); break;
    case 'notAction': break;
    case 'and': case 'or': stepLeaves(p.a, out); stepLeaves(p.b, out); break;
  }
  return out;
}
/**
 * The actions a step predicate can fail on: notAction(k) only on k; a
 * delta ==, <=, >= only on an action that changes its leaf (a writer); any
 * other atom on any action. `and` fails where either side does, `or` (both
 * must fail) at most where the first does.
 */
function stepWatches(p: StepPred, writers: (leaf: number) => Set<number>, nA: number): Set<number> {
  const all = () => new Set(Array.from({ length: nA }, (_, i) => i));
  switch (p.t) {
    case 'notAction': return new Set([p.action]);
    case 'delta': return p.op === '==' || p.op === '<=' || p.op === '>=' ? writers(p.leaf) : all();
    case 'pre': case 'post': return all();
    case 'and': return new Set([...stepWatches(p.a, writers, nA), ...stepWatches(p.b, writers, nA)]);
    case 'or': return stepWatches(p.a, writers, nA);
  }
}

export interface BuildOptions {
  /** Declare each action's and property's footprint (partial-order reduction), computed from the data. */
  readonly footprints?: boolean;
  /** A wrong footprint, for the test that shows wrong ones get caught: leave this leaf out of every action's reads and writes. */
  readonly omit?: number;
  /** Give each guard's leading field == / != constant tests as ActionDef.requires (the expander inlines them). */
  readonly requires?: boolean;
}

/** A guard's leading conjuncts that are field == / != constant tests, and the rest (guard parts, model.ts). */
export function splitRequires(p: Pred): { tests: { leaf: number; c: number; equal: boolean }[]; rest: Pred } {
  const tests: { leaf: number; c: number; equal: boolean }[] = [];
  let rest: Pred = p;
  const atom = (x: Pred) => (x.t === 'cmpC' && (x.op === '==' || x.op === '!=') ? { leaf: x.leaf, c: x.c, equal: x.op === '==' } : undefined);
  for (;;) {
    const whole = atom(rest);
    if (whole !== undefined) { tests.push(whole); rest = { t: 'true' }; break; }
    if (rest.t !== 'and') break;
    const first = atom(rest.a);
    if (first === undefined) break;
    tests.push(first);
    rest = rest.b;
  }
  return { tests, rest };
}

export function buildModel(d: ModelData, opts: BuildOptions = {}): Model {
  const spec = record(Object.fromEntries(d.fields.map((f, i) => [`f${i}`, f.kind === 'array' ? arrayOf(leafSpec(f.of), f.length) : leafSpec(f)])));
  const layout = new Layout(spec);
  const F = layout.fields;
  if (F.length !== leavesOf(d.fields).length) throw new Error('layout leaf count mismatch');
  const getter = (s: Uint32Array) => (i: number) => F[i]!.get(s);
  const fp = opts.footprints === true;
  const fields = (leaves: Iterable<number>): Field[] => [...leaves].map((i) => F[i]!);
  const effReads = (a: ActionData): Set<number> => {
    const r = predLeaves(a.guard);
    for (const e of a.effects) {
      if (e.t === 'copy') r.add(e.from);
      if (e.t === 'inc' || e.t === 'dec') r.add(e.leaf);
    }
    return r;
  };
  const writers = (leaf: number) => new Set(d.actions.flatMap((a, k) => (a.effects.some((e) => e.leaf === leaf) ? [k] : [])));
  const actions: Action[] = d.actions.map((a, k) => {
    const parts = opts.requires === true ? splitRequires(a.guard) : { tests: [], rest: a.guard };
    return action({
    name: `a${k}`,
    ...(fp ? { reads: fields([...effReads(a)].filter((l) => l !== opts.omit)), writes: fields(a.effects.map((e) => e.leaf).filter((l) => l !== opts.omit)) } : {}),
    ...(parts.tests.length > 0 ? { requires: parts.tests.map((x) => ({ field: F[x.leaf]!, value: x.c, equal: x.equal })) } : {}),
    guard: (s) => evalPred(parts.rest, getter(s)),
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
    });
  });
  const index = new Map(actions.map((a, i) => [a, i]));
  const properties: Property[] = d.properties.map((p, i) => {
    const name = `p${i}`;
    const reads = fp ? { reads: fields(p.kind === 'step' ? stepLeaves(p.p) : predLeaves(p.p)) } : undefined;
    switch (p.kind) {
      case 'always': return always(name, '', (s) => evalPred(p.p, getter(s)), reads);
      case 'quiescent': return quiescent(name, '', (s) => evalPred(p.p, getter(s)), reads);
      case 'sometimes': return sometimes(name, '', (s) => evalPred(p.p, getter(s)), reads);
      case 'step': {
        const watched = fp ? stepWatches(p.p, writers, d.actions.length) : undefined;
        return step(name, '', (prev, act, next) => {
          const ai = index.get(act);
          if (ai === undefined) throw new Error(`step property got an unknown action object ${act.label}`);
          return evalStep(p.p, getter(prev), ai, getter(next));
        }, watched !== undefined ? { ...reads, watches: (act) => watched.has(index.get(act)!) } : undefined);
      }
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
    ...(q !== undefined && fp ? { quiescentReads: fields(predLeaves(q)) } : {}),
    ...(le !== undefined ? { isLegalEnd: (s: Uint32Array) => evalPred(le, getter(s)) } : {}),
    ...(d.checkDeadlock !== undefined ? { checkDeadlock: d.checkDeadlock } : {}),
  };
}

