// `gupcheck simulate`: random walks that are deterministic for a seed, never
// say "holds", report each violation with a trace that replays (shortened to
// the shortest where the bounded search finishes), and stop on their bounds.

import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simulate } from '../src/engine/simulate.js';
import { check } from '../src/engine/checker.js';
import { replay } from '../src/engine/replay.js';
import { peterson } from '../models/classic/peterson.js';
import { buildKernelModel } from '../models/kernel/build.js';
import { baseline } from '../models/proposals/baseline.js';
import { shipped } from './helpers/kernel.js';
import { gupcheck } from './helpers/cli.js';

const noTime = <T extends { stats: { seconds: number; runsPerSecond: number; stepsPerSecond: number }; found: readonly { seconds: number }[] }>(r: T) =>
  ({ ...r, stats: { ...r.stats, seconds: 0, runsPerSecond: 0, stepsPerSecond: 0 }, found: r.found.map((f) => ({ ...f, seconds: 0 })) });

test('the same seed gives the same runs; another seed other runs', (t) => {
  const m = () => buildKernelModel(shipped('bench-3pages'), baseline);
  const a = simulate(m(), { seed: 42, runs: 100, shorten: false });
  const b = simulate(m(), { seed: 42, runs: 100, shorten: false });
  t.deepEqual(noTime(a), noTime(b));
  const c = simulate(m(), { seed: 43, runs: 100, shorten: false });
  t.not(a.stats.steps, c.stats.steps, 'seed 43 walks other paths (steps sampled differ)');
});

test('the ext4 BUG on bench-3pages: found by the walk, its trace replays to the violation, shortened to the shortest the full search gives', (t) => {
  const model = buildKernelModel(shipped('bench-3pages'), baseline);
  const r = simulate(model, { seed: 1, runs: 200 });
  const i1 = r.properties.find((p) => p.name === 'I1')!;
  t.is(i1.status, 'violated');
  const res = replay(model, i1.trace!.map((s) => ({ action: s.action, params: s.params, state: s.state })), { verify: true, expect: 'I1' });
  t.is(res.mismatch, undefined, 'the trace re-executes and ends at the first violation of I1');
  t.is(i1.trace!.length - 1, 12, 'shortened to the 12 steps of the exhaustive search');
  t.true(r.notes.some((n) => n.startsWith('I1: found by run ')));
});

test('a simulation never says holds: an unviolated invariant is unknown, a witnessed sometimes holds; exit 3 without a violation, 1 with one', (t) => {
  const r = simulate(peterson({ N: 3 }), { runs: 300 });
  for (const p of r.properties) t.true(p.kind === 'sometimes' ? p.status === 'holds' || p.status === 'unknown' : p.status === 'unknown', `${p.name} is ${p.status}`);
  const ok = gupcheck('simulate', 'peterson', '--runs', '100');
  t.is(ok.code, 3);
  t.regex(ok.stdout, /mutual-exclusion +always +not violated/);
  const bad = gupcheck('simulate', 'peterson', '--set', 'mutant=true', '--runs', '2000', '--seed', '3');
  t.is(bad.code, 1);
  t.regex(bad.stdout, /mutual-exclusion +always +violated \(\d+ steps\)/);
});

test('the mutant\'s violation, shortened, is as short as the exhaustive search\'s', (t) => {
  const m = peterson({ N: 3, mutant: true });
  const full = check(peterson({ N: 3, mutant: true }));
  const want = full.properties.find((p) => p.name === 'mutual-exclusion')!.trace!.length;
  const r = simulate(m, { runs: 3000, seed: 5 });
  const got = r.properties.find((p) => p.name === 'mutual-exclusion')!;
  t.is(got.status, 'violated');
  t.is(got.trace!.length, want);
});

test('--json is a check report replay reads; bounds stop it; bad flags are one line, exit 2', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gupcheck-sim-'));
  const j = gupcheck('simulate', 'baseline', '--scenario', 'bench-3pages', '--runs', '100', '--json');
  t.is(j.code, 1, j.stderr);
  const file = path.join(dir, 'sim.json');
  writeFileSync(file, j.stdout);
  const rep = gupcheck('replay', file);
  t.is(rep.code, 1, rep.stderr);
  t.regex(rep.stdout, /still violated at step/);
  const timed = gupcheck('simulate', 'anderson', '--set', 'N=6', '--runs', '100000000', '--time-limit', '0.3', '--json');
  t.is(JSON.parse(timed.stdout).simulation.stoppedBy, 'time-limit');
  for (const args of [['simulate', 'peterson', '--runs', '0'], ['simulate', 'peterson', '--seed', 'x'], ['simulate', 'petersn']]) {
    const r = gupcheck(...args);
    t.is(r.code, 2, args.join(' '));
    t.is(r.stderr.trimEnd().split('\n').length, 1);
  }
});
