// One worker's share of a parallel search (parallel.ts drives it, worker.ts
// runs it in a thread).
//
// The state space is partitioned by fingerprint: worker `me` owns the states
// whose fingerprint's second lane is `me` modulo the number of workers. Each
// worker keeps a private visited set (visited.ts) of the states it owns, the
// part of the current BFS level it owns (its frontier) and of the next one.
// Expanding its frontier, a worker keeps the successors it owns and sends the
// others, with their fingerprint, parent and action, to their owner through a
// single-producer single-consumer ring in shared memory. So no visited set is
// ever shared, no slot is ever contended, and each table can grow on its own.
//
// Levels are synchronous, and the workers synchronise among themselves (two
// barriers per level on shared counters, no round trip through the main
// thread): a worker has finished generating a level when it has expanded
// its frontier; it has finished the level when every worker has finished
// generating and its incoming rings are empty. Then each publishes how many
// states it stored for the next level, and after the second barrier every
// worker numbers the next level the same way (worker 0's share first, then
// worker 1's…), sends its report (links, findings, counts) to the
// coordinator without waiting for an answer, and goes on. So every state of
// depth d is stored before any of depth d+1, and the first violation the
// coordinator keeps for a property is a shortest one, as in the
// single-threaded search. A property one worker decides is flagged in
// shared memory, and every worker stops checking it from then on.
//
// A worker that has expanded its share of a level takes unexpanded states
// from the others' shares (the frontiers are in shared memory; each share has
// a cursor that whoever expands next advances by a chunk), so a level ends
// when its last chunk is done, not when the slower share is.
//
// Who does what for a successor: the generating worker counts the transition,
// checks step properties (it has both states) and range errors and
// deadlocks of its own states; the owner decides whether the state is new,
// stores it with its link, and checks the state properties on it. At
// --max-depth the owner also decides whether the successor is a transition
// (stored already) or cut off, so there the record carries the parent state.

import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { FP, fingerprint } from './hash.js';
import { BATCH, SuccessorBatch } from './batch.js';
import { compileStateChecks, compileStepChecks, type StateChecks, type StepChecks } from './state-checks.js';
import type { Action, Model, Property } from './model.js';
import { growFingerprintSet } from './search.js';
import { FingerprintSet } from './visited.js';

// --- shared layout ---------------------------------------------------------------

/** Int32 slots of the control block (each group on its own 64-byte line). */
export const C_STOP = 0;
export const C_REPORTS = 16;
export const C_STATES = 32;
export const C_MAIN_KIB = 48;
/** Workers that have finished generating / finished the step, counted over all steps (step s is done at nW * (s + 1)). */
const C_GEN = 64;
const C_ARRIVE = 80;
const C_WORKER = 96;
/** Per worker w: its memory in KiB, its stored states, and (by step parity) its share of the next level. */
export const cKiB = (w: number): number => C_WORKER + 64 * w;
export const cStates = (w: number): number => C_WORKER + 64 * w + 16;
// (+32, +33: cNew; +48: cCursor)
const cNew = (w: number, step: number): number => C_WORKER + 64 * w + 32 + (step & 1);
/** Per worker w: the next unclaimed position of its share of the level being expanded (anyone may claim from it). */
const cCursor = (w: number): number => C_WORKER + 64 * w + 48;
/** Per property p: decided (1) by some worker. */
const cDecided = (workers: number, p: number): number => C_WORKER + 64 * workers + p;
export const controlInts = (workers: number, properties: number): number => C_WORKER + 64 * workers + properties + 16;

/** Stop reasons in C_STOP. */
export const STOP_CODES = ['', 'max-depth', 'max-states', 'time-limit', 'max-memory', 'interrupted', 'fault', 'passes-disagree'] as const;
export type StopCode = Exclude<(typeof STOP_CODES)[number], ''>;

/** A ring: HEAD (consumer's) and TAIL (producer's) counters in words, then QWORDS words of records. */
const Q_HEAD = 0;
const Q_TAIL = 16;
const Q_DATA = 32;
export const QWORDS = 1 << 16;
const QMASK = QWORDS - 1;
export const ringInts = Q_DATA + QWORDS;

/** Tracked properties, in the same order everywhere: the model's, then deadlock (if checked), then field-range. */
export interface TrackedDef {
  readonly name: string;
  readonly kind: Property['kind'] | 'deadlock' | 'range';
  readonly description: string;
}
export function trackedDefs(model: Model, checkDeadlock: boolean): TrackedDef[] {
  const out: TrackedDef[] = model.properties.map((p) => ({ name: p.name, kind: p.kind, description: p.description }));
  if (checkDeadlock) out.push({ name: 'deadlock', kind: 'deadlock', description: 'every reachable state has an enabled action or is a legal end state' });
  out.push({ name: 'field-range', kind: 'range', description: 'every assignment stays within its field\'s declared bounds (a bound that cuts behaviour off shows here)' });
  return out;
}

/** A property decided by a worker during a level: at a new state (its index in the worker's share of the next level) or at a state of the current level (global id) and an action. */
export interface Finding {
  readonly p: number;
  readonly onNew: boolean;
  readonly at: number;
  readonly via: number;
  readonly detail?: string;
}

export interface LevelReport {
  readonly t: 'level';
  readonly worker: number;
  /** 0: the initial states; s >= 1: the expansion of level s - 1. */
  readonly step: number;
  /** States this worker stored for the next level, their links, and (wide levels) actions. */
  readonly newCount: number;
  readonly links: Uint32Array;
  readonly wideVia?: Uint32Array;
  /** Its frontier states fully expanded. */
  readonly expanded: number;
  readonly frontier: number;
  /** Since the last report. */
  readonly transitions: number;
  readonly pastBound: number;
  readonly fired: Float64Array;
  readonly found: Float64Array;
  readonly depthCut: boolean;
  readonly findings: readonly Finding[];
  /** The visited set's bytes (stored per state) and everything this worker holds. */
  readonly tableBytes: number;
  /** Fingerprints my table stores with 64 bits (visited.ts). */
  readonly narrow: number;
  readonly bytes: number;
  readonly stopped: boolean;
}
export interface ErrorReport { readonly t: 'error'; readonly worker: number; readonly message: string; readonly stack?: string; readonly name?: string }
export interface ReadyReport { readonly t: 'ready'; readonly worker: number; readonly signature: import('./signature.js').ModelSignature }
export type Report = LevelReport | ErrorReport | ReadyReport;

export interface PartitionOptions {
  readonly workers: number;
  readonly me: number;
  readonly checkDeadlock: boolean;
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly memoryLimit: number;
  /** links.ts linkLimits.packLimit of the coordinator (so both number links alike). */
  readonly packLimit: number;
  /** Use the model's canonicalize (symmetry reduction). */
  readonly symmetry: boolean;
  /** The fingerprint's seed (CheckOptions.fingerprintSeed). */
  readonly seed?: number;
  readonly control: SharedArrayBuffer;
  /** rings[from][to] (from !== to). */
  readonly rings: readonly (readonly (SharedArrayBuffer | null)[])[];
  /** peers[o]: a port to worker o (null for me), over which each level's frontier buffer is shared. */
  readonly peers: readonly (MessagePort | null)[];
}

/** States claimed at a time from a share of the level. */
const CLAIM = 64;
/** Size - 1 of the cache of fingerprints sent to other workers. */
const SENT_MASK = (1 << 14) - 1;
/** Records read ahead (their home slots touched) when draining a ring. */
const DRAIN_GROUP = 64;


interface Active<P> { readonly p: P; readonly i: number }

export class PartitionExplorer {
  private readonly W: number;
  private readonly nA: number;
  private readonly nW: number;
  private readonly me: number;
  private readonly actions: readonly Action[];
  private readonly ctl: Int32Array;
  /** out[o]: my ring to worker o; inn[o]: worker o's ring to me. */
  private readonly out: (Int32Array | null)[];
  private readonly inn: (Int32Array | null)[];
  private readonly outTail: Int32Array;
  private readonly outHead: Int32Array;
  private readonly fps = new FingerprintSet();
  private readonly memoryLimitKiB: number;

  // my share of the current and next level
  private cur: Uint32Array;
  private curCount = 0;
  private nxt: Uint32Array;
  private nxtCount = 0;
  private links: Uint32Array;
  private wide: Uint32Array | undefined;
  private packedNext = true;
  private atBound = false;
  /** The level being expanded: every worker's share (its frontier buffer, size, offset within the level) and the level's first id. */
  private readonly shareBuf: (Uint32Array | null)[];
  private readonly shareSize: number[];
  private readonly shareOffset: number[];
  private levelFirstId = 0;
  private readonly nP: number;
  private expanded = 0;
  private stopped = false;

  // scratch (as in Checker.explore)
  private readonly batch: SuccessorBatch;
  private readonly canon: ((s: Uint32Array) => void) | undefined;
  private readonly mine: Int32Array;
  private readonly exhausted: boolean[];
  private readonly rs: Uint32Array;
  private readonly rsrc: Uint32Array;
  private readonly dh = new Int32Array(DRAIN_GROUP);
  /** Fingerprints recently sent to other workers (direct-mapped by the first lane's low bits; three lanes per slot). */
  private readonly sent = new Int32Array(3 * (SENT_MASK + 1));
  private sink = 0;

  // statistics since the last report
  private transitions = 0;
  private pastBound = 0;
  private depthCut = false;
  private fired: Float64Array;
  private found: Float64Array;
  private findings: Finding[] = [];
  private count = 0;

  // properties
  private readonly decided: boolean[];
  /** The always, sometimes and step properties, one call site each (state-checks.ts); live[i]: property i still undecided. */
  private readonly stateChecks: StateChecks;
  private readonly stepChecks: StepChecks;
  private readonly live: Uint8Array;
  private readonly checkOut: Int32Array;
  private activeQuiescent: Active<Property & { kind: 'quiescent' }>[] = [];
  private readonly deadlockIndex: number;
  private readonly rangeIndex: number;

  constructor(readonly model: Model, readonly opts: PartitionOptions) {
    this.W = model.layout.words;
    this.nA = model.actions.length;
    this.nW = opts.workers;
    this.me = opts.me;
    this.actions = model.actions;
    this.ctl = new Int32Array(opts.control);
    this.out = opts.rings[this.me]!.map((b) => (b === null ? null : new Int32Array(b)));
    this.inn = opts.rings.map((row) => (row[this.me] === null || row[this.me] === undefined ? null : new Int32Array(row[this.me]!)));
    this.outTail = new Int32Array(this.nW);
    this.outHead = new Int32Array(this.nW);
    this.memoryLimitKiB = Math.floor(opts.memoryLimit / 1024);
    const W = this.W;
    this.cur = new Uint32Array(new SharedArrayBuffer(256 * W * 4));
    this.nxt = new Uint32Array(new SharedArrayBuffer(256 * W * 4));
    this.shareBuf = new Array(this.nW).fill(null);
    this.shareSize = new Array(this.nW).fill(0);
    this.shareOffset = new Array(this.nW).fill(0);
    this.links = new Uint32Array(256);
    this.canon = opts.symmetry ? model.canonicalize : undefined;
    this.batch = new SuccessorBatch(this.actions, W, this.canon, opts.seed ?? 0);
    this.mine = new Int32Array(Math.max(1, BATCH * this.nA));
    this.exhausted = new Array(this.nW).fill(false);
    this.rs = new Uint32Array(W);
    this.rsrc = new Uint32Array(W);
    this.fired = new Float64Array(this.nA);
    this.found = new Float64Array(this.nA);
    const defs = trackedDefs(model, opts.checkDeadlock);
    this.decided = defs.map(() => false);
    model.properties.forEach((p, i) => {
      if (p.kind === 'quiescent') this.activeQuiescent.push({ p, i });
    });
    this.stateChecks = compileStateChecks(model.properties);
    this.stepChecks = compileStepChecks(model.properties, model.properties.map((p) =>
      (p.kind === 'step' && p.watches !== undefined ? Uint8Array.from(model.actions, (a) => (p.watches!(a) ? 1 : 0)) : undefined)));
    this.live = Uint8Array.from(model.properties, (p) => (p.kind !== 'quiescent' ? 1 : 0));
    this.checkOut = new Int32Array(Math.max(1, model.properties.length));
    this.nP = defs.length;
    this.deadlockIndex = opts.checkDeadlock ? model.properties.length : -1;
    this.rangeIndex = defs.length - 1;
    this.publishBytes();
  }

  // --- memory --------------------------------------------------------------------

  private bytes(): number {
    return this.fps.byteLength + this.cur.byteLength + this.nxt.byteLength + this.links.byteLength + (this.wide?.byteLength ?? 0);
  }

  private publishBytes(): void {
    Atomics.store(this.ctl, cKiB(this.me), Math.ceil(this.bytes() / 1024));
  }

  /** Would `extra` more bytes keep every worker and the coordinator within the limit? If not, stop everyone. */
  private memoryAllows(extra: number): boolean {
    let kib = Atomics.load(this.ctl, C_MAIN_KIB);
    for (let w = 0; w < this.nW; w++) kib += Atomics.load(this.ctl, cKiB(w));
    if (kib + Math.ceil(extra / 1024) <= this.memoryLimitKiB) return true;
    this.stop('max-memory');
    return false;
  }

  private allocate<T>(make: () => T): T | undefined {
    try {
      return make();
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      this.stop('max-memory');
      return undefined;
    }
  }

  private stop(reason: StopCode): void {
    Atomics.compareExchange(this.ctl, C_STOP, 0, STOP_CODES.indexOf(reason));
    this.stopped = true;
  }

  private stopSeen(): boolean {
    if (!this.stopped && Atomics.load(this.ctl, C_STOP) !== 0) this.stopped = true;
    return this.stopped;
  }

  private growTable(): boolean {
    if (!growFingerprintSet(this.fps, { memoryAllows: (x) => this.memoryAllows(x), allocate: (make) => this.allocate(make), reserveBytes: this.opts.memoryLimit / this.nW })) return false;
    this.publishBytes();
    return true;
  }

  /** Room for `n` states in the next level's buffer, and for their links. */
  private growNext(n: number): boolean {
    const W = this.W;
    if (n * W > this.nxt.length) {
      const cap = Math.max(256, (this.nxt.length / W) * 2, n);
      if (!this.memoryAllows(cap * 4 * W)) return false;
      const a = this.allocate(() => new Uint32Array(new SharedArrayBuffer(cap * W * 4)));
      if (a === undefined) return false;
      a.set(this.nxt);
      this.nxt = a;
    }
    if (n > this.links.length || (this.wide !== undefined && n > this.wide.length)) {
      const cap = Math.max(256, this.links.length * 2, n);
      if (!this.memoryAllows(cap * 4 * (this.wide !== undefined ? 2 : 1))) return false;
      const fresh = this.allocate(() => [new Uint32Array(cap), this.wide !== undefined ? new Uint32Array(cap) : undefined] as const);
      if (fresh === undefined) return false;
      fresh[0].set(this.links);
      if (fresh[1] !== undefined) fresh[1].set(this.wide!.subarray(0, Math.min(this.wide!.length, cap)));
      this.links = fresh[0];
      this.wide = fresh[1];
    }
    this.publishBytes();
    return true;
  }

  // --- properties ------------------------------------------------------------------

  private record(p: number, onNew: boolean, at: number, via: number, detail?: string): void {
    if (this.decided[p]) return;
    this.findings.push(detail === undefined ? { p, onNew, at, via } : { p, onNew, at, via, detail });
    Atomics.store(this.ctl, cDecided(this.nW, p), 1);
    this.decide([p]);
  }

  /** Stop checking what other workers have decided. */
  private takeDecisions(): void {
    const ps: number[] = [];
    for (let p = 0; p < this.nP; p++) if (!this.decided[p] && Atomics.load(this.ctl, cDecided(this.nW, p)) !== 0) ps.push(p);
    if (ps.length > 0) this.decide(ps);
  }

  private decide(ps: readonly number[]): void {
    for (const p of ps) {
      this.decided[p] = true;
      if (p < this.live.length) this.live[p] = 0;
    }
    this.activeQuiescent = this.activeQuiescent.filter((x) => !this.decided[x.i]);
  }

  private checkNewState(s: Uint32Array, idx: number): void {
    const out = this.checkOut;
    const n = this.stateChecks(s, this.live, out);
    for (let k = 0; k < n; k++) this.record(out[k]!, true, idx, -1);
    const qu = this.activeQuiescent;
    const isQ = this.model.isQuiescent;
    if (qu.length > 0 && isQ !== undefined && isQ(s)) {
      for (let k = 0; k < qu.length; k++) if (!qu[k]!.p.holds(s)) this.record(qu[k]!.i, true, idx, -1);
    }
  }

  private checkStep(src: Uint32Array, a: number, dst: Uint32Array, srcId: number): void {
    const out = this.checkOut;
    const n = this.stepChecks(a, src, this.actions[a]!, dst, this.live, out);
    for (let k = 0; k < n; k++) this.record(out[k]!, false, srcId, a);
  }

  private rangeError(srcId: number, a: number, msg: string): void {
    if (this.atBound) this.depthCut = true;
    else this.record(this.rangeIndex, false, srcId, a, msg);
  }

  // --- storing ---------------------------------------------------------------------

  /**
   * Store v (fingerprint h, l, m; probe result `slot`, negative) as a state of the
   * next level reached from level offset `pos` by action `via` (pos -1: an
   * initial state, via its init index). False if a bound stopped the search.
   */
  private addNew(v: Uint32Array, h: number, l: number, m: number, slot: number, pos: number, via: number): boolean {
    const max = this.opts.maxStates;
    if (max !== undefined && Atomics.add(this.ctl, C_STATES, 1) >= max) {
      this.stop('max-states');
      return false;
    }
    const fps = this.fps;
    let p = -1 - slot;
    if (fps.count + 1 > fps.growAt) {
      if (!this.growTable()) return false;
      p = -1 - fps.probe(h, l, m);
    }
    const W = this.W;
    const i = this.nxtCount;
    if (((i + 1) * W > this.nxt.length || i + 1 > this.links.length || (this.wide !== undefined && i + 1 > this.wide.length)) && !this.growNext(i + 1)) return false;
    while (!fps.insertAt(p, h, l, m)) {
      if (!this.growTable()) return false;
      p = -1 - fps.probe(h, l, m);
    }
    let link = via;
    if (pos >= 0) {
      if (this.packedNext) link = pos * this.nA + via;
      else {
        link = pos;
        this.wide![i] = via;
      }
    }
    this.links[i] = link;
    const nxt = this.nxt;
    let nb = i * W;
    for (let k = 0; k < W; k++) nxt[nb++] = v[k]!;
    this.nxtCount = i + 1;
    this.count++;
    return true;
  }

  // --- rings -----------------------------------------------------------------------

  private owner(l: number): number {
    return this.nW === 2 ? l & 1 : (l >>> 0) % this.nW;
  }

  /** Room for `words` more words in my ring to o, draining my own rings while it is full. */
  private reserve(o: number, words: number): boolean {
    const q = this.out[o]!;
    let spins = 0;
    while (((this.outTail[o]! - this.outHead[o]!) | 0) + words > QWORDS) {
      this.outHead[o] = Atomics.load(q, Q_HEAD);
      if (((this.outTail[o]! - this.outHead[o]!) | 0) + words <= QWORDS) break;
      Atomics.store(q, Q_TAIL, this.outTail[o]!);
      Atomics.notify(this.ctl, C_GEN);
      if (this.drain() === 0 && ++spins > 16) Atomics.wait(this.ctl, C_STOP, 0, 0.05);
      if (this.stopSeen()) return false;
    }
    return true;
  }

  private publish(): void {
    for (let o = 0; o < this.nW; o++) {
      const q = this.out[o];
      if (q !== null && q !== undefined) Atomics.store(q, Q_TAIL, this.outTail[o]!);
    }
  }

  /** Store or check what the other workers sent me. Returns the records handled. */
  private drain(): number {
    let handled = 0;
    const W = this.W;
    const rs = this.rs;
    const rsrc = this.rsrc;
    const fps = this.fps;
    const atBound = this.atBound;
    const rec = 5 + (atBound ? 2 * W : W);
    const dh = this.dh;
    for (let o = 0; o < this.nW; o++) {
      const q = this.inn[o];
      if (q === null || q === undefined) continue;
      let head = Atomics.load(q, Q_HEAD);
      const tail = Atomics.load(q, Q_TAIL);
      while (head !== tail && !this.stopped) {
        // a group of records: touch their home slots first, so the cache misses overlap
        let g = 0;
        const table = fps.table;
        const scale = fps.scale;
        let sink = 0;
        for (let p = head; p !== tail && g < DRAIN_GROUP; p = (p + rec) | 0, g++) {
          const h = q[Q_DATA + (p & QMASK)]!;
          dh[g] = h;
          sink ^= table[2 * (((h >>> 0) * scale) | 0)]!;
        }
        this.sink ^= sink;
        for (let k0 = 0; k0 < g; k0++) {
          const h = dh[k0]!;
          const l = q[Q_DATA + ((head + 1) & QMASK)]!;
          const m = q[Q_DATA + ((head + 2) & QMASK)]!;
          const pos = q[Q_DATA + ((head + 3) & QMASK)]!;
          const a = q[Q_DATA + ((head + 4) & QMASK)]!;
          for (let k = 0; k < W; k++) rs[k] = q[Q_DATA + ((head + 5 + k) & QMASK)]!;
          const slot = fps.probe(h, l, m);
          if (atBound) {
            for (let k = 0; k < W; k++) rsrc[k] = q[Q_DATA + ((head + 5 + W + k) & QMASK)]!;
            if (slot < 0) {
              this.depthCut = true;
              this.pastBound++;
            } else {
              this.transitions++;
              this.fired[a]!++;
              this.checkStep(rsrc, a, rs, this.levelIdOf(pos));
            }
          } else if (slot < 0) {
            const idx = this.nxtCount;
            if (this.addNew(rs, h, l, m, slot, pos, a)) {
              this.found[a]!++;
              this.checkNewState(rs, idx);
            } else break;
          }
          head = (head + rec) | 0;
          handled++;
        }
        if (this.stopped) break;
      }
      Atomics.store(q, Q_HEAD, head);
    }
    return handled;
  }

  /** Global id of the state at `pos` within the current level. */
  private levelIdOf(pos: number): number {
    return this.levelFirstId + pos;
  }

  // --- the steps -------------------------------------------------------------------

  /**
   * Run every step until the search ends or stops, sending one report per
   * step through `send`. Step 0 stores the initial states I own; step s >= 1
   * expands level s - 1.
   */
  run(send: (r: LevelReport) => void): void {
    const nW = this.nW;
    let levelStart = 0;
    for (let step = 0; ; step++) {
      this.takeDecisions();
      this.expanded = 0;
      if (step === 0) this.seed();
      else this.explore();
      // done generating: say so, then store what the others still send until all are done and my rings are empty
      this.publish();
      Atomics.add(this.ctl, C_GEN, 1);
      Atomics.notify(this.ctl, C_GEN);
      const target = nW * (step + 1);
      let generated = false;
      for (let idle = 0; ;) {
        const gen = Atomics.load(this.ctl, C_GEN);
        if (gen >= target) {
          while (this.drain() > 0);
          generated = true;
          break;
        }
        if (this.stopSeen()) break;
        if (this.drain() === 0) {
          if (++idle > 32) Atomics.wait(this.ctl, C_GEN, gen, 0.2);
        } else idle = 0;
      }
      // my share of the next level is final (unless a stop cut it short): publish it and its buffer, and wait for
      // everyone's (nobody claims states of this level any more: everyone has finished generating)
      const partial = this.stopped;
      if (generated) Atomics.store(this.ctl, cCursor(this.me), 0);
      for (let o = 0; o < nW; o++) this.opts.peers[o]?.postMessage(this.nxt.buffer);
      Atomics.store(this.ctl, cNew(this.me, step), this.nxtCount);
      Atomics.add(this.ctl, C_ARRIVE, 1);
      Atomics.notify(this.ctl, C_ARRIVE);
      let all = false;
      for (;;) {
        const arrived = Atomics.load(this.ctl, C_ARRIVE);
        if (arrived >= target) { all = true; break; }
        if (this.stopSeen()) break;
        Atomics.wait(this.ctl, C_ARRIVE, arrived, 1);
      }
      // A stop seen after this step was complete does not make it partial: the next step reports it.
      const r = this.report(step, this.curCount, partial || !all);
      send(r);
      if (r.stopped) return;
      // number the next level: worker 0's share first
      let total = 0;
      for (let w = 0; w < nW; w++) {
        const n = Atomics.load(this.ctl, cNew(w, step));
        this.shareSize[w] = n;
        this.shareOffset[w] = total;
        total += n;
      }
      // the others' shares, to take from when mine is done (each posted its buffer before arriving)
      for (let o = 0; o < nW; o++) {
        const port = this.opts.peers[o];
        if (port === null || port === undefined) continue;
        const m = receiveMessageOnPort(port);
        if (m === undefined) throw new Error(`worker ${this.me}: worker ${o} did not share its frontier`);
        this.shareBuf[o] = new Uint32Array(m.message as SharedArrayBuffer);
      }
      if (total === 0) return;
      if (step > 0) levelStart += this.levelSizeSeen;
      this.levelSizeSeen = total;
      const level = step; // the level expanded by the next step
      this.levelFirstId = levelStart;
      this.packedNext = total * Math.max(1, this.nA) <= this.opts.packLimit;
      this.atBound = this.opts.maxDepth !== undefined && level >= this.opts.maxDepth;
      // the next level becomes the current one
      const c = this.cur;
      this.cur = this.nxt;
      this.curCount = this.nxtCount;
      this.nxt = c;
      this.nxtCount = 0;
      this.shareBuf[this.me] = this.cur;
      if (!this.packedNext && (this.wide === undefined || this.wide.length < this.links.length)) this.wide = new Uint32Array(this.links.length);
    }
  }

  private levelSizeSeen = 0;

  /** Store the initial states I own (level 0). */
  private seed(): void {
    this.packedNext = true;
    this.atBound = false;
    const init = this.model.init;
    for (let i = 0; i < init.length && !this.stopSeen(); i++) {
      const s = init[i]!.slice();
      this.canon?.(s);
      fingerprint(s, 0, this.W, this.opts.seed ?? 0);
      const h = FP[0]!;
      const l = FP[1]!;
      const m = FP[2]!;
      if (this.owner(l) !== this.me) continue;
      const slot = this.fps.probe(h, l, m);
      if (slot >= 0) continue;
      const idx = this.nxtCount;
      if (!this.addNew(s, h, l, m, slot, -1, i)) break;
      this.checkNewState(s, idx);
    }
  }

  private report(step: number, frontier: number, stopped: boolean): LevelReport {
    const links = this.links.slice(0, this.nxtCount);
    const r: LevelReport = {
      t: 'level',
      worker: this.me,
      step,
      newCount: this.nxtCount,
      links,
      ...(this.packedNext ? {} : { wideVia: this.wide!.slice(0, this.nxtCount) }),
      expanded: this.expanded,
      frontier,
      transitions: this.transitions,
      pastBound: this.pastBound,
      fired: this.fired,
      found: this.found,
      depthCut: this.depthCut,
      findings: this.findings,
      tableBytes: this.fps.byteLength,
      narrow: this.fps.narrow,
      bytes: this.bytes(),
      stopped,
    };
    Atomics.store(this.ctl, cStates(this.me), this.count);
    this.transitions = 0;
    this.pastBound = 0;
    this.depthCut = false;
    this.fired = new Float64Array(this.nA);
    this.found = new Float64Array(this.nA);
    this.findings = [];
    return r;
  }

  private explore(): void {
    const me = this.me;
    // claim chunks of states: of my share first, then of the others'
    const exhausted = this.exhausted;
    exhausted.fill(false);
    let seg = me;
    let i0 = 0;
    let i1 = 0;
    let batches = 0;
    for (;;) {
      if (i0 >= i1) {
        seg = -1;
        for (let k = 0; k < this.nW && seg < 0; k++) {
          const o = (me + k) % this.nW;
          if (exhausted[o]) continue;
          const size = this.shareSize[o]!;
          const start = Atomics.add(this.ctl, cCursor(o), CLAIM);
          if (start < size) {
            seg = o;
            i0 = start;
            i1 = Math.min(size, start + CLAIM);
          } else exhausted[o] = true;
        }
        if (seg < 0) break;
      }
      if ((batches++ & 15) === 0) {
        Atomics.store(this.ctl, cStates(me), this.count);
        if (this.stopSeen()) break;
      }
      const B = Math.min(BATCH, i1 - i0);
      if (!this.expandBatch(seg, i0, B)) break;
      i0 += B;
      this.publish();
      this.drain();
    }
  }

  /**
   * Expand B states of share `seg` from position pos0. False if a bound stopped the search.
   * (Its own method, not the body of explore's loop: explore runs once per level, so V8
   * would only reach its loop by on-stack replacement, level after level; a method called
   * per batch is optimised once, early, for every level.)
   */
  private expandBatch(seg: number, pos0: number, B: number): boolean {
    const W = this.W;
    const me = this.me;
    const batch = this.batch;
    const { srcs, views, cviews, acts, fh, fl, fm, errActs, errMsgs, sEnd, eEnd } = batch;
    const fps = this.fps;
    const atBound = this.atBound;
    const rec = 5 + (atBound ? 2 * W : W);
    const isLegalEnd = this.model.isLegalEnd;
    const sent = this.sent;
    const cur = this.shareBuf[seg]!;
    const posBase = this.shareOffset[seg]!;

    // 1. successors, each state's in action order (range errors set aside), canonical where symmetric
    const n = batch.expandFrom(cur, pos0, B);
    // 2. fingerprints (incremental), and a touch of the home slot of those I own
    batch.fingerprintAll(B);
    {
      const table = fps.table;
      const scale = fps.scale;
      // the ones I own, listed without a branch (a mispredicted branch would cancel the loads in flight)
      const mine = this.mine;
      let nm = 0;
      for (let j = 0; j < n; j++) {
        mine[nm] = j;
        nm += (this.owner(fl[j]!) === me) as unknown as number;
      }
      let sink = 0;
      for (let k = 0; k < nm; k++) sink ^= table[2 * (((fh[mine[k]!]! >>> 0) * scale) | 0)]!;
      // and the sent cache's slot of every successor (the others' are looked up there)
      for (let j = 0; j < n; j++) sink ^= sent[3 * (fh[j]! & SENT_MASK)]!;
      this.sink ^= sink;
    }

    // 3. state by state, in action order
    let j = 0;
    let e = 0;
    for (let b = 0; b < B; b++) {
      const src = srcs[b]!;
      const pos = posBase + pos0 + b;
      const srcId = this.levelFirstId + pos;
      const jEnd = sEnd[b]!;
      const ee = eEnd[b]!;
      const anyEnabled = jEnd > j || ee > e;
      for (; j < jEnd; j++) {
        const a = acts[j]!;
        while (e < ee && errActs[e]! < a) { this.rangeError(srcId, errActs[e]!, errMsgs[e]!); e++; }
        const v = cviews[j]!;
        const raw = views[j]!;
        const h = fh[j]!;
        const l = fl[j]!;
        const m = fm[j]!;
        const o = this.owner(l);
        if (o === me) {
          const slot = fps.probe(h, l, m);
          if (atBound && slot < 0) {
            this.depthCut = true;
            this.pastBound++;
            continue;
          }
          this.transitions++;
          this.fired[a]!++;
          this.checkStep(src, a, raw, srcId);
          if (slot >= 0 || atBound) continue;
          const idx = this.nxtCount;
          if (!this.addNew(v, h, l, m, slot, pos, a)) return false;
          this.found[a]!++;
          this.checkNewState(v, idx);
        } else {
          if (!atBound) {
            this.transitions++;
            this.fired[a]!++;
            this.checkStep(src, a, raw, srcId);
          }
          // sent before (to the same owner, as the owner follows from the fingerprint)? Then the
          // owner has stored it already or will before this level ends: nothing to send again.
          if (!atBound) {
            const ci = 3 * (h & SENT_MASK);
            if (sent[ci] === h && sent[ci + 1] === l && sent[ci + 2] === m) continue;
            sent[ci] = h;
            sent[ci + 1] = l;
            sent[ci + 2] = m;
          }
          if (!this.reserve(o, rec)) return false;
          const q = this.out[o]!;
          let t = this.outTail[o]!;
          q[Q_DATA + (t & QMASK)] = h;
          q[Q_DATA + ((t + 1) & QMASK)] = l;
          q[Q_DATA + ((t + 2) & QMASK)] = m;
          q[Q_DATA + ((t + 3) & QMASK)] = pos;
          q[Q_DATA + ((t + 4) & QMASK)] = a;
          t += 5;
          // at --max-depth the owner only checks the transition (stored already?): it gets the concrete state
          const d = atBound ? raw : v;
          for (let k = 0; k < W; k++) q[Q_DATA + ((t + k) & QMASK)] = d[k]!;
          t += W;
          if (atBound) {
            for (let k = 0; k < W; k++) q[Q_DATA + ((t + k) & QMASK)] = src[k]!;
            t += W;
          }
          this.outTail[o] = t | 0;
        }
      }
      for (; e < ee; e++) this.rangeError(srcId, errActs[e]!, errMsgs[e]!);
      const dl = this.deadlockIndex;
      if (!anyEnabled && dl >= 0 && !this.decided[dl] && !(isLegalEnd?.(src) ?? false)) this.record(dl, false, srcId, -1);
      this.expanded++;
    }
    return true;
  }
}
