// The successors of a batch of states, shared by the single-threaded
// explorer (checker.ts) and each worker's partition (partition.ts): the
// states are expanded in action order into preallocated views (range
// errors set aside, in order), canonicalised where the model has a
// symmetry, then fingerprinted incrementally from their parents. No
// per-state allocation: every buffer is sized once for BATCH states.

import { compileExpander, type Expander, type ExpandError } from './expand.js';
import { FP, finish, mix1, mix2 } from './hash.js';
import type { Action } from './model.js';
import { FieldRangeError } from './schema.js';

/** States expanded together: their successors' cache misses overlap. */
export const BATCH = 16;

export class SuccessorBatch {
  /** The batch's source states. */
  readonly srcs: Uint32Array[];
  /** Successors, in batch then action order; the successors of srcs[b] end at sEnd[b]. */
  readonly views: Uint32Array[];
  /** With symmetry reduction each successor's canonical form (views keep the concrete one, for step properties); else views. */
  readonly cviews: Uint32Array[];
  /** The action index of each successor. */
  readonly acts: Int32Array;
  /** Fingerprint lanes of each successor (of its canonical form). */
  readonly fh: Int32Array;
  readonly fl: Int32Array;
  readonly sEnd: Int32Array;
  /** Range errors: the errors of srcs[b] end at eEnd[b]; the action and message of each. */
  readonly eEnd: Int32Array;
  readonly errActs: Int32Array;
  readonly errMsgs: string[] = [];
  /** A parent's per-word hash mixes (lanes 1 and 2), for incremental fingerprints. */
  private readonly c1: Int32Array;
  private readonly c2: Int32Array;
  private readonly err: ExpandError = { a: 0, k: 0, inEffect: false, e: undefined };
  private readonly expand: Expander;

  constructor(actions: readonly Action[], private readonly W: number, private readonly canon: ((s: Uint32Array) => void) | undefined) {
    const view = (buf: Uint32Array, n: number) => Array.from({ length: n }, (_, i) => buf.subarray(i * W, (i + 1) * W));
    this.srcs = view(new Uint32Array(BATCH * W), BATCH);
    const maxSucc = Math.max(1, BATCH * actions.length);
    this.views = view(new Uint32Array(maxSucc * W), maxSucc);
    this.cviews = canon !== undefined ? view(new Uint32Array(maxSucc * W), maxSucc) : this.views;
    this.acts = new Int32Array(maxSucc);
    this.fh = new Int32Array(maxSucc);
    this.fl = new Int32Array(maxSucc);
    this.errActs = new Int32Array(maxSucc);
    this.sEnd = new Int32Array(BATCH);
    this.eEnd = new Int32Array(BATCH);
    this.c1 = new Int32Array(W);
    this.c2 = new Int32Array(W);
    this.expand = compileExpander(actions, W);
  }

  /** Expand the B states of `cur` from state position pos0; returns the number of successors. */
  expandFrom(cur: Uint32Array, pos0: number, B: number): number {
    const { W, srcs, views, acts, err, errActs, errMsgs, sEnd, eEnd, expand } = this;
    let n = 0;
    let nErr = 0;
    for (let b = 0; b < B; b++) {
      const src = srcs[b]!;
      const base = (pos0 + b) * W;
      for (let k = 0; k < W; k++) src[k] = cur[base + k]!;
      for (let from = 0; ;) {
        const r = expand(src, views, acts, from, n, err);
        if (r >= 0) { n = r; break; }
        if (!err.inEffect || !(err.e instanceof FieldRangeError)) throw err.e;
        n = err.k;
        errActs[nErr] = err.a;
        errMsgs[nErr] = err.e.message;
        nErr++;
        from = err.a + 1;
      }
      sEnd[b] = n;
      eEnd[b] = nErr;
    }
    const canon = this.canon;
    if (canon !== undefined) {
      const cviews = this.cviews;
      for (let j = 0; j < n; j++) {
        const c = cviews[j]!;
        c.set(views[j]!);
        canon(c);
      }
    }
    return n;
  }

  /** Fingerprints of the batch's successors, from each parent's sums re-mixing only the words that changed (hash.ts). */
  fingerprintAll(B: number): void {
    const { W, srcs, cviews, sEnd, c1, c2, fh, fl } = this;
    for (let b = 0, j = 0; b < B; b++) {
      const jEnd = sEnd[b]!;
      if (j === jEnd) continue;
      const src = srcs[b]!;
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < W; i++) {
        const x = src[i]!;
        const m1 = mix1(i, x);
        const m2 = mix2(i, x);
        c1[i] = m1;
        c2[i] = m2;
        s1 = (s1 + m1) | 0;
        s2 = (s2 + m2) | 0;
      }
      for (; j < jEnd; j++) {
        const d = cviews[j]!;
        let a = s1;
        let z = s2;
        for (let i = 0; i < W; i++) {
          const x = d[i]!;
          if (x !== src[i]) {
            a = (a + mix1(i, x) - c1[i]!) | 0;
            z = (z + mix2(i, x) - c2[i]!) | 0;
          }
        }
        finish(a, z);
        fh[j] = FP[0]!;
        fl[j] = FP[1]!;
      }
    }
  }
}
