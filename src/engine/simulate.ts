// Random simulation, for models too big to exhaust: walks from an initial
// state, each step one enabled action chosen at random, checking every
// always, step and quiescent property and deadlock on the way and noting
// each `sometimes` witnessed. Deterministic for a seed (a 32-bit xorshift
// generator, the actions in model order). A violation is reported with its
// path, replayable like any counterexample, and shortened where a bounded
// breadth-first search to the violation's depth finishes (the result says
// which). A simulation never says a property holds: it says how much it
// sampled. No allocation per step beyond the path it keeps.

import { check } from './checker.js';
import type { Model } from './model.js';
import type { CheckResult, PropertyResult, TraceStep } from './result.js';
import { FieldRangeError } from './schema.js';
import { rebuildTrace } from './search.js';

export interface SimulateOptions {
  readonly seed?: number;
  readonly runs?: number;
  /** Steps per run (a run also ends where nothing is enabled). */
  readonly depth?: number;
  readonly timeLimitMs?: number;
  /** Shorten each violation by a bounded search to its depth (default true), with this many states at most. */
  readonly shorten?: boolean;
  readonly shortenMaxStates?: number;
  /** Called now and then with what has been sampled so far. */
  readonly progress?: (p: SimulationProgress) => void;
  /** Set to stop early (an interrupt). */
  readonly shouldStop?: () => boolean;
}

export interface SimulationProgress {
  readonly runs: number;
  readonly steps: number;
  readonly seconds: number;
  readonly violations: number;
}

export interface SimulationStats extends SimulationProgress {
  readonly seed: number;
  readonly depth: number;
  readonly runsPerSecond: number;
  readonly stepsPerSecond: number;
  /** Why it stopped: the runs were done, the time limit, or an interrupt. */
  readonly stoppedBy: 'runs' | 'time-limit' | 'interrupted';
  /** The longest run. */
  readonly longestRun: number;
}

export interface SimulationResult {
  readonly model: string;
  readonly params: CheckResult['params'];
  readonly stats: SimulationStats;
  readonly properties: PropertyResult[];
  /** How each violation's trace was found and shortened. */
  readonly notes: readonly string[];
  /** Each violation as the walk first met it: which run, after how long, in how many steps. */
  readonly found: readonly { property: string; run: number; seconds: number; steps: number }[];
}

/** xorshift32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let x = (seed >>> 0) || 0x9e3779b9;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

export function simulate(model: Model, opts: SimulateOptions = {}): SimulationResult {
  const seed = opts.seed ?? 1;
  const runs = opts.runs ?? 1000;
  const depth = opts.depth ?? 100;
  const next = rng(seed);
  const t0 = performance.now();
  const W = model.layout.words;
  const s = new Uint32Array(W);
  const prev = new Uint32Array(W);
  const A = model.actions.length;
  const enabled = new Int32Array(A);
  const path: number[] = [];
  const props = model.properties;
  const checkDeadlock = model.checkDeadlock ?? true;
  type Found = { path: number[]; kind: 'state' | 'step' | 'range' | 'deadlock'; detail?: string; run: number; ms: number };
  const found = new Map<string, Found>();
  const witnessed = new Map<string, number[]>();
  let steps = 0;
  let done = 0;
  let longest = 0;
  let stoppedBy: SimulationStats['stoppedBy'] = 'runs';
  const elapsed = () => performance.now() - t0;
  const record = (name: string, kind: Found['kind'], detail?: string) => {
    if (!found.has(name)) found.set(name, { path: path.slice(), kind, ...(detail !== undefined ? { detail } : {}), run: done + 1, ms: elapsed() });
  };
  const stateChecks = () => {
    const quiet = model.isQuiescent?.(s) ?? false;
    for (const p of props) {
      if (p.kind === 'always') { if (!found.has(p.name) && !p.holds(s)) record(p.name, 'state'); }
      else if (p.kind === 'quiescent') { if (quiet && !found.has(p.name) && !p.holds(s)) record(p.name, 'state'); }
      else if (p.kind === 'sometimes' && !witnessed.has(p.name) && p.witness(s)) witnessed.set(p.name, path.slice());
    }
  };
  for (; done < runs; done++) {
    if ((done & 63) === 0) {
      if (opts.timeLimitMs !== undefined && elapsed() >= opts.timeLimitMs) { stoppedBy = 'time-limit'; break; }
      if (opts.shouldStop?.() === true) { stoppedBy = 'interrupted'; break; }
      opts.progress?.({ runs: done, steps, seconds: elapsed() / 1000, violations: found.size });
    }
    const init = model.init.length === 1 ? 0 : next() % model.init.length;
    s.set(model.init[init]!);
    path.length = 0;
    path.push(init);
    stateChecks();
    let k = 0;
    for (; k < depth; k++) {
      let n = 0;
      for (let a = 0; a < A; a++) if (model.actions[a]!.enabled(s)) enabled[n++] = a;
      if (n === 0) {
        if (checkDeadlock && !(model.isLegalEnd?.(s) ?? false)) record('deadlock', 'deadlock');
        break;
      }
      const ai = enabled[next() % n]!;
      const act = model.actions[ai]!;
      prev.set(s);
      path.push(ai);
      try {
        act.apply(s);
      } catch (e) {
        if (!(e instanceof FieldRangeError)) throw e;
        record('field-range', 'range', e.message);
        path.pop();
        break;
      }
      steps++;
      for (const p of props) if (p.kind === 'step' && !found.has(p.name) && !p.holds(prev, act, s)) record(p.name, 'step');
      stateChecks();
    }
    if (k > longest) longest = k;
  }
  const seconds = elapsed() / 1000;
  const notes: string[] = [];
  // Shorten: a bounded breadth-first search to the violation's depth finds the shortest one, if it finishes.
  const shortened = new Map<string, TraceStep[]>();
  if (opts.shorten !== false && found.size > 0) {
    const maxDepth = Math.max(...[...found.values()].map((f) => f.path.length - 1 + (f.kind === 'range' ? 1 : 0)));
    const bounded = check(model, { maxDepth, maxStates: opts.shortenMaxStates ?? 300_000, timeLimitMs: 3000, liveness: false });
    for (const [name, f] of found) {
      const p = bounded.properties.find((x) => x.name === name);
      if (p?.status === 'violated' && p.trace !== undefined && p.trace.length <= f.path.length) {
        shortened.set(name, p.trace);
        notes.push(`${name}: found by run ${f.run} after ${(f.ms / 1000).toFixed(3)} s, in ${f.path.length - 1} steps; a breadth-first search to depth ${maxDepth} gives ${p.trace.length - 1} steps${bounded.complete || bounded.stopReason === 'max-depth' ? ', the shortest' : ''}`);
      } else {
        notes.push(`${name}: found by run ${f.run} after ${(f.ms / 1000).toFixed(3)} s, in ${f.path.length - 1} steps; not shortened (the bounded search to depth ${maxDepth} stopped: ${bounded.stopReason ?? 'no shorter trace'})`);
      }
    }
  }
  const properties: PropertyResult[] = [];
  const sampled = `not violated in ${done.toLocaleString('en-US')} random runs (${steps.toLocaleString('en-US')} steps, seed ${seed})`;
  const traceOf = (name: string, f: Found) => shortened.get(name) ?? rebuildTrace(model, f.kind === 'range' ? f.path : f.path);
  for (const p of props) {
    const base = { name: p.name, kind: p.kind, description: p.description };
    if (p.kind === 'sometimes') {
      const w = witnessed.get(p.name);
      properties.push(w !== undefined ? { ...base, status: 'holds', witness: rebuildTrace(model, w) } : { ...base, status: 'unknown', detail: `not witnessed in ${done} random runs` });
      continue;
    }
    const f = found.get(p.name);
    properties.push(f !== undefined ? { ...base, status: 'violated', trace: traceOf(p.name, f) } : { ...base, status: 'unknown', detail: sampled });
  }
  for (const [name, kind, description] of [['deadlock', 'deadlock', 'every reachable state has an enabled action or is a legal end state'], ['field-range', 'range', 'every assignment stays within its field\'s declared bounds']] as const) {
    if (name === 'deadlock' && !checkDeadlock) continue;
    const f = found.get(name);
    properties.push(f !== undefined ? { name, kind, description, status: 'violated', trace: traceOf(name, f), ...(f.detail !== undefined ? { detail: f.detail } : {}) } : { name, kind, description, status: 'unknown', detail: sampled });
  }
  return {
    model: model.name,
    params: model.params,
    stats: { seed, depth, runs: done, steps, seconds, violations: found.size, runsPerSecond: seconds > 0 ? done / seconds : 0, stepsPerSecond: seconds > 0 ? steps / seconds : 0, stoppedBy, longestRun: longest },
    properties,
    notes,
    found: [...found].map(([property, f]) => ({ property, run: f.run, seconds: f.ms / 1000, steps: f.path.length - 1 })),
  };
}
