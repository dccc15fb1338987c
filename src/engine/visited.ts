// The visited set of fingerprint mode, an ordered linear-probing table (Amble
// & Knuth, "Ordered hash tables", 1974) that keeps a big table's fingerprints
// 11 bits wider in the same 8 bytes a slot by quotienting (Cleary, "Compact
// hash tables using bidirectional linear probing", 1984).
//
// - A fingerprint (hash.ts) is h and l of 32 bits and m of 11 (1..2047).
//   Its home slot is h, as an unsigned number, scaled to the table:
//   floor(h * cap / 2^32). So the table can have any size: it grows by
//   GROWTH (1.3), not by doubling, and stays between LOAD_MAX / GROWTH and
//   LOAD_MAX (69 % and 90 %) full, which is what keeps the bytes per stored
//   state low: 8 / 0.69 = 11.6 at worst, plus 4 for the link (links.ts);
//   and home order is fingerprint order.
// - The whole table is kept in increasing fingerprint order (unsigned h, then
//   l, then m): inserting shifts the rest of its run up by one slot. Runs never
//   wrap around: past the `cap` home slots there are OVERFLOW more, and a run
//   that would leave the table makes it grow. A lookup therefore stops at the
//   first empty slot *or larger fingerprint*, so a miss costs as little as a
//   hit: about (1 + 1/(1 - load)) / 2 slots instead of linear probing's
//   (1 + 1/(1 - load)^2) / 2, i.e. 5.5 instead of 50 at 90 % full, which is
//   what makes a high load affordable.
// - Two layouts, both 8 bytes a slot. Below COMPACT_FROM home slots (under a
//   million states) a slot is h and l as they are, and m is not kept: those
//   tables' fingerprints are 64 bits (h is never 0, so h = 0 marks an empty
//   slot). From COMPACT_FROM on, the home slot already says which interval of
//   2^32 / cap <= 4096 values h lies in, so a slot keeps only h's offset r in
//   that interval (13 bits) and the slot's distance from its home (8 bits, + 1
//   so that 0 marks an empty slot), and all of l and m: 13 + 32 + 11 + 8 = 64
//   bits. The offset is taken from base(home), a fixed function of the home a
//   few values below the interval's start, so r increases with h within a
//   home and the slot order stays fingerprint order. A distance past 254 makes
//   the table grow (at 90 % load the largest among 10^8 fingerprints is about
//   75). The fingerprints a table held when it turned compact keep m = 0,
//   which matches every m: they stay 64-bit (`narrow` counts them, for the
//   collision estimate), every one stored after is 75-bit. (A search computes
//   the third lane only once its table is compact: one inserted with m = 0
//   is narrow too, and counted.)
// - Growing is a merge: the old slots, in order, are in fingerprint order,
//   so each goes to max(its new home, the slot after the previous one). A
//   big table sits at the start of a larger ArrayBuffer reserved once (its
//   pages are not touched, so they cost nothing until used) and grows in
//   place: every fingerprint moves up, never down, so the merge runs
//   backwards, block by block, from positions computed in a forward pass.
//   That saves a copy and the page faults of a fresh table at every growth.
//   A table turning compact is copied into a fresh one.

/** Grow when more than this fraction of slots would be used… */
export const LOAD_MAX = 0.9;
/** …to this many times the size. */
export const GROWTH = 1.3;
export const INITIAL_SLOTS = 4096;
/** Slots past the last home slot, for the runs that start near the end. */
export const OVERFLOW = 256;
/** 2^-32: scales a first lane (as unsigned) to a slot index. */
export const TWO_POW_M32 = 1 / 4294967296;
/** From this many home slots on, a slot holds the quotient layout (75-bit fingerprints). */
export const COMPACT_FROM = 1 << 20;
/** Bits of the third lane a fingerprint keeps (hash.ts: 1 <= FP[2] < 2^M_BITS; 0 in a slot matches any). */
export const M_BITS = 11;
/** Bits of h's offset from base(home) in a compact slot: 2^32 / COMPACT_FROM + 5 < 2^R_BITS. */
const R_BITS = 13;
const L_LOW = 32 - R_BITS; // l's low bits in the second lane: 13, then m (11), then the distance (8)
/** The largest distance from home a compact slot can hold. */
export const MAX_DISTANCE = 254;

/** Old slots per block of the in-place merge. */
const BLOCK = 4096;

/** Home slots of a table that grows from `cap` home slots. */
export const grownSlots = (cap: number): number => Math.ceil(cap * GROWTH);
/** Int32 lanes of a table with `cap` home slots. */
export const lanesFor = (cap: number): number => 2 * (cap + OVERFLOW);
/**
 * base(home) for a compact table (inv = 2^32 / cap): a value at most the
 * smallest h whose home is `home`, less than 2^R_BITS - 2^32 / cap below it.
 * Computed the same way at every use, so every use agrees.
 */
export const baseOf = (home: number, inv: number): number => Math.floor(home * inv) - 4;

/** A compact slot's first lane: h's offset from base(home) (R_BITS), then l's top bits. */
const slotHi = (hu: number, home: number, inv: number, l: number): number => ((hu - baseOf(home, inv)) << L_LOW) | (l >>> R_BITS);
/** A compact slot's second lane: l's low R_BITS bits, m (M_BITS), the distance from home + 1 (8 bits; 0 marks an empty slot). */
const slotLo = (l: number, m: number, distance: number): number => ((l & ((1 << R_BITS) - 1)) << (M_BITS + 8)) | (m << 8) | (distance + 1);

/** The first lane (unsigned) of slot i of a 64-bit table t, or -1 if the slot is empty. */
const firstLaneWide = (t: Int32Array, i: number): number => (t[2 * i] === 0 ? -1 : t[2 * i]! >>> 0);

/** The first lane (unsigned) of slot i of a compact table t (inv = 2^32 / its slots), or -1 if the slot is empty. */
function firstLaneCompact(t: Int32Array, i: number, inv: number): number {
  const lo = t[2 * i + 1]!;
  return lo === 0 ? -1 : baseOf(i + 1 - (lo & 255), inv) + (t[2 * i]! >>> L_LOW);
}

export class FingerprintSet {
  /** Home slots (the table has OVERFLOW more). */
  cap = 0;
  /** All slots: cap + OVERFLOW. */
  len = 0;
  /** cap / 2^32 */
  scale = 0;
  /** 2^32 / cap */
  inv = 0;
  /** Grow before the count passes this. */
  growAt = 0;
  /** The quotient layout (cap >= COMPACT_FROM)? */
  compact = false;
  /** Fingerprints of the compact table stored without a third lane: those it held when it turned compact, and any inserted with m = 0. */
  private narrowCompact = 0;
  table: Int32Array;
  count = 0;

  /** A set in `table` (zeroed, lanesFor(cap) lanes), or an empty one of INITIAL_SLOTS home slots. */
  constructor(cap = INITIAL_SLOTS, table: Int32Array = new Int32Array(lanesFor(cap))) {
    // (an empty table: a set never used, as in --exact mode)
    if (table.length !== 0 && table.length !== lanesFor(cap)) throw new RangeError(`a table of ${cap} home slots has ${lanesFor(cap)} lanes, not ${table.length}`);
    this.table = table;
    this.setCap(cap);
  }

  private setCap(cap: number): void {
    this.cap = cap;
    this.len = cap + OVERFLOW;
    this.scale = cap * TWO_POW_M32;
    this.inv = cap > 0 ? 4294967296 / cap : 0;
    this.growAt = Math.floor(cap * LOAD_MAX);
    this.compact = cap >= COMPACT_FROM;
  }

  /** Fingerprints stored with 64 bits (without the third lane): all of them until the table turns compact. */
  get narrow(): number {
    return this.compact ? this.narrowCompact : this.count;
  }

  get byteLength(): number {
    return this.table.byteLength;
  }

  /** The home slot of a first lane. */
  home(h: number): number {
    return ((h >>> 0) * this.scale) | 0;
  }

  /**
   * The slot holding (h, l, m), or -(p + 1) where p is where it would be
   * inserted (p may be `len`: no room, grow first).
   */
  probe(h: number, l: number, m: number): number {
    return this.compact ? this.probeCompact(h, l, m) : this.probeWide(h, l);
  }

  private probeWide(h: number, l: number): number {
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

  private probeCompact(h: number, l: number, m: number): number {
    const t = this.table;
    const len = this.len;
    const hu = h >>> 0;
    const home = (hu * this.scale) | 0;
    const ka = slotHi(hu, home, this.inv, l) >>> 0;
    const kb = (((l & ((1 << R_BITS) - 1)) << M_BITS) | m) >>> 0;
    // Entries before the home's own (lower homes, pushed here) are skipped;
    // stop at an empty slot, a higher home, or a key >= (ka, kb). A narrow
    // entry (m = 0) with the same h and l sorts just before: a hit.
    for (let i = home; i < len; i++) {
      const b = t[2 * i + 1]!;
      const eh = i + 1 - (b & 255);
      if (b === 0 || eh > home) return -i - 1;
      if (eh === home) {
        const a = t[2 * i]! >>> 0;
        if (a >= ka) {
          if (a > ka) return -i - 1;
          const bb = b >>> 8;
          if (bb >= kb) return bb === kb ? i : -i - 1;
          if (bb === kb - m) return i;
        }
      }
    }
    return -len - 1;
  }

  /**
   * Insert (h, l, m) at slot p (from probe), shifting the rest of its run up
   * by one slot. False when the run would leave the table (or, compact, a
   * distance would pass MAX_DISTANCE): grow and retry.
   */
  insertAt(p: number, h: number, l: number, m: number): boolean {
    if (p >= this.len) return false;
    if (!(this.compact ? this.insertCompact(p, h, l, m) : this.insertWide(p, h, l))) return false;
    this.count++;
    return true;
  }

  private insertWide(p: number, h: number, l: number): boolean {
    const t = this.table;
    if (t[2 * p] !== 0) {
      const len = this.len;
      let e = p + 1;
      while (e < len && t[2 * e] !== 0) e++;
      if (e === len) return false;
      // runs are short (a few slots at 90 % load): a loop beats copyWithin's call
      if (e - p <= 16) for (let k = 2 * e + 1; k >= 2 * p + 2; k--) t[k] = t[k - 2]!;
      else t.copyWithin(2 * p + 2, 2 * p, 2 * e);
    }
    t[2 * p] = h;
    t[2 * p + 1] = l;
    return true;
  }

  private insertCompact(p: number, h: number, l: number, m: number): boolean {
    const t = this.table;
    const len = this.len;
    const hu = h >>> 0;
    const home = (hu * this.scale) | 0;
    if (p - home > MAX_DISTANCE) return false;
    let e = p;
    for (; e < len; e++) {
      const b = t[2 * e + 1]!;
      if (b === 0) break;
      if ((b & 255) === MAX_DISTANCE + 1) return false;
    }
    if (e === len) return false;
    // every entry of the run moves one slot further from its home
    for (let k = e; k > p; k--) {
      t[2 * k] = t[2 * k - 2]!;
      t[2 * k + 1] = t[2 * k - 1]! + 1;
    }
    t[2 * p] = slotHi(hu, home, this.inv, l);
    t[2 * p + 1] = slotLo(l, m, p - home);
    if (m === 0) this.narrowCompact++;
    return true;
  }

  /** Add (h, l, m) if absent: 1 if added, 0 if present, -1 if there was no room (grow and retry). */
  add(h: number, l: number, m: number): number {
    const p = this.probe(h, l, m);
    if (p >= 0) return 0;
    return this.insertAt(-p - 1, h, l, m) ? 1 : -1;
  }

  /** The fingerprint in slot i (occupied) into out: [h, l, m] (m = 0: not kept). */
  read(i: number, out: Int32Array): void {
    const t = this.table;
    if (this.compact) {
      const a = t[2 * i]!;
      const b = t[2 * i + 1]!;
      const home = i + 1 - (b & 255);
      out[0] = baseOf(home, this.inv) + (a >>> L_LOW);
      out[1] = (a << R_BITS) | (b >>> (M_BITS + 8));
      out[2] = (b >>> 8) & ((1 << M_BITS) - 1);
    } else {
      out[0] = t[2 * i]!;
      out[1] = t[2 * i + 1]!;
      out[2] = 0;
    }
  }

  /** Is slot i occupied? */
  occupied(i: number): boolean {
    return this.table[this.compact ? 2 * i + 1 : 2 * i] !== 0;
  }

  /** Can the table grow in place to `newCap` home slots (is its buffer big enough)? */
  roomFor(newCap: number): boolean {
    return this.table.byteOffset + lanesFor(newCap) * 4 <= this.table.buffer.byteLength;
  }

  /**
   * Grow to `newCap` home slots within the table's own buffer (roomFor(newCap)
   * must hold; the bytes past the table must be zero, as they are in a fresh
   * buffer). False (and nothing changed) if the fingerprints do not fit.
   * The two layouts keep separate loops of the same two passes: the 64-bit
   * one reads each first lane directly and runs branch-free, the compact one
   * decodes and re-encodes it (60-70 % slower in a microbenchmark) and bounds
   * distances; one shared loop would put that per-slot choice in both.
   */
  growInPlace(newCap: number): boolean {
    return newCap >= COMPACT_FROM ? this.growCompactInPlace(newCap) : this.growWideInPlace(newCap);
  }

  private growWideInPlace(newCap: number): boolean {
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
    this.setCap(newCap);
    return true;
  }

  /**
   * growInPlace into the compact layout, from the compact one or (once a
   * search) from the 64-bit one: each fingerprint's first lane is decoded
   * (compact: base(old home) + offset) and encoded against its new home.
   */
  private growCompactInPlace(newCap: number): boolean {
    const newLen = newCap + OVERFLOW;
    const t = new Int32Array(this.table.buffer, this.table.byteOffset, 2 * newLen);
    const oldLen = this.len;
    const from = this.compact;
    const oldInv = this.inv;
    const scale = newCap * TWO_POW_M32;
    const inv = 4294967296 / newCap;
    // forward: where each block's first fingerprint goes (and whether every distance fits)
    const nb = Math.ceil(oldLen / BLOCK);
    const starts = new Int32Array(nb);
    let next = 0;
    for (let b = 0; b < nb; b++) {
      starts[b] = next;
      const end = Math.min(oldLen, (b + 1) * BLOCK);
      for (let i = b * BLOCK; i < end; i++) {
        const hu = from ? firstLaneCompact(t, i, oldInv) : firstLaneWide(t, i);
        if (hu < 0) continue;
        const home = (hu * scale) | 0;
        const p = home > next ? home : next;
        if (p - home > MAX_DISTANCE) return false;
        next = p + 1;
      }
    }
    if (next > newLen) return false;
    // backward: every fingerprint moves up (its new place is at or after its old one)
    const pos = this.blockPos;
    const hi = this.blockHi;
    const lo = this.blockLo;
    for (let b = nb - 1; b >= 0; b--) {
      const start = b * BLOCK;
      const end = Math.min(oldLen, start + BLOCK);
      let nx = starts[b]!;
      for (let i = start; i < end; i++) {
        const hu = from ? firstLaneCompact(t, i, oldInv) : firstLaneWide(t, i);
        if (hu < 0) {
          pos[i - start] = -1;
          continue;
        }
        const home = (hu * scale) | 0;
        const p = home > nx ? home : nx;
        pos[i - start] = p;
        // the first lane: the offset from the new base; the second: l's low bits, m (0 from the 64-bit layout), the new distance
        if (from) {
          hi[i - start] = ((hu - baseOf(home, inv)) << L_LOW) | (t[2 * i]! & ((1 << L_LOW) - 1));
          lo[i - start] = (t[2 * i + 1]! & ~255) | (p - home + 1);
        } else {
          const l = t[2 * i + 1]!;
          hi[i - start] = slotHi(hu, home, inv, l);
          lo[i - start] = slotLo(l, 0, p - home);
        }
        nx = p + 1;
      }
      for (let i = end - 1; i >= start; i--) {
        const p = pos[i - start]!;
        if (p < 0) continue;
        t[2 * i] = 0;
        t[2 * i + 1] = 0;
        t[2 * p] = hi[i - start]!;
        t[2 * p + 1] = lo[i - start]!;
      }
    }
    if (!from) this.narrowCompact = this.count;
    this.table = t;
    this.setCap(newCap);
    return true;
  }


  private readonly blockPos = new Int32Array(BLOCK);
  private readonly blockHi = new Int32Array(BLOCK);
  private readonly blockLo = new Int32Array(BLOCK);

  /**
   * Move every fingerprint into `fresh` (a zeroed table of lanesFor(cap)
   * lanes), which becomes the table. False (and nothing changed) if they do
   * not fit: try a bigger one.
   */
  rehashInto(fresh: Int32Array, cap: number): boolean {
    const oldLen = this.len;
    const len = cap + OVERFLOW;
    const scale = cap * TWO_POW_M32;
    const inv = 4294967296 / cap;
    const compact = cap >= COMPACT_FROM;
    const f = this.fp;
    // old slots in order are in fingerprint order: each goes to max(home, previous + 1)
    let next = 0;
    if (!this.compact) {
      // from the 64-bit layout: a tight loop (this copy is the switch to compact, once a search)
      const old = this.table;
      for (let i = 0; i < oldLen; i++) {
        const h = old[2 * i]!;
        if (h === 0) continue;
        const l = old[2 * i + 1]!;
        const hu = h >>> 0;
        const home = (hu * scale) | 0;
        const p = home > next ? home : next;
        if (p >= len || (compact && p - home > MAX_DISTANCE)) {
          fresh.fill(0);
          return false;
        }
        if (compact) {
          fresh[2 * p] = slotHi(hu, home, inv, l);
          fresh[2 * p + 1] = slotLo(l, 0, p - home);
        } else {
          fresh[2 * p] = h;
          fresh[2 * p + 1] = l;
        }
        next = p + 1;
      }
      if (compact) this.narrowCompact = this.count;
      this.table = fresh;
      this.setCap(cap);
      return true;
    }
    // compact to compact (a table only grows): re-encode each against its new home
    for (let i = 0; i < oldLen; i++) {
      if (!this.occupied(i)) continue;
      this.read(i, f);
      const hu = f[0]! >>> 0;
      const home = (hu * scale) | 0;
      const p = home > next ? home : next;
      if (p >= len || p - home > MAX_DISTANCE) {
        fresh.fill(0);
        return false;
      }
      fresh[2 * p] = slotHi(hu, home, inv, f[1]!);
      fresh[2 * p + 1] = slotLo(f[1]!, f[2]!, p - home);
      next = p + 1;
    }
    this.table = fresh;
    this.setCap(cap);
    return true;
  }

  private readonly fp = new Int32Array(3);
}
