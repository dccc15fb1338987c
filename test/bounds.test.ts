// Bounds and interrupts (issue 7 §2): every way a search can stop early —
// --max-depth, --max-states, --time-limit, --max-memory, SIGINT/SIGTERM —
// gives `incomplete`, exit 3 (1 if a violation was already found: a real
// counterexample outranks incompleteness), the statistics so far and what
// was left (states queued, the level reached, the next level's estimate),
// and never `holds`. A bound that does not bind changes nothing.

import test from 'ava';
import fc from 'fast-check';
import { spawn } from 'node:child_process';
import { isRight } from 'fp-ts/lib/Either.js';
import { Checker, check, defaultMaxMemoryBytes, machineMemoryBytes, MEMORY_CEILING, type CheckOptions, type CheckResult } from '../src/engine/checker.js';
import { action, step, type Model } from '../src/engine/model.js';
import { Layout, bool, record } from '../src/engine/schema.js';
import { CheckReportC, type CheckReport, type StopReason } from '../src/engine/result.js';
import { exitCodeOf } from '../src/cli/main.js';
import { toCheckOptions } from '../src/cli/options.js';
import { anderson } from '../models/classic/anderson.js';
import { peterson } from '../models/classic/peterson.js';
import { phils } from '../models/classic/phils.js';
import { buildKernelModel } from '../models/kernel/build.js';
import { baseline } from '../models/proposals/baseline.js';
import { modern } from '../models/proposals/modern.js';
import { BIN, gupcheck } from './helpers/cli.js';
import { shipped } from './helpers/kernel.js';

/** What every early stop must look like. */
function assertIncomplete(t: import('ava').ExecutionContext, r: CheckResult, reason: StopReason, label: string): void {
  t.false(r.complete, label);
  t.is(r.stopReason, reason, label);
  // Only a witnessed `sometimes` may say holds (its witness is a fact); nothing else holds, nothing is vacuous.
  t.deepEqual(r.properties.filter((p) => (p.status === 'holds' && !(p.kind === 'sometimes' && p.witness !== undefined)) || p.status === 'vacuous').map((p) => p.name), [], `${label}: nothing holds or is vacuous`);
  const violated = r.properties.some((p) => p.status === 'violated');
  t.is(exitCodeOf(r), violated ? 1 : 3, label);
  t.true(r.stats.states > 0, label);
  const left = r.remaining;
  if (left === undefined) {
    t.fail(`${label}: no estimate of what was left`);
    return;
  }
  t.true(left.levelExpanded <= left.levelStates, label);
  t.true(left.nextLevelEstimate >= left.nextLevelStates, label);
  t.is(left.level, r.stats.maxDepth, label);
  if (reason === 'max-depth') t.true((left.pastBound ?? 0) > 0, `${label}: states past the depth bound are counted`);
  else t.is(r.stats.queued, left.levelStates - left.levelExpanded + left.nextLevelStates, label);
}

const big = () => anderson({ N: 6 });

// --- one test per bound, in the engine ------------------------------------------

test('--max-depth cuts the search: incomplete, the states past the bound counted, never holds', (t) => {
  const r = check(peterson({ N: 3 }), { maxDepth: 10 });
  assertIncomplete(t, r, 'max-depth', 'peterson N=3, depth 10');
  t.is(r.stats.queued, 0);
});

test('--max-states stops the search: incomplete, states queued, never holds', (t) => {
  assertIncomplete(t, check(peterson({ N: 3 }), { maxStates: 1000 }), 'max-states', 'peterson N=3, 1000 states');
  assertIncomplete(t, check(peterson({ N: 3 }), { maxStates: 1 }), 'max-states', 'peterson N=3, 1 state');
});

test('--time-limit stops the search: incomplete, never holds', (t) => {
  const r = check(big(), { timeLimitMs: 150 });
  assertIncomplete(t, r, 'time-limit', 'anderson N=6, 0.15 s');
  t.true(r.stats.seconds < 1, `stopped after ${r.stats.seconds} s`);
});

test('--max-memory stops the search before its tables pass the bound: incomplete, never holds', (t) => {
  for (const exact of [false, true]) {
    const limit = 4 * 2 ** 20;
    const c = new Checker(big(), { maxMemoryBytes: limit, exact });
    const r = c.run();
    assertIncomplete(t, r, 'max-memory', `anderson N=6, 4 MiB, ${exact ? 'exact' : 'fingerprint'}`);
    t.true(c.progress().bytes <= limit, `${c.progress().bytes} bytes allocated, bound ${limit}`);
    t.true(c.progress().bytes > limit / 4, 'and it used a fair share of it');
  }
});

test('an interrupt (requestStop, what SIGINT/SIGTERM call) stops the search: incomplete, never holds', (t) => {
  const c = new Checker(big());
  let slices = 0;
  while (!c.runSlice(20)) if (++slices === 3) c.requestStop();
  assertIncomplete(t, c.result(), 'interrupted', 'anderson N=6, interrupted');
});

test('a violation found before a bound is still reported (exit 1), the rest unknown', (t) => {
  const model = () => buildKernelModel(shipped('ext4-gup-write'), baseline);
  const all = check(model()).stats.states;
  const r = check(model(), { maxStates: all - 1 });
  assertIncomplete(t, r, 'max-states', `baseline ext4-gup-write, ${all - 1} of ${all} states`);
  t.is(r.properties.find((p) => p.name === 'I1')?.status, 'violated');
});

test('an allocation the runtime refuses stops the search with max-memory, not a crash', (t) => {
  const Real = globalThis.Int32Array;
  class Refusing extends Real {
    constructor(...args: unknown[]) {
      if (typeof args[0] === 'number' && args[0] > 1 << 15) throw new RangeError('Array buffer allocation failed');
      super(...(args as [number]));
    }
  }
  globalThis.Int32Array = Refusing as unknown as Int32ArrayConstructor;
  let r: CheckResult;
  try {
    r = check(big());
  } finally {
    globalThis.Int32Array = Real;
  }
  assertIncomplete(t, r, 'max-memory', 'anderson N=6, allocations over 128 KiB refused');
});

// --- any bound, any model -----------------------------------------------------------

const SMALL: readonly [string, () => Model][] = [
  ['peterson N=2', () => peterson({ N: 2 })],
  ['peterson N=2 mutant', () => peterson({ N: 2, mutant: true })],
  ['anderson N=3', () => anderson({ N: 3 })],
  ['phils N=4', () => phils({ N: 4 })],
  ['baseline ext4-gup-write', () => buildKernelModel(shipped('ext4-gup-write'), baseline)],
  ['modern fork-iouring', () => buildKernelModel(shipped('fork-iouring'), modern)],
  ['modern well-behaved', () => buildKernelModel(shipped('well-behaved'), modern)],
];
const FULL = new Map(SMALL.map(([name, make]) => [name, check(make())]));
const essence = (r: CheckResult) => ({ states: r.stats.states, transitions: r.stats.transitions, levels: r.stats.levels, properties: r.properties.map((p) => [p.name, p.status, p.trace?.length ?? 0]) });

test('any bound on any model: a search it cuts is incomplete and never holds (but a witnessed sometimes); one it does not cut is the full search', (t) => {
  let cut = 0;
  let uncut = 0;
  fc.assert(fc.property(
    fc.constantFrom(...SMALL),
    fc.oneof(
      fc.integer({ min: 0, max: 40 }).map((n) => (): CheckOptions => ({ maxDepth: n })),
      fc.integer({ min: 1, max: 5000 }).map((n) => (): CheckOptions => ({ maxStates: n })),
      fc.integer({ min: 1, max: 64 }).map((n) => (): CheckOptions => ({ maxMemoryBytes: n * 4096 })),
      // right at the edge of the full search, where an off-by-one would hide
      fc.integer({ min: -1, max: 1 }).map((d) => (full: CheckResult): CheckOptions => ({ maxDepth: Math.max(0, full.stats.maxDepth + d) })),
      fc.integer({ min: -1, max: 1 }).map((d) => (full: CheckResult): CheckOptions => ({ maxStates: Math.max(1, full.stats.states + d) })),
    ),
    fc.boolean(),
    ([name, make], boundOf, exact) => {
      const bound = boundOf(FULL.get(name)!);
      const r = check(make(), { ...bound, exact });
      const full = FULL.get(name)!;
      if (r.complete) {
        uncut++;
        return r.stopReason === undefined && r.remaining === undefined && isDeepEqual(essence(r), essence(full));
      }
      cut++;
      const reason = 'maxDepth' in bound ? 'max-depth' : 'maxStates' in bound ? 'max-states' : 'max-memory';
      return r.stopReason === reason && r.remaining !== undefined &&
        r.properties.every((p) => (p.status !== 'holds' || (p.kind === 'sometimes' && p.witness !== undefined)) && p.status !== 'vacuous') &&
        // what it found is what the full search finds
        r.properties.every((p) => p.status !== 'violated' || full.properties.find((q) => q.name === p.name)?.status === 'violated') &&
        exitCodeOf(r) === (r.properties.some((p) => p.status === 'violated') ? 1 : 3);
    },
  ), { numRuns: 300 });
  t.log(`${cut} searches cut by their bound, ${uncut} not`);
  t.true(cut > 50 && uncut > 20);
});

const isDeepEqual = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

test('--max-depth at the full depth is the full search: the transitions out of the last level are checked too', (t) => {
  // A ⇄ B, and a step property against B → A: the violating transition leaves the deepest level.
  const layout = new Layout(record({ b: bool() }));
  const { b } = layout.root;
  const model: Model = {
    name: 'flip', params: {}, layout, init: [layout.blank()], checkDeadlock: false,
    actions: [action({ name: 'flip', guard: () => true, effect: (s) => b.set(s, b.get(s) === 1 ? 0 : 1) })],
    properties: [step('no-way-back', 'never from B back to A', (prev, _a, next) => !(b.test(prev) && !b.test(next)))],
  };
  const full = check(model);
  const bounded = check(model, { maxDepth: 1 });
  t.true(bounded.complete, 'depth 1 stores every state');
  t.deepEqual(essence(bounded), essence(full));
  t.is(bounded.properties[0]!.status, 'violated');
  t.is(bounded.properties[0]!.trace!.length - 1, 2);
});

// --- the memory bound's defaults --------------------------------------------------------

test('the default --max-memory is derived from the machine, and no bound exceeds 80 % of it', (t) => {
  const machine = machineMemoryBytes();
  t.true(machine > 0);
  t.is(defaultMaxMemoryBytes(), Math.floor(machine / 2));
  const cli = toCheckOptions({}).maxMemoryBytes;
  t.true(cli !== undefined && cli > 0 && cli <= machine, `the CLI's default: ${cli} bytes of ${machine}`);
  t.is(new Checker(peterson({ N: 2 }), { maxMemoryBytes: 1e18 }).memoryLimitBytes, Math.floor(machine * MEMORY_CEILING));
  t.is(new Checker(peterson({ N: 2 })).memoryLimitBytes, Math.floor(machine * MEMORY_CEILING));
  t.is(new Checker(peterson({ N: 2 }), { maxMemoryBytes: 2 ** 20 }).memoryLimitBytes, 2 ** 20);
});

test('--max-memory through the binary: the process stays near the bound and reports incomplete, exit 3', async (t) => {
  // Run the engine in a child and read its peak resident memory: the bound holds the whole process down.
  const script = `
    import { Checker } from ${JSON.stringify(new URL('../src/engine/checker.js', import.meta.url).href)};
    import { anderson } from ${JSON.stringify(new URL('../models/classic/anderson.js', import.meta.url).href)};
    const base = process.resourceUsage().maxRSS;
    const c = new Checker(anderson({ N: 6 }), { maxMemoryBytes: 64 * 2 ** 20 });
    const r = c.run();
    console.log(JSON.stringify({ base, peak: process.resourceUsage().maxRSS, bytes: c.progress().bytes, stop: r.stopReason, states: r.stats.states }));`;
  const out = await new Promise<string>((resolve) => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let s = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => { s += d; });
    p.on('close', () => resolve(s));
  });
  const m = JSON.parse(out) as { base: number; peak: number; bytes: number; stop: string; states: number };
  t.is(m.stop, 'max-memory');
  t.true(m.bytes <= 64 * 2 ** 20);
  const grewMiB = (m.peak - m.base) / 1024;
  t.log(`64 MiB bound: ${m.states.toLocaleString('en-US')} states, tables ${(m.bytes / 2 ** 20).toFixed(1)} MiB, resident memory grew ${grewMiB.toFixed(0)} MiB`);
  t.true(grewMiB < 64 + 48, `the process grew ${grewMiB.toFixed(0)} MiB under a 64 MiB bound`);

  const r = gupcheck('check', 'anderson', '--set', 'N=6', '--max-memory', '16', '--json');
  t.is(r.code, 3, r.stderr);
  const rep = decodeReport(r.stdout);
  t.like(rep, { complete: false, stopReason: 'max-memory', exitCode: 3 });
  t.true(rep.stats.queued > 0 && rep.remaining !== undefined);
});

// --- every bound through the binary ------------------------------------------------------

function decodeReport(stdout: string): CheckReport {
  const d = CheckReportC.decode(JSON.parse(stdout));
  if (!isRight(d)) throw new Error('--json output does not match CheckReportC');
  return d.right;
}

for (const [flag, value, reason] of [
  ['--max-depth', '20', 'max-depth'],
  ['--max-states', '5000', 'max-states'],
  ['--time-limit', '0.2', 'time-limit'],
  ['--max-memory', '4', 'max-memory'],
] as const) {
  test(`${flag} ${value} through the binary: incomplete, exit 3, statistics and what was left, never holds`, (t) => {
    const r = gupcheck('check', 'anderson', '--set', 'N=6', flag, value, '--json');
    t.is(r.code, 3, r.stderr);
    const rep = decodeReport(r.stdout);
    assertIncomplete(t, rep, reason, `${flag} ${value}`);
    t.is(rep.exitCode, 3);
  });
}

// --- signals ---------------------------------------------------------------------------

interface SignalRun { code: number | null; stdout: string; stderr: string; latencyMs: number }

/** Start the binary, send `signal` once the search has run for `afterMs`, time how long it takes to exit. */
function interrupt(args: readonly string[], signal: NodeJS.Signals, afterMs: number): Promise<SignalRun> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sentAt = 0;
    p.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    p.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => { sentAt = performance.now(); p.kill(signal); }, afterMs);
    p.on('exit', (code) => {
      clearTimeout(timer);
      const latencyMs = performance.now() - sentAt;
      p.on('close', () => resolve({ code, stdout, stderr, latencyMs: sentAt === 0 ? NaN : latencyMs }));
    });
  });
}

const latencies: string[] = [];

for (const [signal, args, label] of [
  ['SIGINT', ['check', 'anderson', '--set', 'N=6', '--json'], 'anderson N=6'],
  ['SIGTERM', ['check', 'anderson', '--set', 'N=6', '--json'], 'anderson N=6'],
  ['SIGINT', ['check', 'modern', '--scenario', 'bench-3pages', '--json'], 'modern bench-3pages'],
  ['SIGTERM', ['check', 'baseline', '--scenario', 'bench-3pages', '--json'], 'baseline bench-3pages'],
] as const) {
  test.serial(`${signal} during a long search (${label}): partial statistics, incomplete, within a second`, async (t) => {
    const r = await interrupt(args, signal, 1200);
    t.false(Number.isNaN(r.latencyMs), `the search ended before the signal: ${r.stdout.slice(0, 200)}`);
    latencies.push(`${signal} ${label}: ${r.latencyMs.toFixed(0)} ms`);
    t.log(`${signal} → exit in ${r.latencyMs.toFixed(0)} ms`);
    t.true(r.latencyMs < 1000, `${r.latencyMs.toFixed(0)} ms from ${signal} to exit`);
    t.is(r.stderr, '');
    const rep = decodeReport(r.stdout);
    assertIncomplete(t, rep, 'interrupted', `${signal} ${label}`);
    t.is(r.code, rep.exitCode);
    // anderson has no violation: exit 3; the benchmark scenario breaks I1 early: exit 1.
    t.is(r.code, label.startsWith('anderson') ? 3 : 1);
  });
}

test.serial('interrupt latencies', (t) => {
  t.log(latencies.join('; '));
  t.pass();
});
