// The hook points of the kernel core: every place where kernels and design
// proposals make a different policy decision, named as the kernel names the
// decision. The core (gup.ts, fault.ts, process.ts, background.ts, bio.ts)
// calls these and nothing else that differs between proposals; a proposal
// replaces the hooks it changes, the way a filesystem fills
// address_space_operations instead of editing mm/.
//
// The defaults below are the baseline: Linux before 2019 (~v4.14), where a
// GUP reference is a plain refcount and nothing tells it apart.
//
// A hook is a closure over one built Kernel (its field handles), so it takes
// the state and indices, never the Kernel. Hooks run in the search's inner
// loop: keep them free of allocation.

import { BH, HOLDER, OWNER, type Kernel } from './kernel.js';
import type { HolderSpec } from './shape.js';
import type { Release } from './scenario.js';

export type GupKind = 'GET' | 'PIN';
/** How a reference was taken: by GUP (FOLL_GET or FOLL_PIN), or a plain get_page (a bio's page-cache or zero-page reference). */
export type Taken = GupKind | 'plain';
/** The release functions a reference may be given back with. */
export type ReleaseKind = 'put_page' | 'put_user_page' | 'unpin_user_page';
/** struct writeback_control's sync_mode: memory-cleaning (flusher) or data-integrity (fsync) writeback. */
export type SyncMode = 'WB_SYNC_NONE' | 'WB_SYNC_ALL';

/** One page reference a bio gives back, and with which function. */
export interface BioRelease {
  readonly page: number;
  readonly taken: Taken;
  readonly released: ReleaseKind;
  /** Refcount given back (0: a no-op, e.g. unpinning the zero page in 6.5+). */
  readonly amount: number;
}

/**
 * A step an actor may take at a hook point instead of the baseline steps
 * there (the baseline steps are disabled while a branch's `when` holds).
 * The core names it after its actor ("flusher: " + name) and, after the
 * branch's effect, leaves the hook point the way the point documents
 * (e.g. reclaim's branches activate the page).
 */
export interface BranchStep {
  /** Action name (the core prefixes the actor). */
  readonly name: string;
  /** Trace label in the kernel's words (the core prefixes the actor). */
  readonly label: string;
  /** Cross-replay role (an engine-generic alias for the same step in other models). */
  readonly role?: string;
  /** Read-only: does the actor take this branch on page p? */
  readonly when: (s: Uint32Array, p: number) => boolean;
  /** What the step does to page p before the hook point's exit. */
  readonly effect?: (s: Uint32Array, p: number) => void;
}

/** Is some branch step of this hook point taken on page p (the baseline steps there are then disabled)? */
export function branchTaken(branches: readonly BranchStep[], s: Uint32Array, p: number): boolean {
  for (let i = 0; i < branches.length; i++) if (branches[i]!.when(s, p)) return true;
  return false;
}

/** What ext4 does when writeback meets a dirty page without buffers (page_buffers()). */
export interface NoBuffersStep {
  readonly name: string;
  readonly label: string;
  /** Do it to page p; true if the kernel BUG()s there (nothing runs after), false if writeback skips the page. */
  readonly handle: (s: Uint32Array, p: number) => boolean;
}

export interface KernelHooks {
  // --- GUP (mm/gup.c) ---------------------------------------------------------
  /** try_grab_page / try_grab_folio: the refcount one GUP reference of this kind adds. */
  gupRefIncrement(kind: GupKind): number;
  /** The refcount such a reference adds when the page is the shared zero page (inc: what it adds to any other page). */
  gupZeroPageRef(kind: GupKind, inc: number): number;
  /** Which GUP direct I/O uses for the user pages of its bios (get_user_pages until 6.5's iov_iter_extract_pages). */
  dioGupKind(): GupKind;
  /** The release call a GUP caller makes when the scenario does not say (the era's API). */
  defaultRelease(kind: GupKind, write: boolean): Release;
  /** check_vma_flags: why this GUP call fails outright with -EFAULT, or undefined (decided by the VMA alone). */
  checkVmaFlags(h: HolderSpec): string | undefined;
  /** should_force_cow_break (5.8 only): does this GUP of a COW mapping fault for writing, to break COW, even to read? */
  gupBreaksCow(h: HolderSpec): boolean;
  /**
   * After a write fault that broke COW in a mapping without VM_WRITE, does
   * the GUP keep FOLL_WRITE (and set FOLL_COW, 4.9+)? If not (before 4.9)
   * it follows whatever the PTE maps next — Dirty COW.
   */
  gupKeepsWriteAfterCow(): boolean;
  /**
   * can_follow_write_pte: may a GUP that writes follow this PTE (write bit
   * w, dirty bit d, mapping page p)? cowed: this GUP broke COW (FOLL_COW).
   */
  canFollowWritePte(s: Uint32Array, h: HolderSpec, cowed: boolean, p: number, w: boolean, d: boolean): boolean;
  /**
   * can_follow_write_pmd: may a GUP that writes follow this huge PMD (write
   * bit w, dirty bit d, mapping page p)? Before 4.10 only a writable PMD;
   * 8310d48b125d (4.10) gives it the PTE's rule.
   */
  canFollowWritePmd(s: Uint32Array, h: HolderSpec, cowed: boolean, p: number, w: boolean, d: boolean): boolean;
  /** touch_pmd (FOLL_TOUCH on a huge PMD): does it dirty the PMD — for a write GUP (write), or for any (before 4.15's a8f97366452e)? */
  gupTouchDirtiesPmd(write: boolean): boolean;
  /** gup_must_unshare: must this R/O pin of page p break COW (FAULT_FLAG_UNSHARE) before it may grab? */
  gupMustUnshare(s: Uint32Array, h: HolderSpec, p: number): boolean;
  /** Does this GUP take page p's lock and keep it until the release? (The holder is then the lock's owner.) */
  gupLocksPage(s: Uint32Array, hi: number, p: number): boolean;
  /** The end of __get_user_pages for page p, after the grab (slow path) or the recheck (fast path). */
  gupPinned(s: Uint32Array, hi: number, p: number): void;
  /** GUP-fast grabbed speculatively: note what the recheck needs (e.g. write_protect_seq). */
  gupFastGrabbed(s: Uint32Array, hi: number): void;
  /** GUP-fast's recheck failed and undid the grab: forget what gupFastGrabbed noted. */
  gupFastUndone(s: Uint32Array, hi: number): void;
  /** GUP-fast recheck, beyond "the PTE still maps p and permits the access": may the fast pin stand? */
  gupFastPinAllowed(s: Uint32Array, hi: number, p: number): boolean;

  // --- release ------------------------------------------------------------------
  /** The refcount a release function gives back. */
  releaseAmount(fn: ReleaseKind): number;
  /** What a release function does to page p besides the refcount (runs before the put). */
  released(s: Uint32Array, hi: number, p: number, fn: ReleaseKind): void;
  /** Words added to the label of holder hi's release step (e.g. what else it undoes). */
  releaseWords(h: HolderSpec): string;
  /** Does releasing a reference taken this way with this function match? (I2.kind / I2.latent ask.) */
  releaseMatches(taken: Taken, released: ReleaseKind): boolean;

  // --- predicates ---------------------------------------------------------------
  /** page_maybe_dma_pinned() / folio_maybe_dma_pinned(); undefined where the kernel has no such predicate. */
  readonly folioMaybeDmaPinned: ((s: Uint32Array, p: number) => boolean) | undefined;
  /** Can a page be counted as pinned with no FOLL_PIN holder (bio pins)? Then I8's false positive must be witnessed. */
  pinsWithoutGupHolder(): boolean;
  /** References page p holds beyond page cache, buffers, PTEs, GUP, bios and isolation (I2's identity). */
  extraRefs(s: Uint32Array, p: number): number;

  // --- faults (mm/memory.c, ->page_mkwrite) -----------------------------------
  /** do_page_mkwrite on a shared file mapping (the page is locked by the caller), then the PTE is made writable and dirty. */
  pageMkwrite(s: Uint32Array, q: number, v: number, p: number): void;
  /** Must the write fault sleep before page_mkwrite on page p? (folio_wait_stable, or a proposal's own wait.) */
  pageMkwriteWaits(s: Uint32Array, p: number): boolean;
  /** Does do_wp_page sleep on anonymous page p's lock (before 5.9: lock_page for reuse_swap_page)? */
  wpSleepsOnPageLock(s: Uint32Array, p: number): boolean;
  /** do_wp_page: may the faulting process reuse anonymous page p in place instead of copying it? */
  wpCanReuse(s: Uint32Array, p: number): boolean;

  // --- fork (copy_present_pte) -------------------------------------------------
  /** Must fork give the child its own copy of anonymous page p now, instead of sharing it write-protected? */
  forkCopiesForChild(s: Uint32Array, p: number): boolean;
  /** Words added to fork's label for that rule. */
  forkWords(): string;

  // --- mprotect, clear_refs (mm/mprotect.c, fs/proc/task_mmu.c) ----------------
  /**
   * change_pte_range for mprotect(PROT_READ|PROT_WRITE) on the write-protected
   * PTE of process q's VMA v mapping page p: map it writable at once, without
   * a write fault? softDirtyArmed: clear_refs cleared the soft-dirty bits.
   */
  mprotectMapsWritable(s: Uint32Array, q: number, v: number, p: number, softDirtyArmed: boolean): boolean;
  /** clear_soft_dirty: leave this PTE (of process q's VMA v, mapping page p) writable instead of write-protecting it? */
  clearRefsSkips(s: Uint32Array, q: number, v: number, p: number): boolean;

  // --- writeback (write_cache_pages, ->writepages) ------------------------------
  /** What ext4 writeback does with a dirty page that has no buffers. */
  noBuffersAtWriteback(): NoBuffersStep;
  /**
   * Branch steps of writeback (flusher: WB_SYNC_NONE; fsync: WB_SYNC_ALL)
   * with page p locked and due to be written: at 'clean' instead of
   * clear_page_dirty_for_io, at 'submit' instead of the submit. Exit: unlock
   * the page and go on with the next one.
   */
  writebackSteps(point: 'clean' | 'submit', mode: SyncMode): readonly BranchStep[];
  /** The writeback bio takes its reference on page p (at submit), and gives it back (at completion). */
  writebackBioGet(s: Uint32Array, p: number): void;
  writebackBioPut(s: Uint32Array, p: number): void;
  /** Does the write in flight read page p's own memory (so a change to it now tears what reaches the disk)? */
  writebackReadsPage(s: Uint32Array, p: number): boolean;

  // --- reclaim (shrink_page_list) -----------------------------------------------
  /** Branch steps after try_to_unmap, before pageout and before releasing the buffers. Exit: activate (putback). */
  reclaimAfterUnmap(): readonly BranchStep[];
  /** Can kswapd's pageout write page p (has its filesystem ->writepage)? */
  reclaimCanPageout(p: number): boolean;
  /** __remove_mapping: may page p (isolated, locked, buffers gone) be freed? The freeze must come before the dirty test. */
  removeMappingCanFree(s: Uint32Array, p: number): boolean;

  // --- swap (mm/vmscan.c, mm/rmap.c, mm/memory.c) -------------------------------
  /** Branch steps of anonymous reclaim before add_to_swap (page locked, not in the swap cache). Exit: keep (putback). */
  reclaimBeforeAddToSwap(): readonly BranchStep[];
  /** Branch steps instead of try_to_unmap on an anonymous page in the swap cache (5.19: try_to_unmap_one keeps the PTE of an exclusive page that may be pinned). Exit: keep (putback). */
  reclaimUnmapAnon(): readonly BranchStep[];
  /** Does try_to_unmap keep page p's exclusivity in its swap PTE (pte_swp_mkexclusive, 5.19)? */
  swapPteExclusive(s: Uint32Array, p: number): boolean;
  /**
   * do_swap_page, after the entry was freed (swap_free) and page p (found
   * in, or read into, the swap cache) mapped read-only: is p now exclusive
   * to the faulting process (then a write fault maps it writable; else
   * do_wp_page follows)? May drop p from the swap cache (reuse_swap_page
   * before 5.18, should_try_to_free_swap after). swpExclusive: the swap PTE's bit.
   */
  doSwapPageExclusive(s: Uint32Array, p: number, swpExclusive: boolean, write: boolean): boolean;
  /** do_wp_page on anonymous page p, before the reuse test: drop it from the swap cache (reuse_swap_page before 5.9, try_to_free_swap from 5.18)? */
  wpFreeSwap(s: Uint32Array, p: number): void;
  /** Does truncate's unmap_mapping_range zap a swap entry of a private COW copy (zap_pte_range with zap_details)? Not before 5.18's 5abfd71d936a. */
  truncateZapsSwapEntries(): boolean;

  // --- migration (mm/migrate.c, mm/gup.c) ----------------------------------------
  /**
   * check_and_migrate_movable_pages: must this FOLL_LONGTERM GUP (holder hi)
   * move page p out of the movable block before it may keep the pin?
   * undefined where the kernel pins such a page in place (before 5.13's d1e153fea2a8).
   */
  readonly gupLongtermMigrate: ((s: Uint32Array, hi: number, p: number) => boolean) | undefined;
  /** Branch steps of migrate_pages instead of moving page p (5.19: try_to_migrate_one keeps an exclusive page that may be pinned). Exit: the page is put back. */
  migrateRefuses(): readonly BranchStep[];

  // --- huge pages (mm/huge_memory.c, mm/gup.c) -----------------------------------
  /**
   * Are FOLL_PIN references of a large folio counted exactly in its own pin
   * count — each adds 1 to the refcount, not GUP_PIN_COUNTING_BIAS — and is
   * that count what folio_maybe_dma_pinned reads (5.7's 47e29d32afba)?
   */
  largeFolioPincount(): boolean;
  /** do_huge_pmd_wp_page: may the faulting process reuse the PMD-mapped THP whose head is f in place (the PMD made writable, or for an unshare left R/O)? */
  hugeWpCanReuse(s: Uint32Array, f: number): boolean;
  /**
   * do_huge_pmd_wp_page where it may not reuse: copy the THP for the
   * faulting process ('copy', before 5.8), or split the PMD and let the
   * PTE-level fault copy the one subpage ('split', 5.8's 3917c80280c9)?
   */
  hugeWpFallback(): 'copy' | 'split';
  /**
   * Does do_huge_pmd_wp_page's reuse_swap_page read the subpages' mapcounts
   * (one step) and then PageDoubleMap and the compound mapcount (the next),
   * while another process may split its PMD of the same THP in between —
   * before 5.8's c444eb564fb1 made __split_huge_pmd take the page lock the
   * fault holds? (Where it does not, the test is one step.)
   */
  hugeWpReuseRacesSplit(): boolean;
  /** copy_huge_pmd: split the PMD of a THP that forkCopiesForChild would copy, so the PTE pass copies its subpages (5.9's d042035eaf5f)? Else it is shared whole. */
  forkSplitsPinnedHugePmd(): boolean;
  /** change_huge_pmd for mprotect(PROT_READ|PROT_WRITE): map the R/O PMD of the THP whose head is f writable at once (can_change_pmd_writable, 6.2)? */
  mprotectMapsPmdWritable(s: Uint32Array, f: number, softDirtyArmed: boolean): boolean;
  /**
   * khugepaged's scan and __collapse_huge_page_isolate: may page p (mapped
   * by a PTE of the range) be collapsed — are all its references accounted
   * for (no GUP reference or pin)? 4.14: a small page referenced once;
   * 5.8: a page shared across fork, then a PTE-mapped THP, by
   * is_refcount_suitable.
   */
  collapseIsolates(s: Uint32Array, p: number): boolean;

  // --- direct-I/O bios (block/bio.c) --------------------------------------------
  /** The refcount ZERO_PAGE costs when dio_zero_block adds it to a bio (0: a no-op). */
  bioZeroPageRef(): number;
  /** The merge site (__bio_try_merge_page's caller) dropping holder hi's duplicate reference. */
  bioMergeRelease(hi: number): BioRelease;
  /** bio_endio → bio_release_pages for holder hi's bio: what each bvec page gives back. */
  bioReleases(s: Uint32Array, hi: number): readonly BioRelease[];
  /** Words for bio completion's label (how it tells pins from plain references). */
  bioEndioWords(): string;
}

/** The names of every hook, in the order above (for validation and error messages). */
export const HOOK_NAMES: readonly (keyof KernelHooks)[] = [
  'gupRefIncrement', 'gupZeroPageRef', 'dioGupKind', 'defaultRelease', 'checkVmaFlags', 'gupBreaksCow', 'gupKeepsWriteAfterCow', 'canFollowWritePte',
  'canFollowWritePmd', 'gupTouchDirtiesPmd', 'gupMustUnshare', 'gupLocksPage', 'gupPinned',
  'gupFastGrabbed', 'gupFastUndone', 'gupFastPinAllowed',
  'releaseAmount', 'released', 'releaseWords', 'releaseMatches',
  'folioMaybeDmaPinned', 'pinsWithoutGupHolder', 'extraRefs',
  'pageMkwrite', 'pageMkwriteWaits', 'wpSleepsOnPageLock', 'wpCanReuse',
  'forkCopiesForChild', 'forkWords',
  'mprotectMapsWritable', 'clearRefsSkips',
  'noBuffersAtWriteback', 'writebackSteps', 'writebackBioGet', 'writebackBioPut', 'writebackReadsPage',
  'reclaimAfterUnmap', 'reclaimCanPageout', 'removeMappingCanFree',
  'reclaimBeforeAddToSwap', 'reclaimUnmapAnon', 'swapPteExclusive', 'doSwapPageExclusive', 'wpFreeSwap', 'truncateZapsSwapEntries',
  'gupLongtermMigrate', 'migrateRefuses',
  'largeFolioPincount', 'hugeWpCanReuse', 'hugeWpFallback', 'hugeWpReuseRacesSplit', 'forkSplitsPinnedHugePmd', 'mprotectMapsPmdWritable', 'collapseIsolates',
  'bioZeroPageRef', 'bioMergeRelease', 'bioReleases', 'bioEndioWords',
];

/** put_page() of one reference, or a plain put of an unpinned one. */
export function putRelease(page: number, taken: Taken): BioRelease {
  return { page, taken, released: 'put_page', amount: 1 };
}

/** The baseline kernel (pre-2019, ~v4.14) at every hook point. */
export function baselineHooks(k: Kernel): KernelHooks {
  const none: readonly BranchStep[] = [];
  return {
    gupRefIncrement: () => 1,
    // follow_page_pte takes the zero page like any other (a reference, or a pin).
    gupZeroPageRef: (_kind, inc) => inc,
    dioGupKind: () => 'GET',
    // What the pre-2019 GUP documentation told callers: set_page_dirty_lock() before put_page().
    // (A FOLL_PIN holder in a baseline scenario keeps the later API's names; it adds 1 here.)
    defaultRelease: (kind, write) => (kind === 'PIN'
      ? (write ? 'unpin_user_pages_dirty_lock' : 'unpin_user_page')
      : (write ? 'set_page_dirty_lock+put_page' : 'put_page')),
    checkVmaFlags: () => undefined,
    gupBreaksCow: () => false,
    // 4.8's __get_user_pages: `if ((ret & VM_FAULT_WRITE) && !(vma->vm_flags & VM_WRITE)) foll_flags &= ~FOLL_WRITE`.
    gupKeepsWriteAfterCow: () => false,
    canFollowWritePte: (_s, _h, _cowed, _p, w) => w,
    // follow_trans_huge_pmd before 4.10: `if (flags & FOLL_WRITE && !pmd_write(*pmd)) goto out;`
    canFollowWritePmd: (_s, _h, _cowed, _p, w) => w,
    // touch_pmd: `_pmd = pmd_mkyoung(pmd_mkdirty(*pmd));` on every FOLL_TOUCH lookup, reads included.
    gupTouchDirtiesPmd: () => true,
    gupMustUnshare: () => false,
    gupLocksPage: () => false,
    gupPinned: () => {},
    gupFastGrabbed: () => {},
    gupFastUndone: () => {},
    gupFastPinAllowed: () => true,

    releaseAmount: () => 1,
    released: () => {},
    releaseWords: () => '',
    // Nothing can tell a GUP reference from any other: every release matches.
    releaseMatches: () => true,

    folioMaybeDmaPinned: undefined,
    pinsWithoutGupHolder: () => false,
    extraRefs: () => 0,

    // ext4_page_mkwrite / block_page_mkwrite: attach buffers and mark them dirty; the VM
    // then makes the PTE writable and dirty and calls set_page_dirty.
    pageMkwrite: (s, q, v, p) => {
      if (k.isExt4(p)) k.attachBuffers(s, p, BH.dirty);
      const e = k.pr[q]!.vma[v]!;
      e.w.set(s, 1);
      e.d.set(s, 1);
      k.setPageDirty(s, p);
    },
    // folio_wait_stable (block_page_mkwrite, ext4_page_mkwrite): only a device that needs
    // stable pages (SB_I_STABLE_WRITES) makes a write fault wait for writeback.
    pageMkwriteWaits: (s, p) => k.sh.stableWrites && k.pg[p]!.PG_writeback.test(s),
    // Before 5.9 do_wp_page takes lock_page for reuse_swap_page (it sleeps), and reuses by mapcount.
    wpSleepsOnPageLock: (s, p) => k.locked(s, p),
    // reuse_swap_page: mapcount plus the swap PTEs of the page's slot (page_trans_huge_map_swapcount), refcount ignored;
    // for a subpage of a THP the most any subpage has, PMD mappings included ("if the return value is one, even if
    // different processes are mapping different subpages ... they can all reuse it").
    wpCanReuse: (s, p) => !k.locked(s, p) && (k.hasThp && k.isLarge(p) ? k.thpMaxMapcount(s, p) : k.pg[p]!.map.get(s)) + k.pageSwapCount(s, p) === 1,

    forkCopiesForChild: () => false,
    forkWords: () => '',

    // Before 6.0, change_pte_range re-sets the write bit only with MM_CP_DIRTY_ACCT (shared
    // mappings with dirty accounting); a private PTE stays write-protected until a write fault.
    mprotectMapsWritable: () => false,
    clearRefsSkips: () => false,

    noBuffersAtWriteback: () => ({
      name: 'BUG in page_buffers',
      label: 'mpage_prepare_extent_to_map: page_buffers(): BUG_ON(!PagePrivate(page)) — kernel BUG',
      handle: () => true,
    }),
    writebackSteps: () => none,
    writebackBioGet: () => {},
    writebackBioPut: () => {},
    writebackReadsPage: (s, p) => k.pg[p]!.PG_writeback.test(s),

    reclaimAfterUnmap: () => none,
    reclaimCanPageout: (p) => k.isExt4(p),
    // page_ref_freeze(2) (isolation + page cache) first, then !PageDirty: the order that
    // closes "GUP; write; set_page_dirty; put" (the comment in __remove_mapping).
    removeMappingCanFree: (s, p) => k.pg[p]!.ref.get(s) === 2 && !k.pg[p]!.PG_dirty.test(s),

    reclaimBeforeAddToSwap: () => none,
    // try_to_unmap_one knows nothing of GUP until 5.19.
    reclaimUnmapAnon: () => none,
    swapPteExclusive: () => false,
    // 4.14 do_swap_page: a write fault reuses the page if reuse_swap_page (mapcount + swapcount <= 1),
    // which also deletes a sole user's page from the swap cache (unless under writeback); a read maps it R/O.
    doSwapPageExclusive: (s, p, _swpExclusive, write) => {
      if (!write || k.pg[p]!.map.get(s) + k.pageSwapCount(s, p) > 1) return false;
      k.tryToFreeSwap(s, p);
      return true;
    },
    // zap_pte_range: "If details->check_mapping, we leave swap entries" — the code skips every swap
    // entry when zap_details is given at all, which truncate's unmap_mapping_range always does (4.14, 5.11).
    truncateZapsSwapEntries: () => false,
    // reuse_swap_page in do_wp_page (before 5.9): a sole user's page leaves the swap cache as it is reused.
    wpFreeSwap: (s, p) => {
      if (k.swapSlotOf(s, p) >= 0 && k.pg[p]!.map.get(s) + k.pageSwapCount(s, p) === 1) k.tryToFreeSwap(s, p);
    },

    // FOLL_LONGTERM pins a ZONE_MOVABLE page in place (5.2–5.12 migrate CMA pages only, which the model has none of).
    gupLongtermMigrate: undefined,
    // Before 5.19 migration backs off only at the refcount check.
    migrateRefuses: () => none,

    // Before 5.7 a pin of a huge page is a plain reference on its head (FOLL_PIN is counted nowhere before 5.7).
    largeFolioPincount: () => false,
    // 4.14 do_huge_pmd_wp_page: `if (reuse_swap_page(page, NULL))` reuse — the most any subpage is mapped, the PMDs included.
    hugeWpCanReuse: (s, f) => !k.locked(s, f) && k.thpMaxMapcount(s, f) === 1,
    // 4.14: a new huge page and copy_user_huge_page, or, if none can be had, do_huge_pmd_wp_page_fallback
    // copies every subpage into a small page mapped by PTEs (the model has no spare huge page: that path).
    hugeWpFallback: () => 'copy',
    // 4.14 __split_huge_pmd takes the PMD's lock, not the page lock reuse_swap_page runs under.
    hugeWpReuseRacesSplit: () => true,
    // copy_huge_pmd before 5.9: get_page, page_dup_rmap, pmdp_set_wrprotect — pinned or not.
    forkSplitsPinnedHugePmd: () => false,
    // change_huge_pmd before 6.2 never sets the write bit (only NUMA's savedwrite).
    mprotectMapsPmdWritable: () => false,
    // 4.14 khugepaged_scan_pmd: PageCompound → SCAN_PAGE_COMPOUND ("TODO: teach khugepaged to collapse THP mapped with
    // pte"); page_count(page) != 1 + PageSwapCache(page) → SCAN_PAGE_COUNT ("can't collapse if there's a gup pin").
    collapseIsolates: (s, p) => !k.isLarge(p) && k.pg[p]!.ref.get(s) === 1 + (k.swapSlotOf(s, p) >= 0 ? 1 : 0),

    bioZeroPageRef: () => 1,
    // 5.1–6.4 __bio_iov_iter_get_pages: `if (same_page) put_page(page)`.
    bioMergeRelease: (hi) => putRelease(k.sh.holders[hi]!.bioPage, k.sh.holders[hi]!.kind),
    // bio_release_pages: put_page every bvec page.
    bioReleases: (s, hi) => {
      const h = k.sh.holders[hi]!;
      const H = k.hd[hi]!;
      const out: BioRelease[] = [];
      if (H.pc.get(s) === HOLDER.held) out.push(putRelease(H.page.get(s), h.kind));
      if (h.bio === 'zero-page') out.push(putRelease(h.bioPage, 'plain'));
      return out;
    },
    bioEndioWords: () => 'put_page every bvec page',
  };
}

/** The lock owner value of holder hi (a GUP that keeps the page lock). */
export const holderOwner = (hi: number): number => OWNER.holderBase + hi;
