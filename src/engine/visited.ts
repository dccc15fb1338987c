// The visited set of fingerprint mode: 64-bit fingerprints (two int32 lanes
// per slot, `cap` slots) in an ordered linear-probing table (Amble & Knuth,
// "Ordered hash tables", 1974).
//
// - A fingerprint's home slot is its first lane, as an unsigned number,
//   scaled to the table: floor(h * cap / 2^32). So the table can have any
//   size: it grows by GROWTH (1.3), not by doubling, and stays between
//   LOAD_MAX / GROWTH and LOAD_MAX (69 % and 90 %) full, which is what keeps
//   the bytes per stored state low: 8 / 0.69 = 11.6 at worst, plus 4 for
//   the link (links.ts); and home order is fingerprint order.
// - The whole table is kept in increasing fingerprint order (unsigned, first
//   lane then second): inserting shifts the rest of its run up by one slot.
//   Runs never wrap around: past the `cap` home slots there are OVERFLOW
//   more, and a run that would leave the table makes it grow. A lookup
//   therefore stops at the first empty slot *or larger fingerprint*, so a
//   miss costs as little as a hit: about (1 + 1/(1 - load)) / 2 slots
//   instead of linear probing's (1 + 1/(1 - load)^2) / 2, i.e. 5.5 instead
//   of 50 at 90 % full, which is what makes a high load affordable.
// - The first lane is never 0 (hash.ts), so 0 marks an empty slot.
// - Growing is a merge: the old slots, in order, are in fingerprint order,
//   so each goes to max(its new home, the slot after the previous one). A
//   big table sits at the start of a larger ArrayBuffer reserved once (its
//   pages are not touched, so they cost nothing until used) and grows in
//   place: every fingerprint moves up, never down, so the merge runs
//   backwards, block by block, from positions computed in a forward pass.
//   That saves a copy and the page faults of a fresh table at every growth.

/** Grow when more than this fraction of slots would be used… */
export const LOAD_MAX = 0.9;
/** …to this many times the size. */
export const GROWTH = 1.3;
export const INITIAL_SLOTS = 4096;
/** Slots past the last home slot, for the runs that start near the end. */
export const OVERFLOW = 256;
/** 2^-32: scales a first lane (as unsigned) to a slot index. */
export const TWO_POW_M32 = 1 / 4294967296;

/** Old slots per block of the in-place merge. */
const BLOCK = 4096;

/** Home slots of a table that grows from `cap` home slots. */
export const grownSlots = (cap: number): number => Math.ceil(cap * GROWTH);
/** Int32 lanes of a table with `cap` home slots. */
export const lanesFor = (cap: number): number => 2 * (cap + OVERFLOW);

export class FingerprintSet {
  /** Home slots (the table has OVERFLOW more). */
  cap: number;
  /** All slots: cap + OVERFLOW. */
  len: number;
  /** cap / 2^32 */
  scale: number;
  /** Grow before the count passes this. */
  growAt: number;
  table: Int32Array;
  count = 0;

  constructor(table: Int32Array = new Int32Array(lanesFor(INITIAL_SLOTS))) {
    this.table = table;
    this.len = table.length >>> 1;
    this.cap = Math.max(0, this.len - OVERFLOW);
    this.scale = this.cap * TWO_POW_M32;
    this.growAt = Math.floor(this.cap * LOAD_MAX);
  }

  get byteLength(): number {
    return this.table.byteLength;
  }

  /** The home slot of a first lane. */
  home(h: number): number {
    return ((h >>> 0) * this.scale) | 0;
  }

  /**
   * The slot holding (h, l), or -(p + 1) where p is where it would be
   * inserted (p may be `len`: no room, grow first).
   */
  probe(h: number, l: number): number {
    const t = this.table;
    const len = this.len;
    const hu = h >>> 0;
    const lu = l >>> 0;
    let i = (hu * this.scale) | 0;
    // Stop at the first empty slot or the first fingerprint >= (h, l). Every
    // comparison runs at every slot (the second lane is on the same cache
    // line): a branch taken only on a rare first-lane match would have no type
    // feedback when the caller is optimised, and deoptimise it when it is.
    for (; i < len; i++) {
      const x = t[2 * i]!;
      const xu = x >>> 0;
      const yu = t[2 * i + 1]! >>> 0;
      const past = xu > hu;
      const same = xu === hu;
      const ge = yu >= lu;
      if (x === 0 || past || (same && ge)) return same && yu === lu ? i : -i - 1;
    }
    return -len - 1;
  }

  /**
   * Insert (h, l) at slot p (from probe), shifting the rest of its run up by
   * one slot. False when the run would leave the table: grow and retry.
   */
  insertAt(p: number, h: number, l: number): boolean {
    const t = this.table;
    const len = this.len;
    if (p >= len) return false;
    if (t[2 * p] !== 0) {
      let e = p + 1;
      while (e < len && t[2 * e] !== 0) e++;
      if (e === len) return false;
      // runs are short (a few slots at 90 % load): a loop beats copyWithin's call
      if (e - p <= 16) for (let k = 2 * e + 1; k >= 2 * p + 2; k--) t[k] = t[k - 2]!;
      else t.copyWithin(2 * p + 2, 2 * p, 2 * e);
    }
    t[2 * p] = h;
    t[2 * p + 1] = l;
    this.count++;
    return true;
  }

  /** Can the table grow in place to `newCap` home slots (is its buffer big enough)? */
  roomFor(newCap: number): boolean {
    return this.table.byteOffset + lanesFor(newCap) * 4 <= this.table.buffer.byteLength;
  }

  /**
   * Grow to `newCap` home slots within the table's own buffer (roomFor(newCap)
   * must hold; the bytes past the table must be zero, as they are in a fresh
   * buffer). False (and nothing changed) if the fingerprints do not fit.
   */
  growInPlace(newCap: number): boolean {
    const newLen = newCap + OVERFLOW;
    const t = new Int32Array(this.table.buffer, this.table.byteOffset, 2 * newLen);
    const oldLen = this.len;
    const scale = newCap * TWO_POW_M32;
    // forward: where each block's first fingerprint goes
    const nb = Math.ceil(oldLen / BLOCK);
    const starts = new Int32Array(nb);
    let next = 0;
    for (let b = 0; b < nb; b++) {
      starts[b] = next;
      const end = Math.min(oldLen, (b + 1) * BLOCK);
      for (let i = b * BLOCK; i < end; i++) {
        // branch-free: next = h === 0 ? next : max(home, next) + 1
        const h = t[2 * i]!;
        const d = (((h >>> 0) * scale) | 0) - next;
        next += ((d & ~(d >> 31)) + 1) & -((h !== 0) as unknown as number);
      }
    }
    if (next > newLen) return false;
    // backward: every fingerprint moves up (its new place is at or after its old one)
    const pos = this.blockPos;
    for (let b = nb - 1; b >= 0; b--) {
      const start = b * BLOCK;
      const end = Math.min(oldLen, start + BLOCK);
      let nx = starts[b]!;
      for (let i = start; i < end; i++) {
        // branch-free: an empty slot gets position -1 and leaves nx as it is
        const h = t[2 * i]!;
        const d = (((h >>> 0) * scale) | 0) - nx;
        const p = nx + (d & ~(d >> 31));
        const z = -((h !== 0) as unknown as number);
        pos[i - start] = (p & z) | ~z;
        nx += (p + 1 - nx) & z;
      }
      for (let i = end - 1; i >= start; i--) {
        const p = pos[i - start]!;
        if (p <= i) continue; // empty (-1) or staying
        t[2 * p] = t[2 * i]!;
        t[2 * p + 1] = t[2 * i + 1]!;
        t[2 * i] = 0;
        t[2 * i + 1] = 0;
      }
    }
    this.table = t;
    this.len = newLen;
    this.cap = newCap;
    this.scale = scale;
    this.growAt = Math.floor(newCap * LOAD_MAX);
    return true;
  }

  private readonly blockPos = new Int32Array(BLOCK);

  /** Add (h, l) if absent: 1 if added, 0 if present, -1 if there was no room (grow and retry). */
  add(h: number, l: number): number {
    const p = this.probe(h, l);
    if (p >= 0) return 0;
    return this.insertAt(-p - 1, h, l) ? 1 : -1;
  }

  /**
   * Move every fingerprint into `fresh` (a zeroed table of lanesFor(newCap)
   * lanes), which becomes the table. False (and nothing changed) if they do
   * not fit: try a bigger one.
   */
  rehashInto(fresh: Int32Array): boolean {
    const old = this.table;
    const oldLen = this.len;
    const len = fresh.length >>> 1;
    const cap = Math.max(0, len - OVERFLOW);
    const scale = cap * TWO_POW_M32;
    // old slots in order are in fingerprint order: each goes to max(home, previous + 1)
    let next = 0;
    for (let i = 0; i < oldLen; i++) {
      const h = old[2 * i]!;
      if (h === 0) continue;
      const home = ((h >>> 0) * scale) | 0;
      const p = home > next ? home : next;
      if (p >= len) {
        fresh.fill(0);
        return false;
      }
      fresh[2 * p] = h;
      fresh[2 * p + 1] = old[2 * i + 1]!;
      next = p + 1;
    }
    this.table = fresh;
    this.len = len;
    this.cap = cap;
    this.scale = scale;
    this.growAt = Math.floor(cap * LOAD_MAX);
    return true;
  }
}
