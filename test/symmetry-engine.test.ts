// Symmetry reduction in the engine (Model.canonicalize): the checker stores
// one canonical state per orbit, and still prints concrete traces (rebuilt by
// re-executing concrete actions whose successors match the stored canonical
// ones) that are as short as without reduction. Checked differential style
// against the unreduced search and a brute-force count of orbits, on a
// classic-style model of identical processes and on the kernel model with
// interchangeable pages, in one thread and on workers.

import test, { type ExecutionContext } from 'ava';
import { Checker, check, type CheckResult, type ModelSource } from '../src/engine/checker.js';
import type { Model } from '../src/engine/model.js';
import { replay } from '../src/engine/replay.js';
import { processes } from './helpers/processes.js';
import { buildKernelModel } from '../models/kernel/build.js';
import { PROPOSALS } from '../models/index.js';
import { scenario } from './helpers/kernel.js';

const key = (s: Uint32Array) => s.join(',');

/** How many orbits the full state space has (brute force). */
function orbits(m: Model): { full: number; orbits: number } {
  const seen = new Set<string>();
  const images = new Set<string>();
  const queue: Uint32Array[] = [];
  const add = (s: Uint32Array) => {
    const k = key(s);
    if (seen.has(k)) return;
    seen.add(k);
    queue.push(s);
    const c = s.slice();
    m.canonicalize!(c);
    images.add(key(c));
  };
  for (const s of m.init) add(s.slice());
  for (let i = 0; i < queue.length; i++) {
    for (const a of m.actions) {
      if (!a.enabled(queue[i]!)) continue;
      const n = queue[i]!.slice();
      try {
        a.apply(n);
      } catch {
        continue;
      }
      add(n);
    }
  }
  return { full: seen.size, orbits: images.size };
}

const lengths = (r: CheckResult) => r.properties.map((p) => [p.name, p.status, (p.trace ?? p.witness)?.length ?? 0]);

/** Every trace is concrete: it replays step by step on the model, from its real initial state, to where its property fails. */
function concrete(t: ExecutionContext, m: Model, r: CheckResult, label: string): void {
  for (const p of r.properties) {
    const tr = p.trace ?? p.witness;
    if (tr === undefined) continue;
    const rep = replay(m, tr, { verify: true, ...(p.status === 'violated' && p.kind !== 'range' && p.kind !== 'deadlock' ? { expect: p.name } : {}) });
    t.true(rep.refusal === undefined && rep.mismatch === undefined && rep.ran === rep.steps, `${label}: ${p.name}: ${JSON.stringify(rep).slice(0, 300)}`);
  }
}

test('identical processes: one state per orbit, the verdicts and shortest traces of the full search, concrete traces', (t) => {
  for (const N of [2, 3, 4]) {
    for (const bug of [false, true]) {
      const sym = processes(N, bug);
      const full = check(processes(N, bug, false));
      const reduced = check(sym);
      const off = check(sym, { symmetry: false });
      t.deepEqual([off.stats.states, off.stats.transitions, lengths(off)], [full.stats.states, full.stats.transitions, lengths(full)], `N=${N} bug=${bug}: symmetry: false is the full search`);
      const { orbits: n } = orbits(sym);
      t.is(reduced.stats.states, n, `N=${N} bug=${bug}: states = orbits`);
      t.is(full.stats.states, orbits(sym).full);
      t.deepEqual(lengths(reduced), lengths(full), `N=${N} bug=${bug}: verdicts and trace lengths`);
      concrete(t, sym, reduced, `N=${N} bug=${bug}`);
      if (N === 4) t.log(`N=4${bug ? ' (bug)' : ''}: ${full.stats.states} states, ${reduced.stats.states} with symmetry (${(full.stats.states / reduced.stats.states).toFixed(2)}×)`);
    }
  }
});

const twoPages = (sym: boolean, kind: 'GET' | 'PIN') => scenario({
  name: 'sym-2', description: 'two interchangeable ext4 pages, each GUP-written by its own driver, with the flusher, kswapd and truncate',
  pages: [{ id: 'P0', kind: 'file', fs: 'ext4' }, { id: 'P1', kind: 'file', fs: 'ext4' }],
  processes: [{ id: 'app', mappings: [
    { page: 'P0', shared: true, writable: true, present: false },
    { page: 'P1', shared: true, writable: true, present: false },
  ] }],
  holders: [
    { id: 'd0', process: 'app', page: 'P0', kind, write: true },
    { id: 'd1', process: 'app', page: 'P1', kind, write: true },
  ],
  actors: { flusher: true, reclaim: true, truncate: true },
  ...(sym ? { symmetry: [['P0', 'P1']] } : {}),
});

test('kernel, two interchangeable pages: the same verdicts and counterexample lengths with and without symmetry', (t) => {
  const cases: [string, 'GET' | 'PIN'][] = [['baseline', 'GET'], ['baseline', 'PIN'], ['lock-page-over-gup', 'PIN'], ['dma-pinned-flags', 'GET'], ['modern', 'PIN']];
  for (const [name, kind] of cases) {
    {
      const p = PROPOSALS.find((x) => x.name === name)!;
      const sym = buildKernelModel(twoPages(true, kind), p);
      // the same model searched without reduction, and the scenario without the declaration
      const { canonicalize: _c, ...same } = sym;
      const full = check(same);
      const reduced = check(sym);
      t.deepEqual(lengths(reduced), lengths(full), `${p.name} ${kind}`);
      if (p.name === 'baseline') t.deepEqual(lengths(reduced), lengths(check(buildKernelModel(twoPages(false, kind), p))), `${p.name} ${kind}, scenario without symmetry`);
      // (states with both pages alike are their own image, so two pages give a little under 2×)
      t.true(reduced.stats.states < full.stats.states * 0.75, `${p.name} ${kind}: ${full.stats.states} → ${reduced.stats.states}`);
      t.log(`${p.name} ${kind}: ${full.stats.states} states, ${reduced.stats.states} with symmetry (${(full.stats.states / reduced.stats.states).toFixed(2)}×)`);
      concrete(t, sym, reduced, `${p.name} ${kind}`);
      if (p.name === 'baseline' && kind === 'PIN') t.is(reduced.stats.states, orbits(sym).orbits, `${p.name} ${kind}: states = orbits`);
    }
  }
});

test('symmetry on workers: the same reduced search', (t) => {
  const source = (N: number, bug: boolean): ModelSource => ({ module: new URL('./helpers/processes.js', import.meta.url).href, export: 'processes', args: [N, bug] });
  for (const bug of [false, true]) {
    const one = check(processes(4, bug));
    const two = new Checker(processes(4, bug), { workers: 2, source: source(4, bug) }).run();
    t.is(two.stats.states, one.stats.states);
    t.is(two.stats.transitions, one.stats.transitions);
    t.deepEqual(lengths(two), lengths(one));
    concrete(t, processes(4, bug), two, `workers, bug=${bug}`);
  }
});
