// The explorer: exhaustive, level-synchronous breadth-first search.
//
// Storage (why it looks like this):
// - In fingerprint mode the visited set is an ordered open-addressing table
//   of fingerprints (75 bits in 8 bytes a slot from a million states on),
//   kept 69-90 % full and grown in place
//   (visited.ts); fingerprints are sums of per-word mixes, updated from the
//   parent's for the words a step changed (hash.ts). In exact mode a slot
//   is a state id and the full packed states sit in one big Uint32Array, so
//   no collision is possible.
// - Per state id we keep one 32-bit link: its parent's offset within the
//   previous BFS level and the index of the action that reached it
//   (links.ts). Counterexamples are rebuilt by re-executing those actions
//   from the initial state (Stateright and TLC do the same), so no full
//   state is kept beyond the current and next BFS level. That is 16 bytes
//   or less per stored state in fingerprint mode.
// - BFS order makes the first violation found for a property a shortest one.
// - States are expanded in batches of BATCH: their successors are generated
//   by a function specialised to the model (expand.ts), then all their
//   fingerprints computed and their home slots touched in one tight loop, so
//   the cache misses overlap instead of queueing, then each successor is
//   checked and stored in the order the plain loop would (so results do not
//   depend on the batching).
// - Symmetry reduction (Model.canonicalize): successors are stored in
//   canonical form; step properties still see the concrete successor, and
//   traces are made concrete again when rebuilt (search.ts, concretePath).
// - The search is resumable in slices (`runSlice`) so an async driver can
//   yield to the event loop for signals and progress without a worker.
//   With `workers` > 1 the same search runs on worker threads (parallel.ts,
//   partition.ts, worker.ts).

import { FP, fingerprint } from './hash.js';
import { BATCH, SuccessorBatch } from './batch.js';
import { LINK_CHUNK, LINK_CHUNK_BITS, LINK_MASK, Links } from './links.js';
import type { Action, Model, Property, PropertyKind } from './model.js';
import { ModelFault, validateModel } from './model.js';
import { compileStateChecks, compileStepChecks, type StateChecks, type StepChecks } from './state-checks.js';
import { FingerprintSet, INITIAL_SLOTS } from './visited.js';
import type { CheckResult, CoverageEntry, PropertyResult, Remaining, StopReason, TraceStep } from './result.js';
import { ParallelSearch } from './parallel.js';
import { checkLiveness, hasLiveness, livenessProperties, type LivenessOutcome } from './liveness.js';
import { planPor, StubbornSets } from './por.js';

/** The liveness search's default bound on states (it stores the whole graph, edges included). */
export const LIVENESS_MAX_STATES = 4_000_000;
import { collisionEstimate, concretePath, growFingerprintSet, machineMemoryBytes, MEMORY_CEILING, rebuildTrace, recentLevels, type CheckOptions, type Search, type TraceEnd } from './search.js';

export type { CheckResult, CoverageEntry, PropertyResult, PropertyStatus, Remaining, Stats, StopReason, TraceStep } from './result.js';
export { TraceRebuildError } from './links.js';
export { collisionEstimate, concretePath, defaultMaxMemoryBytes, machineMemoryBytes, MEMORY_CEILING, rebuildTrace, type CheckOptions, type ModelSource, type Search } from './search.js';

/** Exact mode's table (ids) keeps a power-of-two layout. */
const EXACT_LOAD = 0.75;

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

export class Checker implements Search {
  readonly model: Model;
  private readonly W: number;
  private readonly exact: boolean;
  private readonly opts: CheckOptions;
  /** Bytes the search's own arrays may reach (--max-memory, capped by MEMORY_CEILING). */
  private readonly memoryLimit: number;
  private readonly actions: readonly Action[];
  private readonly nA: number;
  private readonly parallel: Search | undefined;
  /** Warnings known before the search (e.g. an option that does not apply). */
  private readonly notes: string[] = [];

  // visited set, fingerprint mode (visited.ts)
  private readonly fps: FingerprintSet;
  // visited set, exact mode: id+1 per slot, power-of-two size
  private cap = INITIAL_SLOTS;
  private mask = INITIAL_SLOTS - 1;
  private growAt = Math.floor(INITIAL_SLOTS * EXACT_LOAD);
  private table: Int32Array;
  private slotHash: Int32Array; // FP[0] per slot to skip most compares
  private store: Uint32Array; // id*W words
  private count = 0;

  // per state id: how it was reached
  private readonly links: Links;

  // frontier: the states of the level being expanded (ids curStart + pos) and of the next one
  private cur: Uint32Array;
  private curCount = 0;
  private nxt: Uint32Array;
  private nxtCount = 0;
  private levelPos = 0;
  private level = 0;
  /** Do the links of the next level's states hold offset * nA + action (links.ts)? */
  private nextPacked = true;
  /** Successors past --max-depth that are not stored (repeats counted). */
  private pastBound = 0;

  // partial-order reduction (por.ts): the stubborn-set chooser; for its proviso, the fingerprints of
  // every state expanded with a proper subset (in exact mode a flag per state id); scratch
  private readonly por: StubbornSets | undefined;
  private reducedFps: FingerprintSet | undefined;
  private reducedById: Uint8Array = new Uint8Array(0);
  private readonly keep: Uint8Array;

  // scratch
  private readonly batch: SuccessorBatch;
  /** The fingerprint's seed (0: the default fingerprint). */
  private readonly seed: number;
  private readonly canon: ((s: Uint32Array) => void) | undefined;
  /** Keeps the prefetching loads observable. */
  private sink = 0;

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
  private activeQuiescent: { p: Property & { kind: 'quiescent' }; t: Tracked }[] = [];
  /** The always and sometimes properties, one call site each (state-checks.ts); live[i]: property i still undecided. */
  private readonly stateChecks: StateChecks;
  /** The step properties, one call site each, each only on the actions it watches. */
  private readonly stepChecks: StepChecks;
  private readonly live: Uint8Array;
  private readonly checkOut: Int32Array;
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
    this.canon = opts.symmetry === false ? undefined : model.canonicalize;
    this.seed = opts.fingerprintSeed ?? 0;
    this.batch = new SuccessorBatch(this.actions, this.W, this.canon, this.seed);
    this.isLegalEnd = model.isLegalEnd;
    this.isQuiescent = model.isQuiescent;
    this.links = new Links(this.nA);

    this.fps = this.exact ? new FingerprintSet(0, new Int32Array(0)) : new FingerprintSet(INITIAL_SLOTS);
    this.table = new Int32Array(this.exact ? INITIAL_SLOTS : 0);
    this.slotHash = new Int32Array(this.exact ? INITIAL_SLOTS : 0);
    this.store = new Uint32Array(this.exact ? 1024 * this.W : 0);
    this.cur = new Uint32Array(256 * this.W);
    this.nxt = new Uint32Array(256 * this.W);

    for (const p of model.properties) {
      const t: Tracked = { name: p.name, kind: p.kind, description: p.description, prop: p, at: -1, via: -1 };
      this.tracked.push(t);
      if (p.kind === 'quiescent') this.activeQuiescent.push({ p, t });
    }
    this.stateChecks = compileStateChecks(model.properties);
    // which actions a step property can fail on, once (unless the caller asks to check every step)
    this.stepChecks = compileStepChecks(model.properties, model.properties.map((p) =>
      (p.kind === 'step' && p.watches !== undefined && opts.stepWatches !== false ? Uint8Array.from(model.actions, (a) => (p.watches!(a) ? 1 : 0)) : undefined)));
    this.live = Uint8Array.from(model.properties, (p) => (p.kind !== 'quiescent' ? 1 : 0));
    this.checkOut = new Int32Array(Math.max(1, model.properties.length));
    const dl = opts.checkDeadlock ?? model.checkDeadlock ?? true;
    if (dl) {
      this.deadlock = { name: 'deadlock', kind: 'deadlock', description: 'every reachable state has an enabled action or is a legal end state', at: -1, via: -1 };
      this.tracked.push(this.deadlock);
    }
    this.range = { name: 'field-range', kind: 'range', description: 'every assignment stays within its field\'s declared bounds (a bound that cuts behaviour off shows here)', at: -1, via: -1 };
    this.tracked.push(this.range);
    const workers = opts.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers: ${workers} is not a positive integer`);
    this.por = opts.por === true ? this.setUpPor(opts) : undefined;
    this.keep = new Uint8Array(this.por !== undefined ? Math.max(1, this.nA) : 0);
    if (this.por !== undefined && !this.exact) this.reducedFps = new FingerprintSet();
    if (workers > 1 && this.exact) this.notes.push(`--exact runs on one worker (workers: ${workers} asked)`);
    else if (workers > 1 && this.por !== undefined) this.notes.push(`partial-order reduction runs on one worker (workers: ${workers} asked)`);
    if (workers > 1 && !this.exact && this.por === undefined) {
      if (opts.source === undefined) throw new RangeError('workers > 1 needs CheckOptions.source (how a worker builds the model)');
      this.parallel = new ParallelSearch(model, opts, opts.source);
    } else this.parallel = undefined;
  }

  /** The stubborn-set chooser if reduction applies to this search, else undefined with a note saying why not. */
  private setUpPor(opts: CheckOptions): StubbornSets | undefined {
    const off = (why: string) => { this.notes.push(`partial-order reduction off: ${why}; searching the full graph`); return undefined; };
    if (opts.maxDepth !== undefined) return off('--max-depth bounds the steps of the full graph, which a reduced search does not follow');
    if (this.canon !== undefined) return off('it is not combined with symmetry reduction (--no-symmetry chooses reduction)');
    const setup = planPor(this.model);
    if (!setup.ok) return off(setup.reason);
    return setup.plan;
  }

  /** Ask a running search to stop at the next check (signal handlers call this). */
  requestStop(reason: StopReason = 'interrupted'): void {
    if (this.parallel !== undefined) this.parallel.requestStop(reason);
    this.stopRequested = reason;
  }

  get done(): boolean {
    return this.parallel !== undefined ? this.parallel.done : this.finished;
  }

  /** The bytes this search's own arrays may reach: --max-memory, capped by MEMORY_CEILING of the machine. */
  get memoryLimitBytes(): number {
    return this.memoryLimit;
  }

  /** A cheap snapshot for progress lines. */
  progress(): { states: number; level: number; transitions: number; seconds: number; queued: number; bytes: number } {
    if (this.parallel !== undefined) return this.parallel.progress();
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
    if (this.parallel !== undefined) {
      this.parallel.run();
      return this.result();
    }
    while (!this.runSlice(Infinity));
    return this.result();
  }

  /** Run until done or until `sliceMs` have passed; returns true when finished. */
  runSlice(sliceMs: number): boolean {
    if (this.parallel !== undefined) return this.parallel.runSlice(sliceMs);
    if (this.finished) return true;
    const t0 = performance.now();
    try {
      if (!this.started) {
        this.started = true;
        this.seedInitialStates();
      }
      if (!this.finished) this.explore(t0, sliceMs);
    } catch (e) {
      // The model's own code threw: stop as incomplete (a later result() is never a verdict), say where.
      this.stop('fault');
      if (e instanceof ModelFault) throw e;
      throw new ModelFault('the model (a property, an initial state, a classifier) or the engine', undefined, e);
    } finally {
      this.elapsedMs += performance.now() - t0;
    }
    return this.finished;
  }

  /** Stop worker threads, if any (a finished parallel search stops them itself). */
  close(): void {
    this.parallel?.close?.();
  }

  // --- storage -----------------------------------------------------------

  private allocatedBytes(): number {
    return this.storedBytes() + this.cur.byteLength + this.nxt.byteLength;
  }

  /** Bytes kept per stored state: the visited set and the links. */
  private storedBytes(): number {
    return this.fps.byteLength + this.table.byteLength + this.slotHash.byteLength + this.store.byteLength + this.links.bytes();
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
    if (this.exact) {
      const newCap = this.cap * 2;
      // an id and a hash lane per slot
      if (!this.memoryAllows(newCap * 8)) return false;
      const newMask = newCap - 1;
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
      this.cap = newCap;
      this.mask = newMask;
      this.growAt = Math.floor(newCap * EXACT_LOAD);
      return true;
    }
    return growFingerprintSet(this.fps, { memoryAllows: (x) => this.memoryAllows(x), allocate: (make) => this.allocate(make), reserveBytes: this.memoryLimit });
  }

  /** Make room for the link of state `id` (a new chunk every LINK_CHUNK states). */
  private linkRoom(id: number): boolean {
    const c = id >>> LINK_CHUNK_BITS;
    if (c < this.links.chunks.length) return true;
    if (!this.memoryAllows(LINK_CHUNK * 4)) return false;
    const chunk = this.allocate(() => new Uint32Array(LINK_CHUNK));
    if (chunk === undefined) return false;
    this.links.chunks.push(chunk);
    return true;
  }

  /** Exact mode: make room for the words of state `id`. */
  private storeRoom(id: number): boolean {
    const need = (id + 1) * this.W;
    if (need <= this.store.length) return true;
    const n = Math.max(need, this.store.length * 2);
    if (!this.memoryAllows(n * 4)) return false;
    const st = this.allocate(() => new Uint32Array(n));
    if (st === undefined) return false;
    st.set(this.store);
    this.store = st;
    return true;
  }

  /** The action of a state in a wide level (see links.ts). */
  private setWideVia(level: number, i: number, via: number): boolean {
    let w = this.links.wide.get(level);
    if (w === undefined) {
      w = [];
      this.links.wide.set(level, w);
    }
    const c = i >>> LINK_CHUNK_BITS;
    if (c >= w.length) {
      if (!this.memoryAllows(LINK_CHUNK * 4)) return false;
      const chunk = this.allocate(() => new Uint32Array(LINK_CHUNK));
      if (chunk === undefined) return false;
      w.push(chunk);
    }
    w[c]![i & LINK_MASK] = via;
    return true;
  }

  private growNext(): boolean {
    const n = Math.max(256, (this.nxt.length / this.W) * 2);
    if (!this.memoryAllows(n * 4 * this.W)) return false;
    const a = this.allocate(() => new Uint32Array(n * this.W));
    if (a === undefined) return false;
    a.set(this.nxt);
    this.nxt = a;
    return true;
  }

  /** Exact mode: the slot holding the state in v (its first lane h), or -(empty slot + 1). */
  private probeExact(v: Uint32Array, h: number): number {
    const W = this.W;
    const table = this.table;
    const mask = this.mask;
    const store = this.store;
    let i = h & mask;
    for (;;) {
      const id1 = table[i]!;
      if (id1 === 0) return -i - 1;
      if (this.slotHash[i] === h) {
        const base = (id1 - 1) * W;
        let eq = true;
        for (let k = 0; k < W; k++) if (store[base + k] !== v[k]) { eq = false; break; }
        if (eq) return i;
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * Store a state known to be new: v with fingerprint (h, l, m), reached from
   * position `pos` of the current level by action `via` (for an initial
   * state, pos is -1 and via its init index). Returns its id, or -2 if a
   * bound stopped the search.
   */
  private addNew(v: Uint32Array, h: number, l: number, m: number, pos: number, via: number, slot: number): number {
    const max = this.opts.maxStates;
    if (max !== undefined && this.count >= max) {
      this.stop('max-states');
      return -2;
    }
    const id = this.count;
    const exact = this.exact;
    if (id + 1 > (exact ? this.growAt : this.fps.growAt)) {
      if (!this.growTable()) return -2;
      slot = -1 - (exact ? this.probeExact(v, h) : this.fps.probe(h, l, m));
    }
    if ((id & LINK_MASK) === 0 && !this.linkRoom(id)) return -2;
    if (exact && !this.storeRoom(id)) return -2;
    const W = this.W;
    let nb = this.nxtCount * W;
    if (nb + W > this.nxt.length && !this.growNext()) return -2;
    let link = via;
    if (pos >= 0) {
      if (this.nextPacked) link = pos * this.nA + via;
      else {
        link = pos;
        const L = this.level + 1;
        if (!this.setWideVia(L, id - this.links.levelStart[L]!, via)) return -2;
      }
    }
    if (exact) {
      this.table[slot] = id + 1;
      this.slotHash[slot] = h;
      this.store.set(v, id * W);
    } else {
      // a run that would leave the table makes it grow (rare: a run near its end)
      while (!this.fps.insertAt(slot, h, l, m)) {
        if (!this.growTable()) return -2;
        slot = -1 - this.fps.probe(h, l, m);
      }
    }
    this.links.chunks[id >>> LINK_CHUNK_BITS]![id & LINK_MASK] = link;
    const nxt = this.nxt;
    for (let k = 0; k < W; k++) nxt[nb++] = v[k]!;
    this.nxtCount++;
    this.count = id + 1;
    return id;
  }

  /** POR: add (h, l, m) to one of the proviso's sets. False when memory stopped the search. */
  private noteIn(set: FingerprintSet, h: number, l: number, m: number): boolean {
    for (;;) {
      if (set.count + 1 > set.growAt && !growFingerprintSet(set, { memoryAllows: (x) => this.memoryAllows(x), allocate: (make) => this.allocate(make), reserveBytes: 0 })) return false;
      const r = set.add(h, l, m);
      if (r >= 0) return true;
      if (!growFingerprintSet(set, { memoryAllows: (x) => this.memoryAllows(x), allocate: (make) => this.allocate(make), reserveBytes: 0 })) return false;
    }
  }

  /**
   * POR's proviso (por.ts): does the edge to this successor of src lead to
   * src itself, or to a state already expanded with a proper subset? Then
   * src is expanded fully. (A successor not expanded yet, or expanded
   * fully, needs nothing: see por.ts.)
   */
  private provisoBlocks(src: Uint32Array, v: Uint32Array, h: number, l: number, m: number): boolean {
    let self = true;
    for (let k = 0; k < this.W; k++) if (src[k] !== v[k]) { self = false; break; }
    if (self) return true;
    if (this.exact) {
      const slot = this.probeExact(v, h);
      return slot >= 0 && this.reducedById[this.table[slot]! - 1] === 1;
    }
    const set = this.reducedFps!;
    if (set.count === 0) return false;
    return set.probe(h, l, m) >= 0;
  }

  /**
   * POR for the state src (id srcId) whose successors are batch entries
   * j0..j1: 1 to expand only those marked in keep, 0 to expand all, -1 when
   * memory stopped the search. Kept out of explore() so that the loop the
   * plain search runs stays small.
   */
  private porChoose(src: Uint32Array, srcId: number, j0: number, j1: number, noRangeError: boolean): number {
    const por = this.por!;
    if (por.givenUp) { por.full++; return 0; }
    const { acts, cviews, fh, fl, fm } = this.batch;
    const keep = this.keep;
    if (!noRangeError || por.choose(src, acts, j0, j1, keep) <= 0) { por.full++; return 0; }
    for (let q = j0; q < j1; q++) {
      if (keep[q - j0] === 1 && this.provisoBlocks(src, cviews[q]!, fh[q]!, fl[q]!, fm[q]!)) { por.provisoFull++; por.full++; return 0; }
    }
    por.reduced++;
    return this.noteReduced(src, srcId) ? 1 : -1;
  }

  /** POR: remember that state srcId (words src) was expanded with a proper subset. */
  private noteReduced(src: Uint32Array, srcId: number): boolean {
    if (this.exact) {
      if (srcId >= this.reducedById.length) {
        const n = Math.max(1024, this.reducedById.length * 2, srcId + 1);
        if (!this.memoryAllows(n)) return false;
        const a = this.allocate(() => new Uint8Array(n));
        if (a === undefined) return false;
        a.set(this.reducedById);
        this.reducedById = a;
      }
      this.reducedById[srcId] = 1;
      return true;
    }
    fingerprint(src, 0, this.W, this.seed);
    return this.noteIn(this.reducedFps!, FP[0]!, FP[1]!, FP[2]!);
  }

  // --- search ------------------------------------------------------------

  private seedInitialStates(): void {
    const init = this.model.init;
    for (let i = 0; i < init.length; i++) {
      const s = init[i]!.slice();
      this.canon?.(s);
      fingerprint(s, 0, this.W, this.seed);
      const h = FP[0]!;
      const l = FP[1]!;
      const m = FP[2]!;
      const slot = this.exact ? this.probeExact(s, h) : this.fps.probe(h, l, m);
      if (slot >= 0) continue;
      const id = this.addNew(s, h, l, m, -1, i, -1 - slot);
      if (id === -2) return;
      this.checkNewState(s, id);
    }
    this.swapLevels();
  }

  /** Make the next level the current one, and note where the level after it starts. */
  private swapLevels(): void {
    const a = this.cur;
    this.cur = this.nxt;
    this.curCount = this.nxtCount;
    this.nxt = a;
    this.nxtCount = 0;
    this.levelPos = 0;
    const ls = this.links.levelStart;
    const L = this.started && ls.length > 1 ? this.level + 1 : 0;
    // the states of level L are ids ls[L] .. ls[L] + curCount - 1; level L+1 follows
    ls[L + 1] = ls[L]! + this.curCount;
    this.links.packed[L + 1] = this.nextPacked = this.links.packs(this.curCount);
  }

  private record(t: Tracked, at: number, via: number, detail?: string): void {
    if (t.at !== -1) return;
    t.at = at;
    t.via = via;
    if (detail !== undefined) t.detail = detail;
    if (t.prop !== undefined) this.live[this.model.properties.indexOf(t.prop)] = 0;
    // Drop decided properties from the hot-loop lists.
    this.activeQuiescent = this.activeQuiescent.filter((x) => x.t.at === -1);
  }

  /** State-level checks on a newly stored state. */
  private checkNewState(s: Uint32Array, id: number): void {
    const out = this.checkOut;
    const n = this.stateChecks(s, this.live, out);
    for (let k = 0; k < n; k++) this.record(this.tracked[out[k]!]!, id, -1);
    const qu = this.activeQuiescent;
    if (qu.length > 0 && this.isQuiescent !== undefined && this.isQuiescent(s)) {
      for (let k = 0; k < qu.length; k++) if (!qu[k]!.p.holds(s)) this.record(qu[k]!.t, id, -1);
    }
  }

  /** A range error of action `a` on the state at srcId (past --max-depth it only marks the cut). */
  private rangeError(srcId: number, a: number, msg: string, atBound: boolean): void {
    if (atBound) this.depthCut = true;
    else this.record(this.range, srcId, a, msg);
  }

  private explore(t0: number, sliceMs: number): void {
    const actions = this.actions;
    const batch = this.batch;
    const { srcs, views, cviews, acts, fh, fl, fm, errActs, errMsgs, sEnd, eEnd } = batch;
    const fired = this.fired;
    const found = this.found;
    const exact = this.exact;
    const fps = this.fps;
    const maxDepth = this.opts.maxDepth;
    const timeLimit = this.opts.timeLimitMs;
    const por = this.por;
    const keep = this.keep;
    let batches = 0;
    let sink = 0;

    for (;;) {
      if (this.levelPos >= this.curCount) {
        if (this.nxtCount === 0) {
          this.finished = true;
          if (this.depthCut) this.stopReason = 'max-depth';
          break;
        }
        this.swapLevels();
        this.level++;
      }
      // every BATCH * 16 states (512)
      if ((++batches & 15) === 0) {
        const now = performance.now();
        if (this.stopRequested !== undefined) { this.stop(this.stopRequested); break; }
        if (timeLimit !== undefined && this.elapsedMs + (now - t0) >= timeLimit) { this.stop('time-limit'); break; }
        if (now - t0 >= sliceMs) break;
      }

      const pos0 = this.levelPos;
      const B = Math.min(BATCH, this.curCount - pos0);
      const cur = this.cur;
      const atBound = maxDepth !== undefined && this.level >= maxDepth;

      // 1. the successors of a batch of states, each in action order (range errors set aside, in order;
      // with symmetry reduction, what is hashed and stored is each successor's canonical form)
      const n = batch.expandFrom(cur, pos0, B);
      // 2. their fingerprints (incrementally from the parents'), then a first touch of each home slot (the cache misses overlap)
      // (the third lane only where a table keeps it: a compact main table, or POR's proviso set,
      // which may turn compact in the middle of a batch)
      batch.fingerprintAll(B, fps.compact || this.reducedFps !== undefined);
      if (!exact) {
        // a tight loop of independent loads, so the CPU keeps many misses in flight
        const table = fps.table;
        const scale = fps.scale;
        for (let j = 0; j < n; j++) sink ^= table[2 * (((fh[j]! >>> 0) * scale) | 0)]!;
      }

      // 3. state by state, in action order: range errors, transitions, step properties, the visited set
      let j = 0;
      let e = 0;
      let stopped = false;
      const srcId0 = this.links.levelStart[this.level]! + pos0;
      for (let b = 0; b < B; b++) {
        const src = srcs[b]!;
        const srcId = srcId0 + b;
        const pos = pos0 + b;
        const jEnd = sEnd[b]!;
        const ee = eEnd[b]!;
        const anyEnabled = jEnd > j || ee > e;
        // POR: a proper stubborn set, unless the state has a range error (a visible step) or the proviso says no
        const j0 = j;
        let reduce = false;
        if (por !== undefined) {
          const r = this.porChoose(src, srcId, j0, jEnd, ee === e);
          if (r < 0) { stopped = true; break; }
          reduce = r === 1;
        }
        for (; j < jEnd; j++) {
          if (reduce && keep[j - j0] === 0) continue;
          const a = acts[j]!;
          while (e < ee && errActs[e]! < a) { this.rangeError(srcId, errActs[e]!, errMsgs[e]!, atBound); e++; }
          const v = cviews[j]!;
          const h = fh[j]!;
          const l = fl[j]!;
          const m = fm[j]!;
          const slot = exact ? this.probeExact(v, h) : fps.probe(h, l, m);
          // At --max-depth a successor not stored yet is cut off (counted in pastBound). One
          // already stored is a transition within the explored states: it is counted and
          // step-checked like any other, so a bound that cuts nothing changes no verdict.
          if (atBound && slot < 0) {
            this.depthCut = true;
            this.pastBound++;
            continue;
          }
          this.transitions++;
          fired[a]!++;
          const nf = this.stepChecks(a, src, actions[a]!, views[j]!, this.live, this.checkOut);
          for (let k = 0; k < nf; k++) this.record(this.tracked[this.checkOut[k]!]!, srcId, a);
          if (slot >= 0 || atBound) continue;
          const id = this.addNew(v, h, l, m, pos, a, -1 - slot);
          if (id === -2) { stopped = true; break; } // a bound stopped the search; this state stays queued
          found[a]!++;
          this.checkNewState(v, id);
        }
        if (stopped) break;
        for (; e < ee; e++) this.rangeError(srcId, errActs[e]!, errMsgs[e]!, atBound);
        if (!anyEnabled && this.deadlock !== undefined && this.deadlock.at === -1 && !(this.isLegalEnd?.(src) ?? false)) {
          this.record(this.deadlock, srcId, -1);
        }
        this.levelPos = pos + 1;
      }
      if (stopped) break;
    }
    this.sink ^= sink;
  }

  // --- results -----------------------------------------------------------

  /** Re-execute a path (init index, then action indices) into readable steps. */
  rebuildTrace(path: readonly number[]): TraceStep[] {
    return rebuildTrace(this.model, path);
  }

  private traceFor(t: Tracked): TraceStep[] {
    const path = this.links.pathTo(t.at, this.count);
    if (t.via >= 0) path.push(t.via);
    const end: TraceEnd = t.kind === 'range' ? { kind: 'range' } : t.kind === 'step' && t.via >= 0 ? { kind: 'step', holds: (t.prop as Property & { kind: 'step' }).holds } : { kind: 'state' };
    return this.rebuildTrace(concretePath(this.model, path, end, this.canon ?? null));
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
      recentLevels: recentLevels(this.links.levelStart, this.level),
    };
  }

  /** The safety result, then the liveness search's properties (once, after a complete search). */
  result(): CheckResult {
    const safety = this.parallel !== undefined ? this.parallel.result() : this.safetyResult();
    if (!hasLiveness(this.model)) return safety;
    const fairness = this.opts.fairness ?? this.model.fairness ?? 'weak';
    if (!safety.complete || this.opts.liveness === false) {
      const why = this.opts.liveness === false ? 'the liveness search was not asked for' : 'the safety search did not complete';
      return { ...safety, properties: [...safety.properties, ...livenessProperties(this.model).map((p) => ({ ...p, status: 'unknown' as const, detail: why }))] };
    }
    if (this.livenessOutcome === undefined) {
      const spentMs = safety.stats.seconds * 1000;
      this.livenessOutcome = checkLiveness(this.model, {
        fairness,
        // The liveness search keeps the whole graph: by default at most LIVENESS_MAX_STATES (--max-states raises it).
        maxStates: this.opts.livenessMaxStates ?? this.opts.maxStates ?? LIVENESS_MAX_STATES,
        maxMemoryBytes: this.memoryLimit,
        ...(this.opts.timeLimitMs !== undefined ? { deadline: Date.now() + Math.max(0, this.opts.timeLimitMs - spentMs) } : {}),
      });
    }
    const l = this.livenessOutcome;
    const warnings = [...safety.warnings];
    if (!l.complete) warnings.push(`the liveness search stopped (${l.stopReason ?? 'bound'}) after ${l.states.toLocaleString('en-US')} states: its properties are unknown (it keeps the whole graph; --max-states N raises its bound, --no-liveness skips it)`);
    if (this.model.canonicalize !== undefined && (this.opts.symmetry ?? true)) warnings.push('liveness is checked on the concrete graph (without symmetry reduction)');
    // `complete` is the safety search's; an unfinished liveness search leaves its properties unknown (exit 3).
    return {
      ...safety,
      warnings,
      properties: [...safety.properties, ...l.properties],
      liveness: { fairness: l.fairness, complete: l.complete, states: l.states, edges: l.edges, seconds: l.seconds },
    };
  }

  private livenessOutcome: LivenessOutcome | undefined;

  private safetyResult(): CheckResult {
    if (this.parallel !== undefined) return this.parallel.result();
    const complete = this.finished && this.stopReason === undefined;
    const properties: PropertyResult[] = this.tracked.map((t) => {
      const base = { name: t.name, kind: t.kind, description: t.description };
      if (t.kind === 'sometimes') {
        if (t.at !== -1) return { ...base, status: 'holds', witness: this.traceFor(t) }; // witnessed: true however the search ends
        return { ...base, status: complete ? 'vacuous' : 'unknown' };
      }
      if (t.at !== -1) return { ...base, status: 'violated', trace: this.traceFor(t), ...(t.detail !== undefined ? { detail: t.detail } : {}) };
      return { ...base, status: complete ? 'holds' : 'unknown' };
    });
    const coverage: CoverageEntry[] = this.actions.map((a, i) => ({
      action: a.name, label: a.label, params: a.params, fired: this.fired[i]!, distinct: this.found[i]!,
    }));
    const warnings: string[] = [...this.notes];
    const por = this.por;
    if (por !== undefined && por.givenUp) warnings.push(`partial-order reduction found no proper stubborn set in the first ${StubbornSets.GIVE_UP_AFTER.toLocaleString('en-US')} states (every enabled step dependent on the others or visible) and searched the rest fully`);
    if (por !== undefined && por.reduced > 0 && properties.some((p) => p.status === 'violated' && p.trace !== undefined)) {
      warnings.push(NOT_SHORTEST);
    }
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
        collisionProbability: this.exact ? 0 : collisionEstimate(d, g, this.fps.narrow),
        queued,
      },
      ...(complete ? {} : { remaining: this.remaining() }),
      ...(por !== undefined ? { reduction: { method: 'stubborn-sets' as const, reduced: por.reduced, full: por.full, proviso: por.provisoFull, visibleActions: por.visibleCount, shortest: por.reduced === 0 || !properties.some((p) => p.status === 'violated' && p.trace !== undefined && p.loop === undefined) } } : {}),
      coverage,
      warnings,
      properties,
    };
  }
}

/** The warning a reduced search's result carries while its counterexamples may not be shortest. */
const NOT_SHORTEST = 'partial-order reduction: each counterexample is a real run but not necessarily a shortest one (--shortest searches the full graph to its depth for one)';

/**
 * The counterexamples of a reduced search (CheckOptions.por), made shortest:
 * a full breadth-first search bounded at the depth of the longest one finds
 * each violated safety property's shortest counterexample (none is
 * longer). Verdicts stay the reduced search's; a liveness lasso stays as it
 * is. The result says how far the full search went.
 */
export function shortestCounterexamples(model: Model, r: CheckResult, opts: CheckOptions = {}): CheckResult {
  const safety = r.properties.filter((p) => p.status === 'violated' && p.trace !== undefined && p.loop === undefined);
  if (r.reduction === undefined || safety.length === 0) return r;
  const depth = Math.max(...safety.map((p) => p.trace!.length - 1));
  const { por: _por, workers: _w, source: _s, ...rest } = opts;
  const full = check(model, { ...rest, maxDepth: depth, liveness: false });
  let shortened = 0;
  const properties = r.properties.map((p) => {
    if (!safety.includes(p)) return p;
    const f = full.properties.find((q) => q.name === p.name);
    if (f?.trace === undefined) return p;
    if (f.trace.length < p.trace!.length) shortened++;
    return { ...p, trace: f.trace, ...(f.detail !== undefined ? { detail: f.detail } : {}) };
  });
  const note = `--shortest: a full search to depth ${depth} (${full.stats.states.toLocaleString('en-US')} states, ${full.stats.seconds.toFixed(2)} s) gave the shortest counterexamples (${shortened} shorter than the reduced search's)`;
  return { ...r, properties, reduction: { ...r.reduction, shortest: true }, warnings: [...r.warnings.filter((w) => w !== NOT_SHORTEST), note] };
}

/** The seed of a second pass's fingerprint (any non-zero seed gives other keys to every word). */
export const SECOND_PASS_SEED = 1;

/**
 * Join a fingerprint search with a second one of the same model under
 * another fingerprint (CheckOptions.fingerprintSeed; it need not run the
 * liveness search, whose graph is exact). A collision drops
 * states from one search; another, independent fingerprint would have to
 * drop exactly as many for the counts to agree, so when states,
 * transitions and every verdict (and trace length) agree, the chance that a
 * collision changed the outcome unseen is at most the product of the two
 * estimates. When they disagree, the result is not a verdict: incomplete,
 * stopped by 'passes-disagree'.
 */
export function withSecondPass(first: CheckResult, second: CheckResult): CheckResult {
  // nothing to confirm: an unfinished first search is no verdict either way
  if (!first.complete) return first;
  // The liveness search keeps exact states (no fingerprints): only the safety verdicts are compared.
  const safety = (r: CheckResult) => r.properties.filter((p) => p.kind !== 'eventually' && p.kind !== 'leadsTo' && p.kind !== 'progress');
  const verdicts = (r: CheckResult) => JSON.stringify(safety(r).map((p) => [p.name, p.status, (p.trace ?? p.witness)?.length ?? 0]));
  const agree = first.complete && second.complete && first.stats.states === second.stats.states &&
    first.stats.transitions === second.stats.transitions && verdicts(first) === verdicts(second);
  const secondPass = {
    states: second.stats.states, transitions: second.stats.transitions, seconds: second.stats.seconds, agree, estimate: second.stats.collisionProbability,
    collisionProbability: agree ? first.stats.collisionProbability * second.stats.collisionProbability : 1,
  };
  if (agree) return { ...first, secondPass };
  return {
    ...first, secondPass, complete: false, stopReason: 'passes-disagree',
    properties: first.properties.map((p) => (p.status === 'holds' && p.kind !== 'sometimes' ? { ...p, status: 'unknown' as const } : p)),
    warnings: [...first.warnings, `the second pass with an independent fingerprint found ${second.stats.states.toLocaleString('en-US')} states and ${second.stats.transitions.toLocaleString('en-US')} transitions against ${first.stats.states.toLocaleString('en-US')} and ${first.stats.transitions.toLocaleString('en-US')}${verdicts(first) !== verdicts(second) ? ', and other verdicts' : ''}: a fingerprint collision in one of them; nothing is verified (--exact rules collisions out)`],
  };
}

/** Convenience: check a model synchronously. */
export function check(model: Model, opts?: CheckOptions): CheckResult {
  return new Checker(model, opts).run();
}
