// Symmetry of interchangeable pages (scenario "symmetry" groups): renaming
// identical file pages — with their PTEs, their holders, and whatever
// points at them — maps runs to runs, so the engine need only keep one
// state per orbit. canonicalize() picks the representative by sorting a
// group's members on everything about them that the renaming moves, then
// moving member data and re-pointing the references. It also clears the
// fields that mean nothing in the current program counter (a holder's page
// before it grabs one), so equal states are equal words.

import type { Field } from '../../src/engine/schema.js';
import { FLUSHER, FSYNC, HOLDER, OWNER, RECLAIM, TRUNCATE, fsyncPages, fsyncPasses, type Kernel } from './kernel.js';

/** A page lock held by one of the member's own holders, in a key: this plus its index among them. */
const OWN_HOLDER = 1 << 20;

const scalars = (rec: object): Field[] => Object.values(rec) as Field[];

/** The canonicaliser for the kernel's symmetry groups, or undefined when the scenario declares none. */
export function kernelCanonicalizer(k: Kernel): ((s: Uint32Array) => void) | undefined {
  const pages = pageCanonicalizer(k);
  const holders = holderCanonicalizer(k);
  if (pages === undefined) return holders;
  if (holders === undefined) return pages;
  return (s) => { pages(s); holders(s); };
}

/**
 * Interchangeable holders of one page (a scenario group of holder names):
 * sort them on their own records (fsync's DMA ghost included) and the page
 * locks they hold, then move the records and re-point the locks. Nothing
 * else names a holder in the state: actions and properties name it by
 * their parameters, and traces are made concrete again.
 */
function holderCanonicalizer(k: Kernel): ((s: Uint32Array) => void) | undefined {
  if (k.sh.holderSymmetry.length === 0) return undefined;
  const Y = k.root.fsync;
  const NP = k.NP;
  const groups = k.sh.holderSymmetry.map((hs) => {
    const fields = hs.map((h) => [...scalars(k.hd[h]!), ...(Y !== undefined ? [Y.dma[k.sh.holders[h]!.id]!] : [])]);
    const nf = fields[0]!.length;
    const width = nf + NP; // + the page locks it holds
    const n = hs.length;
    return { hs, fields, nf, width, n, keys: new Int32Array(n * width), order: Array.from({ length: n }, (_, i) => i) };
  });
  return (s) => {
    for (const G of groups) {
      const { hs, fields, nf, width, n, keys, order } = G;
      for (let i = 0; i < n; i++) {
        const o = i * width;
        const fs = fields[i]!;
        for (let f = 0; f < nf; f++) keys[o + f] = fs[f]!.get(s);
        const owner = OWNER.holderBase + hs[i]!;
        for (let p = 0; p < NP; p++) keys[o + nf + p] = k.pg[p]!.PG_locked.get(s) === owner ? 1 : 0;
      }
      for (let i = 0; i < n; i++) order[i] = i;
      for (let i = 1; i < n; i++) {
        const m = order[i]!;
        let j = i - 1;
        while (j >= 0 && compare(keys, order[j]! * width, m * width, width) > 0) { order[j + 1] = order[j]!; j--; }
        order[j + 1] = m;
      }
      for (let r = 0; r < n; r++) {
        if (order[r] === r) continue;
        const from = order[r]! * width;
        const fs = fields[r]!;
        for (let f = 0; f < nf; f++) fs[f]!.set(s, keys[from + f]!);
        for (let p = 0; p < NP; p++) if (keys[from + nf + p] === 1) k.pg[p]!.PG_locked.set(s, OWNER.holderBase + hs[r]!);
      }
    }
  };
}

/** Interchangeable pages (a scenario group of page names), with their PTEs and holders. */
function pageCanonicalizer(k: Kernel): ((s: Uint32Array) => void) | undefined {
  if (k.sh.symmetry.length === 0) return undefined;
  const F = k.root.flusher;
  const R = k.root.kswapd;
  const T = k.root.truncate;
  const Y = k.root.fsync;
  const fsPages = fsyncPages(k.sh);
  const fsPos = new Map(fsPages.map((p, i) => [p, i]));
  /** fsync's per-page record of member page p (its tag, ghosts and passes), or none. */
  const fsyncFields = (p: number): Field[] => {
    if (Y === undefined || !fsPos.has(p)) return [];
    const id = k.sh.pages[p]!.id;
    return [Y.towrite[id]!, Y.want[id]!, Y.completed[id]!, fsyncPasses(Y).written![id]!, fsyncPasses(Y).waited![id]!];
  };
  const doneOf = k.sh.fileSlots.map((p) => T?.done[k.sh.pages[p]!.id]);
  const slotPos = new Map(k.sh.fileSlots.map((p, i) => [p, i]));
  const groups = k.sh.symmetry.map((g) => {
    const n = g.pages.length;
    const pageFields = g.pages.map((p) => [...scalars(k.pg[p]!), ...fsyncFields(p)]);
    // Per member: its VMAs' fields but the page pointer, and its holders' fields but the page pointer.
    const vmaFields = g.vmas.map((vs) => vs.flatMap((v, q) => (v < 0 ? [] : scalars(k.pr[q]!.vma[v]!).filter((f) => f !== k.pr[q]!.vma[v]!.pfn))));
    const vmaPfn = g.vmas.map((vs) => vs.flatMap((v, q) => (v < 0 ? [] : [k.pr[q]!.vma[v]!])));
    const holderFields = g.holders.map((hs) => hs.flatMap((h) => [...scalars(k.hd[h]!).filter((f) => f !== k.hd[h]!.page), ...(Y !== undefined ? [Y.dma[k.sh.holders[h]!.id]!] : [])]));
    const memberFields = pageFields.map((pf, i) => [...pf, ...vmaFields[i]!, ...holderFields[i]!]);
    const width = memberFields[0]!.length + 5; // + flusher, kswapd, truncate on it, truncate done, fsync writing it
    const pos = g.pages.map((p) => slotPos.get(p)!);
    const lockAt = pageFields[0]!.indexOf(k.pg[g.pages[0]!]!.PG_locked);
    // compareMembers runs on every successor: the member fields as raw word positions (the same
    // field of every member has the same bounds, so raw values order as the values do).
    const nf = memberFields[0]!.length;
    const all = memberFields.flat();
    const raw = { word: Int32Array.from(all, (f) => f.word), shift: Int32Array.from(all, (f) => f.shift), mask: Int32Array.from(all, (f) => f.mask) };
    // normalise's writes: (present, pfn, page) per VMA entry and (pc, page field, page) per holder, each page within its field's range
    const ptes = g.pages.flatMap((p, i) => vmaPfn[i]!.map((e) => ({ present: e.present, pfn: e.pfn, p })));
    const hold = g.pages.flatMap((p, i) => g.holders[i]!.map((h) => ({ pc: k.hd[h]!.pc, page: k.hd[h]!.page, p })));
    for (const [f, p] of [...ptes.map((x) => [x.pfn, x.p] as const), ...hold.map((x) => [x.page, x.p] as const)]) {
      if (p < f.min || p > f.max || f.min > 0 || f.max < 0) throw new Error(`symmetry: ${f.path} cannot hold page ${p} and 0`);
    }
    // Moving member m's data to member r, a word at a time: its fields (the page lock apart) grouped
    // by (r's word, m's word, shift between them), each group one masked shift. The same field of
    // two members has the same width and minimum, so raw bits move as they are.
    const moveRuns = (m: number, r: number): Int32Array => {
      const runs = new Map<string, { dw: number; sw: number; delta: number; mask: number }>();
      for (let f = 0; f < nf; f++) {
        if (f === lockAt) continue;
        const a = memberFields[m]![f]!;
        const b = memberFields[r]![f]!;
        if (a.mask !== b.mask || a.min !== b.min) throw new Error(`symmetry: ${a.path} and ${b.path} differ in range`);
        const key = `${b.word},${a.word},${b.shift - a.shift}`;
        const x = runs.get(key) ?? { dw: b.word, sw: a.word, delta: b.shift - a.shift, mask: 0 };
        x.mask = (x.mask | (a.mask << a.shift)) >>> 0;
        runs.set(key, x);
      }
      // per run: destination word, source word, source mask, destination mask, delta
      return Int32Array.from([...runs.values()].flatMap((x) => [x.dw, x.sw, x.mask | 0, (x.delta >= 0 ? x.mask << x.delta : x.mask >>> -x.delta) | 0, x.delta]));
    };
    const moves = Array.from({ length: n * n }, (_, i) => moveRuns(Math.floor(i / n), i % n));
    return {
      g, n, memberFields, vmaPfn, width, pos, lockAt, order: Array.from({ length: n }, (_, i) => i),
      nf, raw, ptes, hold, moves, was: new Uint32Array(k.L.words),
    };
  });

  type Group = (typeof groups)[number];
  /** One entry of member i's sort key (what the renaming moves), read on demand (no allocation per state). */
  function keyAt(G: Group, s: Uint32Array, i: number, f: number, fPage: number, rPage: number, tPage: number, yPage: number): number {
    const g = G.g;
    const fs = G.memberFields[i]!;
    const p = g.pages[i]!;
    if (f < fs.length) {
      if (f === G.lockAt) {
        // PG_locked held by a GUP holder (lock-page-over-gup): always one of the member's own.
        const lock = k.pg[p]!.PG_locked.get(s) - OWNER.holderBase;
        if (lock >= 0) return OWN_HOLDER + g.holders[i]!.indexOf(lock);
      }
      return fs[f]!.get(s);
    }
    switch (f - fs.length) {
      case 0: return fPage === p ? 1 : 0;
      case 1: return rPage === p ? 1 : 0;
      case 2: return tPage === p ? 1 : 0;
      case 3: return doneOf[G.pos[i]!]?.get(s) ?? 0;
      default: return yPage === p ? 1 : 0;
    }
  }

  /** Members i and j by their sort keys (keyAt's entries in order, read in place): negative, 0 or positive. */
  function compareMembers(G: Group, s: Uint32Array, i: number, j: number, fPage: number, rPage: number, tPage: number, yPage: number): number {
    const { nf, width, raw: { word, shift, mask } } = G;
    for (let f = 0, a = i * nf, b = j * nf; f < nf; f++, a++, b++) {
      const d = f === G.lockAt
        ? keyAt(G, s, i, f, fPage, rPage, tPage, yPage) - keyAt(G, s, j, f, fPage, rPage, tPage, yPage)
        : ((s[word[a]!]! >>> shift[a]!) & mask[a]!) - ((s[word[b]!]! >>> shift[b]!) & mask[b]!);
      if (d !== 0) return d;
    }
    for (let f = nf; f < width; f++) {
      const d = keyAt(G, s, i, f, fPage, rPage, tPage, yPage) - keyAt(G, s, j, f, fPage, rPage, tPage, yPage);
      if (d !== 0) return d;
    }
    return 0;
  }

  return (s: Uint32Array) => {
    for (const G of groups) {
      const { g, n, memberFields, order } = G;
      const fPage = F !== undefined && F.pc.get(s) !== FLUSHER.idle ? F.page.get(s) : -1;
      const rPage = R !== undefined && R.pc.get(s) !== RECLAIM.idle ? R.page.get(s) : -1;
      const tpc = T !== undefined ? T.pc.get(s) : TRUNCATE.idle;
      const tPage = tpc === TRUNCATE.locked || tpc === TRUNCATE.cleaned ? k.sh.fileSlots[T!.idx.get(s)]! : -1;
      const ypc = Y !== undefined ? Y.pc.get(s) : FSYNC.idle;
      const yPage = ypc === FSYNC.locked || ypc === FSYNC.cleaned ? fsPages[Y!.idx.get(s)]! : -1;
      // Most states are already in canonical order: check that first, comparing members
      // field by field only as far as they differ.
      let sorted = true;
      for (let i = 1; i < n && sorted; i++) if (compareMembers(G, s, i - 1, i, fPage, rPage, tPage, yPage) > 0) sorted = false;
      if (sorted) {
        normalise(G, s);
        continue;
      }
      // Insertion sort of member indices by key (groups are small), comparing members
      // field by field as far as they differ; no key is built.
      for (let i = 0; i < n; i++) order[i] = i;
      for (let i = 1; i < n; i++) {
        const m = order[i]!;
        let j = i - 1;
        while (j >= 0 && compareMembers(G, s, order[j]!, m, fPage, rPage, tPage, yPage) > 0) { order[j + 1] = order[j]!; j--; }
        order[j + 1] = m;
      }
      let identity = true;
      for (let i = 0; i < n; i++) if (order[i] !== i) identity = false;
      if (!identity) {
        // Member order[r] moves to position r: its fields, read from the state as it was.
        const was = G.was;
        was.set(s);
        for (let r = 0; r < n; r++) {
          const m = order[r]!;
          if (m === r) continue; // a member that keeps its place keeps its data and its pointers
          const run = G.moves[m * n + r]!;
          for (let x = 0; x < run.length; x += 5) {
            const bits = was[run[x + 1]!]! & run[x + 2]!;
            const d = run[x + 4]!;
            s[run[x]!] = (s[run[x]!]! & ~run[x + 3]!) | (d >= 0 ? bits << d : bits >>> -d);
          }
          if (G.lockAt >= 0) {
            const v = keyAt(G, was, m, G.lockAt, fPage, rPage, tPage, yPage);
            memberFields[r]![G.lockAt]!.set(s, v >= OWN_HOLDER ? OWNER.holderBase + g.holders[r]![v - OWN_HOLDER]! : v);
          }
          const pm = g.pages[m]!;
          const p = g.pages[r]!;
          doneOf[G.pos[r]!]?.set(s, doneOf[G.pos[m]!]?.get(was) ?? 0);
          if (fPage === pm) F!.page.set(s, p);
          if (rPage === pm) R!.page.set(s, p);
          if (tPage === pm) T!.idx.set(s, G.pos[r]!);
          if (yPage === pm) Y!.idx.set(s, fsPos.get(p)!);
        }
      }
      normalise(G, s);
    }
  };

  /** Pointers from a member to its own page, normalised: a present PTE and a holder past its grab point at it. */
  function normalise(G: Group, s: Uint32Array): void {
    // straight to the words: every value is in its field's range (checked when the groups are built)
    for (const x of G.ptes) {
      const f = x.pfn;
      const v = (((s[x.present.word]! >>> x.present.shift) & x.present.mask) + x.present.min !== 0 ? x.p : 0) - f.min;
      s[f.word] = (s[f.word]! & f.clearMask) | (v << f.shift);
    }
    for (const x of G.hold) {
      const pc = x.pc.get(s);
      const f = x.page;
      const v = (pc === HOLDER.start || pc === HOLDER.refused ? 0 : x.p) - f.min;
      s[f.word] = (s[f.word]! & f.clearMask) | (v << f.shift);
    }
  }
}

function compare(a: Int32Array, i: number, j: number, n: number): number {
  for (let x = 0; x < n; x++) {
    const d = a[i + x]! - a[j + x]!;
    if (d !== 0) return d;
  }
  return 0;
}
