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
import type { Action, Model } from '../src/engine/model.js';
import { FieldRangeError, type JsonValue } from '../src/engine/schema.js';
import { RefTooBig, referenceExplore, type RefProperty, type RefResult } from './reference-explorer.js';
import { bigModelArb, buildModel, evalPred, evalStep, leafRange, leavesOf, modelDataArb, type Leaf, type ModelData } from './helpers/random-models.js';

const NUM_RUNS = Number(process.env['DIFF_RUNS'] ?? 500);
const BIG_RUNS = Number(process.env['DIFF_BIG_RUNS'] ?? 60);
const BOUNDED_RUNS = Number(process.env['DIFF_BOUNDED_RUNS'] ?? 300);
const BIG_BOUNDED_RUNS = Number(process.env['DIFF_BIG_BOUNDED_RUNS'] ?? 20);
const REF_CAP = 100_000;

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
