// What the search drivers share: their options, the memory the process may
// use, the collision estimate, the interface every driver answers (the
// single-threaded Checker and the worker-thread ParallelSearch), and trace
// re-execution.

import os from 'node:os';
import { FINGERPRINT_SPACE, NARROW_SPACE } from './hash.js';
import { TraceRebuildError } from './links.js';
import type { Action, Model } from './model.js';
import { FieldRangeError } from './schema.js';
import { type FingerprintSet, grownSlots, lanesFor } from './visited.js';
import type { CheckResult, StopReason, TraceStep } from './result.js';

/**
 * Where a worker thread gets the model from: it imports `module` (a file URL
 * or path) and builds the model the same way the main thread did. Either
 * `export` names a function called with `args` that returns the Model, or
 * `entry` names a ModelEntry in the array `export` (a registry such as
 * models/index.ts MODELS), built with `params` and `input`.
 */
export type ModelSource =
  | { readonly module: string; readonly export: string; readonly args?: readonly unknown[] }
  | { readonly module: string; readonly export: string; readonly entry: string; readonly params: Readonly<Record<string, string | number | boolean>>; readonly input?: string };

export interface CheckOptions {
  /** Store full states instead of fingerprints. */
  readonly exact?: boolean;
  /** Explore at most this many steps from an initial state. */
  readonly maxDepth?: number;
  /** Stop once this many distinct states are stored. */
  readonly maxStates?: number;
  /** Stop after this many milliseconds of search. */
  readonly timeLimitMs?: number;
  /**
   * Stop before the search's own tables would exceed this many bytes. Never
   * more than MEMORY_CEILING of what the process can have, whatever is asked.
   */
  readonly maxMemoryBytes?: number;
  /** Override the model's own deadlock setting. */
  readonly checkDeadlock?: boolean;
  /**
   * Search with this many worker threads (fingerprint mode; default 1, the
   * search runs in the calling thread). Needs `source`, so that each worker
   * can build the same model.
   */
  readonly workers?: number;
  /** How a worker builds the model (required when workers > 1). */
  readonly source?: ModelSource;
  /** Use the model's symmetry reduction (Model.canonicalize) when it has one (default true). */
  readonly symmetry?: boolean;
  /** Fairness for liveness properties and non-progress cycles (default: the model's, else 'weak'). */
  readonly fairness?: 'strong' | 'weak' | 'none';
  /** Skip the liveness search (its properties report unknown). */
  readonly liveness?: boolean;
  /** The liveness search's bound on states (default: maxStates, else LIVENESS_MAX_STATES). */
  readonly livenessMaxStates?: number;
  /**
   * Partial-order reduction (por.ts) where the model declares footprints for
   * every action and property; else a warning says why not and the full
   * graph is searched. Off by default: its counterexamples are not
   * necessarily shortest.
   */
  readonly por?: boolean;
  /**
   * Another fingerprint (hash keys) for a second, independent pass
   * (secondPass in checker.ts); 0 or absent: the default.
   */
  readonly fingerprintSeed?: number;
  /**
   * Check each step property only on the actions it watches
   * (StepProperty.watches; default true). false: on every step, for a
   * differential test of the declarations.
   */
  readonly stepWatches?: boolean;
}


/**
 * The memory this process can have: physical memory, or the cgroup's limit
 * when one is set below it (a container that would OOM-kill us first).
 */
export function machineMemoryBytes(): number {
  const total = os.totalmem();
  const constrained = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : undefined;
  return constrained !== undefined && constrained > 0 && constrained < total ? constrained : total;
}

/** The search's tables never exceed this fraction of machineMemoryBytes(): the rest is Node, V8 and the OS. */
export const MEMORY_CEILING = 0.8;

/** A default --max-memory derived from the machine: half of what the process can have. */
export const defaultMaxMemoryBytes = (): number => Math.floor(machineMemoryBytes() / 2);

/** From this many home slots on, the table sits in a buffer reserved for its growth (visited.ts). */
export const RESERVE_FROM = 1 << 16;
/** At most this many int32 lanes in one table view (what V8 allows, with a margin). */
const MAX_LANES = 2 ** 31;

/**
 * A zeroed table of `lanes` lanes at the start of a bigger buffer that it can
 * grow into: as big as the memory limit allows (untouched pages cost nothing).
 * If the runtime will not reserve that much, just the table.
 */
export function reservedTable(lanes: number, limitBytes: number): Int32Array {
  const reserve = Math.max(lanes, Math.min(MAX_LANES, Math.floor(limitBytes / 4)));
  if (reserve > lanes) {
    try {
      return new Int32Array(new ArrayBuffer(reserve * 4), 0, lanes);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
    }
  }
  return new Int32Array(lanes);
}

/** What growing a table may do: ask whether `extra` bytes fit the memory limit, and allocate (undefined: refused; both stop the search). */
export interface TableBudget {
  memoryAllows(extra: number): boolean;
  allocate<T>(make: () => T): T | undefined;
  /** The bytes a reserved table may reserve (untouched pages cost nothing). */
  readonly reserveBytes: number;
}

/**
 * Grow a fingerprint set by GROWTH (visited.ts): in place while its buffer
 * has room, else into a fresh table (reserved for later growth once it is
 * big). False when the budget stopped the search.
 */
export function growFingerprintSet(fps: FingerprintSet, budget: TableBudget): boolean {
  for (let newCap = grownSlots(fps.cap); ; newCap = grownSlots(newCap)) {
    const lanes = lanesFor(newCap);
    if (fps.roomFor(newCap)) {
      // in place, in the buffer reserved for it: only the new part is memory
      if (!budget.memoryAllows((lanes - fps.table.length) * 4)) return false;
      if (fps.growInPlace(newCap)) return true;
      continue;
    }
    if (!budget.memoryAllows(lanes * 4)) return false;
    const t = budget.allocate(() => newCap >= RESERVE_FROM ? reservedTable(lanes, budget.reserveBytes) : new Int32Array(lanes));
    if (t === undefined) return false;
    if (fps.rehashInto(t, newCap)) return true;
  }
}

/**
 * The TLC estimate of the probability that some state was never explored
 * because of a fingerprint collision: each of the generated - distinct
 * lookups of a state already stored could have met another one's
 * fingerprint. `narrow` of the distinct states are stored with 64 bits, the
 * rest with 75 (visited.ts).
 */
export const collisionEstimate = (distinct: number, generated: number, narrow = distinct): number => {
  const n = Math.min(narrow, distinct);
  return Math.min(1, Math.max(0, generated - distinct) * (n / NARROW_SPACE + (distinct - n) / FINGERPRINT_SPACE));
};

/** What every search driver answers (the single-threaded Checker and the worker-thread one). */
export interface Search {
  readonly model: Model;
  readonly done: boolean;
  readonly memoryLimitBytes: number;
  requestStop(reason?: StopReason): void;
  progress(): { states: number; level: number; transitions: number; seconds: number; queued: number; bytes: number };
  run(): CheckResult;
  runSlice(sliceMs: number): boolean;
  result(): CheckResult;
  /** Release threads (no-op for the single-threaded search). */
  close?(): void;
}

/** Re-execute a path (init index, then action indices) of `m` into readable steps. */
export function rebuildTrace(m: Model, path: readonly number[]): TraceStep[] {
  const describe = m.describe ?? ((s: Uint32Array) => m.layout.toJSON(s));
  const init = m.init[path[0]!];
  if (init === undefined) throw new TraceRebuildError(`no initial state ${path[0]}`);
  const s = Uint32Array.from(init);
  const steps: TraceStep[] = [{ index: 0, action: 'init', params: { init: path[0]! }, label: `initial state ${path[0]}`, state: describe(s) }];
  const stepOf = (i: number, a: Action): TraceStep =>
    ({ index: i, action: a.name, params: a.params, label: a.label, ...(a.actor !== undefined ? { actor: a.actor } : {}), ...(a.role !== undefined ? { role: a.role } : {}), state: describe(s) });
  for (let i = 1; i < path.length; i++) {
    const a = m.actions[path[i]!];
    if (a === undefined || !a.enabled(s)) {
      throw new TraceRebuildError(`step ${i} (${a?.label ?? path[i]}) is not enabled on re-execution: a fingerprint collision; rerun with --exact`);
    }
    try {
      a.apply(s);
    } catch (e) {
      if (!(e instanceof FieldRangeError) || i !== path.length - 1) throw e;
      // The last step of a range violation is the out-of-range assignment itself.
      steps.push(stepOf(i, a));
      return steps;
    }
    steps.push(stepOf(i, a));
  }
  return steps;
}


/** How a counterexample ends after its last stored state (see concretePath). */
export type TraceEnd =
  | { readonly kind: 'state' }
  | { readonly kind: 'step'; readonly holds: (prev: Uint32Array, action: Action, next: Uint32Array) => boolean }
  | { readonly kind: 'range' };

const sameWords = (a: Uint32Array, b: Uint32Array): boolean => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * A path of a search with symmetry reduction (Model.canonicalize), whose
 * actions were applied to canonical states, as a path of concrete actions
 * from the concrete initial state: at each step, the first enabled action
 * (in model order) whose successor has the same canonical form as the
 * stored one. For a step property's violation the last action must also
 * violate it, for a range violation its effect must throw; the group maps
 * the stored transition to such a concrete one, so one exists. Without
 * canonicalize (or with `canon` null: symmetry off) the path is
 * returned as it is.
 */
export function concretePath(m: Model, path: readonly number[], end: TraceEnd = { kind: 'state' }, canon: ((s: Uint32Array) => void) | null = m.canonicalize ?? null): number[] {
  if (canon === null) return path.slice();
  const init = m.init[path[0]!];
  if (init === undefined) throw new TraceRebuildError(`no initial state ${path[0]}`);
  let s = Uint32Array.from(init);
  let c = Uint32Array.from(init);
  canon(c);
  const out = [path[0]!];
  const actions = m.actions;
  for (let i = 1; i < path.length; i++) {
    const last = i === path.length - 1;
    const a = actions[path[i]!];
    if (a === undefined || !a.enabled(c)) throw new TraceRebuildError(`step ${i} (${a?.label ?? path[i]}) is not enabled on re-execution: a fingerprint collision; rerun with --exact`);
    const target = c.slice();
    if (last && end.kind === 'range') {
      // the stored step's effect throws; find a concrete one that does
      let found = -1;
      for (let b = 0; b < actions.length && found < 0; b++) {
        if (!actions[b]!.enabled(s)) continue;
        try {
          actions[b]!.apply(s.slice());
        } catch (e) {
          if (!(e instanceof FieldRangeError)) throw e;
          found = b;
        }
      }
      if (found < 0) throw new TraceRebuildError(`step ${i}: no concrete action of the orbit makes the range error: is canonicalize a symmetry of the model?`);
      out.push(found);
      return out;
    }
    a.apply(target);
    canon(target);
    let found = -1;
    for (let b = 0; b < actions.length; b++) {
      const act = actions[b]!;
      if (!act.enabled(s)) continue;
      const n = s.slice();
      try {
        act.apply(n);
      } catch (e) {
        if (e instanceof FieldRangeError) continue;
        throw e;
      }
      const cn = n.slice();
      canon(cn);
      if (!sameWords(cn, target)) continue;
      if (last && end.kind === 'step' && end.holds(s, act, n)) continue;
      found = b;
      s = n;
      break;
    }
    if (found < 0) throw new TraceRebuildError(`step ${i} (${a.label}): no concrete action reaches the stored state's orbit: is canonicalize a symmetry of the model?`);
    out.push(found);
    c = target;
  }
  return out;
}

/** The sizes of up to four levels before `level` (the one being expanded, included), from the level start ids. */
export function recentLevels(levelStart: readonly number[], level: number): number[] {
  const out: number[] = [];
  for (let L = Math.max(0, level - 3); L <= level; L++) {
    const a = levelStart[L];
    const b = levelStart[L + 1];
    if (a !== undefined && b !== undefined) out.push(b - a);
  }
  return out;
}

/**
 * What an incomplete search may still have ahead, as a range: at least the
 * rest of the level being expanded and the next level as estimated; beyond
 * that, the recent levels' growth. While levels shrink (ratio g < 1) the
 * rest is a geometric tail, next × g / (1 − g), taken between the smallest
 * and largest recent ratio; while they grow there is no upper bound.
 */
export function workLeft(r: { queued: number; nextLevelEstimate: number; nextLevelStates: number; recentLevels?: readonly number[] }): { low: number; high: number | undefined; growth: number | undefined } {
  const levels = r.recentLevels ?? [];
  const ratios: number[] = [];
  for (let i = 1; i < levels.length; i++) if (levels[i - 1]! > 0) ratios.push(levels[i]! / levels[i - 1]!);
  const next = Math.max(r.nextLevelEstimate, r.nextLevelStates);
  const low = r.queued + Math.max(0, next - r.nextLevelStates);
  if (ratios.length === 0) return { low, high: undefined, growth: undefined };
  const gMin = Math.min(...ratios);
  const gMax = Math.max(...ratios);
  const growth = Math.exp(ratios.reduce((a, x) => a + Math.log(Math.max(x, 1e-9)), 0) / ratios.length);
  const tail = (g: number) => (g >= 1 ? Infinity : (next * g) / (1 - g));
  const lowTail = tail(gMin);
  const highTail = tail(gMax);
  return { low: low + (Number.isFinite(lowTail) ? lowTail : 0), high: Number.isFinite(highTail) ? low + highTail : undefined, growth };
}
