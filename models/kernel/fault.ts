// Page faults: handle_mm_fault for a user store or
// for GUP's faultin_page, as one atomic step (the kernel holds the PT lock
// and, for page_mkwrite, the page lock across it). What ->page_mkwrite does,
// whether the fault must wait first, and do_wp_page's reuse rule are hooks.

import type { Action } from '../../src/engine/model.js';
import { MAPPING, underPageLock, type Kernel } from './kernel.js';

export type FaultResult = 'ok' | 'sigbus' | 'segv';

/**
 * Would this fault sleep before it can run? filemap_fault and page_mkwrite
 * lock the page (a page lock held by someone else), page_mkwrite may wait
 * for the page to be stable (folio_wait_stable), and do_wp_page may sleep on
 * an anonymous page's lock. A sleeping wait is a guard, not a step: the
 * model lets others take the page lock meanwhile, which can only add
 * interleavings.
 */
export function faultBlocked(k: Kernel, s: Uint32Array, q: number, v: number, write: boolean): boolean {
  const vma = k.sh.procs[q]!.vmas[v]!;
  const e = k.pr[q]!.vma[v]!;
  const K = k.hooks;
  if (!e.present.test(s)) {
    // do_swap_page: folio_lock_or_retry on the swap-cache page (reclaim may hold it).
    const x = k.swapEntry(s, q, v);
    if (x >= 0) {
      const p = k.swapCachePage(s, x);
      return p >= 0 && k.locked(s, p);
    }
  }
  // (A THP write fault holding the folio's lock between its two reads also makes this one wait.)
  if (!vma.file) return e.present.test(s) && (K.wpSleepsOnPageLock(s, e.pfn.get(s)) || (k.hasThp && k.thpFaultLocked(s, e.pfn.get(s))));
  const p = e.present.test(s) ? e.pfn.get(s) : vma.page;
  // Anon COW of a private file mapping: the anonymous page's rule.
  if (k.isAnon(s, p)) return K.wpSleepsOnPageLock(s, p);
  if (k.locked(s, p)) return true;
  // A write through a shared mapping of a cached page runs page_mkwrite.
  return write && vma.shared && vma.writable && k.inCache(s, p) && K.pageMkwriteWaits(s, p);
}

/** Words for a fault's label where its PTE may be a swap entry (a private mapping in a scenario with swap). */
export function swapWords(k: Kernel, q: number, v: number): string {
  const vma = k.sh.procs[q]!.vmas[v]!;
  return k.sh.swapSlots.length > 0 && !(vma.file && vma.shared) ? '; on a swap entry, do_swap_page' : '';
}

/**
 * Does an access (write or R/O-pin unshare) at (q, v) need a fault first?
 * `refused`: GUP's follow would not take the PTE as it is (faultin_page
 * then runs even on a write-protected PTE it may follow for writing later).
 */
export function needsFault(k: Kernel, s: Uint32Array, q: number, v: number, write: boolean, unshare: boolean, refused = write && !k.pr[q]!.vma[v]!.w.test(s)): boolean {
  const e = k.pr[q]!.vma[v]!;
  if (!e.present.test(s)) return true;
  if (write && refused) return true;
  return unshare;
}

/** wp_page_copy: a new exclusive anon page with p's contents replaces p in (q, v). */
function wpPageCopy(k: Kernel, s: Uint32Array, q: number, v: number, p: number, write: boolean, unshare: boolean): void {
  k.anonVmaPrepare(s, q, v);
  const c = k.copyToNewAnonPage(s, p);
  const e = k.pr[q]!.vma[v]!;
  if (e.present.test(s)) k.zapPte(s, q, v);
  k.mapPte(s, q, v, c, !unshare && k.sh.procs[q]!.vmas[v]!.writable, write);
}

/**
 * do_wp_page on an anonymous page: reuse it in place (the kernel's rule is
 * the wpCanReuse hook: by mapcount before 5.9, by refcount after,
 * PageAnonExclusive first from 5.19) or copy it. Reuse marks the page
 * exclusive to the faulting process.
 */
function doWpPageAnon(k: Kernel, s: Uint32Array, q: number, v: number, p: number, write: boolean, unshare: boolean): void {
  k.hooks.wpFreeSwap(s, p);
  if (!k.hooks.wpCanReuse(s, p)) {
    wpPageCopy(k, s, q, v, p, write, unshare);
    return;
  }
  k.pg[p]!.PG_anon_exclusive.set(s, 1);
  const e = k.pr[q]!.vma[v]!;
  if (!unshare && k.sh.procs[q]!.vmas[v]!.writable) e.w.set(s, 1);
  if (write) e.d.set(s, 1);
}

/**
 * do_huge_pmd_wp_page (via wp_huge_pmd) on q's PMD-mapped THP range holding
 * (q, v): reuse the THP in place (the kernel's rule, a hook: reuse_swap_page
 * before 5.18, page_count from 5.18, PageAnonExclusive first from 5.19) —
 * every subpage exclusive, the PMD writable and dirty (an unshare leaves it
 * R/O) — or, where it may not: before 5.8 copy it for the faulting process
 * (do_huge_pmd_wp_page_fallback: each subpage into a small page, mapped
 * writable and dirty by PTEs; the model has no spare huge page for
 * copy_user_huge_page's path, which ends the same for every property here),
 * from 5.8 split the PMD and go on at PTE level (VM_FAULT_FALLBACK:
 * handle_pte_fault → do_wp_page on the one subpage).
 */
export function doHugePmdWpPage(k: Kernel, s: Uint32Array, q: number, v: number, write: boolean, unshare: boolean, reuse?: boolean): void {
  const vma = k.sh.procs[q]!.vmas[v]!;
  const r = vma.thp!;
  const head = k.pr[q]!.vma[r.head]!;
  const f = k.folioOf[head.pfn.get(s)]!;
  if (reuse ?? k.hooks.hugeWpCanReuse(s, f)) {
    for (const e of k.rangeEntries(s, q, v)) {
      k.pg[e.pfn.get(s)]!.PG_anon_exclusive.set(s, 1);
      if (!unshare && vma.writable) e.w.set(s, 1);
      if (write) e.d.set(s, 1);
    }
    return;
  }
  if (k.hooks.hugeWpFallback() === 'split') {
    k.splitHugePmd(s, q, v);
    doWpPageAnon(k, s, q, v, k.pr[q]!.vma[v]!.pfn.get(s), write, unshare);
    return;
  }
  k.anonVmaPrepare(s, q, v);
  const t = k.sh.pages[f]!.tail;
  const copies = [k.copyToNewAnonPage(s, f), k.copyToNewAnonPage(s, t)] as const;
  k.zapPmd(s, q, v);
  k.mapPte(s, q, r.head, copies[0], vma.writable, true);
  k.mapPte(s, q, r.tail, copies[1], vma.writable, true);
}

/**
 * do_huge_pmd_wp_page on the huge zero page's PMD (a write, or an unshare for
 * a R/O long-term pin): before 5.8 `goto alloc` — a new zeroed THP mapped by
 * the PMD (the scenario's THP slots, if free; else the allocation fails and
 * the PMD is split); from 5.8 (3917c80280c9) the PMD is split
 * (__split_huge_zero_page_pmd: small zero page PTEs) and the PTE-level fault
 * copies the zero page (wp_page_copy).
 */
function doHugeZeroWpPage(k: Kernel, s: Uint32Array, q: number, v: number, write: boolean, unshare: boolean): void {
  const vma = k.sh.procs[q]!.vmas[v]!;
  const r = vma.thp!;
  const f = k.sh.procs[q]!.vmas[r.head]!.page;
  if (k.hooks.hugeWpFallback() === 'copy' && !unshare && k.isFree(s, f)) {
    k.newAnonThp(s, f);
    k.anonVmaPrepare(s, q, v);
    k.zapPmd(s, q, v);
    k.mapPmd(s, q, v, f, vma.writable, write);
    return;
  }
  k.splitHugePmd(s, q, v);
  wpPageCopy(k, s, q, v, k.sh.zeroSlot, write, unshare);
}

/**
 * do_swap_page for the swap PTE at (q, v) holding slot x: the page from the
 * swap cache (lookup_swap_cache), or read back into it
 * (swapin_readahead); swap_free; the page mapped read-only; then the
 * kernel's rule (a hook) says whether it is exclusive to this process — a
 * write fault then maps it writable — and a write fault on a page that is
 * not goes on into do_wp_page. An unshare fault only maps it (GUP retries,
 * and unshares on its next fault).
 */
function doSwapPage(k: Kernel, s: Uint32Array, q: number, v: number, x: number, write: boolean): void {
  const e = k.pr[q]!.vma[v]!;
  const vma = k.sh.procs[q]!.vmas[v]!;
  let p = k.swapCachePage(s, x);
  if (p < 0) p = k.swapInPage(s, x);
  const swpExclusive = e.swp_exclusive!.test(s);
  e.swp!.set(s, 0);
  e.swp_exclusive!.set(s, 0);
  k.swapFree(s, x);
  k.mapPte(s, q, v, p, false, false);
  if (k.hooks.doSwapPageExclusive(s, p, swpExclusive, write)) {
    k.pg[p]!.PG_anon_exclusive.set(s, 1);
    if (write) {
      e.w.setBool(s, vma.writable);
      e.d.set(s, 1);
    }
    return;
  }
  if (write) doWpPageAnon(k, s, q, v, p, true, false);
}

/**
 * handle_mm_fault(FAULT_FLAG_WRITE if write, FAULT_FLAG_UNSHARE if unshare)
 * at (q, v). The caller has checked faultBlocked() (a sleeping lock is a
 * guard, not a step) and that the address is still mapped.
 */
export function handleMmFault(k: Kernel, s: Uint32Array, q: number, v: number, write: boolean, unshare: boolean, force = false): FaultResult {
  const vma = k.sh.procs[q]!.vmas[v]!;
  const e = k.pr[q]!.vma[v]!;
  // A write to a mapping without VM_WRITE: only a FOLL_FORCE (or forced COW-break) GUP of a
  // private mapping, which breaks COW into a copy the PTE maps read-only (maybe_mkwrite).
  if (write && !vma.writable && (!force || vma.shared)) return 'segv';
  if (!e.present.test(s)) {
    const x = k.swapEntry(s, q, v);
    if (x >= 0) {
      doSwapPage(k, s, q, v, x, write);
      return 'ok';
    }
    if (!vma.file && k.pmdNone(s, q, v)) {
      // do_huge_pmd_anonymous_page: a read maps the huge zero page (set_huge_zero_page); a write
      // a new zeroed THP (the scenario's THP slots, if free; else the small page below).
      const r = vma.thp!;
      const f = k.sh.procs[q]!.vmas[r.head]!.page;
      if (!write && !unshare) {
        k.mapPmd(s, q, r.head, k.sh.hugeZeroSlot, false, false);
        return 'ok';
      }
      if (k.isFree(s, f)) {
        k.newAnonThp(s, f);
        k.mapPmd(s, q, r.head, f, vma.writable, true);
        return 'ok';
      }
    }
    if (!vma.file) {
      // do_anonymous_page: a read maps the shared zero page read-only (a special PTE, no
      // reference); a write (or an unshare) gets a new zero-filled exclusive page.
      if (!write && !unshare && k.sh.zeroSlot >= 0) k.mapPte(s, q, v, k.sh.zeroSlot, false, false);
      else k.mapPte(s, q, v, k.newZeroedAnonPage(s), vma.writable, write);
      return 'ok';
    }
    // filemap_fault: beyond i_size after truncate → SIGBUS.
    if (k.root.truncated.test(s)) return 'sigbus';
    const p = vma.page;
    const g = k.pg[p]!;
    if (g.mapping.get(s) !== MAPPING.file) {
      // Not cached (reclaimed): read it back from disk (mpage_readpage: no buffers attached).
      if (g.ref.get(s) !== 0) return 'sigbus'; // an orphan still pinned: the offset is gone
      g.mapping.set(s, MAPPING.file);
      g.ref.set(s, 1);
      g.data.set(s, g.disk.get(s));
      g.PG_lru.set(s, 1);
    }
    if (write && !vma.shared) {
      // do_cow_fault: copy the file page into a private anon page.
      k.anonVmaPrepare(s, q, v);
      const c = k.copyToNewAnonPage(s, p);
      k.mapPte(s, q, v, c, vma.writable, true);
      return 'ok';
    }
    // do_read_fault / do_shared_fault: map the cache page; a write runs page_mkwrite.
    k.mapPte(s, q, v, p, false, false);
    if (write) k.hooks.pageMkwrite(s, q, v, p);
    return 'ok';
  }
  const p = e.pfn.get(s);
  if (vma.file && vma.shared) {
    // wp_page_shared → do_page_mkwrite; a truncated page makes it retry, then SIGBUS.
    if (!k.inCache(s, p)) return 'sigbus';
    if (write) k.hooks.pageMkwrite(s, q, v, p);
    return 'ok';
  }
  if (k.hasThp && k.special[p] === 1 && k.pmdMapped(s, q, v)) {
    doHugeZeroWpPage(k, s, q, v, write, unshare);
    return 'ok';
  }
  if (k.isAnon(s, p)) {
    // A huge PMD: wp_huge_pmd (write or unshare on a PMD that is not writable).
    if (k.hasThp && k.pmdMapped(s, q, v)) doHugePmdWpPage(k, s, q, v, write, unshare);
    else doWpPageAnon(k, s, q, v, p, write, unshare);
    return 'ok';
  }
  // A private mapping still showing the file page: copy on write (or unshare for a R/O long-term pin).
  if (write || unshare) wpPageCopy(k, s, q, v, p, write, unshare);
  return 'ok';
}

/**
 * A fault of a file VMA takes the page-cache page's lock for its duration
 * (filemap_fault's lock_page, do_page_mkwrite): declared on the fault step
 * so I11 sees it never runs while someone else holds the lock. A fault on a
 * private COW copy (an anonymous page) takes no page-cache lock.
 */
export function faultLocks(k: Kernel, q: number, v: number, owner: number, a: Action): Action {
  const vma = k.sh.procs[q]!.vmas[v]!;
  if (!vma.file) return a;
  const e = k.pr[q]!.vma[v]!;
  return underPageLock(a, {
    page: (s) => {
      if (!e.present.test(s) && k.swapEntry(s, q, v) >= 0) return -1; // do_swap_page: an anonymous COW copy, no page-cache lock
      const p = e.present.test(s) ? e.pfn.get(s) : vma.page;
      return k.inCache(s, p) ? p : -1;
    },
    owner, how: 'takes',
  });
}
