// Page faults (reference §2.4, §2.11): handle_mm_fault for a user store or
// for GUP's faultin_page, as one atomic step (the kernel holds the PT lock
// and, for page_mkwrite, the page lock across it).

import { BH, MAPPING, type Kernel } from './kernel.js';

export type FaultResult = 'ok' | 'sigbus' | 'segv';

/** Would this fault sleep on a page lock held by someone else? (filemap_fault / page_mkwrite lock the page.) */
export function faultBlocked(k: Kernel, s: Uint32Array, q: number, v: number): boolean {
  const vma = k.sh.procs[q]!.vmas[v]!;
  const e = k.pr[q]!.vma[v]!;
  if (!vma.file) return e.present.test(s) && k.sh.era.cowReuse === 'mapcount' && k.locked(s, e.pfn.get(s));
  const p = e.present.test(s) ? e.pfn.get(s) : vma.page;
  // Anon COW: before 5.9 do_wp_page sleeps in lock_page for reuse_swap_page; later it only trylocks.
  if (k.isAnon(s, p)) return k.sh.era.cowReuse === 'mapcount' && k.locked(s, p);
  return k.locked(s, p);
}

/** Does an access (write or R/O-pin unshare) at (q, v) need a fault first? */
export function needsFault(k: Kernel, s: Uint32Array, q: number, v: number, write: boolean, unshare: boolean): boolean {
  const e = k.pr[q]!.vma[v]!;
  if (!e.present.test(s)) return true;
  if (write && !e.w.test(s)) return true;
  return unshare;
}

/**
 * do_page_mkwrite → ext4_page_mkwrite / block_page_mkwrite (shared file
 * mapping, page locked by the caller): attach buffers and mark them dirty,
 * then the VM makes the PTE writable and dirty and calls set_page_dirty.
 */
function pageMkwrite(k: Kernel, s: Uint32Array, q: number, v: number, p: number): void {
  if (k.isExt4(p)) k.attachBuffers(s, p, BH.dirty);
  const e = k.pr[q]!.vma[v]!;
  e.w.set(s, 1);
  e.d.set(s, 1);
  k.setPageDirty(s, p);
}

/** wp_page_copy: a new exclusive anon page with p's contents replaces p in (q, v). */
function wpPageCopy(k: Kernel, s: Uint32Array, q: number, v: number, p: number, write: boolean, unshare: boolean): void {
  const c = k.copyToNewAnonPage(s, p);
  const e = k.pr[q]!.vma[v]!;
  if (e.present.test(s)) k.zapPte(s, q, v);
  k.mapPte(s, q, v, c, !unshare && k.sh.procs[q]!.vmas[v]!.writable, write);
}

/**
 * do_wp_page on an anonymous page: reuse it in place or copy it. The rule
 * is the era's (reference §2.11): pre-5.8 by mapcount (reuse_swap_page),
 * 5.8+ by refcount, 5.19+ PageAnonExclusive first. Reuse needs the page
 * lock (trylock); a locked page is copied.
 */
function doWpPageAnon(k: Kernel, s: Uint32Array, q: number, v: number, p: number, write: boolean, unshare: boolean): void {
  const g = k.pg[p]!;
  let reuse: boolean;
  switch (k.sh.era.cowReuse) {
    case 'mapcount': reuse = !k.locked(s, p) && g.map.get(s) === 1; break;
    case 'refcount': reuse = !k.locked(s, p) && g.ref.get(s) === 1; break;
    case 'exclusive': reuse = g.exclusive.test(s) || (!k.locked(s, p) && g.ref.get(s) === 1); break;
  }
  if (!reuse) {
    wpPageCopy(k, s, q, v, p, write, unshare);
    return;
  }
  g.exclusive.set(s, 1);
  const e = k.pr[q]!.vma[v]!;
  if (!unshare) e.w.set(s, 1);
  if (write) e.d.set(s, 1);
}

/**
 * handle_mm_fault(FAULT_FLAG_WRITE if write, FAULT_FLAG_UNSHARE if unshare)
 * at (q, v). The caller has checked faultBlocked() (a sleeping lock is a
 * guard, not a step) and that the address is still mapped.
 */
export function handleMmFault(k: Kernel, s: Uint32Array, q: number, v: number, write: boolean, unshare: boolean): FaultResult {
  const vma = k.sh.procs[q]!.vmas[v]!;
  const e = k.pr[q]!.vma[v]!;
  if (write && !vma.writable) return 'segv';
  if (!e.present.test(s)) {
    if (!vma.file) return 'segv'; // anonymous pages exist only while mapped
    // filemap_fault: beyond i_size after truncate → SIGBUS.
    if (k.L.root.truncated.test(s)) return 'sigbus';
    const p = vma.page;
    const g = k.pg[p]!;
    if (g.mapping.get(s) !== MAPPING.file) {
      // Not cached (reclaimed): read it back from disk (mpage_readpage: no buffers attached).
      if (g.ref.get(s) !== 0) return 'sigbus'; // an orphan still pinned: the offset is gone
      g.mapping.set(s, MAPPING.file);
      g.ref.set(s, 1);
      g.data.set(s, g.disk.get(s));
      g.lru.set(s, 1);
    }
    if (write && !vma.shared) {
      // do_cow_fault: copy the file page into a private anon page.
      const c = k.copyToNewAnonPage(s, p);
      k.mapPte(s, q, v, c, true, true);
      return 'ok';
    }
    // do_read_fault / do_shared_fault: map the cache page; a write runs page_mkwrite.
    k.mapPte(s, q, v, p, false, false);
    if (write) pageMkwrite(k, s, q, v, p);
    return 'ok';
  }
  const p = e.pfn.get(s);
  if (vma.file && vma.shared) {
    // wp_page_shared → do_page_mkwrite; a truncated page makes it retry, then SIGBUS.
    if (!k.inCache(s, p)) return 'sigbus';
    if (write) pageMkwrite(k, s, q, v, p);
    return 'ok';
  }
  if (k.isAnon(s, p)) {
    doWpPageAnon(k, s, q, v, p, write, unshare);
    return 'ok';
  }
  // A private mapping still showing the file page: copy on write (or unshare for a R/O long-term pin).
  if (write || unshare) wpPageCopy(k, s, q, v, p, write, unshare);
  return 'ok';
}
