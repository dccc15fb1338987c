// Liveness: non-progress cycles, `eventually` and leads-to, without fairness
// or under weak fairness, each violation a lasso (a prefix, then a cycle
// repeated forever) that `replay` re-checks.
//
// Why a second search: the BFS explorer keeps fingerprints and one parent
// link per state, enough for safety; a liveness violation is a cycle, so it
// needs the edges. This search stores the reachable graph exactly (states in
// one Uint32Array, edges in the order BFS discovers them) and runs Tarjan's
// SCC algorithm on the subgraph each property restricts it to. It runs after
// a complete safety search, on the concrete model (no symmetry reduction).
//
// Fairness, as SPIN's `-f` has it: weak, per actor. An actor is continuously
// enabled on a cycle when some *fair* action of it is enabled in every state
// of the cycle; a fair cycle lets every such actor take a step on it. An
// action marked `fair: false` is the environment's choice (a user who never
// acts again, a resource its owner never gives back): it may run, but fairness never
// forces it. A behaviour may also stop, stuttering forever, in a state where
// no fair action is enabled (without fairness: where nothing is enabled).
// `eventually` and leads-to count such ends; a non-progress cycle, as in
// SPIN's -DNP, is a real cycle.
//
// In one SCC, weak fairness is decided on the whole SCC: a cycle through
// every state and edge of it exists, and it is fair iff no actor is enabled
// in all of its states without a step inside it; a smaller cycle can only be
// less fair. So each SCC is tested once, and the lasso printed is built to
// visit one step of each actor fairness obliges.

import type { Action, Model } from './model.js';
import { FieldRangeError } from './schema.js';
import type { PropertyResult, StopReason, TraceStep } from './result.js';
import { rebuildTrace } from './search.js';

export type Fairness = 'strong' | 'weak' | 'none';

interface LivenessBase {
  readonly name: string;
  readonly description: string;
}
/** Every behaviour from an initial state reaches a state where q holds. */
export interface EventuallyProperty extends LivenessBase {
  readonly kind: 'eventually';
  readonly q: (s: Uint32Array) => boolean;
}
/**
 * p ~> q: from every reachable state where p holds, every behaviour reaches
 * a state where q holds. With `instances`, one leads-to per instance i
 * (p(s, i) ~> q(s, i): each client's request is answered), violated if any is.
 */
export interface LeadsToProperty extends LivenessBase {
  readonly kind: 'leadsTo';
  readonly p: (s: Uint32Array, i: number) => boolean;
  readonly q: (s: Uint32Array, i: number) => boolean;
  /** Names of the instances (default: one, unnamed). */
  readonly instances?: readonly string[];
}
export type LivenessProperty = EventuallyProperty | LeadsToProperty;

export const eventually = (name: string, description: string, q: (s: Uint32Array) => boolean): EventuallyProperty =>
  ({ kind: 'eventually', name, description, q });
export const leadsTo = (name: string, description: string, p: (s: Uint32Array, i: number) => boolean, q: (s: Uint32Array, i: number) => boolean, instances?: readonly string[]): LeadsToProperty =>
  ({ kind: 'leadsTo', name, description, p, q, ...(instances !== undefined ? { instances } : {}) });

/** The property a model with progress declarations gets, like `deadlock`. */
export const NON_PROGRESS = 'non-progress';

/** Does the model declare progress (steps or states)? Then it is checked for non-progress cycles. */
export function declaresProgress(m: Model): boolean {
  return m.progress !== undefined || m.actions.some((a) => a.progress === true);
}

export function hasLiveness(m: Model): boolean {
  return (m.liveness?.length ?? 0) > 0 || declaresProgress(m);
}

/** Names and kinds of the liveness properties a model has, in report order. */
export function livenessProperties(m: Model): { name: string; kind: 'progress' | 'eventually' | 'leadsTo'; description: string }[] {
  return [
    ...(declaresProgress(m) ? [{ name: NON_PROGRESS, kind: 'progress' as const, description: 'no cycle of steps runs forever without a progress step or state (SPIN\'s non-progress cycle)' }] : []),
    ...(m.liveness ?? []).map((p) => ({ name: p.name, kind: p.kind, description: p.description })),
  ];
}

export interface LivenessOptions {
  readonly fairness?: Fairness;
  readonly maxStates?: number;
  /** Bytes the graph may take. */
  readonly maxMemoryBytes?: number;
  /** Give up at this time (Date.now() milliseconds). */
  readonly deadline?: number;
}

export interface LivenessOutcome {
  readonly complete: boolean;
  readonly stopReason?: StopReason;
  readonly fairness: Fairness;
  readonly states: number;
  readonly edges: number;
  readonly seconds: number;
  readonly properties: PropertyResult[];
}

// --- the graph ---------------------------------------------------------------

class Stop extends Error {
  constructor(readonly reason: StopReason) { super(reason); }
}

/** The reachable graph of a model, exactly: states, BFS parents, edges, fair-enabled actors. */
class Graph {
  readonly W: number;
  readonly A: number;
  /** Actor index of each action. */
  readonly actorOf: Int32Array;
  readonly actors: string[] = [];
  /** Words per state in the fair-enabled bitset (actors). */
  readonly AW: number;
  /** Words per state in the fair-enabled bitset (actions), for strong fairness. */
  readonly BW: number;
  n = 0;
  m = 0;
  states: Uint32Array;
  depth: Int32Array;
  parent: Int32Array;
  parentAct: Int32Array;
  initIndex: Int32Array;
  edgeStart: Int32Array;
  edgeDst: Int32Array;
  edgeAct: Int32Array;
  fairEnabled: Uint32Array;
  fairActEnabled: Uint32Array;
  private table: Int32Array;
  private mask: number;

  constructor(readonly model: Model, private readonly opts: LivenessOptions) {
    this.W = model.layout.words;
    this.A = model.actions.length;
    const index = new Map<string, number>();
    this.actorOf = Int32Array.from(model.actions, (a) => {
      const key = a.actor ?? a.name;
      let i = index.get(key);
      if (i === undefined) {
        i = this.actors.length;
        index.set(key, i);
        this.actors.push(key);
      }
      return i;
    });
    this.AW = Math.max(1, Math.ceil(this.actors.length / 32));
    this.BW = Math.max(1, Math.ceil(this.A / 32));
    const cap = 1024;
    this.states = new Uint32Array(cap * this.W);
    this.depth = new Int32Array(cap);
    this.parent = new Int32Array(cap);
    this.parentAct = new Int32Array(cap);
    this.initIndex = new Int32Array(cap);
    this.edgeStart = new Int32Array(cap + 1);
    this.edgeDst = new Int32Array(cap * 4);
    this.edgeAct = new Int32Array(cap * 4);
    this.fairEnabled = new Uint32Array(cap * this.AW);
    this.fairActEnabled = new Uint32Array(cap * this.BW);
    this.table = new Int32Array(4096);
    this.mask = 4095;
  }

  bytes(): number {
    return this.states.byteLength + this.depth.byteLength * 5 + this.edgeDst.byteLength * 2 + this.fairEnabled.byteLength + this.fairActEnabled.byteLength + this.table.byteLength;
  }

  private hash(s: Uint32Array, off: number): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < this.W; i++) h = Math.imul(h ^ s[off + i]!, 0x01000193) ^ (h >>> 15);
    return h >>> 0;
  }

  private same(id: number, s: Uint32Array): boolean {
    const o = id * this.W;
    for (let i = 0; i < this.W; i++) if (this.states[o + i] !== s[i]) return false;
    return true;
  }

  private growStates(): void {
    const cap = this.depth.length * 2;
    const grow = <T extends Int32Array | Uint32Array>(a: T, n: number): T => {
      const b = new (a.constructor as { new(n: number): T })(n);
      b.set(a);
      return b;
    };
    this.states = grow(this.states, cap * this.W);
    this.depth = grow(this.depth, cap);
    this.parent = grow(this.parent, cap);
    this.parentAct = grow(this.parentAct, cap);
    this.initIndex = grow(this.initIndex, cap);
    this.edgeStart = grow(this.edgeStart, cap + 1);
    this.fairEnabled = grow(this.fairEnabled, cap * this.AW);
    this.fairActEnabled = grow(this.fairActEnabled, cap * this.BW);
  }

  private rehash(): void {
    const size = this.table.length * 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    for (let id = 0; id < this.n; id++) {
      let i = this.hash(this.states, id * this.W) & this.mask;
      while (this.table[i] !== 0) i = (i + 1) & this.mask;
      this.table[i] = id + 1;
    }
  }

  /** The id of state s, adding it (with its BFS parent) if new. */
  intern(s: Uint32Array, parent: number, act: number, init: number): number {
    let i = this.hash(s, 0) & this.mask;
    for (;;) {
      const v = this.table[i]!;
      if (v === 0) break;
      if (this.same(v - 1, s)) return v - 1;
      i = (i + 1) & this.mask;
    }
    const max = this.opts.maxStates;
    if (max !== undefined && this.n >= max) throw new Stop('max-states');
    if (this.opts.maxMemoryBytes !== undefined && this.bytes() > this.opts.maxMemoryBytes) throw new Stop('max-memory');
    if (this.n === this.depth.length) this.growStates();
    const id = this.n++;
    this.states.set(s, id * this.W);
    this.depth[id] = parent < 0 ? 0 : this.depth[parent]! + 1;
    this.parent[id] = parent;
    this.parentAct[id] = act;
    this.initIndex[id] = parent < 0 ? init : this.initIndex[parent]!;
    this.table[i] = id + 1;
    if (this.n * 2 > this.table.length) this.rehash();
    return id;
  }

  private addEdge(dst: number, act: number): void {
    if (this.m === this.edgeDst.length) {
      const d = new Int32Array(this.m * 2);
      d.set(this.edgeDst);
      this.edgeDst = d;
      const a = new Int32Array(this.m * 2);
      a.set(this.edgeAct);
      this.edgeAct = a;
    }
    this.edgeDst[this.m] = dst;
    this.edgeAct[this.m] = act;
    this.m++;
  }

  /** Breadth-first, every reachable state and every transition between them. */
  explore(): void {
    const { model, W } = this;
    model.init.forEach((s, i) => { this.intern(s, -1, -1, i); });
    const cur = new Uint32Array(W);
    const next = new Uint32Array(W);
    const deadline = this.opts.deadline;
    for (let id = 0; id < this.n; id++) {
      if (deadline !== undefined && (id & 1023) === 0 && Date.now() > deadline) throw new Stop('time-limit');
      cur.set(this.states.subarray(id * W, id * W + W));
      this.edgeStart[id] = this.m;
      for (let a = 0; a < this.A; a++) {
        const act = model.actions[a]!;
        if (!act.enabled(cur)) continue;
        if (act.fair !== false) {
          const k = this.actorOf[a]!;
          this.fairEnabled[id * this.AW + (k >>> 5)]! |= 1 << (k & 31);
          this.fairActEnabled[id * this.BW + (a >>> 5)]! |= 1 << (a & 31);
        }
        next.set(cur);
        try {
          act.apply(next);
        } catch (e) {
          // A range error is the safety search's finding; liveness does not follow the step.
          if (e instanceof FieldRangeError) continue;
          throw e;
        }
        this.addEdge(this.intern(next, id, a, 0), a);
      }
    }
    this.edgeStart[this.n] = this.m;
  }

  state(id: number): Uint32Array {
    return this.states.subarray(id * this.W, id * this.W + this.W);
  }

  private scratch = new Uint32Array(0);
  /** State id in a scratch buffer (no allocation; valid until the next call). */
  scratchState(id: number): Uint32Array {
    if (this.scratch.length !== this.W) this.scratch = new Uint32Array(this.W);
    const o = id * this.W;
    for (let i = 0; i < this.W; i++) this.scratch[i] = this.states[o + i]!;
    return this.scratch;
  }

  /** Actions from an initial state to id along BFS parents: [init index, action…]. */
  pathTo(id: number): number[] {
    const acts: number[] = [];
    let v = id;
    while (this.parent[v]! >= 0) {
      acts.push(this.parentAct[v]!);
      v = this.parent[v]!;
    }
    return [this.initIndex[id]!, ...acts.reverse()];
  }
}

// --- SCCs and fair cycles ----------------------------------------------------------

/** A subgraph: which states and which edges (by edge index) it keeps. */
interface Sub {
  readonly node: (id: number) => boolean;
  readonly edge: (e: number) => boolean;
}

/**
 * Tarjan's algorithm, iterative, over the states a predicate keeps (and the
 * subgraph's edges between them). Its arrays are allocated once per graph
 * and reset only where a run touched them, so the many small runs of the
 * strong-fairness recursion stay cheap.
 */
class Sccs {
  private readonly index: Int32Array;
  private readonly low: Int32Array;
  private readonly onStack: Uint8Array;
  readonly comp: Int32Array;
  /** A set of states by generation stamp (reused, so the strong-fairness recursion allocates nothing per state). */
  private readonly stamp: Int32Array;
  private gen = 0;
  private touched: number[] = [];
  private nextComp = 0;

  constructor(private readonly g: Graph) {
    this.index = new Int32Array(g.n).fill(-1);
    this.low = new Int32Array(g.n);
    this.onStack = new Uint8Array(g.n);
    this.comp = new Int32Array(g.n).fill(-1);
    this.stamp = new Int32Array(g.n);
  }

  /** A new, empty state set; mark(v) adds, has(v) tests (valid until the next newSet). */
  newSet(): { mark: (v: number) => void; has: (v: number) => boolean } {
    const gen = ++this.gen;
    const stamp = this.stamp;
    return { mark: (v) => { stamp[v] = gen; }, has: (v) => stamp[v] === gen };
  }

  /** The SCCs reachable from roots inside `keep` (each a fresh component number in comp). */
  run(sub: Sub, keep: (v: number) => boolean, roots: readonly number[]): number[][] {
    const { g, index, low, onStack, comp } = this;
    for (const v of this.touched) { index[v] = -1; onStack[v] = 0; }
    this.touched = [];
    const stack: number[] = [];
    const members: number[][] = [];
    const call: number[] = []; // pairs: node, next edge
    let counter = 0;
    const visit = (w: number) => {
      index[w] = low[w] = counter++;
      this.touched.push(w);
      stack.push(w);
      onStack[w] = 1;
      call.push(w, g.edgeStart[w]!);
    };
    for (const r of roots) {
      if (index[r]! >= 0 || !keep(r)) continue;
      visit(r);
      while (call.length > 0) {
        const top = call.length - 2;
        const v = call[top]!;
        const e = call[top + 1]!;
        if (e < g.edgeStart[v + 1]!) {
          call[top + 1] = e + 1;
          if (!sub.edge(e)) continue;
          const w = g.edgeDst[e]!;
          if (!keep(w)) continue;
          if (index[w]! < 0) visit(w);
          else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
          continue;
        }
        call.length = top;
        if (call.length > 0) {
          const u = call[call.length - 2]!;
          low[u] = Math.min(low[u]!, low[v]!);
        }
        if (low[v] === index[v]) {
          const c = this.nextComp++;
          const ms: number[] = [];
          for (;;) {
            const w = stack.pop()!;
            onStack[w] = 0;
            comp[w] = c;
            ms.push(w);
            if (w === v) break;
          }
          members.push(ms);
        }
      }
    }
    return members;
  }
}

interface FairCycle {
  /** The cycle's entry state. */
  readonly entry: number;
  /** Edge indices of a cycle from entry back to entry (empty: stutter forever at entry). */
  readonly cycle: readonly number[];
}

/** Shortest path of edges inside component c from `from` to `to` (at least one edge when from === to). */
function pathInside(g: Graph, sub: Sub, comp: Int32Array, c: number, from: number, to: number): number[] {
  const prevEdge = new Map<number, number>();
  const queue: number[] = [from];
  let found = false;
  for (let qi = 0; qi < queue.length && !found; qi++) {
    const v = queue[qi]!;
    for (let e = g.edgeStart[v]!; e < g.edgeStart[v + 1]!; e++) {
      const w = g.edgeDst[e]!;
      if (!sub.edge(e) || comp[w] !== c || prevEdge.has(w)) continue;
      prevEdge.set(w, e);
      if (w === to) { found = true; break; }
      queue.push(w);
    }
  }
  if (!found) throw new Error(`liveness: no path inside an SCC (${from} → ${to})`);
  const out: number[] = [];
  let w = to;
  do {
    const e = prevEdge.get(w)!;
    out.push(e);
    w = sourceOf(g, e);
  } while (w !== from);
  return out.reverse();
}

/** The state an edge leaves: the last state whose edge range starts at or before it. */
function sourceOf(g: Graph, e: number): number {
  let lo = 0;
  let hi = g.n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (g.edgeStart[mid]! <= e) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const hasBit = (a: Uint32Array, off: number, k: number) => (a[off + (k >>> 5)]! & (1 << (k & 31))) !== 0;

/**
 * A fair cycle inside one SCC, if there is one: the states it may use and
 * the edges it must take (one per actor weak fairness obliges, one per
 * action strong fairness obliges). Weak (per actor) is decided on the whole
 * SCC. Strong (per action: an action enabled infinitely often is taken
 * infinitely often) is Streett's emptiness check: the actions enabled
 * somewhere in the SCC but never taken inside it cannot be enabled on a
 * fair cycle, so drop the states that enable them and look again in the
 * SCCs of what is left.
 */
function fairIn(g: Graph, sub: Sub, fairness: Fairness, scc: Sccs, members: readonly number[]): { members: readonly number[]; comp: number; obliged: number[] } | undefined {
  const cyclic = (ms: readonly number[]) => {
    if (ms.length > 1) return true;
    const v = ms[0]!;
    for (let e = g.edgeStart[v]!; e < g.edgeStart[v + 1]!; e++) if (sub.edge(e) && g.edgeDst[e] === v) return true;
    return false;
  };
  if (!cyclic(members)) return undefined;
  const c = scc.comp[members[0]!]!;
  const inside = (e: number, comp: number) => sub.edge(e) && scc.comp[g.edgeDst[e]!] === comp;
  if (fairness === 'none') return { members, comp: c, obliged: [] };
  if (fairness === 'weak') {
    const AW = g.AW;
    const always = new Uint32Array(AW).fill(0xffffffff);
    const witness = new Map<number, number>();
    for (const v of members) {
      for (let k = 0; k < AW; k++) always[k]! &= g.fairEnabled[v * AW + k]!;
      for (let e = g.edgeStart[v]!; e < g.edgeStart[v + 1]!; e++) {
        if (!inside(e, c)) continue;
        const k = g.actorOf[g.edgeAct[e]!]!;
        if (!witness.has(k)) witness.set(k, e);
      }
    }
    const obliged: number[] = [];
    for (let k = 0; k < g.actors.length; k++) {
      if (!hasBit(always, 0, k)) continue;
      const e = witness.get(k);
      if (e === undefined) return undefined; // enabled throughout, never taken: unfair
      obliged.push(e);
    }
    return { members, comp: c, obliged };
  }
  // strong
  const work: (readonly number[])[] = [members];
  while (work.length > 0) {
    const set = work.pop()!;
    const comp = scc.comp[set[0]!]!;
    const BW = g.BW;
    const enabledSome = new Uint32Array(BW);
    const witness = new Map<number, number>();
    for (const v of set) {
      for (let k = 0; k < BW; k++) enabledSome[k]! |= g.fairActEnabled[v * BW + k]!;
      for (let e = g.edgeStart[v]!; e < g.edgeStart[v + 1]!; e++) {
        if (!inside(e, comp)) continue;
        const a = g.edgeAct[e]!;
        if (!witness.has(a)) witness.set(a, e);
      }
    }
    const bad: number[] = [];
    const obliged: number[] = [];
    for (let a = 0; a < g.A; a++) {
      if (!hasBit(enabledSome, 0, a)) continue;
      const e = witness.get(a);
      if (e === undefined) bad.push(a);
      else obliged.push(e);
    }
    if (bad.length === 0) return { members: set, comp, obliged };
    const keep = scc.newSet();
    const rest: number[] = [];
    for (const v of set) {
      if (bad.some((a) => hasBit(g.fairActEnabled, v * BW, a))) continue;
      keep.mark(v);
      rest.push(v);
    }
    if (rest.length === 0) continue;
    for (const ms of scc.run(sub, keep.has, rest)) if (cyclic(ms)) work.push(ms);
  }
  return undefined;
}

/** A cycle from entry through every obliged edge and back, inside component c. */
function cycleThrough(g: Graph, sub: Sub, comp: Int32Array, c: number, entry: number, obliged: readonly number[]): number[] {
  const cycle: number[] = [];
  let cur = entry;
  for (const e of obliged) {
    const u = sourceOf(g, e);
    if (u !== cur) cycle.push(...pathInside(g, sub, comp, c, cur, u));
    cycle.push(e);
    cur = g.edgeDst[e]!;
  }
  if (cur !== entry || cycle.length === 0) cycle.push(...pathInside(g, sub, comp, c, cur, entry));
  return cycle;
}

/** A state where a behaviour may stop: no fair action enabled (weak, strong), nothing enabled at all (none). */
function mayStutter(g: Graph, v: number, fairness: Fairness): boolean {
  if (fairness === 'none') return g.edgeStart[v] === g.edgeStart[v + 1];
  for (let k = 0; k < g.AW; k++) if (g.fairEnabled[v * g.AW + k] !== 0) return false;
  return true;
}

interface Lasso {
  /** [init index, action…] up to the cycle's entry. */
  readonly prefix: number[];
  readonly cycle: readonly number[];
  readonly stutter: boolean;
}

/**
 * Search a region (the states with dist >= 0 that the subgraph keeps) for a
 * fair cycle, or with `stutter` a state where a behaviour may stop: the one
 * whose entry is nearest by dist.
 */
function findInRegion(g: Graph, sub: Sub, fairness: Fairness, dist: Int32Array, stutter: boolean): FairCycle | undefined {
  const roots: number[] = [];
  for (let v = 0; v < g.n; v++) if (dist[v]! >= 0 && sub.node(v)) roots.push(v);
  roots.sort((a, b) => dist[a]! - dist[b]!);
  const scc = new Sccs(g);
  const top = scc.run(sub, sub.node, roots);
  const nearest = (ms: readonly number[]) => ms.reduce((b, v) => (dist[v]! < dist[b]! ? v : b), ms[0]!);
  const cyclic = (ms: readonly number[]) => {
    if (ms.length > 1) return true;
    const v = ms[0]!;
    for (let e = g.edgeStart[v]!; e < g.edgeStart[v + 1]!; e++) if (sub.edge(e) && g.edgeDst[e] === v) return true;
    return false;
  };
  // Nearest SCCs with a cycle first: the first fair one found is the one to show.
  const ranked = top.filter(cyclic).map((ms) => ({ ms, d: dist[nearest(ms)]! })).sort((a, b) => a.d - b.d);
  let best: FairCycle | undefined;
  let bestDist = Infinity;
  for (const { ms, d } of ranked) {
    if (d >= bestDist) break;
    const f = fairIn(g, sub, fairness, scc, ms);
    if (f === undefined) continue;
    const entry = nearest(f.members);
    best = { entry, cycle: cycleThrough(g, sub, scc.comp, f.comp, entry, f.obliged) };
    bestDist = dist[entry]!;
    break;
  }
  if (stutter) {
    for (const v of roots) {
      if (dist[v]! >= bestDist) break;
      if (mayStutter(g, v, fairness)) return { entry: v, cycle: [] };
    }
  }
  return best;
}

/** BFS inside the subgraph from sources (each with a starting distance), returning distance and parent edge. */
function regionBfs(g: Graph, sub: Sub, sources: readonly number[], start: (v: number) => number): { dist: Int32Array; via: Int32Array } {
  const dist = new Int32Array(g.n).fill(-1);
  const via = new Int32Array(g.n).fill(-1);
  const ordered = sources.filter((v) => sub.node(v)).sort((a, b) => start(a) - start(b));
  // Buckets by distance: a source joins when the frontier reaches its own start distance.
  let frontier: number[] = [];
  let si = 0;
  let d = ordered.length > 0 ? start(ordered[0]!) : 0;
  while (si < ordered.length || frontier.length > 0) {
    while (si < ordered.length && start(ordered[si]!) <= d) {
      const v = ordered[si++]!;
      if (dist[v]! < 0) {
        dist[v] = d;
        frontier.push(v);
      }
    }
    const next: number[] = [];
    for (const v of frontier) {
      for (let e = g.edgeStart[v]!; e < g.edgeStart[v + 1]!; e++) {
        const w = g.edgeDst[e]!;
        if (!sub.edge(e) || !sub.node(w) || dist[w]! >= 0) continue;
        dist[w] = d + 1;
        via[w] = e;
        next.push(w);
      }
    }
    frontier = next;
    d++;
    if (frontier.length === 0 && si < ordered.length) d = Math.max(d, start(ordered[si]!));
  }
  return { dist, via };
}

/** The prefix to `entry`: the region's BFS edges back to a source, then BFS parents to an initial state. */
function prefixTo(g: Graph, via: Int32Array | undefined, entry: number): number[] {
  const tail: number[] = [];
  let v = entry;
  while (via !== undefined && via[v]! >= 0) {
    const e = via[v]!;
    tail.push(g.edgeAct[e]!);
    v = sourceOf(g, e);
  }
  return [...g.pathTo(v), ...tail.reverse()];
}

// --- the check ----------------------------------------------------------------

export function checkLiveness(model: Model, opts: LivenessOptions = {}): LivenessOutcome {
  const fairness = opts.fairness ?? 'weak';
  const t0 = performance.now();
  const g = new Graph(model, opts);
  const props = livenessProperties(model);
  try {
    g.explore();
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    return {
      complete: false, stopReason: e.reason, fairness, states: g.n, edges: g.m, seconds: (performance.now() - t0) / 1000,
      properties: props.map((p) => ({ ...p, status: 'unknown' as const, detail: `the liveness graph search stopped (${e.reason}) after ${g.n} states` })),
    };
  }
  const results: PropertyResult[] = [];
  const trace = (l: Lasso): { trace: TraceStep[]; loop: number } => {
    const steps = rebuildTrace(model, [...l.prefix, ...l.cycle]);
    return { trace: steps, loop: l.prefix.length - 1 };
  };
  const fairWords = fairness === 'none' ? 'a cycle, no fairness assumed' : `a fair cycle under ${fairness} fairness`;
  const verdict = (p: { name: string; kind: 'progress' | 'eventually' | 'leadsTo'; description: string }, found: FairCycle | undefined, via: Int32Array | undefined, witness: number | undefined, what: string): PropertyResult => {
    const base = { name: p.name, kind: p.kind, description: p.description };
    if (found !== undefined) {
      const lasso: Lasso = { prefix: prefixTo(g, via, found.entry), cycle: found.cycle.map((e) => g.edgeAct[e]!), stutter: found.cycle.length === 0 };
      const t = trace(lasso);
      const detail = lasso.stutter
        ? `${what}: the behaviour stops at step ${t.loop} and stays there forever (${stopWords(model, g, found.entry, fairness)})`
        : `${what}: steps ${t.loop + 1}–${t.trace.length - 1} repeat forever (${fairWords})`;
      return { ...base, status: 'violated', trace: t.trace, loop: t.loop, detail };
    }
    if (witness === undefined) return { ...base, status: 'vacuous', detail: `nothing to check: ${what === 'non-progress' ? 'no progress step or state is reachable' : 'its premise is never reached'}` };
    return { ...base, status: 'holds', witness: rebuildTrace(model, g.pathTo(witness)) };
  };

  for (const p of props) {
    if (p.kind === 'progress') {
      const progressState = model.progress;
      const progressAct = model.actions.map((a) => a.progress === true);
      const sub: Sub = {
        node: (v) => progressState === undefined || !progressState(g.scratchState(v)),
        edge: (e) => !progressAct[g.edgeAct[e]!],
      };
      // Any path leads to a non-progress cycle: the prefix is the BFS path, so distances are BFS depths.
      const dist = Int32Array.from(g.depth.subarray(0, g.n));
      const found = findInRegion(g, sub, fairness, dist, false);
      let witness: number | undefined;
      for (let v = 0; v < g.n && witness === undefined; v++) {
        if (progressState !== undefined && progressState(g.scratchState(v))) witness = v;
        for (let e = g.edgeStart[v]!; e < g.edgeStart[v + 1]! && witness === undefined; e++) if (progressAct[g.edgeAct[e]!]) witness = g.edgeDst[e]!;
      }
      results.push(verdict(p, found, undefined, witness, 'non-progress'));
      continue;
    }
    const prop = model.liveness!.find((x) => x.name === p.name)!;
    const instances = prop.kind === 'leadsTo' && prop.instances !== undefined ? prop.instances : [undefined];
    let result: PropertyResult | undefined;
    for (let i = 0; i < instances.length && result?.status !== 'violated'; i++) {
      const q = new Uint8Array(g.n);
      for (let v = 0; v < g.n; v++) q[v] = prop.q(g.scratchState(v), i) ? 1 : 0;
      const sub: Sub = { node: (v) => q[v] === 0, edge: () => true };
      const sources: number[] = [];
      if (prop.kind === 'eventually') {
        for (let v = 0; v < g.n && g.parent[v]! < 0; v++) sources.push(v);
      } else {
        for (let v = 0; v < g.n; v++) if (q[v] === 0 && prop.p(g.scratchState(v), i)) sources.push(v);
      }
      const { dist, via } = regionBfs(g, sub, sources, (v) => g.depth[v]!);
      const found = findInRegion(g, sub, fairness, dist, true);
      let witness: number | undefined;
      if (prop.kind === 'eventually') {
        for (let v = 0; v < g.n && witness === undefined; v++) if (q[v] === 1) witness = v;
      } else {
        witness = sources[0];
      }
      const who = instances[i] !== undefined ? ` (${instances[i]})` : '';
      const r = verdict(p, found, via, witness, prop.kind === 'eventually' ? `never reached${who}` : `the premise holds and the goal is never reached${who}`);
      // Holds if every instance holds (the first witness shown); vacuous if none was exercised.
      if (result === undefined || r.status === 'violated' || (result.status === 'vacuous' && r.status === 'holds')) result = r;
    }
    results.push(result!);
  }
  return { complete: true, fairness, states: g.n, edges: g.m, seconds: (performance.now() - t0) / 1000, properties: results };
}

function stopWords(model: Model, g: Graph, v: number, fairness: Fairness): string {
  const s = g.state(v);
  const enabled = model.actions.filter((a) => a.enabled(s));
  if (enabled.length === 0) return 'nothing is enabled';
  const labels = enabled.map((a) => a.label);
  const shown = labels.slice(0, 3).join('; ') + (labels.length > 3 ? `; … ${labels.length - 3} more` : '');
  return fairness !== 'none' ? `only steps fairness does not force are enabled: ${shown}` : `enabled: ${shown}`;
}

// --- replay: is a recorded lasso still a violation? ------------------------------------------

export interface LassoVerdict {
  readonly violated: boolean;
  /** Why not, or what the lasso shows. */
  readonly reason: string;
}

/**
 * Re-check a lasso on a model: `states[i]` the state after step i
 * (states[0] the initial one), `actions[i]` the action of step i (i ≥ 1),
 * `loop` the step where the cycle starts; the cycle closes when the last
 * state equals states[loop] (loop = last: the behaviour stops there).
 */
export function lassoVerdict(model: Model, property: string, states: readonly Uint32Array[], actions: readonly Action[], loop: number, fairness: Fairness): LassoVerdict {
  const n = states.length - 1;
  if (loop < 0 || loop > n) return { violated: false, reason: `the cycle start ${loop} is outside the trace (0–${n})` };
  const same = (a: Uint32Array, b: Uint32Array) => a.every((w, i) => w === b[i]);
  if (!same(states[n]!, states[loop]!)) return { violated: false, reason: `the last state is not the state of step ${loop}: the cycle does not close` };
  const stutter = loop === n;
  const cycleStates = stutter ? [states[loop]!] : states.slice(loop, n);
  const cycleActions = actions.slice(loop + 1, n + 1);
  // Fairness on the cycle.
  const enabledFairActors = (s: Uint32Array) => new Set(model.actions.filter((a) => a.fair !== false && a.enabled(s)).map((a) => a.actor ?? a.name));
  if (stutter) {
    const enabled = model.actions.filter((a) => a.enabled(states[loop]!));
    if (fairness === 'none' && enabled.length > 0) return { violated: false, reason: `the behaviour cannot stop at step ${loop}: ${enabled[0]!.label} is enabled` };
    const fair = enabled.filter((a) => a.fair !== false);
    if (fairness !== 'none' && fair.length > 0) return { violated: false, reason: `stopping at step ${loop} is unfair: ${fair[0]!.label} is enabled there` };
  } else if (fairness === 'strong') {
    const taken = new Set(cycleActions);
    for (const s of cycleStates) {
      const skipped = model.actions.find((a) => a.fair !== false && a.enabled(s) && !taken.has(a));
      if (skipped !== undefined) return { violated: false, reason: `the cycle is unfair under strong fairness: ${skipped.label} is enabled on it and never taken` };
    }
  } else if (fairness === 'weak') {
    let always = enabledFairActors(cycleStates[0]!);
    for (const s of cycleStates.slice(1)) {
      const e = enabledFairActors(s);
      always = new Set([...always].filter((x) => e.has(x)));
    }
    const moved = new Set(cycleActions.map((a) => a.actor ?? a.name));
    const starved = [...always].filter((x) => !moved.has(x));
    if (starved.length > 0) return { violated: false, reason: `the cycle is unfair: ${starved[0]} is enabled throughout it and never steps` };
  }
  if (property === NON_PROGRESS) {
    if (stutter) return { violated: false, reason: 'a non-progress cycle needs at least one step' };
    const pa = cycleActions.find((a) => a.progress === true);
    if (pa !== undefined) return { violated: false, reason: `the cycle makes progress: ${pa.label}` };
    if (model.progress !== undefined && cycleStates.some((s) => model.progress!(s))) return { violated: false, reason: 'the cycle passes a progress state' };
    return { violated: true, reason: `steps ${loop + 1}–${n} repeat forever without progress` };
  }
  const prop = model.liveness?.find((p) => p.name === property);
  if (prop === undefined) return { violated: false, reason: `${model.name} has no liveness property '${property}'` };
  const instances = prop.kind === 'leadsTo' && prop.instances !== undefined ? prop.instances : [undefined];
  let why = '';
  for (let k = 0; k < instances.length; k++) {
    let from = 0;
    if (prop.kind === 'leadsTo') {
      // The premise at some step up to the cycle, with the goal false from there on.
      let start = -1;
      for (let i = loop; i >= 0; i--) {
        if (prop.q(states[i]!, k)) break;
        if (prop.p(states[i]!, k)) start = i;
      }
      if (start < 0) { why = 'no step before the cycle has the premise without the goal after it'; continue; }
      from = start;
    }
    const reached = states.findIndex((s, i) => i >= from && prop.q(s, k));
    if (reached >= 0) { why = `the goal is reached at step ${reached}`; continue; }
    const who = instances[k] !== undefined ? ` (${instances[k]})` : '';
    return { violated: true, reason: stutter ? `the goal is never reached${who}: the behaviour stops at step ${loop}` : `the goal is never reached${who}: steps ${loop + 1}–${n} repeat forever` };
  }
  return { violated: false, reason: why };
}
