// khugepaged collapsing the THP range of one process into a new huge page
// (mm/khugepaged.c collapse_huge_page; MADV_COLLAPSE, 6.1, runs the same
// code). Three steps, because GUP-fast takes none of the locks collapse
// holds and can run between them: pmdp_collapse_flush clears the PMD under
// mmap_lock held for writing (faults, the GUP slow path and the process's
// own calls wait); __collapse_huge_page_isolate checks that every page's
// references are its mappings (the kernel's rule, a hook) or puts the page
// table back; __collapse_huge_page_copy copies each subpage into the new
// huge page, clears the old PTEs and puts their pages, and set_pmd_at maps
// the new THP. One attempt per run; the max_ptes_* tunables are not applied.

import { action, type Action } from '../../src/engine/model.js';
import { COLLAPSE, FORK, HOLDER, type Kernel } from './kernel.js';

const actor = 'khugepaged';

export function khugepagedActions(k: Kernel): Action[] {
  const C = k.root.khugepaged!;
  // The THP the scenario has (validated: exactly one, not the huge zero page) and its free new huge page.
  const hpage = k.sh.pages.findIndex((p) => p.id === 'hpage');
  const scanWords = k.atLeast('6.1') ? 'hpage_collapse_scan_pmd' : 'khugepaged_scan_pmd';
  // The mmap locking API (mmap_write_lock) from 5.8; before, the rwsem by hand.
  const lock = k.atLeast('5.8') ? 'mmap_write_lock' : 'down_write(mmap_sem)';
  const unlock = k.atLeast('5.8') ? 'mmap_write_unlock' : 'up_write(mmap_sem)';
  const refsWords = k.atLeast('5.8') ? 'every page\'s references are its mappings (is_refcount_suitable)' : 'every page is a small page referenced once (page_count == 1)';
  const out: Action[] = [];
  k.sh.procs.forEach((pr, q) => {
    const h = pr.vmas.findIndex((v, i) => v.thp !== null && v.thp.head === i && !v.zeropage);
    if (h < 0) return;
    const r = pr.vmas[h]!.thp!;
    const entries = [k.pr[q]!.vma[r.head]!, k.pr[q]!.vma[r.tail]!];
    const writable = pr.vmas[h]!.writable;
    // A range MADV_DONTFORK split in two VMAs is one again only after MADV_DOFORK, which cow.c calls after fork().
    const splitVma = pr.vmas[r.head]!.dontfork !== pr.vmas[r.tail]!.dontfork;
    /**
     * hugepage_vma_revalidate and the scan: the range lies in one VMA, is mapped by PTEs, at least
     * one present and anonymous, every present one an anonymous page or the zero page, and at least
     * one writable (else SCAN_PAGE_RO: a range fork has write-protected is not collapsed).
     */
    const ptesToCollapse = (s: Uint32Array): boolean => {
      if (k.pmdMapped(s, q, r.head) || entries.some((e) => e.unmapped.test(s))) return false;
      if (splitVma && k.root.forked.get(s) !== FORK.done) return false;
      let anon = 0;
      let w = 0;
      for (const e of entries) {
        if (!e.present.test(s)) continue;
        const p = e.pfn.get(s);
        if (e.w.test(s)) w++;
        if (k.isAnon(s, p)) anon++;
        else if (k.special[p] !== 1) return false;
      }
      return anon > 0 && w > 0;
    };
    const suitable = (s: Uint32Array): boolean => {
      if (!entries.some((e) => e.present.test(s) && e.w.test(s))) return false; // SCAN_PAGE_RO, checked again in isolate
      for (const e of entries) {
        if (!e.present.test(s)) continue;
        const p = e.pfn.get(s);
        if (k.special[p] !== 1 && !k.hooks.collapseIsolates(s, p)) return false;
      }
      return true;
    };
    const params = { process: pr.id };
    out.push(action({
      name: 'khugepaged: pmdp_collapse_flush', actor, params,
      label: `khugepaged: ${scanWords} finds ${pr.id}'s THP range collapsible; collapse_huge_page: ${lock}, pmdp_collapse_flush (the PMD is cleared; GUP-fast may still be walking the old page table)`,
      guard: (s) => C.pc.get(s) === COLLAPSE.idle && k.pr[q]!.alive.test(s) && !k.mmapWriteLocked(s, q) && ptesToCollapse(s) && suitable(s) && k.isFree(s, hpage),
      effect: (s) => {
        C.pc.set(s, COLLAPSE.flushed);
        C.mm.set(s, q);
      },
    }));
    out.push(action({
      name: 'khugepaged: __collapse_huge_page_isolate', actor, params,
      label: `khugepaged: __collapse_huge_page_isolate: ${refsWords}: isolated`,
      guard: (s) => C.pc.get(s) === COLLAPSE.flushed && C.mm.get(s) === q && suitable(s),
      effect: (s) => { C.pc.set(s, COLLAPSE.isolated); },
    }));
    out.push(action({
      name: 'khugepaged: __collapse_huge_page_isolate fails', actor, params,
      label: `khugepaged: __collapse_huge_page_isolate: a page has references beyond its mappings (SCAN_PAGE_COUNT), or no PTE is writable (SCAN_PAGE_RO): pmd_populate puts the page table back, ${unlock}`,
      guard: (s) => C.pc.get(s) === COLLAPSE.flushed && C.mm.get(s) === q && !suitable(s),
      effect: (s) => { C.pc.set(s, COLLAPSE.done); },
    }));
    out.push(action({
      name: 'khugepaged: __collapse_huge_page_copy + set_pmd_at', actor, params,
      label: `khugepaged: __collapse_huge_page_copy (each subpage copied into the new huge page, the old PTEs cleared and their pages put), set_pmd_at of the new THP${writable ? ' (writable: maybe_pmd_mkwrite)' : ''}, ${unlock}`,
      guard: (s) => C.pc.get(s) === COLLAPSE.isolated && C.mm.get(s) === q,
      effect: (s) => {
        const tail = k.sh.pages[hpage]!.tail;
        for (const [e, n] of [[entries[0]!, hpage], [entries[1]!, tail]] as const) {
          const g = k.pg[n]!;
          const o = e.present.test(s) ? e.pfn.get(s) : -1;
          // copy_mc_user_highpage, or clear_user_highpage for a none or zero-page PTE.
          g.data.set(s, o >= 0 && k.isAnon(s, o) ? k.pg[o]!.data.get(s) : 0);
          g.writtenBy.set(s, o >= 0 && k.isAnon(s, o) ? k.pg[o]!.writtenBy.get(s) : 0);
        }
        // __collapse_huge_page_copy_succeeded: ptep_clear, page_remove_rmap, free_page_and_swap_cache.
        // A GUP-fast still walking the old table now reads a cleared PTE: it falls back.
        k.zapPte(s, q, r.head);
        k.zapPte(s, q, r.tail);
        k.sh.holders.forEach((hs, hi) => {
          if (hs.proc === q && (hs.va === r.head || hs.va === r.tail) && k.hd[hi]!.pc.get(s) === HOLDER.walked) {
            k.hd[hi]!.pc.set(s, HOLDER.start);
            k.hd[hi]!.slow.set(s, 1);
          }
        });
        k.newAnonThp(s, hpage);
        k.anonVmaPrepare(s, q, r.head);
        k.mapPmd(s, q, r.head, hpage, writable, true);
        C.pc.set(s, COLLAPSE.done);
      },
    }));
  });
  return out;
}
