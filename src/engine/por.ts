// Partial-order reduction: strong stubborn sets from declared footprints.
//
// Each action declares the fields it may read (guard and effect) and write,
// in any state (Action.reads / writes), and optionally a conjunct of its
// guard over a few fields (Action.necessary, a process's location in SPIN's
// terms). Two actions are dependent when one writes what the other reads or
// writes. In a state s, a stubborn set T is closed under:
//   - an enabled action in T brings every action dependent on it;
//   - a disabled action in T brings a necessary enabling set: the writers
//     of its false `necessary` conjunct's fields, else of everything it reads.
// Then no sequence of actions outside T can change what T's actions see, or
// enable one of them (Valmari's strong stubborn sets); expanding only T's
// enabled actions keeps every reachable deadlock. For state properties the
// actions writing a field some property reads are visible, and a reduced
// expansion contains none of them (Peled's C2); a step property's watched
// actions count as visible. The ignoring problem is closed by a proviso
// that needs no level bookkeeping: a state is expanded fully if a successor
// by T is the state itself or a state already expanded with a proper subset.
// On any cycle of the reduced graph take the state expanded first, v, and
// its predecessor u on the cycle: when u was expanded v already had been, so
// either v was expanded fully or the proviso expanded u fully. Every cycle
// thus keeps a fully expanded state (C3), and no action is ignored forever.
// A range error (an effect writing out of its field's bounds) is a visible
// step too: a state with one is expanded fully. The footprints themselves
// are trusted here and proven by footprint-check.ts.
//
// Liveness and non-progress cycles are not reduced here: the liveness search
// (liveness.ts) explores the full graph itself.

import type { Action, Model, Move, Property } from './model.js';
import type { Field } from './schema.js';

/** Why reduction does not apply (one line), or the plan. */
export type PorSetup = { readonly ok: true; readonly plan: StubbornSets } | { readonly ok: false; readonly reason: string };

/** Per-word bit masks of a set of fields in a W-word state. */
function masksOf(fields: readonly Field[], W: number): { readonly words: Uint32Array } {
  const words = new Uint32Array(W);
  for (const f of fields) {
    // a 0-bit field (a constant) can be neither read usefully nor written: it adds nothing
    if (f.bits === 0) continue;
    words[f.word] = (words[f.word]! | ((f.mask << f.shift) >>> 0)) >>> 0;
  }
  return { words };
}

const overlaps = (a: Uint32Array, b: Uint32Array): boolean => {
  for (let i = 0; i < a.length; i++) if ((a[i]! & b[i]!) !== 0) return true;
  return false;
};

/**
 * Decide whether a search of `m` can be reduced (every action and property
 * declares its footprint) and, if so, build the dependency tables.
 */
export function planPor(m: Model): PorSetup {
  const W = m.layout.words;
  if (m.porUnsupported !== undefined) return { ok: false, reason: m.porUnsupported };
  for (const a of m.actions) {
    if (a.reads === undefined || a.writes === undefined) return { ok: false, reason: `action '${a.label}' declares no footprint (reads and writes)` };
  }
  let quiescentProps = false;
  for (const p of m.properties) {
    if (p.reads === undefined) return { ok: false, reason: `property ${p.name} declares no reads` };
    if (p.kind === 'step' && p.watches === undefined) return { ok: false, reason: `step property ${p.name} can fail on any action (it declares no watches)` };
    for (const l of p.locations ?? []) {
      if (!p.reads.includes(l.field)) return { ok: false, reason: `property ${p.name} names location ${l.field.path}, which it does not read` };
    }
    if (p.kind === 'quiescent') quiescentProps = true;
  }
  if (quiescentProps && m.isQuiescent !== undefined && m.quiescentReads === undefined) {
    return { ok: false, reason: 'the model does not declare what its quiescent-state test reads' };
  }
  const visible = m.actions.map((a) => isVisible(a, m, W));
  return { ok: true, plan: new StubbornSets(m.actions, W, visible) };
}

/**
 * Can action a change what some property observes (C2)? It can if it writes
 * a field a property reads, unless that field is one of the property's
 * locations and the step moves it within the location's set of values or
 * within its complement; a step property's watched actions are visible.
 */
function isVisible(a: Action, m: Model, W: number): boolean {
  const writes = masksOf(footprintWrites(a), W).words;
  const observed = (p: { readonly reads?: readonly Field[]; readonly locations?: Property['locations'] }): boolean => {
    const locs = p.locations ?? [];
    const plain = (p.reads ?? []).filter((f) => !locs.some((l) => l.field === f));
    if (overlaps(writes, masksOf(plain, W).words)) return true;
    for (const l of locs) {
      if (!overlaps(writes, masksOf([l.field], W).words)) continue;
      const mv: Move | undefined = a.moves;
      if (mv === undefined || mv.field !== l.field) return true;
      if (l.values.includes(mv.from) !== l.values.includes(mv.to)) return true;
    }
    return false;
  };
  for (const p of m.properties) {
    if (observed(p)) return true;
    if (p.kind === 'step' && p.watches!(a)) return true;
  }
  if (m.quiescentReads !== undefined && m.properties.some((p) => p.kind === 'quiescent') && observed({ reads: m.quiescentReads })) return true;
  return false;
}

/**
 * Can b, which writes a field of a's necessary conjunct, make that conjunct
 * true? Only a step that moves a's location into a's `from` (when a's
 * conjunct is its location, and b moves that same field and writes it no
 * other way); any other writer might.
 */
function canEnable(b: Action, a: Action): boolean {
  if (a.necessary !== undefined || a.moves === undefined) return true;
  const f = a.moves.field;
  if (b.moves === undefined || b.moves.field !== f || b.writes!.includes(f)) return true;
  // b needs the field at b.from: if that is a.from, the conjunct already holds when b runs
  return b.moves.to === a.moves.from && b.moves.from !== a.moves.from;
}

/** An action's reads and writes, its location field included. */
const footprintReads = (a: Action): readonly Field[] => (a.moves !== undefined ? [...a.reads!, a.moves.field] : a.reads!);
const footprintWrites = (a: Action): readonly Field[] => (a.moves !== undefined ? [...a.writes!, a.moves.field] : a.writes!);
/** The necessary conjunct: the declared one, else the location the step moves from. */
function necessaryOf(a: Action): { readonly reads: readonly Field[]; readonly holds: (s: Uint32Array) => boolean } | undefined {
  if (a.necessary !== undefined) return a.necessary;
  const mv = a.moves;
  if (mv === undefined) return undefined;
  return { reads: [mv.field], holds: (s) => mv.field.get(s) === mv.from };
}

export class StubbornSets {
  readonly nA: number;
  /** Bitset words per action set. */
  private readonly BW: number;
  /** dep[a*BW..]: the actions dependent on a (a itself excluded). */
  private readonly dep: Uint32Array;
  /** nesAll[a*BW..]: the writers of anything a reads. */
  private readonly nesAll: Uint32Array;
  /** nesNec[a*BW..]: the writers of a's necessary conjunct's fields (a has one when hasNec[a]). */
  private readonly nesNec: Uint32Array;
  private readonly hasNec: Uint8Array;
  private readonly necHolds: ((s: Uint32Array) => boolean)[];
  readonly visible: Uint8Array;
  /** How many actions are visible (for the summary line). */
  readonly visibleCount: number;

  // per-state scratch
  private readonly inT: Uint32Array;
  private readonly enabledBits: Uint32Array;
  private readonly best: Uint32Array;
  private readonly stack: Int32Array;
  /** necessary conjunct of each action in the current state: 0 unknown, 1 holds, 2 false */
  private readonly necMemo: Uint8Array;
  private readonly necStamp: Uint32Array;
  private stamp = 0;

  // A direct-mapped cache of chosen sets. The choice depends only on the
  // enabled set and on which necessary conjuncts hold, and those read only
  // the words under necWords' masks: the key is the enabled bitset and
  // those masked words; the value the chosen bitset and its enabled count.
  private readonly necWordIdx: Int32Array;
  private readonly necWordMask: Uint32Array;
  private readonly keyLen: number;
  private readonly entryLen: number;
  private readonly cache: Uint32Array;
  private readonly key: Uint32Array;
  private static readonly CACHE_BITS = 16;

  /** States expanded with a proper stubborn set, and fully (the proviso's share apart). */
  reduced = 0;
  full = 0;
  provisoFull = 0;
  /**
   * After this many states without a single proper stubborn set the search
   * stops looking (expanding fully is always sound): a model whose every
   * step is dependent or visible pays for the attempt only this long.
   */
  static readonly GIVE_UP_AFTER = 100_000;
  get givenUp(): boolean {
    return this.reduced === 0 && this.provisoFull === 0 && this.full >= StubbornSets.GIVE_UP_AFTER;
  }

  constructor(actions: readonly Action[], W: number, visible: readonly boolean[]) {
    const nA = actions.length;
    this.nA = nA;
    const BW = Math.max(1, (nA + 31) >>> 5);
    this.BW = BW;
    const reads = actions.map((a) => masksOf(footprintReads(a), W).words);
    const writes = actions.map((a) => masksOf(footprintWrites(a), W).words);
    this.dep = new Uint32Array(nA * BW);
    this.nesAll = new Uint32Array(nA * BW);
    this.nesNec = new Uint32Array(nA * BW);
    this.hasNec = new Uint8Array(nA);
    const necs = actions.map(necessaryOf);
    this.necHolds = necs.map((n) => n?.holds ?? (() => true));
    this.visible = new Uint8Array(nA);
    const set = (arr: Uint32Array, row: number, bit: number) => { arr[row * BW + (bit >>> 5)]! |= 1 << (bit & 31); };
    const nec = necs.map((n) => (n !== undefined ? masksOf(n.reads, W).words : undefined));
    for (let a = 0; a < nA; a++) {
      this.hasNec[a] = nec[a] !== undefined ? 1 : 0;
      for (let b = 0; b < nA; b++) {
        if (a !== b && (overlaps(writes[a]!, reads[b]!) || overlaps(writes[a]!, writes[b]!) || overlaps(reads[a]!, writes[b]!))) set(this.dep, a, b);
        if (overlaps(writes[b]!, reads[a]!)) set(this.nesAll, a, b);
        if (nec[a] !== undefined && overlaps(writes[b]!, nec[a]!) && canEnable(actions[b]!, actions[a]!)) set(this.nesNec, a, b);
      }
      if (visible[a]) this.visible[a] = 1;
    }
    this.visibleCount = this.visible.reduce((x, v) => x + v, 0);
    this.inT = new Uint32Array(BW);
    this.enabledBits = new Uint32Array(BW);
    this.best = new Uint32Array(BW);
    this.stack = new Int32Array(nA);
    this.necMemo = new Uint8Array(nA);
    this.necStamp = new Uint32Array(nA);
    const necUnion = new Uint32Array(W);
    for (const n of nec) if (n !== undefined) for (let w = 0; w < W; w++) necUnion[w] = (necUnion[w]! | n[w]!) >>> 0;
    const idx: number[] = [];
    for (let w = 0; w < W; w++) if (necUnion[w] !== 0) idx.push(w);
    this.necWordIdx = Int32Array.from(idx);
    this.necWordMask = Uint32Array.from(idx.map((w) => necUnion[w]!));
    this.keyLen = BW + idx.length;
    // entry: valid+count, key, chosen bitset
    this.entryLen = 1 + this.keyLen + BW;
    this.cache = new Uint32Array((1 << StubbornSets.CACHE_BITS) * this.entryLen);
    this.key = new Uint32Array(this.keyLen);
  }

  private necFalse(a: number, s: Uint32Array): boolean {
    if (this.necStamp[a] !== this.stamp) {
      this.necStamp[a] = this.stamp;
      this.necMemo[a] = this.necHolds[a]!(s) ? 1 : 2;
    }
    return this.necMemo[a] === 2;
  }

  /**
   * Choose the actions to expand in state s, whose enabled actions are
   * acts[j0..j1) (in increasing order): marks keep[j - j0] = 1 for the
   * chosen ones and returns how many, or returns -1 for a full expansion
   * (no proper stubborn set without a visible action).
   */
  choose(s: Uint32Array, acts: Int32Array, j0: number, j1: number, keep: Uint8Array): number {
    const n = j1 - j0;
    if (n <= 1) return -1;
    const BW = this.BW;
    const { enabledBits, best } = this;
    // (loops, not fill(): a builtin's call costs more than these few words, on every state)
    for (let w = 0; w < BW; w++) enabledBits[w] = 0;
    for (let j = j0; j < j1; j++) { const a = acts[j]!; enabledBits[a >>> 5]! |= 1 << (a & 31); }
    // the cache
    const { key, cache, keyLen, entryLen, necWordIdx, necWordMask } = this;
    let h = 0x811c9dc5;
    for (let w = 0; w < BW; w++) { key[w] = enabledBits[w]!; h = Math.imul(h ^ key[w]!, 0x01000193); }
    for (let i = 0; i < necWordIdx.length; i++) { const x = (s[necWordIdx[i]!]! & necWordMask[i]!) >>> 0; key[BW + i] = x; h = Math.imul(h ^ x, 0x01000193); }
    h ^= h >>> 15;
    const at = (Math.imul(h, 0x2c1b3c6d) >>> (32 - StubbornSets.CACHE_BITS)) * entryLen;
    let hit = cache[at]! !== 0;
    for (let i = 0; hit && i < keyLen; i++) if (cache[at + 1 + i] !== key[i]) hit = false;
    if (hit) {
      const count = cache[at]! - 1;
      if (count >= n) return -1;
      const b0 = at + 1 + keyLen;
      for (let j = j0; j < j1; j++) { const a = acts[j]!; keep[j - j0] = (cache[b0 + (a >>> 5)]! >>> (a & 31)) & 1; }
      return count;
    }
    const count = this.closeOver(s, acts, j0, j1, n);
    cache[at] = count + 1;
    cache.set(key, at + 1);
    cache.set(best, at + 1 + keyLen);
    if (count >= n) return -1;
    for (let j = j0; j < j1; j++) { const a = acts[j]!; keep[j - j0] = (best[a >>> 5]! >>> (a & 31)) & 1; }
    return count;
  }

  /** The smallest stubborn set found (into best) by trying each enabled invisible action as a seed; its enabled count (n: none smaller than all). */
  private closeOver(s: Uint32Array, acts: Int32Array, j0: number, j1: number, n: number): number {
    const BW = this.BW;
    const { inT, enabledBits, best, stack, dep, nesAll, nesNec, hasNec, visible } = this;
    this.stamp = (this.stamp + 1) >>> 0 || 1;
    for (let w = 0; w < BW; w++) best[w] = 0;
    let bestCount = n;
    for (let j = j0; j < j1 && bestCount > 1; j++) {
      const seed = acts[j]!;
      if (visible[seed] === 1) continue;
      for (let w = 0; w < BW; w++) inT[w] = 0;
      inT[seed >>> 5]! |= 1 << (seed & 31);
      let sp = 0;
      stack[sp++] = seed;
      let count = 0;
      let ok = true;
      while (sp > 0) {
        const t = stack[--sp]!;
        let row: Uint32Array;
        let base: number;
        if ((enabledBits[t >>> 5]! & (1 << (t & 31))) !== 0) {
          if (visible[t] === 1 || ++count >= bestCount) { ok = false; break; }
          row = dep;
          base = t * BW;
        } else {
          row = hasNec[t] === 1 && this.necFalse(t, s) ? nesNec : nesAll;
          base = t * BW;
        }
        for (let w = 0; w < BW; w++) {
          let add = row[base + w]! & ~inT[w]!;
          if (add === 0) continue;
          inT[w]! |= add;
          while (add !== 0) {
            const low = add & -add;
            stack[sp++] = (w << 5) + 31 - Math.clz32(low);
            add ^= low;
          }
        }
      }
      if (!ok) continue;
      bestCount = count;
      for (let w = 0; w < BW; w++) best[w] = inT[w]!;
    }
    return bestCount;
  }
}
