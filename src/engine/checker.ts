// The explorer: exhaustive, level-synchronous breadth-first search.
//
// Storage (why it looks like this):
// - The visited set is an open-addressing table in a typed array. In
//   fingerprint mode a slot is a 64-bit fingerprint (two int32 lanes); in
//   exact mode a slot is a state id and the full packed states sit in one
//   big Uint32Array, so no collision is possible.
// - Per state id we keep only its parent id and the index of the action that
//   reached it. Counterexamples are rebuilt by re-executing those actions
//   from the initial state (Stateright and TLC do the same), so no full state
//   is kept beyond the current and next BFS level.
// - BFS order makes the first violation found for a property a shortest one.
// - The search is resumable in slices (`runSlice`) so an async driver can
//   yield to the event loop for signals and progress without a worker.

import os from 'node:os';
import { FP, fingerprint } from './hash.js';
import type { Action, Model, Property, PropertyKind } from './model.js';
import { validateModel } from './model.js';
import { FieldRangeError } from './schema.js';
import type { CheckResult, CoverageEntry, PropertyResult, Remaining, StopReason, TraceStep } from './result.js';

export interface CheckOptions {
  /** Store full states instead of 64-bit fingerprints. */
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
}

export type { CheckResult, CoverageEntry, PropertyResult, PropertyStatus, Remaining, Stats, StopReason, TraceStep } from './result.js';

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

/** A trace could not be re-executed: only possible after a fingerprint collision. */
export class TraceRebuildError extends Error {}

const NO_PARENT = 0xffffffff;
const LOAD = 0.75;

interface Tracked {
  readonly name: string;
  readonly kind: PropertyKind;
  readonly description: string;
  readonly prop?: Property;
  /** State id of the violation / witness, or -1. */
  at: number;
  /** Action applied to `at` for step/range violations, else -1. */
  via: number;
  detail?: string;
}

export class Checker {
  readonly model: Model;
  private readonly W: number;
  private readonly exact: boolean;
  private readonly opts: CheckOptions;
  /** Bytes the search's own arrays may reach (--max-memory, capped by MEMORY_CEILING). */
  private readonly memoryLimit: number;
  private readonly actions: readonly Action[];
  private readonly nA: number;

  // visited set
  private cap: number;
  private mask: number;
  private table: Int32Array; // fp mode: 2 lanes per slot; exact mode: id+1 per slot
  private slotHash: Int32Array; // exact mode only: FP[0] per slot to skip most compares
  private store: Uint32Array; // exact mode only: id*W words
  private count = 0;

  // per state id
  private parent: Uint32Array;
  private via: Uint16Array | Uint32Array;

  // frontier
  private cur: Uint32Array;
  private curIds: Uint32Array;
  private curCount = 0;
  private nxt: Uint32Array;
  private nxtIds: Uint32Array;
  private nxtCount = 0;
  private levelPos = 0;
  private level = 0;
  /** Successors past --max-depth that are not stored (repeats counted). */
  private pastBound = 0;

  // scratch
  private readonly src: Uint32Array;
  private readonly dst: Uint32Array;

  // statistics
  private transitions = 0;
  private readonly fired: Float64Array;
  private readonly found: Float64Array;
  private elapsedMs = 0;
  private started = false;
  private finished = false;
  private stopReason: StopReason | undefined;
  private depthCut = false;
  private stopRequested: StopReason | undefined;

  // properties
  private readonly tracked: Tracked[] = [];
  private activeAlways: { p: Property & { kind: 'always' }; t: Tracked }[] = [];
  private activeStep: { p: Property & { kind: 'step' }; t: Tracked }[] = [];
  private activeQuiescent: { p: Property & { kind: 'quiescent' }; t: Tracked }[] = [];
  private activeSometimes: { p: Property & { kind: 'sometimes' }; t: Tracked }[] = [];
  private readonly deadlock: Tracked | undefined;
  private readonly range: Tracked;
  private readonly isLegalEnd: ((s: Uint32Array) => boolean) | undefined;
  private readonly isQuiescent: ((s: Uint32Array) => boolean) | undefined;

  constructor(model: Model, opts: CheckOptions = {}) {
    validateModel(model);
    this.model = model;
    this.opts = opts;
    this.W = model.layout.words;
    this.exact = opts.exact === true;
    this.memoryLimit = Math.min(opts.maxMemoryBytes ?? Infinity, Math.floor(machineMemoryBytes() * MEMORY_CEILING));
    this.actions = model.actions;
    this.nA = model.actions.length;
    this.fired = new Float64Array(this.nA);
    this.found = new Float64Array(this.nA);
    this.src = new Uint32Array(this.W);
    this.dst = new Uint32Array(this.W);
    this.isLegalEnd = model.isLegalEnd;
    this.isQuiescent = model.isQuiescent;

    this.cap = 1 << 12;
    this.mask = this.cap - 1;
    this.table = new Int32Array(this.exact ? this.cap : 2 * this.cap);
    this.slotHash = new Int32Array(this.exact ? this.cap : 0);
    this.store = new Uint32Array(this.exact ? 1024 * this.W : 0);
    this.parent = new Uint32Array(1024);
    // `via` holds an action index, or for an initial state its init index.
    this.via = Math.max(this.nA, model.init.length) < 0xffff ? new Uint16Array(1024) : new Uint32Array(1024);
    this.cur = new Uint32Array(256 * this.W);
    this.curIds = new Uint32Array(256);
    this.nxt = new Uint32Array(256 * this.W);
    this.nxtIds = new Uint32Array(256);

    for (const p of model.properties) {
      const t: Tracked = { name: p.name, kind: p.kind, description: p.description, prop: p, at: -1, via: -1 };
      this.tracked.push(t);
      switch (p.kind) {
        case 'always': this.activeAlways.push({ p, t }); break;
        case 'step': this.activeStep.push({ p, t }); break;
        case 'quiescent': this.activeQuiescent.push({ p, t }); break;
        case 'sometimes': this.activeSometimes.push({ p, t }); break;
      }
    }
    const dl = opts.checkDeadlock ?? model.checkDeadlock ?? true;
    if (dl) {
      this.deadlock = { name: 'deadlock', kind: 'deadlock', description: 'every reachable state has an enabled action or is a legal end state', at: -1, via: -1 };
      this.tracked.push(this.deadlock);
    }
    this.range = { name: 'field-range', kind: 'range', description: 'every assignment stays within its field\'s declared bounds (a bound that cuts behaviour off shows here)', at: -1, via: -1 };
    this.tracked.push(this.range);
  }

  /** Ask a running search to stop at the next check (signal handlers call this). */
  requestStop(reason: StopReason = 'interrupted'): void {
    this.stopRequested = reason;
  }

  get done(): boolean {
    return this.finished;
  }

  /** The bytes this search's own arrays may reach: --max-memory, capped by MEMORY_CEILING of the machine. */
  get memoryLimitBytes(): number {
    return this.memoryLimit;
  }

  /** A cheap snapshot for progress lines. */
  progress(): { states: number; level: number; transitions: number; seconds: number; queued: number; bytes: number } {
    return {
      states: this.count,
      level: this.level,
      transitions: this.transitions,
      seconds: this.elapsedMs / 1000,
      queued: this.curCount - this.levelPos + this.nxtCount,
      bytes: this.allocatedBytes(),
    };
  }

  /** Run to the end (or to a bound) synchronously. */
  run(): CheckResult {
    while (!this.runSlice(Infinity));
    return this.result();
  }

  /** Run until done or until `sliceMs` have passed; returns true when finished. */
  runSlice(sliceMs: number): boolean {
    if (this.finished) return true;
    const t0 = performance.now();
    try {
      if (!this.started) {
        this.started = true;
        this.seedInitialStates();
      }
      if (!this.finished) this.explore(t0, sliceMs);
    } finally {
      this.elapsedMs += performance.now() - t0;
    }
    return this.finished;
  }

  // --- storage -----------------------------------------------------------

  private allocatedBytes(): number {
    return this.table.byteLength + this.slotHash.byteLength + this.store.byteLength + this.parent.byteLength +
      this.via.byteLength + this.cur.byteLength + this.curIds.byteLength + this.nxt.byteLength + this.nxtIds.byteLength;
  }

  /** Bytes kept per stored state: the visited set and the parent/action arrays. */
  private storedBytes(): number {
    return this.table.byteLength + this.slotHash.byteLength + this.store.byteLength + this.parent.byteLength + this.via.byteLength;
  }

  /**
   * May the search allocate `extra` more bytes while everything it holds now
   * stays allocated (a growing array is copied before the old one goes, so
   * this is the peak)? If not, stop the search with max-memory.
   */
  private memoryAllows(extra: number): boolean {
    if (this.allocatedBytes() + extra <= this.memoryLimit) return true;
    this.stop('max-memory');
    return false;
  }

  /**
   * Allocate through `make`; an allocation the runtime refuses (a typed
   * array past its maximum length, or no memory for the buffer) stops the
   * search with max-memory instead of ending the process.
   */
  private allocate<T>(make: () => T): T | undefined {
    try {
      return make();
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      this.stop('max-memory');
      return undefined;
    }
  }

  private stop(reason: StopReason): void {
    if (this.stopReason === undefined) this.stopReason = reason;
    this.finished = true;
  }

  private growTable(): boolean {
    const newCap = this.cap * 2;
    // fingerprint mode: two int32 lanes per slot; exact mode: an id and a hash lane per slot.
    if (!this.memoryAllows(newCap * 8)) return false;
    const newMask = newCap - 1;
    if (this.exact) {
      const fresh = this.allocate(() => [new Int32Array(newCap), new Int32Array(newCap)] as const);
      if (fresh === undefined) return false;
      const [t, h] = fresh;
      for (let i = 0; i < this.cap; i++) {
        const v = this.table[i]!;
        if (v === 0) continue;
        const hv = this.slotHash[i]!;
        let j = hv & newMask;
        while (t[j] !== 0) j = (j + 1) & newMask;
        t[j] = v;
        h[j] = hv;
      }
      this.table = t;
      this.slotHash = h;
    } else {
      const t = this.allocate(() => new Int32Array(2 * newCap));
      if (t === undefined) return false;
      const old = this.table;
      for (let i = 0; i < this.cap; i++) {
        const a = old[2 * i]!;
        const b = old[2 * i + 1]!;
        if (a === 0 && b === 0) continue;
        let j = a & newMask;
        while (t[2 * j] !== 0 || t[2 * j + 1] !== 0) j = (j + 1) & newMask;
        t[2 * j] = a;
        t[2 * j + 1] = b;
      }
      this.table = t;
    }
    this.cap = newCap;
    this.mask = newMask;
    return true;
  }

  private growIdArrays(): boolean {
    const n = this.parent.length * 2;
    if (!this.memoryAllows(n * 4 + n * this.via.BYTES_PER_ELEMENT + (this.exact ? n * this.W * 4 : 0))) return false;
    const fresh = this.allocate(() => [
      new Uint32Array(n),
      this.via instanceof Uint16Array ? new Uint16Array(n) : new Uint32Array(n),
      this.exact ? new Uint32Array(n * this.W) : this.store,
    ] as const);
    if (fresh === undefined) return false;
    const [p, v, st] = fresh;
    p.set(this.parent);
    v.set(this.via);
    if (this.exact) st.set(this.store);
    this.parent = p;
    this.via = v;
    this.store = st;
    return true;
  }

  private growNext(): boolean {
    const n = this.nxtIds.length * 2;
    if (!this.memoryAllows(n * 4 * (this.W + 1))) return false;
    const fresh = this.allocate(() => [new Uint32Array(n * this.W), new Uint32Array(n)] as const);
    if (fresh === undefined) return false;
    const [a, b] = fresh;
    a.set(this.nxt);
    b.set(this.nxtIds);
    this.nxt = a;
    this.nxtIds = b;
    return true;
  }

  /** Is the state in buf[off..off+W) already stored? Does not insert. */
  private contains(buf: Uint32Array, off: number): boolean {
    const W = this.W;
    fingerprint(buf, off, W);
    const hi = FP[0]!;
    const lo = FP[1]!;
    const mask = this.mask;
    const table = this.table;
    let i = hi & mask;
    if (this.exact) {
      const store = this.store;
      for (;;) {
        const v = table[i]!;
        if (v === 0) return false;
        if (this.slotHash[i] === hi) {
          const base = (v - 1) * W;
          let eq = true;
          for (let k = 0; k < W; k++) if (store[base + k] !== buf[off + k]) { eq = false; break; }
          if (eq) return true;
        }
        i = (i + 1) & mask;
      }
    }
    for (;;) {
      const a = table[2 * i]!;
      const b = table[2 * i + 1]!;
      if (a === 0 && b === 0) return false;
      if (a === hi && b === lo) return true;
      i = (i + 1) & mask;
    }
  }

  /**
   * Insert buf[off..off+W) if new. Returns the new state id, -1 if already
   * stored, or -2 if a bound stopped the search.
   */
  private insert(buf: Uint32Array, off: number, parentId: number, via: number): number {
    const W = this.W;
    if ((this.count + 1) > this.cap * LOAD && !this.growTable()) return -2;
    fingerprint(buf, off, W);
    const hi = FP[0]!;
    const lo = FP[1]!;
    const mask = this.mask;
    const table = this.table;
    let i = hi & mask;
    if (this.exact) {
      const store = this.store;
      for (;;) {
        const v = table[i]!;
        if (v === 0) break;
        if (this.slotHash[i] === hi) {
          const base = (v - 1) * W;
          let eq = true;
          for (let k = 0; k < W; k++) if (store[base + k] !== buf[off + k]) { eq = false; break; }
          if (eq) return -1;
        }
        i = (i + 1) & mask;
      }
    } else {
      for (;;) {
        const a = table[2 * i]!;
        const b = table[2 * i + 1]!;
        if (a === 0 && b === 0) break;
        if (a === hi && b === lo) return -1;
        i = (i + 1) & mask;
      }
    }
    // New state.
    const max = this.opts.maxStates;
    if (max !== undefined && this.count >= max) {
      this.stop('max-states');
      return -2;
    }
    const id = this.count;
    if (id >= this.parent.length && !this.growIdArrays()) return -2;
    if (this.nxtCount >= this.nxtIds.length && !this.growNext()) return -2;
    if (this.exact) {
      table[i] = id + 1;
      this.slotHash[i] = hi;
      const base = id * W;
      for (let k = 0; k < W; k++) this.store[base + k] = buf[off + k]!;
    } else {
      table[2 * i] = hi;
      table[2 * i + 1] = lo;
    }
    this.count = id + 1;
    this.parent[id] = parentId;
    this.via[id] = via;
    const nb = this.nxtCount * W;
    const nxt = this.nxt;
    for (let k = 0; k < W; k++) nxt[nb + k] = buf[off + k]!;
    this.nxtIds[this.nxtCount++] = id;
    return id;
  }

  // --- search ------------------------------------------------------------

  private seedInitialStates(): void {
    const init = this.model.init;
    for (let i = 0; i < init.length; i++) {
      const s = init[i]!;
      const id = this.insert(s, 0, NO_PARENT, i);
      if (id === -2) return;
      if (id >= 0) this.checkNewState(s, 0, id);
    }
    this.swapLevels();
  }

  private swapLevels(): void {
    const a = this.cur;
    const b = this.curIds;
    this.cur = this.nxt;
    this.curIds = this.nxtIds;
    this.curCount = this.nxtCount;
    this.nxt = a;
    this.nxtIds = b;
    this.nxtCount = 0;
    this.levelPos = 0;
  }

  private record(t: Tracked, at: number, via: number, detail?: string): void {
    if (t.at !== -1) return;
    t.at = at;
    t.via = via;
    if (detail !== undefined) t.detail = detail;
    // Drop decided properties from the hot-loop lists.
    this.activeAlways = this.activeAlways.filter((x) => x.t.at === -1);
    this.activeStep = this.activeStep.filter((x) => x.t.at === -1);
    this.activeQuiescent = this.activeQuiescent.filter((x) => x.t.at === -1);
    this.activeSometimes = this.activeSometimes.filter((x) => x.t.at === -1);
  }

  /** State-level checks on a newly stored state. */
  private checkNewState(buf: Uint32Array, off: number, id: number): void {
    const s = off === 0 && buf.length === this.W ? buf : buf.subarray(off, off + this.W);
    const al = this.activeAlways;
    for (let k = 0; k < al.length; k++) if (!al[k]!.p.holds(s)) this.record(al[k]!.t, id, -1);
    const so = this.activeSometimes;
    for (let k = so.length - 1; k >= 0; k--) if (so[k]!.p.witness(s)) this.record(so[k]!.t, id, -1);
    const qu = this.activeQuiescent;
    if (qu.length > 0 && this.isQuiescent !== undefined && this.isQuiescent(s)) {
      for (let k = 0; k < qu.length; k++) if (!qu[k]!.p.holds(s)) this.record(qu[k]!.t, id, -1);
    }
  }

  private explore(t0: number, sliceMs: number): void {
    const W = this.W;
    const actions = this.actions;
    const nA = this.nA;
    const src = this.src;
    const dst = this.dst;
    const fired = this.fired;
    const found = this.found;
    const maxDepth = this.opts.maxDepth;
    const timeLimit = this.opts.timeLimitMs;
    let tick = 0;

    for (;;) {
      if (this.levelPos >= this.curCount) {
        if (this.nxtCount === 0) {
          this.finished = true;
          if (this.depthCut) this.stopReason = 'max-depth';
          return;
        }
        this.swapLevels();
        this.level++;
      }
      if ((++tick & 255) === 0) {
        const now = performance.now();
        if (this.stopRequested !== undefined) { this.stop(this.stopRequested); return; }
        if (timeLimit !== undefined && this.elapsedMs + (now - t0) >= timeLimit) { this.stop('time-limit'); return; }
        if (now - t0 >= sliceMs) return;
      }

      const pos = this.levelPos;
      const base = pos * W;
      const cur = this.cur;
      for (let k = 0; k < W; k++) src[k] = cur[base + k]!;
      const srcId = this.curIds[pos]!;
      const atBound = maxDepth !== undefined && this.level >= maxDepth;
      let anyEnabled = false;

      for (let a = 0; a < nA; a++) {
        const act = actions[a]!;
        if (!act.enabled(src)) continue;
        anyEnabled = true;
        for (let k = 0; k < W; k++) dst[k] = src[k]!;
        try {
          act.apply(dst);
        } catch (e) {
          if (e instanceof FieldRangeError) {
            // Past --max-depth nothing is explored, range errors included.
            if (atBound) this.depthCut = true;
            else this.record(this.range, srcId, a, e.message);
            continue;
          }
          throw e;
        }
        // At --max-depth a successor not stored yet is cut off (counted in pastBound). One
        // already stored is a transition within the explored states: it is counted and
        // step-checked like any other, so a bound that cuts nothing changes no verdict.
        if (atBound && !this.contains(dst, 0)) {
          this.depthCut = true;
          this.pastBound++;
          continue;
        }
        this.transitions++;
        fired[a]!++;
        const st = this.activeStep;
        for (let k = 0; k < st.length; k++) if (!st[k]!.p.holds(src, act, dst)) this.record(st[k]!.t, srcId, a);
        if (atBound) continue;
        const id = this.insert(dst, 0, srcId, a);
        if (id >= 0) {
          found[a]!++;
          this.checkNewState(dst, 0, id);
        } else if (id === -2) {
          return; // a bound stopped the search; this state stays queued
        }
      }
      if (!anyEnabled && this.deadlock !== undefined && this.deadlock.at === -1 && !(this.isLegalEnd?.(src) ?? false)) {
        this.record(this.deadlock, srcId, -1);
      }
      this.levelPos = pos + 1;
    }
  }

  // --- results -----------------------------------------------------------

  /** Action indices from an initial state to state `id`; element 0 is the init index. */
  private pathTo(id: number): number[] {
    const path: number[] = [];
    let cur = id;
    for (let guard = 0; guard <= this.count; guard++) {
      path.push(this.via[cur]!);
      const p = this.parent[cur]!;
      if (p === NO_PARENT) return path.reverse();
      cur = p;
    }
    throw new TraceRebuildError('parent chain has a cycle');
  }

  /** Re-execute a path (init index, then action indices) into readable steps. */
  rebuildTrace(path: readonly number[]): TraceStep[] {
    const m = this.model;
    const describe = m.describe ?? ((s: Uint32Array) => m.layout.toJSON(s));
    const init = m.init[path[0]!];
    if (init === undefined) throw new TraceRebuildError(`no initial state ${path[0]}`);
    const s = Uint32Array.from(init);
    const steps: TraceStep[] = [{ index: 0, action: 'init', params: { init: path[0]! }, label: `initial state ${path[0]}`, state: describe(s) }];
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
        steps.push({ index: i, action: a.name, params: a.params, label: a.label, ...(a.actor !== undefined ? { actor: a.actor } : {}), ...(a.role !== undefined ? { role: a.role } : {}), state: describe(s) });
        return steps;
      }
      steps.push({ index: i, action: a.name, params: a.params, label: a.label, ...(a.actor !== undefined ? { actor: a.actor } : {}), ...(a.role !== undefined ? { role: a.role } : {}), state: describe(s) });
    }
    return steps;
  }

  private traceFor(t: Tracked): TraceStep[] {
    const path = this.pathTo(t.at);
    if (t.via >= 0) path.push(t.via);
    return this.rebuildTrace(path);
  }

  /** Where an incomplete search stopped, and how much of the next level it had seen. */
  private remaining(): Remaining {
    const seeded = this.level > 0 || this.curCount > 0 || this.levelPos > 0;
    // Stopped while storing the initial states: they are the level being built.
    const levelStates = seeded ? this.curCount : 0;
    const expanded = seeded ? this.levelPos : 0;
    const next = this.nxtCount;
    return {
      level: this.level,
      levelStates,
      levelExpanded: expanded,
      nextLevelStates: next,
      nextLevelEstimate: expanded > 0 ? Math.round((next * levelStates) / expanded) : next,
      ...(this.stopReason === 'max-depth' ? { pastBound: this.pastBound } : {}),
    };
  }

  result(): CheckResult {
    const complete = this.finished && this.stopReason === undefined;
    const properties: PropertyResult[] = this.tracked.map((t) => {
      const base = { name: t.name, kind: t.kind, description: t.description };
      if (t.kind === 'sometimes') {
        if (t.at !== -1) return { ...base, status: complete ? 'holds' : 'unknown', witness: this.traceFor(t) };
        return { ...base, status: complete ? 'vacuous' : 'unknown' };
      }
      if (t.at !== -1) return { ...base, status: 'violated', trace: this.traceFor(t), ...(t.detail !== undefined ? { detail: t.detail } : {}) };
      return { ...base, status: complete ? 'holds' : 'unknown' };
    });
    const coverage: CoverageEntry[] = this.actions.map((a, i) => ({
      action: a.name, label: a.label, params: a.params, fired: this.fired[i]!, distinct: this.found[i]!,
    }));
    const warnings: string[] = [];
    if (this.finished) {
      const never = coverage.filter((c) => c.fired === 0);
      if (never.length > 0) warnings.push(`${never.length} action(s) never fired: ${never.map((c) => c.label).join(', ')}`);
    }
    const seconds = this.elapsedMs / 1000;
    const stored = this.storedBytes();
    const queued = complete ? 0 : this.curCount - this.levelPos + this.nxtCount;
    const d = this.count;
    const g = this.transitions + this.model.init.length;
    return {
      model: this.model.name,
      params: this.model.params,
      mode: this.exact ? 'exact' : 'fingerprint',
      complete,
      ...(this.stopReason !== undefined ? { stopReason: this.stopReason } : {}),
      stats: {
        states: d,
        transitions: this.transitions,
        levels: this.level + (this.curCount > 0 || d > 0 ? 1 : 0),
        maxDepth: this.level,
        seconds,
        statesPerSecond: seconds > 0 ? d / seconds : 0,
        bytesPerState: d > 0 ? stored / d : 0,
        storedBytes: stored,
        stateWords: this.W,
        collisionProbability: this.exact ? 0 : (d * Math.max(0, g - d)) / 2 ** 64,
        queued,
      },
      ...(complete ? {} : { remaining: this.remaining() }),
      coverage,
      warnings,
      properties,
    };
  }
}

/** Convenience: check a model synchronously. */
export function check(model: Model, opts?: CheckOptions): CheckResult {
  return new Checker(model, opts).run();
}
