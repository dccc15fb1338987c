// The coordinator of a search on worker threads (CheckOptions.workers > 1).
//
// Each worker (worker.ts) rebuilds the model from CheckOptions.source, owns
// one part of the state space and paces the levels with the other workers
// (partition.ts). The coordinator starts them and reads their reports, one
// per worker and step, in step order: it numbers each level's states the way
// the workers do (worker 0's share first), appends their links to its own
// Links (links.ts, as in the single-threaded search), and keeps for each
// property the finding of the earliest step with the lowest state id (so
// counterexamples stay shortest). Traces are rebuilt here, by re-executing
// the main thread's own model.
//
// The coordinator sleeps in Atomics.wait, with a timeout, so runSlice keeps
// its contract (return after sliceMs) and the CLI's signal handling and
// progress line work as with one thread. The search's time is wall-clock
// time from starting the workers (their start-up included) to the end.

import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { Links, LINK_CHUNK, LINK_CHUNK_BITS, LINK_MASK, linkLimits } from './links.js';
import type { Model } from './model.js';
import { ModelError, ModelFault, validateModel } from './model.js';
import { modelSignature, signatureDifference, type ModelSignature } from './signature.js';
import {
  C_MAIN_KIB, C_REPORTS, C_STOP, STOP_CODES, cKiB, cStates, controlInts, ringInts, trackedDefs,
  type LevelReport, type Report, type TrackedDef,
} from './partition.js';
import type { CheckResult, CoverageEntry, PropertyResult, Remaining, StopReason, TraceStep } from './result.js';
import { MEMORY_CEILING, collisionEstimate, concretePath, machineMemoryBytes, rebuildTrace, recentLevels, type CheckOptions, type ModelSource, type Search, type TraceEnd } from './search.js';

interface Decision {
  readonly at: number;
  readonly via: number;
  readonly detail?: string;
  /** The step (seed = 0, then one per level) that found it: later steps never replace it. */
  readonly step: number;
}

/** A worker failed (its model did not build, or it threw): rethrown in the main thread. */
export class WorkerError extends Error {}
/** A worker's model is not the caller's (CheckOptions.source builds another model): bad input, never a verdict. */
export class ModelSourceMismatch extends ModelError {}

export class ParallelSearch implements Search {
  readonly model: Model;
  private readonly nW: number;
  private readonly opts: CheckOptions;
  private readonly memoryLimit: number;
  private readonly defs: TrackedDef[];
  private readonly decisions: (Decision | undefined)[];
  private readonly control: SharedArrayBuffer;
  private readonly ctl: Int32Array;
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly links: Links;
  private readonly nA: number;

  private t0 = 0;
  private endMs = 0;
  private finished = false;
  private stopReason: StopReason | undefined;
  private stopRequested: StopReason | undefined;
  private failure: Error | undefined;
  /** Reports by step, then by worker. */
  private readonly pending = new Map<number, (LevelReport | undefined)[]>();
  private reportsSeen = 0;
  private readyCount = 0;
  private nextStep = 0;

  // the search so far
  private count = 0;
  private level = 0;

  private levelSize = 0;
  private levelExpanded = 0;
  private nextSize = 0;
  private transitions = 0;
  private pastBound = 0;
  private depthCut = false;
  private readonly fired: Float64Array;
  private readonly found: Float64Array;
  private tableBytes: number[];
  private narrow: number[];

  private readonly signature: ModelSignature;

  constructor(model: Model, opts: CheckOptions, source: ModelSource) {
    validateModel(model);
    this.model = model;
    this.signature = modelSignature(model);
    this.opts = opts;
    this.nW = opts.workers!;
    this.nA = model.actions.length;
    this.memoryLimit = Math.min(opts.maxMemoryBytes ?? Infinity, Math.floor(machineMemoryBytes() * MEMORY_CEILING));
    const checkDeadlock = opts.checkDeadlock ?? model.checkDeadlock ?? true;
    this.defs = trackedDefs(model, checkDeadlock);
    this.decisions = this.defs.map(() => undefined);
    this.links = new Links(this.nA);
    this.fired = new Float64Array(this.nA);
    this.found = new Float64Array(this.nA);
    this.tableBytes = new Array(this.nW).fill(0);
    this.narrow = new Array(this.nW).fill(0);
    this.control = new SharedArrayBuffer(controlInts(this.nW, this.defs.length) * 4);
    this.ctl = new Int32Array(this.control);
    const rings: (SharedArrayBuffer | null)[][] = [];
    for (let f = 0; f < this.nW; f++) {
      rings.push([]);
      for (let t = 0; t < this.nW; t++) rings[f]!.push(f === t ? null : new SharedArrayBuffer(ringInts * 4));
    }
    this.t0 = performance.now();
    const url = new URL('./worker.js', import.meta.url);
    // a port between every two workers (they share their frontier buffers over it)
    const peers: (MessagePort | null)[][] = Array.from({ length: this.nW }, () => new Array<MessagePort | null>(this.nW).fill(null));
    for (let a = 0; a < this.nW; a++) {
      for (let b = a + 1; b < this.nW; b++) {
        const ch = new MessageChannel();
        peers[a]![b] = ch.port1;
        peers[b]![a] = ch.port2;
      }
    }
    for (let w = 0; w < this.nW; w++) {
      const { port1, port2 } = new MessageChannel();
      this.ports.push(port1);
      const mine = peers[w]!.filter((p): p is MessagePort => p !== null);
      const worker = new Worker(url, {
        workerData: {
          source,
          port: port2,
          options: {
            workers: this.nW, me: w, checkDeadlock, memoryLimit: this.memoryLimit, control: this.control, rings, peers: peers[w], packLimit: linkLimits.packLimit, symmetry: opts.symmetry !== false, seed: opts.fingerprintSeed ?? 0,
            ...(opts.maxStates !== undefined ? { maxStates: opts.maxStates } : {}),
            ...(opts.maxDepth !== undefined ? { maxDepth: opts.maxDepth } : {}),
          },
        },
        transferList: [port2, ...mine],
      });
      worker.unref();
      // A worker that dies without reporting (it should always report) must not leave us waiting.
      worker.on('exit', (code) => {
        if (!this.finished && code !== 0) this.fail(new WorkerError(`worker ${w} exited with code ${code}`));
      });
      worker.on('error', (e) => this.fail(e instanceof Error ? e : new WorkerError(String(e))));
      this.workers.push(worker);
    }
  }

  private fail(e: Error): void {
    if (this.failure === undefined) this.failure = e;
    Atomics.store(this.ctl, C_STOP, STOP_CODES.indexOf('interrupted'));
    Atomics.add(this.ctl, C_REPORTS, 1);
    Atomics.notify(this.ctl, C_REPORTS);
  }

  requestStop(reason: StopReason = 'interrupted'): void {
    this.stopRequested = reason;
    if (!this.finished) Atomics.compareExchange(this.ctl, C_STOP, 0, STOP_CODES.indexOf(reason));
  }

  get done(): boolean {
    return this.finished;
  }

  get memoryLimitBytes(): number {
    return this.memoryLimit;
  }

  private elapsedMs(): number {
    return (this.finished ? this.endMs : performance.now()) - this.t0;
  }

  progress(): { states: number; level: number; transitions: number; seconds: number; queued: number; bytes: number } {
    let states = 0;
    let kib = Atomics.load(this.ctl, C_MAIN_KIB);
    for (let w = 0; w < this.nW; w++) {
      states += Atomics.load(this.ctl, cStates(w));
      kib += Atomics.load(this.ctl, cKiB(w));
    }
    return {
      states: Math.max(states, this.count),
      level: this.level,
      transitions: this.transitions,
      seconds: this.elapsedMs() / 1000,
      queued: Math.max(0, this.count - this.links.levelStart[this.level]!),
      bytes: kib * 1024,
    };
  }

  run(): CheckResult {
    while (!this.runSlice(Infinity));
    return this.result();
  }

  close(): void {
    for (const w of this.workers) void w.terminate();
  }

  runSlice(sliceMs: number): boolean {
    if (this.finished) return true;
    const deadline = performance.now() + sliceMs;
    try {
      for (;;) {
        if (this.failure !== undefined) throw this.failure;
        if (this.stopRequested !== undefined) Atomics.compareExchange(this.ctl, C_STOP, 0, STOP_CODES.indexOf(this.stopRequested));
        const limit = this.opts.timeLimitMs;
        if (limit !== undefined && performance.now() - this.t0 >= limit) Atomics.compareExchange(this.ctl, C_STOP, 0, STOP_CODES.indexOf('time-limit'));
        this.collect();
        for (let r = this.pending.get(this.nextStep); r !== undefined && r.every((x) => x !== undefined); r = this.pending.get(this.nextStep)) {
          this.pending.delete(this.nextStep);
          this.endStep(this.nextStep++, r as LevelReport[]);
          if (this.finished) return true;
        }
        // stopped before every worker was even ready
        if (this.readyCount < this.nW && Atomics.load(this.ctl, C_STOP) !== 0) {
          this.stopBeforeStart();
          return true;
        }
        const left = deadline - performance.now();
        if (left <= 0) return false;
        const seen = Atomics.load(this.ctl, C_REPORTS);
        if (seen === this.reportsSeen) Atomics.wait(this.ctl, C_REPORTS, seen, Math.min(left, 50));
      }
    } catch (e) {
      this.finish();
      throw e;
    }
  }

  /** Read the reports that have arrived. */
  private collect(): void {
    this.reportsSeen = Atomics.load(this.ctl, C_REPORTS);
    for (let w = 0; w < this.nW; w++) {
      for (let m = receiveMessageOnPort(this.ports[w]!); m !== undefined; m = receiveMessageOnPort(this.ports[w]!)) {
        const r = m.message as Report;
        if (r.t === 'error') {
          // The model's own code threw in a worker: the same one-line fault as in one thread.
          if (r.name === 'ModelFault') {
            this.stopReason = 'fault';
            throw new ModelFault(`worker ${r.worker}`, undefined, new Error(r.message));
          }
          const e = new WorkerError(`worker ${r.worker}: ${r.message}`);
          if (r.stack !== undefined) e.stack = r.stack;
          throw e;
        }
        if (r.t === 'ready') {
          // The worker must have built the model the caller passed, not merely one from the same source.
          const diff = signatureDifference(this.signature, r.signature);
          if (diff !== '') {
            this.stopReason = 'fault';
            throw new ModelSourceMismatch(`worker ${r.worker} built a different model from CheckOptions.source than the one given (${diff} differ): the source does not build ${this.model.name}${Object.keys(this.model.params).length > 0 ? ` ${JSON.stringify(this.model.params)}` : ''}`);
          }
          this.readyCount++;
          continue;
        }
        let byWorker = this.pending.get(r.step);
        if (byWorker === undefined) this.pending.set(r.step, (byWorker = new Array(this.nW).fill(undefined)));
        byWorker[r.worker] = r;
      }
    }
    if (this.failure !== undefined) throw this.failure;
  }

  private stopBeforeStart(): void {
    const code = Atomics.load(this.ctl, C_STOP);
    this.stopReason = (STOP_CODES[code] || 'interrupted') as StopReason;
    this.finish();
  }

  /** Every worker has reported step `step` (0: the initial states; s: the expansion of level s - 1). */
  private endStep(step: number, reports: LevelReport[]): void {
    // the states reported belong to level `step`; each worker's share starts at its offset
    const L = step;
    const start = this.links.levelStart[L]!;
    const offsets: number[] = [];
    let total = 0;
    for (const r of reports) {
      offsets.push(total);
      total += r.newCount;
    }
    // links, in id order
    const packed = this.links.packed[L] !== false;
    let id = start;
    for (const r of reports) {
      for (let i = 0; i < r.newCount; i++, id++) {
        const c = id >>> LINK_CHUNK_BITS;
        if (c >= this.links.chunks.length) this.links.chunks.push(new Uint32Array(LINK_CHUNK));
        this.links.chunks[c]![id & LINK_MASK] = r.links[i]!;
      }
      if (!packed && L > 0) {
        let w = this.links.wide.get(L);
        if (w === undefined) this.links.wide.set(L, (w = []));
        const base = id - r.newCount - start;
        for (let i = 0; i < r.newCount; i++) {
          const k = base + i;
          const c = k >>> LINK_CHUNK_BITS;
          while (c >= w.length) w.push(new Uint32Array(LINK_CHUNK));
          w[c]![k & LINK_MASK] = r.wideVia![i]!;
        }
      }
    }
    Atomics.store(this.ctl, C_MAIN_KIB, Math.ceil(this.links.bytes() / 1024));
    this.count += total;
    // statistics
    let stopped = false;
    let expanded = 0;
    for (const r of reports) {
      this.transitions += r.transitions;
      this.pastBound += r.pastBound;
      if (r.depthCut) this.depthCut = true;
      for (let a = 0; a < this.nA; a++) {
        this.fired[a] += r.fired[a]!;
        this.found[a] += r.found[a]!;
      }
      this.tableBytes[r.worker] = r.tableBytes;
      this.narrow[r.worker] = r.narrow;
      if (r.stopped) stopped = true;
      expanded += r.expanded;
    }
    // findings: per property, the lowest id among this step's (all at the same depth); an earlier step's stays
    for (const r of reports) {
      for (const f of r.findings) {
        const at = f.onNew ? start + offsets[r.worker]! + f.at : f.at;
        const cur = this.decisions[f.p];
        if (cur !== undefined && (cur.step < step || cur.at <= at)) continue;
        this.decisions[f.p] = { at, via: f.via, step, ...(f.detail !== undefined ? { detail: f.detail } : {}) };
      }
    }
    // the level expanded in this step, and what it left
    this.level = Math.max(0, step - 1);
    this.levelExpanded = expanded;
    this.nextSize = total;
    // (a stop flag alone does not end here: this step is complete, the next one reports the stop)
    if (stopped) {
      const code = Atomics.load(this.ctl, C_STOP);
      this.stopReason = (STOP_CODES[code] || 'interrupted') as StopReason;
      if (step === 0) this.levelSize = 0;
      this.finish();
      return;
    }
    if (total === 0) {
      this.levelSize = 0;
      if (this.depthCut) this.stopReason = 'max-depth';
      this.finish();
      return;
    }
    // level L is next to be expanded
    this.links.levelStart[L + 1] = start + total;
    this.links.packed[L + 1] = this.links.packs(total);
    this.levelSize = total;
    if (step > 0) this.level = step;
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.endMs = performance.now();
    for (const w of this.workers) void w.terminate();
  }

  private traceFor(d: Decision, p: number): TraceStep[] {
    const kind = this.defs[p]!.kind;
    const path = this.links.pathTo(d.at, this.count);
    if (d.via >= 0 && kind !== 'deadlock') path.push(d.via);
    const prop = this.model.properties[p];
    const end: TraceEnd = kind === 'range' ? { kind: 'range' } : prop?.kind === 'step' && d.via >= 0 ? { kind: 'step', holds: prop.holds } : { kind: 'state' };
    return rebuildTrace(this.model, concretePath(this.model, path, end, this.opts.symmetry === false ? null : this.model.canonicalize ?? null));
  }

  private remaining(): Remaining {
    return {
      level: this.level,
      levelStates: this.levelSize,
      levelExpanded: this.levelExpanded,
      nextLevelStates: this.nextSize,
      nextLevelEstimate: this.levelExpanded > 0 ? Math.round((this.nextSize * this.levelSize) / this.levelExpanded) : this.nextSize,
      ...(this.stopReason === 'max-depth' ? { pastBound: this.pastBound } : {}),
      recentLevels: recentLevels(this.links.levelStart, this.level),
    };
  }

  result(): CheckResult {
    const complete = this.finished && this.stopReason === undefined;
    const properties: PropertyResult[] = this.defs.map((t, i) => {
      const base = { name: t.name, kind: t.kind, description: t.description };
      const d = this.decisions[i];
      if (t.kind === 'sometimes') {
        if (d !== undefined) return { ...base, status: 'holds', witness: this.traceFor(d, i) }; // witnessed: true however the search ends
        return { ...base, status: complete ? 'vacuous' : 'unknown' };
      }
      if (d !== undefined) return { ...base, status: 'violated', trace: this.traceFor(d, i), ...(d.detail !== undefined ? { detail: d.detail } : {}) };
      return { ...base, status: complete ? 'holds' : 'unknown' };
    });
    const coverage: CoverageEntry[] = this.model.actions.map((a, i) => ({
      action: a.name, label: a.label, params: a.params, fired: this.fired[i]!, distinct: this.found[i]!,
    }));
    const warnings: string[] = [];
    if (this.finished) {
      const never = coverage.filter((c) => c.fired === 0);
      if (never.length > 0) warnings.push(`${never.length} action(s) never fired: ${never.map((c) => c.label).join(', ')}`);
    }
    const seconds = this.elapsedMs() / 1000;
    const stored = this.tableBytes.reduce((a, b) => a + b, 0) + this.links.bytes();
    const d = this.count;
    const g = this.transitions + this.model.init.length;
    const queued = complete ? 0 : this.levelSize - this.levelExpanded + this.nextSize;
    return {
      model: this.model.name,
      params: this.model.params,
      mode: 'fingerprint',
      complete,
      ...(this.stopReason !== undefined ? { stopReason: this.stopReason } : {}),
      stats: {
        states: d,
        transitions: this.transitions,
        levels: this.level + (this.levelSize > 0 || d > 0 ? 1 : 0),
        maxDepth: this.level,
        seconds,
        statesPerSecond: seconds > 0 ? d / seconds : 0,
        bytesPerState: d > 0 ? stored / d : 0,
        storedBytes: stored,
        stateWords: this.model.layout.words,
        collisionProbability: collisionEstimate(d, g, this.narrow.reduce((a, b) => a + b, 0)),
        queued,
      },
      ...(complete ? {} : { remaining: this.remaining() }),
      coverage,
      warnings,
      properties,
    };
  }
}

