// Searches on worker threads (CheckOptions.workers, src/engine/parallel.ts)
// against the single-threaded search, differential style: on seeded random
// models, the classic models and kernel scenarios, 2 and 3 workers must give
// the same state and transition counts, levels, per-action transitions,
// verdicts and counterexample lengths, traces that re-execute on the model
// (rebuildTrace checks every guard), and the same results under --max-depth;
// --max-states, interrupts and the time limit stop cleanly; a worker that
// cannot build its model is an error in the main thread.

import test, { type ExecutionContext } from 'ava';
import { Checker, check, rebuildTrace, type CheckOptions, type CheckResult, type ModelSource } from '../src/engine/checker.js';
import { linkLimits } from '../src/engine/links.js';
import type { Model } from '../src/engine/model.js';
import { ModelSourceMismatch, WorkerError } from '../src/engine/parallel.js';
import { seededModel, type SeededOptions } from './helpers/seeded-model.js';
import { peterson } from '../models/classic/peterson.js';
import { anderson } from '../models/classic/anderson.js';
import { bakery } from '../models/classic/bakery.js';
import { phils } from '../models/classic/phils.js';
import { leaderElection } from '../models/classic/leader-election.js';
import { findModel } from '../models/index.js';

const here = (rel: string) => new URL(rel, import.meta.url).href;
const seededSource = (seed: number, o: SeededOptions = {}): ModelSource => ({ module: here('./helpers/seeded-model.js'), export: 'seededModel', args: [seed, o] });
const classic = (file: string, fn: string, args: unknown): ModelSource => ({ module: here(`../models/classic/${file}.js`), export: fn, args: [args] });
const kernel = (name: string, scenario: string): ModelSource => ({ module: here('../models/index.js'), export: 'MODELS', entry: name, params: {}, input: scenario });
const kernelModel = (name: string, scenario: string): Model => findModel(name)!.build({}, scenario);

/** What must not depend on the number of workers. */
function essence(r: CheckResult) {
  return {
    complete: r.complete,
    stopReason: r.stopReason,
    states: r.stats.states,
    transitions: r.stats.transitions,
    levels: r.stats.levels,
    maxDepth: r.stats.maxDepth,
    pastBound: r.remaining?.pastBound,
    fired: r.coverage.map((c) => c.fired),
    found: r.coverage.reduce((a, c) => a + c.distinct, 0),
    properties: r.properties.map((p) => [p.name, p.status, (p.trace ?? p.witness)?.length ?? 0]),
  };
}

/** Every trace re-executes on the model and ends where its property says. */
function tracesReplay(t: ExecutionContext, model: Model, r: CheckResult, label: string): void {
  for (const p of r.properties) {
    const tr = p.trace ?? p.witness;
    if (tr === undefined) continue;
    const path = [tr[0]!.params['init'] as number, ...tr.slice(1).map((s) => model.actions.findIndex((a) => a.label === s.label && a.name === s.action))];
    t.false(path.includes(-1), `${label}: ${p.name}: an unknown action in the trace`);
    const again = rebuildTrace(model, path);
    t.deepEqual(again.map((s) => s.state), tr.map((s) => s.state), `${label}: ${p.name}: the trace re-executes to the same states`);
  }
}

function agree(t: ExecutionContext, label: string, make: () => Model, source: ModelSource, opts: CheckOptions = {}, workers: readonly number[] = [2]): CheckResult {
  const one = check(make(), opts);
  for (const w of workers) {
    const model = make();
    const many = new Checker(model, { ...opts, workers: w, source }).run();
    t.deepEqual(essence(many), essence(one), `${label}: ${w} workers vs 1`);
    t.is(many.mode, 'fingerprint');
    tracesReplay(t, model, many, `${label}, ${w} workers`);
  }
  return one;
}

test('seeded random models: 2 and 3 workers agree with one on counts, verdicts and trace lengths', (t) => {
  let violated = 0;
  let range = 0;
  for (let seed = 1; seed <= 30; seed++) {
    const r = agree(t, `seed ${seed}`, () => seededModel(seed), seededSource(seed), {}, seed % 4 === 0 ? [2, 3] : [2]);
    violated += r.properties.filter((p) => p.status === 'violated').length;
    if (r.properties.some((p) => p.name === 'field-range' && p.status === 'violated')) range++;
  }
  t.log(`${violated} violations, ${range} models with range errors`);
  t.true(violated > 10 && range > 3, 'the models exercise violations and range errors');
});

test('bigger seeded models (tens of thousands of states, rings that fill up, tables that grow)', (t) => {
  for (const seed of [100, 102, 108, 112]) {
    const r = agree(t, `big seed ${seed}`, () => seededModel(seed, { big: true }), seededSource(seed, { big: true }));
    t.true(r.stats.states > 30_000, `seed ${seed}: ${r.stats.states} states`);
  }
});

test('--max-depth with workers is the same bounded search', (t) => {
  for (const seed of [5, 6, 7, 8, 9, 10]) {
    const full = check(seededModel(seed));
    for (const d of [0, 1, 2, Math.max(0, full.stats.maxDepth - 1), full.stats.maxDepth]) {
      agree(t, `seed ${seed}, depth ${d}`, () => seededModel(seed), seededSource(seed), { maxDepth: d });
    }
  }
  agree(t, 'peterson N=3, depth 10', () => peterson({ N: 3 }), classic('peterson', 'peterson', { N: 3 }), { maxDepth: 10 });
});

test('classic models: peterson, anderson, bakery, phils, leader election (and seeded bugs)', (t) => {
  agree(t, 'peterson N=3', () => peterson({ N: 3 }), classic('peterson', 'peterson', { N: 3 }), {}, [2, 3]);
  agree(t, 'peterson N=3 mutant', () => peterson({ N: 3, mutant: true }), classic('peterson', 'peterson', { N: 3, mutant: true }));
  agree(t, 'anderson N=4', () => anderson({ N: 4 }), classic('anderson', 'anderson', { N: 4 }));
  agree(t, 'bakery', () => bakery({ N: 2, MAX: 9 }), classic('bakery', 'bakery', { N: 2, MAX: 9 }));
  agree(t, 'phils N=4', () => phils({ N: 4 }), classic('phils', 'phils', { N: 4 }));
  agree(t, 'leader election N=5', () => leaderElection({ N: 5 }), classic('leader-election', 'leaderElection', { N: 5 }));
});

test('kernel scenarios: same verdicts and counterexample lengths with 2 workers (the model rebuilt from the registry)', (t) => {
  for (const [name, sc] of [['baseline', 'ext4-gup-write'], ['modern', 'fork-iouring'], ['dma-pinned-flags', 'ext4-gup-write'], ['bio-gup-flag', 'dio-zero-page']] as const) {
    agree(t, `${name} ${sc}`, () => kernelModel(name, sc), kernel(name, sc));
  }
});

test('levels too wide for packed links (offset and action stored apart) give the same traces', (t) => {
  const packed = [11, 12, 13, 100].map((seed) => check(seededModel(seed, { big: seed >= 100 })));
  const saved = linkLimits.packLimit;
  linkLimits.packLimit = 64;
  try {
    for (const [k, seed] of [11, 12, 13, 100].entries()) {
      const one = check(seededModel(seed, { big: seed >= 100 }));
      // one thread: exactly the same result, traces included, as with packed links
      // (the side arrays of wide levels are extra bytes)
      const same = (r: CheckResult) => ({ ...r, stats: { ...r.stats, seconds: 0, statesPerSecond: 0, bytesPerState: 0, storedBytes: 0 } });
      t.deepEqual(same(one), same(packed[k]!), `seed ${seed}: wide and packed links`);
      if (seed >= 100) continue;
      const two = new Checker(seededModel(seed), { workers: 2, source: seededSource(seed) }).run();
      t.deepEqual(essence(two), essence(one), `seed ${seed}`);
      tracesReplay(t, seededModel(seed), two, `seed ${seed}, wide`);
    }
  } finally {
    linkLimits.packLimit = saved;
  }
});

test('--max-states with workers stores exactly that many states and stops: incomplete, nothing holds', (t) => {
  for (const max of [1, 10, 500, 5000]) {
    const r = new Checker(peterson({ N: 3 }), { maxStates: max, workers: 2, source: classic('peterson', 'peterson', { N: 3 }) }).run();
    t.false(r.complete);
    t.is(r.stopReason, 'max-states');
    t.is(r.stats.states, max, `max ${max}`);
    t.deepEqual(r.properties.filter((p) => (p.status === 'holds' && !(p.kind === 'sometimes' && p.witness !== undefined)) || p.status === 'vacuous'), []);
    t.truthy(r.remaining);
  }
});

test('an interrupt and the time limit stop a search on workers: incomplete, nothing holds', (t) => {
  const big = classic('anderson', 'anderson', { N: 6 });
  const c = new Checker(anderson({ N: 6 }), { workers: 2, source: big });
  let slices = 0;
  while (!c.runSlice(50)) if (++slices === 4) c.requestStop();
  const r = c.result();
  t.false(r.complete);
  t.is(r.stopReason, 'interrupted');
  t.deepEqual(r.properties.filter((p) => (p.status === 'holds' && !(p.kind === 'sometimes' && p.witness !== undefined)) || p.status === 'vacuous'), []);
  const tl = new Checker(anderson({ N: 6 }), { workers: 2, source: big, timeLimitMs: 400 }).run();
  t.is(tl.stopReason, 'time-limit');
  t.true(tl.stats.seconds < 2, `stopped after ${tl.stats.seconds} s`);
});

test('a worker that cannot build its model fails the search in the main thread', (t) => {
  const bad: ModelSource = { module: here('./helpers/seeded-model.js'), export: 'noSuchExport', args: [] };
  t.throws(() => new Checker(seededModel(1), { workers: 2, source: bad }).run(), { instanceOf: WorkerError, message: /noSuchExport/ });
  t.throws(() => new Checker(seededModel(1), { workers: 2 }), { message: /needs CheckOptions.source/ });
});

test('--exact runs on one worker and says so', (t) => {
  const r = new Checker(peterson({ N: 2 }), { exact: true, workers: 2, source: classic('peterson', 'peterson', { N: 2 }) }).run();
  t.is(r.mode, 'exact');
  t.true(r.warnings.some((w) => /one worker/.test(w)));
  t.deepEqual(essence(r), essence(check(peterson({ N: 2 }), { exact: true })));
});

test('a source that builds another model than the one given is refused (one error naming what differs), never a wrong count or verdict', (t) => {
  // The caller checks 5 philosophers but the source builds 4: the old engine searched 4 and reported it as 5.
  const e = t.throws(() => new Checker(phils({ N: 5 }), { workers: 2, source: classic('phils', 'phils', { N: 4 }) }).run(), { instanceOf: ModelSourceMismatch });
  t.regex(e!.message, /^worker \d built a different model from CheckOptions\.source than the one given \(.*layout.*\)/);
  // Same layout and actions, a seeded bug only in the source: the properties or init differ, so it is caught too.
  const seeded = t.throws(() => new Checker(peterson({ N: 3 }), { workers: 2, source: classic('peterson', 'peterson', { N: 3, mutant: true }) }).run(), { instanceOf: ModelSourceMismatch });
  t.regex(seeded!.message, /differ/);
  // The right source still runs.
  t.true(new Checker(phils({ N: 5 }), { workers: 2, source: classic('phils', 'phils', { N: 5 }) }).run().complete);
});
