// The kernel page model: the packed state (reference §1) and the kernel
// functions that act on it (§2), written once and shared by every action.
// Each method names the kernel function it abstracts.

import { Layout, arrayOf, bool, enumOf, int, record, type Field } from '../../src/engine/schema.js';
import type { Shape } from './shape.js';

export const BH = { none: 0, clean: 1, dirty: 2 } as const;
export const MAPPING = { none: 0, file: 1, anon: 2 } as const;
/** Who holds PG_locked (the model needs the owner for I11 and for deadlocks). */
export const OWNER = { none: 0, flusher: 1, reclaim: 2, truncate: 3, holderBase: 4 } as const;
export const HOLDER = { start: 0, grabbed: 1, held: 2, dirtied: 3, released: 4, refused: 5 } as const;
export const FLUSHER = { idle: 0, locked: 1, cleaned: 2 } as const;
export const RECLAIM = { idle: 0, isolated: 1, locked: 2, unmapped: 3, released: 4 } as const;
export const TRUNCATE = { idle: 0, scanning: 1, locked: 2, cleaned: 3, done: 4 } as const;

export function kernelLayout(sh: Shape) {
  const NP = sh.pages.length;
  const NQ = sh.procs.length;
  const NH = sh.holders.length;
  return new Layout(record({
    page: arrayOf(record({
      /** folio->_refcount */
      ref: int(0, sh.refMax),
      /** _mapcount + 1 */
      map: int(0, NQ),
      /** PG_locked, with its owner */
      lock: int(0, OWNER.holderBase + NH),
      /** PG_dirty */
      dirty: bool(),
      /** PG_writeback */
      writeback: bool(),
      /** PG_private + one buffer_head: none, clean, dirty */
      bh: enumOf(['none', 'clean', 'dirty']),
      /** PG_lru */
      lru: bool(),
      /** isolated from the LRU by reclaim (holds one reference) */
      isolated: bool(),
      /** folio->mapping: none (free or truncated), the file, or an anon_vma */
      mapping: enumOf(['none', 'file', 'anon']),
      /** PG_anon_exclusive (a ghost in eras that lack it: tracked, not used) */
      exclusive: bool(),
      /** contents, as a version counter */
      data: int(0, sh.dataMax),
      /** the version on disk for this file offset */
      disk: int(0, sh.dataMax),
      /** the version submitted by ->writepage and not yet completed */
      io: int(0, sh.dataMax),
      /** ghost: process (1-based) that last wrote the page after fork, 0 if none */
      writer: int(0, NQ),
      /** ghost: a put took the refcount below zero */
      underflow: bool(),
      /** ghost: freed (refcount 0) while still in the page cache or mapped by a PTE */
      freedInUse: bool(),
      /** dma_pinned_count (2018 proposal; PageDmaPinned = count > 0), stored in page->lru */
      dmaPins: int(0, sh.era.pinIsolatesFromLru ? NH : 0),
    }), NP),
    proc: arrayOf(record({
      alive: bool(),
      vma: arrayOf(record({
        present: bool(),
        pfn: int(0, NP - 1),
        /** PTE write bit */
        w: bool(),
        /** PTE dirty bit */
        d: bool(),
        /** the user munmap'ed this address */
        unmapped: bool(),
        /** the user's one store to this address happened */
        stored: bool(),
      }), Math.max(1, ...sh.procs.map((p) => p.vmas.length))),
    }), NQ),
    holder: arrayOf(record({
      pc: enumOf(['start', 'grabbed', 'held', 'dirtied', 'released', 'refused']),
      page: int(0, NP - 1),
      /** the device wrote the page (DMA) */
      wrote: bool(),
      /** a fast-GUP holder that fell back to the slow path */
      slow: bool(),
      /** fast GUP: fork had run when the page was grabbed (write_protect_seq snapshot) */
      seq: bool(),
      /** a bio holder: the bio's second page (ZERO_PAGE, or a merged second iovec) has been added */
      bioAdded: bool(),
    }), Math.max(1, NH)),
    flusher: record({ pc: enumOf(['idle', 'locked', 'cleaned']), page: int(0, NP - 1) }),
    reclaim: record({ pc: enumOf(['idle', 'isolated', 'locked', 'unmapped', 'released']), page: int(0, NP - 1) }),
    truncate: record({
      pc: enumOf(['idle', 'scanning', 'locked', 'cleaned', 'done']),
      /** the file slot (index into fileSlots) truncate is at */
      idx: int(0, Math.max(0, sh.fileSlots.length)),
      /** with symmetry, truncate visits pages in any order: which it has done (else idx orders them) */
      done: arrayOf(bool(), sh.symmetry.length > 0 ? Math.max(1, sh.fileSlots.length) : 1),
    }),
    forked: bool(),
    /** i_size was cut to 0: faults on the file fail */
    truncated: bool(),
    /** the kernel hit a BUG(): nothing runs after it */
    oops: bool(),
    /** ghost: reclaim dropped a file page from the cache while its data had not reached disk */
    lostWrite: bool(),
    /** bound: COW needed a free page and none was left (shows as field-range) */
    noFreePage: int(0, 0),
  }));
}

export type KernelLayout = ReturnType<typeof kernelLayout>;

export class Kernel {
  readonly L: KernelLayout;
  readonly pg: KernelLayout['root']['page'];
  readonly pr: KernelLayout['root']['proc'];
  readonly hd: KernelLayout['root']['holder'];
  readonly NP: number;
  readonly NQ: number;
  readonly NH: number;
  /** Every (process, va) pair, flattened, for PTE walks (rmap). */
  private readonly ptes: { q: number; v: number; present: Field; pfn: Field; w: Field; d: Field }[];

  constructor(readonly sh: Shape) {
    this.L = kernelLayout(sh);
    this.pg = this.L.root.page;
    this.pr = this.L.root.proc;
    this.hd = this.L.root.holder;
    this.NP = sh.pages.length;
    this.refScratch = new Int32Array(this.NP);
    this.NQ = sh.procs.length;
    this.NH = sh.holders.length;
    this.ptes = [];
    sh.procs.forEach((p, q) => p.vmas.forEach((_, v) => {
      const e = this.pr[q]!.vma[v]!;
      this.ptes.push({ q, v, present: e.present, pfn: e.pfn, w: e.w, d: e.d });
    }));
  }

  // --- queries ---------------------------------------------------------------

  /** In its file's page cache (mapping set, not anon). */
  inCache(s: Uint32Array, p: number): boolean {
    return this.pg[p]!.mapping.get(s) === MAPPING.file;
  }
  isAnon(s: Uint32Array, p: number): boolean {
    return this.pg[p]!.mapping.get(s) === MAPPING.anon;
  }
  isExt4(p: number): boolean {
    return this.sh.pages[p]!.fs === 'ext4';
  }
  locked(s: Uint32Array, p: number): boolean {
    return this.pg[p]!.lock.get(s) !== OWNER.none;
  }
  /** page_maybe_dma_pinned(): ref >= BIAS; only eras with pin tracking have it. */
  maybeDmaPinned(s: Uint32Array, p: number): boolean {
    return this.sh.era.pinBias && this.pg[p]!.ref.get(s) >= this.sh.bias;
  }
  /** Number of PTEs mapping page p. */
  ptesMapping(s: Uint32Array, p: number): number {
    let n = 0;
    for (const e of this.ptes) if (e.present.test(s) && e.pfn.get(s) === p) n++;
    return n;
  }
  /** The holder has a reference on its page (grabbed, held, or releasing). */
  holding(s: Uint32Array, h: number): boolean {
    const pc = this.hd[h]!.pc.get(s);
    return pc === HOLDER.grabbed || pc === HOLDER.held || pc === HOLDER.dirtied;
  }
  holdersOn(s: Uint32Array, p: number, kind?: 'GET' | 'PIN'): number {
    let n = 0;
    for (let h = 0; h < this.NH; h++) {
      if (this.holding(s, h) && this.hd[h]!.page.get(s) === p && (kind === undefined || this.sh.holders[h]!.kind === kind)) n++;
    }
    return n;
  }
  /**
   * What the refcount must be: page cache + buffers (PG_private holds a
   * reference, which reference §1.1 omits) + PTEs + holders + isolation.
   */
  expectedRef(s: Uint32Array, p: number): number {
    const g = this.pg[p]!;
    let r = (this.inCache(s, p) ? 1 : 0) + (g.bh.get(s) !== BH.none ? 1 : 0) + this.ptesMapping(s, p) + (g.isolated.test(s) ? 1 : 0);
    for (let h = 0; h < this.NH; h++) {
      const spec = this.sh.holders[h]!;
      if (this.holding(s, h) && this.hd[h]!.page.get(s) === p) r += spec.inc;
      if (spec.bioPage === p && this.hd[h]!.bioAdded.test(s) && this.hd[h]!.pc.get(s) !== HOLDER.released) r += spec.bioInc;
    }
    if (p === this.sh.zeroSlot) r += 1; // the kernel's own reference on ZERO_PAGE
    if (this.sh.era.writebackBioPins && g.writeback.test(s)) r += this.sh.bias; // the writeback bio's pin
    return r;
  }
  /**
   * Does every page's refcount equal expectedRef? The same sums for all
   * pages in one pass over the PTEs and the holders instead of one per page
   * (I2 checks it on every new state: 10 % of the kernel benchmark's time
   * in the profile, the most of any property).
   */
  refsBalanced(s: Uint32Array): boolean {
    const NP = this.NP;
    const r = this.refScratch;
    for (let p = 0; p < NP; p++) {
      const g = this.pg[p]!;
      r[p] = (this.inCache(s, p) ? 1 : 0) + (g.bh.get(s) !== BH.none ? 1 : 0) + (g.isolated.test(s) ? 1 : 0)
        + (p === this.sh.zeroSlot ? 1 : 0) + (this.sh.era.writebackBioPins && g.writeback.test(s) ? this.sh.bias : 0);
    }
    for (const e of this.ptes) {
      if (!e.present.test(s)) continue;
      const q = e.pfn.get(s);
      if (q >= 0 && q < NP) r[q]!++;
    }
    for (let h = 0; h < this.NH; h++) {
      const spec = this.sh.holders[h]!;
      const hd = this.hd[h]!;
      if (this.holding(s, h)) {
        const q = hd.page.get(s);
        if (q >= 0 && q < NP) r[q] += spec.inc;
      }
      const b = spec.bioPage;
      if (b >= 0 && b < NP && hd.bioAdded.test(s) && hd.pc.get(s) !== HOLDER.released) r[b] += spec.bioInc;
    }
    for (let p = 0; p < NP; p++) if (this.pg[p]!.ref.get(s) !== r[p]) return false;
    return true;
  }
  private readonly refScratch: Int32Array;
  /** A free page: no references and no mapping. */
  isFree(s: Uint32Array, p: number): boolean {
    return this.pg[p]!.ref.get(s) === 0 && this.pg[p]!.mapping.get(s) === MAPPING.none;
  }

  // --- refcounting (§2.9) ----------------------------------------------------

  /** get_page / try_grab_page: ref += n (past refMax the model reports field-range). */
  getPage(s: Uint32Array, p: number, n: number): void {
    this.pg[p]!.ref.set(s, this.pg[p]!.ref.get(s) + n);
  }
  /** put_page / folio_put: ref -= n; at 0 the page is freed. Below 0 is an underflow (I4). */
  putPage(s: Uint32Array, p: number, n: number): void {
    const g = this.pg[p]!;
    const r = g.ref.get(s) - n;
    if (r < 0) {
      g.underflow.set(s, 1);
      g.ref.set(s, 0);
    } else {
      g.ref.set(s, r);
    }
    if (r <= 0) {
      if (g.mapping.get(s) === MAPPING.file || this.ptesMapping(s, p) > 0) g.freedInUse.set(s, 1);
      this.freePage(s, p);
    }
  }
  /** free_unref_page: the page returns to the allocator, keeping nothing but its file's disk copy. */
  freePage(s: Uint32Array, p: number): void {
    const g = this.pg[p]!;
    g.mapping.set(s, MAPPING.none);
    g.lock.set(s, OWNER.none);
    g.lru.set(s, 0);
    g.isolated.set(s, 0);
    g.bh.set(s, BH.none);
    g.dirty.set(s, 0);
    g.exclusive.set(s, 0);
    g.data.set(s, 0);
    g.io.set(s, 0);
    g.writer.set(s, 0);
  }
  /** alloc_page for a COW copy: the lowest free non-file slot (the bound shows as field-range). */
  allocPage(s: Uint32Array): number {
    for (let p = 0; p < this.NP; p++) {
      const kind = this.sh.pages[p]!.kind;
      if ((kind === 'anon' || kind === 'spare') && this.isFree(s, p)) return p;
    }
    this.L.root.noFreePage.set(s, 1); // throws FieldRangeError: "noFreePage := 1 is outside…"
    return -1;
  }

  /**
   * pin_page_for_dma (2018 dma_pinned_flags series, run at the end of
   * __get_user_pages; its return value is ignored): a page already
   * PageDmaPinned counts one more pin; a page on the LRU is taken off it
   * (isolate_lru_page) and counted; a page not on the LRU (reclaim has
   * isolated it) stays untracked.
   */
  pinPageForDma(s: Uint32Array, p: number): void {
    const g = this.pg[p]!;
    if (g.dmaPins.get(s) > 0) g.dmaPins.set(s, g.dmaPins.get(s) + 1);
    else if (g.lru.test(s)) {
      g.lru.set(s, 0);
      g.dmaPins.set(s, 1);
    }
  }
  /** put_user_page's half of the 2018 series: dma_pinned_count-- (the page stays off the LRU). */
  unpinPageForDma(s: Uint32Array, p: number): void {
    const g = this.pg[p]!;
    if (g.dmaPins.get(s) > 0) g.dmaPins.set(s, g.dmaPins.get(s) - 1);
  }

  // --- writeback bios ---------------------------------------------------------

  /** set_page_writeback + submit: the bio carries data version `data`; under the uniform bias its page reference is a pin. */
  submitWriteback(s: Uint32Array, p: number): void {
    const g = this.pg[p]!;
    g.writeback.set(s, 1);
    g.bh.set(s, BH.clean);
    g.io.set(s, g.data.get(s));
    if (this.sh.era.writebackBioPins) this.getPage(s, p, this.sh.bias);
  }
  /** end_page_writeback: the data reached the disk; the bio's pin (uniform bias) goes. */
  endWriteback(s: Uint32Array, p: number): void {
    const g = this.pg[p]!;
    g.writeback.set(s, 0);
    g.disk.set(s, g.io.get(s));
    g.io.set(s, 0);
    if (this.sh.era.writebackBioPins) this.putPage(s, p, this.sh.bias);
  }

  // --- buffers ----------------------------------------------------------------

  /** create_empty_buffers / attach_page_private: buffers take a page reference. */
  attachBuffers(s: Uint32Array, p: number, state: number): void {
    const g = this.pg[p]!;
    if (g.bh.get(s) === BH.none) this.getPage(s, p, 1);
    g.bh.set(s, state);
  }
  /** drop_buffers / detach_page_private: the buffers' reference goes with them. */
  dropBuffers(s: Uint32Array, p: number): void {
    const g = this.pg[p]!;
    if (g.bh.get(s) === BH.none) return;
    g.bh.set(s, BH.none);
    this.putPage(s, p, 1);
  }
  /** unlock_page by its owner. */
  unlockPage(s: Uint32Array, p: number): void {
    this.pg[p]!.lock.set(s, OWNER.none);
  }

  /** A new exclusive anonymous page holding a copy of page p's contents (wp_page_copy, do_cow_fault, fork's copy). */
  copyToNewAnonPage(s: Uint32Array, p: number): number {
    const c = this.allocPage(s);
    const n = this.pg[c]!;
    const o = this.pg[p]!;
    n.mapping.set(s, MAPPING.anon);
    n.lru.set(s, 1);
    n.exclusive.set(s, 1);
    n.data.set(s, o.data.get(s));
    n.writer.set(s, o.mapping.get(s) === MAPPING.anon ? o.writer.get(s) : 0);
    return c;
  }

  // --- dirtying (§2.5) -------------------------------------------------------

  /**
   * set_page_dirty / folio_mark_dirty. mapping NULL: noop_dirty_folio (just
   * PG_dirty). ext4: block_dirty_folio marks the buffers dirty if there are
   * any, then sets PG_dirty (and tags the page dirty in the xarray, so the
   * flusher will visit it: the reference's §2.5 says it "only sets PG_dirty",
   * which is true of the page flags but not of the tag); without buffers the
   * result is the dirty-page-without-buffers state of the ext4 BUG.
   */
  setPageDirty(s: Uint32Array, p: number): void {
    const g = this.pg[p]!;
    if (g.mapping.get(s) === MAPPING.file && this.isExt4(p) && g.bh.get(s) !== BH.none) g.bh.set(s, BH.dirty);
    g.dirty.set(s, 1);
  }

  // --- page tables (§2.4, §2.10–2.12) ----------------------------------------

  /** set_pte_at after a fault: map page p at (q, v); the mapping takes a reference. */
  mapPte(s: Uint32Array, q: number, v: number, p: number, w: boolean, d: boolean): void {
    const e = this.pr[q]!.vma[v]!;
    e.present.set(s, 1);
    e.pfn.set(s, p);
    e.w.setBool(s, w);
    e.d.setBool(s, d);
    this.pg[p]!.map.set(s, this.pg[p]!.map.get(s) + 1);
    this.getPage(s, p, 1);
  }
  /** zap_pte_range / try_to_unmap_one: clear the PTE, move its dirty bit to the page, drop map and ref. */
  zapPte(s: Uint32Array, q: number, v: number): void {
    const e = this.pr[q]!.vma[v]!;
    if (!e.present.test(s)) return;
    const p = e.pfn.get(s);
    if (e.d.test(s) && this.pg[p]!.mapping.get(s) === MAPPING.file) this.setPageDirty(s, p);
    e.present.set(s, 0);
    e.pfn.set(s, 0);
    e.w.set(s, 0);
    e.d.set(s, 0);
    this.pg[p]!.map.set(s, this.pg[p]!.map.get(s) - 1);
    this.putPage(s, p, 1);
  }
  /** Unmap page p from every page table (try_to_unmap / unmap_mapping_range). */
  unmapAll(s: Uint32Array, p: number): void {
    for (const e of this.ptes) if (e.present.test(s) && e.pfn.get(s) === p) this.zapPte(s, e.q, e.v);
  }
  /** folio_mkclean: write-protect and clean every PTE of p; true if any was dirty. */
  pageMkclean(s: Uint32Array, p: number): boolean {
    let wasDirty = false;
    for (const e of this.ptes) {
      if (!e.present.test(s) || e.pfn.get(s) !== p) continue;
      if (e.d.test(s)) wasDirty = true;
      e.w.set(s, 0);
      e.d.set(s, 0);
    }
    return wasDirty;
  }
  /** Write-protect every PTE of p (fork's COW sharing). */
  wrprotectAll(s: Uint32Array, p: number): void {
    for (const e of this.ptes) if (e.present.test(s) && e.pfn.get(s) === p) e.w.set(s, 0);
  }

  // --- the device and user writes (§2.3) -------------------------------------

  /** New contents in page p, written on behalf of process q (for the fork leak ghost). */
  writeData(s: Uint32Array, p: number, q: number): void {
    const g = this.pg[p]!;
    g.data.set(s, g.data.get(s) + 1);
    if (this.L.root.forked.test(s) && g.mapping.get(s) === MAPPING.anon) g.writer.set(s, q + 1);
  }
}
