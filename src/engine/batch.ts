// The successors of a batch of states, shared by the single-threaded
// explorer (checker.ts) and each worker's partition (partition.ts): the
// states are expanded in action order into preallocated views (range
// errors set aside, in order), canonicalised where the model has a
// symmetry, then fingerprinted incrementally from their parents. No
// per-state allocation: every buffer is sized once for BATCH states.

import { compileExpander, type Expander, type ExpandError } from './expand.js';
import { FP, FP_ZERO, M3_SHIFT, MIX_HELPERS, finish, mix1, mix2, mix3, mixSource1, mixSource2, mixSource3 } from './hash.js';
import { ModelFault, type Action } from './model.js';
import { FieldRangeError } from './schema.js';

/** States expanded together: their successors' cache misses overlap. */
export const BATCH = 32;

export class SuccessorBatch {
  /** The batch's source states. */
  readonly srcs: Uint32Array[];
  /** Successors, in batch then action order; the successors of srcs[b] end at sEnd[b]. */
  readonly views: Uint32Array[];
  /** With symmetry reduction each successor's canonical form (views keep the concrete one, for step properties); else views. */
  readonly cviews: Uint32Array[];
  /** The action index of each successor. */
  readonly acts: Int32Array;
  /** Fingerprint lanes of each successor (of its canonical form): FP[0], FP[1], FP[2] (hash.ts). */
  readonly fh: Int32Array;
  readonly fl: Int32Array;
  readonly fm: Int32Array;
  readonly sEnd: Int32Array;
  /** Range errors: the errors of srcs[b] end at eEnd[b]; the action and message of each. */
  readonly eEnd: Int32Array;
  readonly errActs: Int32Array;
  readonly errMsgs: string[] = [];
  private readonly fingerprints: Fingerprinter;
  private readonly fingerprints64: Fingerprinter;
  private readonly err: ExpandError = { a: 0, k: 0, inEffect: false, e: undefined };
  private readonly expand: Expander;

  constructor(private readonly actions: readonly Action[], private readonly W: number, private readonly canon: ((s: Uint32Array) => void) | undefined, seed = 0) {
    const view = (buf: Uint32Array, n: number) => Array.from({ length: n }, (_, i) => buf.subarray(i * W, (i + 1) * W));
    this.srcs = view(new Uint32Array(BATCH * W), BATCH);
    const maxSucc = Math.max(1, BATCH * actions.length);
    this.views = view(new Uint32Array(maxSucc * W), maxSucc);
    this.cviews = canon !== undefined ? view(new Uint32Array(maxSucc * W), maxSucc) : this.views;
    this.acts = new Int32Array(maxSucc);
    this.fh = new Int32Array(maxSucc);
    this.fl = new Int32Array(maxSucc);
    this.fm = new Int32Array(maxSucc);
    this.errActs = new Int32Array(maxSucc);
    this.sEnd = new Int32Array(BATCH);
    this.eEnd = new Int32Array(BATCH);
    this.fingerprints = compileFingerprinter(W, seed);
    this.fingerprints64 = compileFingerprinter(W, seed, false);
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
        if (!err.inEffect || !(err.e instanceof FieldRangeError)) {
          if (err.e instanceof ModelFault) throw err.e;
          throw new ModelFault(`action '${this.actions[err.a]?.label ?? err.a}' (${err.inEffect ? 'effect' : 'guard'})`, src.slice(), err.e);
        }
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

  /**
   * Fingerprints of the batch's successors, from each parent's sums re-mixing
   * only the words that changed (hash.ts). Without `third`, fm is 0 (the third
   * lane not computed: what a table under COMPACT_FROM slots does not keep,
   * visited.ts).
   */
  fingerprintAll(B: number, third = true): void {
    (third ? this.fingerprints : this.fingerprints64)(B, this.srcs, this.cviews, this.sEnd, this.fh, this.fl, this.fm);
  }
}

/** Fingerprint lanes (fh, fl, fm) of the successors cviews[0..sEnd[B-1]), each incrementally from its parent srcs[b] (fm 0 if the fingerprinter leaves the third lane out). */
export type Fingerprinter = (B: number, srcs: readonly Uint32Array[], cviews: readonly Uint32Array[], sEnd: Int32Array, fh: Int32Array, fl: Int32Array, fm: Int32Array) => void;

const MAX_UNROLLED_WORDS = 16;

/**
 * The incremental fingerprinter for W-word states. Up to MAX_UNROLLED_WORDS
 * words it is generated code, unrolled over the words: each word's mixing key
 * is a constant and the parent's words and mixes are locals, not array
 * loads (peterson N=4: the fingerprints cost a seventh of the search). It
 * computes exactly what the loop does (test/hash.test.ts). Without `third`
 * it leaves the third lane out (fm 0).
 */
export function compileFingerprinter(W: number, seed = 0, third = true): Fingerprinter {
  if (W > MAX_UNROLLED_WORDS || W === 0) return loopFingerprinter(W, seed, third);
  const L: string[] = ['"use strict";', MIX_HELPERS, 'return function fingerprints(B, srcs, cviews, sEnd, fh, fl, fm) {', '  let j = 0;', '  for (let b = 0; b < B; b++) {', '    const jEnd = sEnd[b];', '    if (j === jEnd) continue;', '    const src = srcs[b];'];
  const sums: string[][] = [[], [], []];
  for (let i = 0; i < W; i++) {
    L.push(`    const s${i} = src[${i}] | 0;`);
    L.push(`    const p${i} = ${mixSource1(i, `s${i}`, seed)};`);
    L.push(`    const q${i} = ${mixSource2(i, `s${i}`, seed)};`);
    if (third) L.push(`    const r${i} = ${mixSource3(i, `s${i}`, seed)};`);
    sums[0]!.push(`p${i}`);
    sums[1]!.push(`q${i}`);
    sums[2]!.push(`r${i}`);
  }
  L.push(`    const S1 = (${sums[0]!.join(' + ')}) | 0;`);
  L.push(`    const S2 = (${sums[1]!.join(' + ')}) | 0;`);
  if (third) L.push(`    const S3 = (${sums[2]!.join(' + ')}) | 0;`);
  L.push('    for (; j < jEnd; j++) {');
  L.push('      const d = cviews[j];');
  L.push(`      let a = S1, z = S2, ${third ? 'c = S3, ' : ''}x;`);
  for (let i = 0; i < W; i++) {
    L.push(`      x = d[${i}] | 0; if (x !== s${i}) { a = (a + ${mixSource1(i, 'x', seed)} - p${i}) | 0; z = (z + ${mixSource2(i, 'x', seed)} - q${i}) | 0;${third ? ` c = (c + ${mixSource3(i, 'x', seed)} - r${i}) | 0;` : ''} }`);
  }
  L.push(`      fh[j] = a === 0 ? ${FP_ZERO[0]} : a;`);
  L.push(`      fl[j] = z === 0 ? ${FP_ZERO[1]} : z;`);
  L.push(third ? `      fm[j] = c >>> ${M3_SHIFT} || 1;` : '      fm[j] = 0;');
  L.push('    }', '  }', '};');
  return new Function(L.join('\n'))() as Fingerprinter;
}

/** The same as a loop over the words (wide states). */
export function loopFingerprinter(W: number, seed = 0, third = true): Fingerprinter {
  const c1 = new Int32Array(W);
  const c2 = new Int32Array(W);
  const c3 = new Int32Array(W);
  return (B, srcs, cviews, sEnd, fh, fl, fm) => {
    for (let b = 0, j = 0; b < B; b++) {
      const jEnd = sEnd[b]!;
      if (j === jEnd) continue;
      const src = srcs[b]!;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < W; i++) {
        const x = src[i]!;
        const m1 = mix1(i, x, seed);
        const m2 = mix2(i, x, seed);
        const m3 = mix3(i, x, seed);
        c1[i] = m1;
        c2[i] = m2;
        c3[i] = m3;
        s1 = (s1 + m1) | 0;
        s2 = (s2 + m2) | 0;
        s3 = (s3 + m3) | 0;
      }
      for (; j < jEnd; j++) {
        const d = cviews[j]!;
        let a = s1;
        let z = s2;
        let c = s3;
        for (let i = 0; i < W; i++) {
          const x = d[i]!;
          if (x !== src[i]) {
            a = (a + mix1(i, x, seed) - c1[i]!) | 0;
            z = (z + mix2(i, x, seed) - c2[i]!) | 0;
            c = (c + mix3(i, x, seed) - c3[i]!) | 0;
          }
        }
        finish(a, z, c);
        fh[j] = FP[0]!;
        fl[j] = FP[1]!;
        fm[j] = third ? FP[2]! : 0;
      }
    }
  };
}
