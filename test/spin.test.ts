// Cross-check against SPIN: hand-written Promela twins of the BEEM models
// (test/promela/*.pml) must give SPIN exactly the engine's state graph.
//
// Figures compared, per twin:
//   - SPIN's "states, stored" === the engine's distinct states;
//   - SPIN's "transitions (= stored+matched)" === the engine's transitions + 1
//     (SPIN counts the arrival at the initial state too; the engine, like
//     BEEM's "edges", counts only transitions taken);
//   - with -DBFS, SPIN's "depth reached" === the engine's deepest BFS level.
// Each twin carries a never claim asserting its safety property (mutual
// exclusion; at most one leader), so errors === 0
// is a property check on SPIN's side too, and the -DMUTANT twins must fail it.
//
// SPIN is a hard requirement here: without it these tests fail (CI installs
// Debian's `spin`); a cross-check that silently skips would prove nothing.

import test from 'ava';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CFLAGS, runSpin, spinAvailable, type SpinOptions, type SpinResult } from '../bench/spin.js';
import { check, type CheckOptions, type CheckResult } from '../src/engine/checker.js';
import type { Model } from '../src/engine/model.js';
import { anderson } from '../models/classic/anderson.js';
import { peterson } from '../models/classic/peterson.js';
import { leaderElection } from '../models/classic/leader-election.js';

// .pml files are not compiled: from dist/test/ go back to the project's test/promela/.
const pml = (name: string) => fileURLToPath(new URL(`../../test/promela/${name}.pml`, import.meta.url));

const available = spinAvailable();
const MISSING = "SPIN and/or gcc are not installed: install Debian's `spin` package (apt-get install spin) and gcc; this cross-check must not be skipped";

test('spin and gcc are installed', (t) => {
  t.true(available, MISSING);
});

// Engine results, computed once per model instance.
const engine = new Map<string, CheckResult>();
function engineResult(key: string, build: () => Model, opts?: CheckOptions): CheckResult {
  let r = engine.get(key);
  if (r === undefined) {
    r = check(build(), opts);
    engine.set(key, r);
  }
  return r;
}

// ava runs these tests concurrently; at most one SPIN pipeline per core keeps
// gcc from thrashing and pan's own timings meaningful.
let slots = Math.max(1, availableParallelism());
const waiting: (() => void)[] = [];
async function spin(opts: SpinOptions): Promise<SpinResult> {
  if (!available) throw new Error(MISSING);
  if (slots === 0) await new Promise<void>((r) => waiting.push(r));
  else slots--;
  try {
    return await runSpin(opts);
  } finally {
    const next = waiting.shift();
    if (next !== undefined) next();
    else slots++;
  }
}

interface Twin {
  readonly title: string;
  readonly file: string;
  readonly N: number;
  readonly build: () => Model;
}

const twins: Twin[] = [
  { title: 'peterson N=3', file: 'peterson', N: 3, build: () => peterson({ N: 3 }) },
  { title: 'peterson N=4', file: 'peterson', N: 4, build: () => peterson({ N: 4 }) },
  { title: 'anderson N=3', file: 'anderson', N: 3, build: () => anderson({ N: 3 }) },
  { title: 'anderson N=4', file: 'anderson', N: 4, build: () => anderson({ N: 4 }) },
  { title: 'leader_election N=4', file: 'leader_election', N: 4, build: () => leaderElection({ N: 4 }) },
  { title: 'leader_election N=5', file: 'leader_election', N: 5, build: () => leaderElection({ N: 5 }) },
];

interface Variant {
  readonly name: string;
  readonly cflags: readonly string[];
  readonly spinArgs?: readonly string[];
  /** Run for these twins only (default: all but `except`). */
  readonly only?: readonly string[];
  readonly except?: readonly string[];
}

// leader_election has a terminal state (the leader known, every node waiting):
// there pan's DFS lets the never claim stutter, one transition more per such
// state, so its claim is checked under BFS (no stutter) and its DFS counts
// without the claim.
const TERMINATING = ['leader_election N=4', 'leader_election N=5'];

const variants: Variant[] = [
  { name: 'DFS', cflags: DEFAULT_CFLAGS, except: TERMINATING },
  { name: 'BFS', cflags: [...DEFAULT_CFLAGS, '-DBFS'], only: ['peterson N=3', 'anderson N=3', 'leader_election N=4'] },
  // Without the never claim pan checks for invalid end states (deadlocks) instead.
  { name: 'DFS, no claim (deadlock check)', cflags: [...DEFAULT_CFLAGS, '-DNOCLAIM'], only: ['peterson N=3', 'anderson N=3', ...TERMINATING] },
  // spin -o1 turns off its dead-variable resets; the twins keep their locals in
  // d_step bodies, which SPIN never resets, so the count must not change.
  { name: 'DFS, spin -o1', cflags: DEFAULT_CFLAGS, spinArgs: ['-o1'], only: ['peterson N=3'] },
];

for (const tw of twins) {
  for (const v of variants) {
    if (v.only !== undefined && !v.only.includes(tw.title)) continue;
    if (v.except?.includes(tw.title) === true) continue;
    test(`SPIN ${v.name} agrees with the engine: ${tw.title}`, async (t) => {
      const s = await spin({ pml: pml(tw.file), defines: { N: tw.N }, cflags: v.cflags, ...(v.spinArgs ? { spinArgs: v.spinArgs } : {}) });
      const e = engineResult(tw.title, tw.build);
      t.true(e.complete);
      const where = `(${s.commands.join(' && ')})`;
      t.false(s.depthLimitHit, `pan's search depth limit cut the search ${where}`);
      t.is(s.errors, 0, `SPIN reported errors ${where}:\n${s.output}`);
      t.is(s.statesStored, e.stats.states, `SPIN states stored vs engine states ${where}`);
      t.is(s.transitions, e.stats.transitions + 1, `SPIN transitions vs engine transitions + 1 ${where}`);
      if (v.cflags.includes('-DBFS')) t.is(s.depthReached, e.stats.maxDepth, `SPIN BFS depth vs engine BFS depth ${where}`);
      t.log(`${tw.title} ${v.name}: SPIN ${s.statesStored} stored, ${s.transitions} transitions, ${s.seconds} s, ` +
        `rate ${s.ratePerSecond ?? 'n/a'}; engine ${e.stats.states} states, ${e.stats.transitions} transitions, ${e.stats.seconds.toFixed(3)} s`);
    });
  }
}

// The SPIN-side property check must be able to fail: the mutants break mutual
// exclusion, and the engine must agree that they do.
const mutants: Twin[] = [
  { title: 'peterson N=3 mutant', file: 'peterson', N: 3, build: () => peterson({ N: 3, mutant: true }) },
  { title: 'anderson N=3 mutant', file: 'anderson', N: 3, build: () => anderson({ N: 3, mutant: true }) },
];

for (const m of mutants) {
  test(`SPIN's mutual-exclusion claim catches the ${m.title}`, async (t) => {
    const s = await spin({ pml: pml(m.file), defines: { N: m.N, MUTANT: '' } });
    t.true(s.errors >= 1, `SPIN found no error in the mutant (${s.commands.join(' && ')}):\n${s.output}`);
    t.regex(s.output, /assertion violated/);
    // Bounded: the anderson mutant's full state space is huge (its `next`
    // counter runs away); BFS meets the violation within a few hundred states.
    const e = engineResult(m.title, m.build, { maxStates: 100_000 });
    t.is(e.properties.find((p) => p.name === 'mutual-exclusion')?.status, 'violated');
  });
}

// With reduction on both sides (SPIN's default partial-order reduction, the
// engine's --por): the same verdict, on a model where most steps are a node's
// own; the stored states are logged side by side.
test('SPIN with its partial-order reduction and the engine with --por agree on leader_election N=5', async (t) => {
  const s = await spin({ pml: pml('leader_election'), defines: { N: 5 }, cflags: ['-O2', '-DSAFETY'] });
  const e = check(leaderElection({ N: 5 }), { por: true });
  t.is(s.errors, 0);
  t.is(e.properties.find((p) => p.name === 'at-most-one-leader')?.status, 'holds');
  t.true(s.statesStored < 14_252 && e.stats.states < 14_252, 'both reduce');
  t.log(`leader_election N=5 with reduction: SPIN ${s.statesStored} states stored, engine ${e.stats.states} (full: 14,252)`);
});
