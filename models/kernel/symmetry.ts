// Symmetry of interchangeable pages (scenario "symmetry" groups): renaming
// identical file pages — with their PTEs, their holders, and whatever
// points at them — maps runs to runs, so the engine need only keep one
// state per orbit. canonicalize() picks the representative by sorting a
// group's members on everything about them that the renaming moves, then
// moving member data and re-pointing the references. It also clears the
// fields that mean nothing in the current program counter (a holder's page
// before it grabs one), so equal states are equal words. A member's key is
// a few words (its fields moved to the first member's places, then what
// points at it); keys, moves and the normalising writes are code generated
// per group.

import type { Field } from '../../src/engine/schema.js';
import { FLUSHER, FSYNC, HOLDER, OWNER, RECLAIM, TRUNCATE, fsyncPages, fsyncPasses, type Kernel } from './kernel.js';

/** A page lock held by one of the member's own holders, in a key: this plus its index among them (above any PG_locked value). */
const OWN_LOCK = 1 << 8;

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
    const pos = g.pages.map((p) => slotPos.get(p)!);
    const lockAt = pageFields[0]!.indexOf(k.pg[g.pages[0]!]!.PG_locked);
    const nf = memberFields[0]!.length;
    if (lockAt >= 0 && pageFields[0]![lockAt]!.max >= OWN_LOCK) throw new Error('symmetry: PG_locked values reach the own-holder lock key');
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
    // A member's sort key, gathered in a few words: its fields moved to member 0's places
    // (moves[m * n], one masked shift per run), one key word per word member 0's fields use,
    // then a word of what points at it (extras). Equal keys are equal member data, so sorting
    // on them picks one representative per orbit; the order itself is any fixed one.
    const keyWords = [...new Set(memberFields[0]!.filter((_, f) => f !== lockAt).map((f) => f.word))].sort((a, b) => a - b);
    const K = keyWords.length + 1;
    // per member, per key word: its runs (source word, source mask, shift), as [count, runs…]
    const keyRuns = g.pages.map((_, m) => {
      const run = moves[m * n]!;
      const out: number[] = [];
      keyWords.forEach((w) => {
        const mine: number[] = [];
        for (let x = 0; x < run.length; x += 5) if (run[x] === w) mine.push(run[x + 1]!, run[x + 2]!, run[x + 4]!);
        out.push(mine.length / 3, ...mine);
      });
      return Int32Array.from(out);
    });
    return {
      g, n, memberFields, pos, lockAt, order: Array.from({ length: n }, (_, i) => i),
      ptes, hold, moves, was: new Uint32Array(k.L.words),
      K, keyRuns, keys: new Int32Array(n * K), locks: new Int32Array(n), pointers: new Int32Array(4),
    };
  });

  type Group = (typeof groups)[number];

  /** Members i and j by their keys (word by word, as signed numbers: any fixed order will do): negative, 0 or positive. */
  function compareKeys(G: Group, i: number, j: number): number {
    const { K, keys } = G;
    for (let w = 0, a = i * K, b = j * K; w < K; w++, a++, b++) {
      const x = keys[a]!;
      const y = keys[b]!;
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  }

  /**
   * The canonicaliser's work as generated code, two functions per group:
   * every field a constant word, shift and mask, no table or handle read. Member i's key: the words keyRuns[i] gathers, then its page
   * lock (one held by its own holder j as OWN_LOCK + j, which the renaming
   * keeps) and whether the flusher, kswapd, truncate or fsync is on its page,
   * and truncate's done bit for it. inOrder(s): with the members already in
   * order, normalise the pointers from each member to its own page and
   * return true; else leave the keys, locks and pointers in G and return
   * false; the caller sorts the members and reorder() moves them. (82 % of
   * the successors of canonical states are in order. Through field handles
   * and tables this was 30 % of bench-3pages-fork-symmetry's search, 235 ns
   * a successor; generated, 62 ns.) The source is
   * built from numbers only (words, shifts, masks, page and holder indices):
   * no scenario text reaches it.
   */
  type Generated = { readonly inOrder: (s: Uint32Array) => boolean; readonly reorder: (s: Uint32Array, was: Uint32Array, order: readonly number[]) => void };
  const generated = groups.map((G): Generated => {
    const get = (f: Field, from = 's') => `(((${from}[${f.word}] >>> ${f.shift}) & ${f.mask})${f.min !== 0 ? ` + ${f.min}` : ''})`;
    const put = (f: Field, value: string) => `s[${f.word}] = (s[${f.word}] & ${f.clearMask}) | (((${value}) - ${f.min}) << ${f.shift});`;
    // the pointers from a member to its own page, normalised (as in normalise)
    const normalised: string[] = [];
    for (const x of G.ptes) normalised.push(`  ${put(x.pfn, `${get(x.present)} !== 0 ? ${x.p} : 0`)}`);
    G.hold.forEach((x, j) => normalised.push(`  const pc${j} = ${get(x.pc)};`, `  ${put(x.page, `pc${j} === ${HOLDER.start} || pc${j} === ${HOLDER.refused} ? 0 : ${x.p}`)}`));
    const L: string[] = ['"use strict";', 'function inOrder(s) {'];
    L.push(`  const fPage = ${F !== undefined ? `${get(F.pc)} !== ${FLUSHER.idle} ? ${get(F.page)} : -1` : '-1'};`);
    L.push(`  const rPage = ${R !== undefined ? `${get(R.pc)} !== ${RECLAIM.idle} ? ${get(R.page)} : -1` : '-1'};`);
    L.push(`  const tpc = ${T !== undefined ? get(T.pc) : TRUNCATE.idle};`);
    L.push(`  const tPage = tpc === ${TRUNCATE.locked} || tpc === ${TRUNCATE.cleaned} ? FILE_SLOTS[${T !== undefined ? get(T.idx) : 0}] : -1;`);
    L.push(`  const ypc = ${Y !== undefined ? get(Y.pc) : FSYNC.idle};`);
    L.push(`  const yPage = ypc === ${FSYNC.locked} || ypc === ${FSYNC.cleaned} ? FSYNC_PAGES[${Y !== undefined ? get(Y.idx) : 0}] : -1;`);
    const { n, K, g } = G;
    for (let i = 0; i < n; i++) {
      const run = G.keyRuns[i]!;
      for (let w = 0, x = 0; w < K - 1; w++) {
        const terms: string[] = [];
        for (let r = run[x++]!; r > 0; r--, x += 3) {
          const d = run[x + 2]!;
          terms.push(`((s[${run[x]!}] & ${run[x + 1]!})${d > 0 ? ` << ${d}` : d < 0 ? ` >>> ${-d}` : ''})`);
        }
        L.push(`  const k${i}_${w} = (${terms.length > 0 ? terms.join(' | ') : '0'}) | 0;`);
      }
      const p = g.pages[i]!;
      if (G.lockAt >= 0) {
        L.push(`  const lr${i} = ${get(k.pg[p]!.PG_locked)}, own${i} = lr${i} - ${OWNER.holderBase};`);
        const idx = g.holders[i]!.map((h, j) => `own${i} === ${h} ? ${OWN_LOCK + j} : `).join('');
        L.push(`  const lock${i} = own${i} >= 0 ? ${idx}${OWN_LOCK - 1} : lr${i};`);
      }
      const done = doneOf[G.pos[i]!];
      L.push(`  const k${i}_${K - 1} = (${G.lockAt >= 0 ? `lock${i}` : '0'} << 5) | (fPage === ${p} ? 16 : 0) | (rPage === ${p} ? 8 : 0) | (tPage === ${p} ? 4 : 0) | (${done !== undefined ? get(done) : '0'} << 1) | (yPage === ${p} ? 1 : 0);`);
    }
    // members in order: key i-1 <= key i, word by word (as compareKeys)
    const le = (a: number, b: number, w: number): string => (w === K - 1 ? `k${a}_${w} <= k${b}_${w}` : `(k${a}_${w} !== k${b}_${w} ? k${a}_${w} < k${b}_${w} : ${le(a, b, w + 1)})`);
    // out of order: the keys, locks and pointers go to the sorting path
    L.push(`  if (!(${Array.from({ length: n - 1 }, (_, i) => le(i, i + 1, 0)).join(' && ')})) {`);
    for (let i = 0; i < n; i++) {
      L.push(`    ${Array.from({ length: K }, (_, w) => `KEYS[${i * K + w}] = k${i}_${w};`).join(' ')}${G.lockAt >= 0 ? ` LOCKS[${i}] = lock${i};` : ''}`);
    }
    L.push('    POINTERS[0] = fPage; POINTERS[1] = rPage; POINTERS[2] = tPage; POINTERS[3] = yPage;', '    return false;', '  }');
    L.push(...normalised, '  return true;', '}');
    // Out of order, sorted: member order[r] moves to place r, from `was` (the state as it was),
    // one case per (member, place): its fields a masked shift per run, its page lock re-pointed
    // to the same holder of place r, truncate's done bit, and what pointed at its page.
    L.push('function reorder(s, was, order) {', `  for (let r = 0; r < ${n}; r++) {`, '    const m = order[r];', '    if (m === r) continue;', `    switch (m * ${n} + r) {`);
    for (let m = 0; m < n; m++) {
      for (let r = 0; r < n; r++) {
        if (m === r) continue;
        L.push(`      case ${m * n + r}: {`);
        const run = G.moves[m * n + r]!;
        for (let x = 0; x < run.length; x += 5) {
          const d = run[x + 4]!;
          L.push(`        s[${run[x]!}] = (s[${run[x]!}] & ${~run[x + 3]!}) | ((was[${run[x + 1]!}] & ${run[x + 2]!})${d > 0 ? ` << ${d}` : d < 0 ? ` >>> ${-d}` : ''});`);
        }
        if (G.lockAt >= 0) {
          const own = g.holders[r]!.map((h, j) => `v === ${OWN_LOCK + j} ? ${OWNER.holderBase + h} : `).join('');
          L.push(`        { const v = LOCKS[${m}]; const x = v >= ${OWN_LOCK} ? ${own}-1 : v; if (x < 0) throw new Error('symmetry: a page lock held by a holder of another page');`);
          L.push(`          ${put(G.memberFields[r]![G.lockAt]!, 'x')} }`);
        }
        const doneTo = doneOf[G.pos[r]!];
        const doneFrom = doneOf[G.pos[m]!];
        if (doneTo !== undefined) L.push(`        ${put(doneTo, doneFrom !== undefined ? get(doneFrom, 'was') : '0')}`);
        const pm = g.pages[m]!;
        const p = g.pages[r]!;
        if (F !== undefined) L.push(`        if (POINTERS[0] === ${pm}) ${put(F.page, String(p))}`);
        if (R !== undefined) L.push(`        if (POINTERS[1] === ${pm}) ${put(R.page, String(p))}`);
        if (T !== undefined) L.push(`        if (POINTERS[2] === ${pm}) ${put(T.idx, String(G.pos[r]!))}`);
        if (Y !== undefined && fsPos.has(p)) L.push(`        if (POINTERS[3] === ${pm}) ${put(Y.idx, String(fsPos.get(p)!))}`);
        L.push('        break;', '      }');
      }
    }
    L.push('    }', '  }', ...normalised, '}', 'return { inOrder, reorder };');
    return new Function('FILE_SLOTS', 'FSYNC_PAGES', 'KEYS', 'LOCKS', 'POINTERS', L.join('\n'))(Int32Array.from(k.sh.fileSlots), Int32Array.from(fsPages), G.keys, G.locks, G.pointers) as Generated;
  });

  return (s: Uint32Array) => {
    for (let gi = 0; gi < groups.length; gi++) {
      const gen = generated[gi]!;
      if (gen.inOrder(s)) continue;
      // Out of order: inOrder left the keys in G. Insertion sort of member indices by key
      // (groups are small), then the generated moves.
      const G = groups[gi]!;
      const { n, order } = G;
      for (let i = 0; i < n; i++) order[i] = i;
      for (let i = 1; i < n; i++) {
        const m = order[i]!;
        let j = i - 1;
        while (j >= 0 && compareKeys(G, order[j]!, m) > 0) { order[j + 1] = order[j]!; j--; }
        order[j + 1] = m;
      }
      G.was.set(s);
      gen.reorder(s, G.was, order);
    }
  };
}

function compare(a: Int32Array, i: number, j: number, n: number): number {
  for (let x = 0; x < n; x++) {
    const d = a[i + x]! - a[j + x]!;
    if (d !== 0) return d;
  }
  return 0;
}
