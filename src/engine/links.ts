// Per stored state, how it was reached: one 32-bit "link", in BFS id order.
//
// State ids are given in BFS order, so the states of level L are the ids
// levelStart[L] .. levelStart[L+1]-1, and the parent of a state of level
// L >= 1 is a state of level L-1. A link therefore needs only the parent's
// offset within its level and the action index: link = offset * nA + action,
// which fits 32 bits whenever (size of level L-1) * nA <= 2^32. A level where
// it does not fit ("wide") stores the offset in the link and the action in a
// side array of its own. A state of level 0 (an initial state) has no parent;
// its link is its init index.
//
// Links live in fixed-size chunks, so the memory kept per state is 4 bytes
// plus at most one partly used chunk, and growing never copies.

export const LINK_CHUNK_BITS = 16;
export const LINK_CHUNK = 1 << LINK_CHUNK_BITS;
export const LINK_MASK = LINK_CHUNK - 1;

/** Test hook: the largest offset * nA + action a link may hold before a level goes wide (normally 2^32). */
export const linkLimits = { packLimit: 2 ** 32 };

/** A trace could not be re-executed or its links are inconsistent: only possible after a fingerprint collision (or a bug). */
export class TraceRebuildError extends Error {}

export class Links {
  readonly chunks: Uint32Array[] = [];
  /** levelStart[L]: the id of the first state of level L. */
  readonly levelStart: number[] = [0];
  /** Per level (index L >= 1): does a link hold offset * nA + action (true) or only the offset (false)? */
  readonly packed: boolean[] = [true];
  /** For wide levels: the action of each of its states, by offset within the level, in chunks. */
  readonly wide = new Map<number, Uint32Array[]>();

  /** The pack limit in force when this search started (linkLimits.packLimit). */
  readonly packLimit = linkLimits.packLimit;

  constructor(readonly nA: number) {}

  /** Would a level whose parent level has `parents` states be packed? */
  packs(parents: number): boolean {
    return parents * Math.max(1, this.nA) <= this.packLimit;
  }

  bytes(): number {
    let b = this.chunks.length * LINK_CHUNK * 4;
    for (const w of this.wide.values()) b += w.length * LINK_CHUNK * 4;
    return b;
  }

  /** The level of state `id` (binary search over the level starts). */
  levelOf(id: number): number {
    const ls = this.levelStart;
    let lo = 0;
    let hi = ls.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (ls[mid]! <= id) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  link(id: number): number {
    const c = this.chunks[id >>> LINK_CHUNK_BITS];
    if (c === undefined) throw new TraceRebuildError(`state ${id} has no link`);
    return c[id & LINK_MASK]!;
  }

  /** Action indices from an initial state to state `id`; element 0 is the init index. */
  pathTo(id: number, count: number): number[] {
    const path: number[] = [];
    let cur = id;
    for (let guard = 0; guard <= count; guard++) {
      const L = this.levelOf(cur);
      const link = this.link(cur);
      if (L === 0) {
        path.push(link);
        return path.reverse();
      }
      let off: number;
      if (this.packed[L] === true) {
        off = Math.floor(link / this.nA);
        path.push(link - off * this.nA);
      } else {
        off = link;
        const i = cur - this.levelStart[L]!;
        const w = this.wide.get(L)?.[i >>> LINK_CHUNK_BITS];
        if (w === undefined) throw new TraceRebuildError(`state ${cur} has no action`);
        path.push(w[i & LINK_MASK]!);
      }
      cur = this.levelStart[L - 1]! + off;
    }
    throw new TraceRebuildError('parent chain has a cycle');
  }
}
