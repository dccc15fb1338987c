// Partial-order reduction (src/engine/por.ts) must not change a verdict:
// random models with footprints computed from their data, and the classic
// models that declare theirs, are searched with and without reduction (in
// fingerprint and exact mode) and every property's status must agree; each
// counterexample of a reduced search must be a real run that ends in its
// violation, and --shortest must find the full search's lengths. The test
// has teeth: with one field left out of the footprints, some random model's
// verdict changes. Where reduction cannot apply, the result says why. The
// footprint checker (footprint-check.ts) proves the classic models' and the
// random models' declarations, and names a wrong one.

import test from 'ava';
import fc from 'fast-check';
import { check, shortestCounterexamples, type CheckResult, type PropertyResult, type TraceStep } from '../src/engine/checker.js';
import { action, always, type Model } from '../src/engine/model.js';
import { FieldRangeError, Layout, arrayOf, enumOf, int, record } from '../src/engine/schema.js';
import { peterson } from '../models/classic/peterson.js';
import { anderson } from '../models/classic/anderson.js';
import { bakery } from '../models/classic/bakery.js';
import { leaderElection } from '../models/classic/leader-election.js';
import { phils } from '../models/classic/phils.js';
import { spinlock } from '../models/classic/spinlock.js';
import { MODELS } from '../models/index.js';
import { bigModelArb, buildModel, modelDataArb, type ModelData } from './helpers/random-models.js';
import { gupcheck } from './helpers/cli.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFootprints, inferFootprints } from '../src/engine/footprint-check.js';
import { BACKGROUNDS, porBound } from '../bench/por-bound.js';

const runCli = (args: string[]) => gupcheck(...args);

const RUNS = Number(process.env['POR_RUNS'] ?? 400);
const BIG_RUNS = Number(process.env['POR_BIG_RUNS'] ?? 80);

const statuses = (r: CheckResult) => Object.fromEntries(r.properties.map((p) => [p.name, p.status]));

/** The trace is a run of m (re-executed step by step) that ends in p's violation (or witness). */
function endsInViolation(m: Model, p: PropertyResult, trace: readonly TraceStep[]): string | undefined {
  const s = Uint32Array.from(m.layout.fromJSON(trace[0]!.state));
  let prev = s.slice();
  for (let i = 1; i < trace.length; i++) {
    const a = m.actions.find((x) => x.label === trace[i]!.label);
    if (a === undefined || !a.enabled(s)) return `step ${i} (${trace[i]!.label}) cannot run`;
    prev = s.slice();
    try {
      a.apply(s);
    } catch (e) {
      if (e instanceof FieldRangeError && i === trace.length - 1 && p.kind === 'range') return undefined;
      throw e;
    }
  }
  const prop = m.properties.find((x) => x.name === p.name);
  switch (p.kind) {
    case 'always': return prop?.kind === 'always' && !prop.holds(s) ? undefined : 'the last state satisfies it';
    case 'quiescent': return prop?.kind === 'quiescent' && !prop.holds(s) && m.isQuiescent!(s) ? undefined : 'the last state is not a quiescent violation';
    case 'sometimes': return prop?.kind === 'sometimes' && prop.witness(s) ? undefined : 'the last state is no witness';
    case 'deadlock': return m.actions.every((a) => !a.enabled(s)) && !(m.isLegalEnd?.(s) ?? false) ? undefined : 'the last state is no deadlock';
    case 'step': {
      const a = m.actions.find((x) => x.label === trace.at(-1)!.label)!;
      return prop?.kind === 'step' && !prop.holds(prev, a, s) ? undefined : 'the last step satisfies it';
    }
    default: return `unexpected kind ${p.kind}`;
  }
}

/** Compare a reduced search of `reduced` with a full one of `plain` (the same model without footprints); returns whether it reduced. */
function agree(plain: Model, reduced: Model, what: string): boolean {
  const full = check(plain);
  for (const exact of [false, true]) {
    const r = check(reduced, { por: true, exact });
    if (r.reduction === undefined) throw new Error(`${what}: no reduction block (${r.warnings.join('; ')})`);
    const a = statuses(full);
    const b = statuses(r);
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${what}${exact ? ' (exact)' : ''}: verdicts differ: full ${JSON.stringify(a)}, reduced ${JSON.stringify(b)}`);
    if (r.complete !== full.complete) throw new Error(`${what}: completeness differs`);
    if (r.stats.states > full.stats.states) throw new Error(`${what}: the reduced search stored more states (${r.stats.states} > ${full.stats.states})`);
    for (const p of r.properties) {
      const tr = p.trace ?? p.witness;
      if (tr === undefined || p.loop !== undefined) continue;
      const why = endsInViolation(reduced, p, tr);
      if (why !== undefined) throw new Error(`${what}: ${p.name}'s trace is not a violation: ${why}`);
    }
    if (!exact) {
      const s = shortestCounterexamples(reduced, r);
      for (const p of s.properties) {
        if (p.status !== 'violated' || p.trace === undefined || p.loop !== undefined) continue;
        const f = full.properties.find((q) => q.name === p.name)!;
        if (f.trace!.length !== p.trace.length) throw new Error(`${what}: --shortest gave ${p.trace.length - 1} steps for ${p.name}, the full search ${f.trace!.length - 1}`);
      }
      if (exact === false && r.reduction.reduced > 0) return true;
    }
  }
  return false;
}

function randomRuns(arb: fc.Arbitrary<ModelData>, runs: number, seed: number): { runs: number; reduced: number } {
  let reduced = 0;
  let n = 0;
  fc.assert(fc.property(arb, (d) => {
    n++;
    if (agree(buildModel(d), buildModel(d, { footprints: true }), 'random model')) reduced++;
  }), { numRuns: runs, seed });
  return { runs: n, reduced };
}

test('random models: the reduced search gives every verdict the full one does, with real counterexamples and --shortest lengths', (t) => {
  const small = randomRuns(modelDataArb, RUNS, 7);
  const big = randomRuns(bigModelArb, BIG_RUNS, 11);
  t.log(`small models: ${small.reduced} of ${small.runs} reduced; larger models: ${big.reduced} of ${big.runs} reduced`);
  // the comparison means something only if many searches were really reduced
  t.true(big.reduced >= big.runs / 4, `only ${big.reduced} of ${big.runs} larger models were reduced`);
  t.true(small.reduced >= small.runs / 40, `only ${small.reduced} of ${small.runs} small models were reduced`);
});

test('the differential check has teeth: footprints missing a field change some verdict', (t) => {
  // Leave the first leaf out of every action's footprint: its readers and writers then look independent.
  let caught = 0;
  let tried = 0;
  fc.assert(fc.property(bigModelArb, (d) => {
    tried++;
    const broken = buildModel(d, { footprints: true, omit: 0 });
    try {
      agree(buildModel(d), broken, 'broken');
    } catch (e) {
      if (!(e instanceof Error) || !/verdicts differ|not a violation|shortest/.test(e.message)) throw e;
      caught++;
    }
  }), { numRuns: 150, seed: 3 });
  t.log(`${caught} of ${tried} models with a missing field caught`);
  t.true(caught > 0);
});

test('the classic models: same verdicts with and without reduction; peterson N=4 stores 35 % fewer states, leader_election N=5 over 75 % fewer', (t) => {
  for (const [what, m] of [
    ['peterson N=2', peterson({ N: 2 })], ['peterson N=3', peterson({ N: 3 })], ['peterson N=2 mutant', peterson({ N: 2, mutant: true })],
    ['peterson N=3 mutant', peterson({ N: 3, mutant: true })], ['peterson N=3 unreachable witness', peterson({ N: 3, unreachableWitness: true })],
    ['anderson N=3', anderson({ N: 3 })], ['anderson N=4', anderson({ N: 4 })], ['anderson N=3 unreachable witness', anderson({ N: 3, unreachableWitness: true })],
    ['leader_election N=4', leaderElection({ N: 4 })], ['leader_election N=5', leaderElection({ N: 5 })],
    ['bakery N=2 MAX=9', bakery({ N: 2, MAX: 9 })], ['bakery N=2 MAX=9 mutant', bakery({ N: 2, MAX: 9, mutant: true })], ['phils N=5', phils({ N: 5 })], ['spinlock N=3', spinlock({ N: 3 })],
  ] as const) {
    t.notThrows(() => agree(m, m, what), what);
  }
  const full = check(peterson({ N: 4 }));
  const red = check(peterson({ N: 4 }), { por: true });
  t.deepEqual(statuses(red), statuses(full));
  t.log(`peterson N=4: ${red.stats.states} states reduced, ${full.stats.states} full`);
  t.true(red.stats.states < 0.7 * full.stats.states);
  t.true(red.warnings.length === 0, red.warnings.join('; '));
  // leader election: most steps are a node's own, invisible and independent
  const le = check(leaderElection({ N: 5 }), { por: true });
  const leFull = check(leaderElection({ N: 5 }));
  t.deepEqual(statuses(le), statuses(leFull));
  t.log(`leader_election N=5: ${le.stats.states} states reduced, ${leFull.stats.states} full`);
  t.true(le.stats.states < 0.25 * leFull.stats.states);
});

test('liveness is checked on the full graph: peterson with its progress properties gives the same liveness verdicts under --por', (t) => {
  const m = peterson({ N: 3, liveness: true });
  t.deepEqual(statuses(check(m, { por: true })), statuses(check(m)));
});

test('where reduction cannot apply, the result says why in one line and searches the full graph', (t) => {
  const kernel = MODELS.find((e) => e.name === 'baseline')!.build({}, undefined);
  const r = check(kernel, { por: true });
  t.is(r.reduction, undefined);
  t.true(r.warnings.some((w) => /^partial-order reduction off: the kernel model declares no footprints: .* keep 98\.7 % of the states \(bench\/por-bound\.ts\)/.test(w)), r.warnings.join('\n'));
  // a model that says nothing of why: the first action without a footprint is named
  const p = peterson({ N: 2 });
  const bare = check({ ...p, actions: p.actions.map((a, i) => (i === 1 ? { ...a, reads: undefined } : a)) }, { por: true });
  t.true(bare.warnings.some((w) => /^partial-order reduction off: action '.*' declares no footprint/.test(w)), bare.warnings.join('\n'));
  const bounded = check(peterson({ N: 2 }), { por: true, maxDepth: 5 });
  t.is(bounded.reduction, undefined);
  t.true(bounded.warnings.some((w) => w.includes('--max-depth')));
  const sym = MODELS.find((e) => e.name === 'baseline')!.build({}, 'bench-3pages-symmetry');
  const rs = check(sym, { por: true, maxStates: 1000 });
  t.true(rs.warnings.some((w) => w.includes('partial-order reduction off')), rs.warnings.join('\n'));
});

test('a wrong declared move is named by the footprint checker', (t) => {
  const layout = new Layout(record({ pc: enumOf(['a', 'b', 'c']), x: int(0, 3) }));
  const { pc, x } = layout.root;
  const m: Model = {
    name: 'wrong-move', params: {}, layout, init: [layout.blank()],
    actions: [
      action({ name: 'a->b', moves: { field: pc, from: 0, to: 1 }, reads: [], writes: [], guard: (s) => pc.get(s) === 0, effect: (s) => pc.set(s, 2) }),
      action({ name: 'x++', reads: [x], writes: [x], guard: (s) => x.get(s) < 3, effect: (s) => x.set(s, x.get(s) + 1) }),
    ],
    properties: [always('x-small', 'x stays below 3', (s) => x.get(s) < 3, { reads: [x] })],
  };
  t.regex(checkFootprints(m).problem ?? '', /^action 'a->b' declares it moves pc from 0 to 1, but it went from 0 to 2/);
});

test('inferred footprints are what the steps did: within the declared ones, and themselves proven by the checker', (t) => {
  const within = (inner: readonly { path: string }[], outer: readonly { path: string }[]) => inner.filter((f) => !outer.some((g) => g.path === f.path)).map((f) => f.path);
  for (const m of [peterson({ N: 3 }), anderson({ N: 4 }), phils({ N: 4 })]) {
    const pcOf = (a: Model['actions'][number]) => a.moves?.field;
    const r = inferFootprints(m, { locationOf: pcOf });
    t.true(r.complete, m.name);
    let equal = 0;
    m.actions.forEach((a, i) => {
      const f = r.actions[i]!;
      const loc = a.moves !== undefined ? [a.moves.field] : [];
      t.deepEqual(within(f.reads, [...a.reads!, ...loc, ...(a.necessary?.reads ?? [])]), [], `${m.name} ${a.label} reads`);
      t.deepEqual(within(f.writes, [...a.writes!, ...loc]), [], `${m.name} ${a.label} writes`);
      if (a.moves !== undefined && f.from.size > 0) t.deepEqual([[...f.from], [...f.to]], [[a.moves.from], [a.moves.to]], `${m.name} ${a.label} moves`);
      if (within(a.reads!, f.reads).length === 0 && within(a.writes!, f.writes).length === 0) equal++;
    });
    t.true(equal > 0, `${m.name}: some declared footprint is exactly what was traced`);
    // the traced footprints, declared instead, are proven
    const traced: Model = { ...m, actions: m.actions.map((a, i) => ({ ...a, reads: [...r.actions[i]!.reads], writes: [...r.actions[i]!.writes], moves: undefined, necessary: undefined })) };
    t.is(checkFootprints(traced).problem, undefined, m.name);
  }
  // a step that moves its location elsewhere than it declares: the values it did move between
  const layout = new Layout(record({ pc: enumOf(['a', 'b', 'c']) }));
  const { pc } = layout.root;
  const wrong: Model = { name: 'w', params: {}, layout, init: [layout.blank()], properties: [],
    actions: [action({ name: 'a->b', reads: [], writes: [], guard: (s) => pc.get(s) === 0, effect: (s) => pc.set(s, 2) })] };
  const f = inferFootprints(wrong, { locationOf: () => pc }).actions[0]!;
  t.deepEqual([[...f.from], [...f.to], f.reads.map((x) => x.path), f.writes.map((x) => x.path)], [[0], [2], ['pc'], ['pc']]);
  // bounded: an incomplete trace says so
  t.false(inferFootprints(peterson({ N: 3 }), { maxStates: 100 }).complete);
});

test('the kernel refuses --por with the bound bench/por-bound.ts measures, and the measurement can see a reduction', (t) => {
  // drivers alone are independent: traced footprints do reduce
  const drivers = porBound(BACKGROUNDS[0]![1]);
  t.true(drivers.generous < drivers.full && drivers.plain < drivers.full, JSON.stringify(drivers));
  // with every background actor: the figure the refusal quotes is the one measured today
  const all = porBound(BACKGROUNDS.at(-1)![1]);
  const kernel = MODELS.find((e) => e.name === 'baseline')!.build({}, undefined);
  const quoted = /keep ([\d.]+) % of the states/.exec(kernel.porUnsupported ?? '')?.[1];
  t.is(quoted, ((100 * all.generous) / all.full).toFixed(1), JSON.stringify(all));
});

test('declared footprints are proven by an exact search that traces every access; a wrong one is named', (t) => {
  for (const m of [peterson({ N: 3 }), peterson({ N: 2, mutant: true }), anderson({ N: 4 }), leaderElection({ N: 5 }), bakery({ N: 2, MAX: 9 }), bakery({ N: 2, MAX: 9, mutant: true }), phils({ N: 5 }), spinlock({ N: 3 })]) {
    const r = checkFootprints(m);
    t.true(r.complete && r.problem === undefined, `${m.name}: ${r.problem ?? 'incomplete'}`);
  }
  // peterson with q3->q3 no longer declaring that it reads pos[]
  const p = peterson({ N: 3 });
  const q33 = (a: Model['actions'][number]) => a.name === 'q3->q3';
  const missingRead: Model = { ...p, actions: p.actions.map((a) => (q33(a) ? { ...a, reads: a.reads!.filter((f) => !f.path.startsWith('pos')) } : a)) };
  const r1 = checkFootprints(missingRead);
  t.regex(r1.problem ?? '', /^action 'q3->q3\(i=\d\)' \(guard\) reads pos\[\d\], which it does not declare/);
  // CS->NCS no longer declaring its write of pos[i]
  const missingWrite: Model = { ...p, actions: p.actions.map((a) => (a.name === 'CS->NCS' ? { ...a, writes: [] } : a)) };
  t.regex(checkFootprints(missingWrite).problem ?? '', /^action 'CS->NCS\(i=\d\)' writes pos\[\d\], which it does not declare/);
  // a property reading more than it says
  const prop = p.properties[0]!;
  const missingProp: Model = { ...p, properties: [{ ...prop, reads: prop.reads!.slice(1) }, ...p.properties.slice(1)] };
  t.regex(checkFootprints(missingProp).problem ?? '', /^property mutual-exclusion reads P\[0\]\.pc, which it does not declare/);
  // random models: the footprints computed from the data hold
  fc.assert(fc.property(modelDataArb, (d) => {
    const r = checkFootprints(buildModel(d, { footprints: true }), { maxStates: 5000 });
    if (r.problem !== undefined) throw new Error(r.problem);
  }), { numRuns: 100, seed: 5 });
});

test('gupcheck check --check-footprints: proven (0), not proven within --max-states (3), no footprints (2, one line)', (t) => {
  const ok = runCli(['check', 'peterson', '--check-footprints']);
  t.is(ok.code, 0);
  t.regex(ok.stdout, /every guard, effect and property in all 12,498 reachable states/);
  const cut = runCli(['check', 'anderson', '--set', 'N=5', '--check-footprints', '--max-states', '500']);
  t.is(cut.code, 3);
  t.regex(cut.stdout, /not proven/);
  const none = runCli(['check', 'baseline', '--check-footprints']);
  t.is(none.code, 2);
  t.is(none.stderr.trim().split('\n').length, 1);
  t.regex(none.stderr, /declares no footprint/);
  const por = runCli(['check', 'peterson', '--set', 'mutant=true', '--por', '--shortest', '--quiet']);
  t.is(por.code, 1);
  t.regex(por.stdout, /partial-order reduction \(stubborn sets\): [\d,]+ of [\d,]+ states expanded with a proper subset/);
  t.regex(por.stdout, /mutual-exclusion violated: shortest counterexample, 16 steps/);
  const bad = runCli(['check', 'peterson', '--shortest']);
  t.is(bad.code, 2);
  // a reduced search's counterexample is a trace replay re-executes like any other
  const json = runCli(['check', 'peterson', '--set', 'mutant=true', '--por', '--json']);
  t.is(json.code, 1);
  const file = join(mkdtempSync(join(tmpdir(), 'gupcheck-por-')), 'trace.json');
  writeFileSync(file, json.stdout);
  const replayed = runCli(['replay', file]);
  t.is(replayed.code, 1); // replay's exit: the property is violated again
  t.regex(replayed.stdout, /every step runs on peterson; mutual-exclusion still violated at step \d+/);
});

test('a declared necessary conjunct keeps the verdicts under reduction, and the footprint checker holds it to being a conjunct of the guard over its own fields', (t) => {
  // two processes, each a counter it may bump while its flag is up; the flags never come down
  const layout = new Layout(record({ flag: arrayOf(int(0, 1), 2), n: arrayOf(int(0, 2), 2) }));
  const { flag, n } = layout.root;
  const build = (wrong: boolean): Model => ({
    name: 'flags', params: {}, layout, init: [layout.blank()],
    actions: [0, 1].flatMap((i) => [
      action({ name: 'raise', params: { i }, reads: [flag[i]], writes: [flag[i]], guard: (s) => flag[i]!.get(s) === 0, effect: (s) => flag[i]!.set(s, 1) }),
      action({
        name: 'bump', params: { i }, reads: [flag[i], n[i]], writes: [n[i]],
        necessary: { reads: [flag[i]], holds: wrong ? (s) => flag[i]!.get(s) === 0 : (s) => flag[i]!.get(s) === 1 },
        guard: (s) => flag[i]!.get(s) === 1 && n[i]!.get(s) < 2, effect: (s) => n[i]!.set(s, n[i]!.get(s) + 1),
      }),
    ]),
    properties: [always('bounded', 'the counters stay at most 2', (s) => n[0]!.get(s) <= 2 && n[1]!.get(s) <= 2, { reads: [n] })],
    isLegalEnd: () => true,
  });
  const m = build(false);
  t.true(checkFootprints(m).complete && checkFootprints(m).problem === undefined);
  const full = check(m);
  const red = check(m, { por: true });
  t.deepEqual(statuses(red), statuses(full));
  t.true(red.stats.states < full.stats.states, `${red.stats.states} reduced, ${full.stats.states} full`);
  t.regex(checkFootprints(build(true)).problem ?? '', /^action 'bump\(i=0\)' is enabled where its necessary conjunct is false/);
});
