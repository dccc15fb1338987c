// S: the structure the kernel keeps consistent whatever the design — page
// tables against VMAs and the page cache, mapcounts against page tables.
// A model mistake that breaks one of these usually breaks no I-property at
// once (a stray PTE is a "legitimate" reference to I2), so they are stated
// on their own, each with the kernel check or mechanism it mirrors.
//  - S.pte-in-vma: a present PTE lies in a VMA that exists (the process is
//    alive and has not munmapped the address): munmap and exit_mmap zap the
//    page tables with the VMA (unmap_vmas/zap_pte_range); a PTE left behind
//    is what "BUG: Bad page map" and page_table_check report.
//  - S.file-pte-cached: a PTE of a file VMA that maps a file page maps a page
//    of that file's page cache, at that offset, within i_size: truncate zaps
//    every PTE (unmap_mapping_range, private COWs too) before it removes the
//    pages, and faults beyond i_size SIGBUS.
//  - S.mapcount: a page's mapcount is the number of PTEs that map it (the
//    zero page's special PTEs count for nothing): page_add_*_rmap and
//    page_remove_rmap pair with set_pte_at and the zap.
//  - S.anon-writable-exclusive (5.19 on, added by 6c287605fd56's commit):
//    a writable PTE of an anonymous page maps a PageAnonExclusive page — the
//    rule PG_anon_exclusive exists for.

import { always, sometimes, type Property } from '../src/engine/model.js';
import { FORK, MAPPING, type Kernel } from '../models/kernel/kernel.js';
import { activeHolders, type KernelProperty } from './kernel-property.js';

export const STRUCTURE: KernelProperty = {
  id: 'S',
  title: 'page tables, VMAs, page cache and mapcounts agree',
  // Something can make a PTE present: one at the start, a store, or a GUP the kernel does not refuse.
  applies: (k) => k.sh.procs.some((p) => p.vmas.some((v) => v.present || v.zeropage || v.store)) || activeHolders(k).length > 0,
  properties: (k) => {
    const vmas = k.sh.procs.flatMap((pr, q) => pr.vmas.map((v, i) => ({ v, q, i, e: k.pr[q]!.vma[i]! })));
    const zero = k.sh.zeroSlot;
    return [
      always('S.pte-in-vma', 'a present PTE lies in a live VMA (munmap and exit zap the page tables with the VMA; else "BUG: Bad page map")', (s) => {
        // (The child's mm exists, not yet running, while fork copies into it.)
        const copying = k.root.forked.get(s) === FORK.copying;
        for (const { q, e } of vmas) {
          if (e.present.test(s) && ((!k.pr[q]!.alive.test(s) && !(copying && q === k.sh.forkChild)) || e.unmapped.test(s))) return false;
        }
        return true;
      }),
      always('S.file-pte-cached', 'a PTE of a file VMA that maps a file page maps that offset\'s page in the page cache, within i_size (truncate unmaps before it removes)', (s) => {
        for (const { v, e } of vmas) {
          if (!v.file || !e.present.test(s)) continue;
          const p = e.pfn.get(s);
          if (k.pg[p]!.mapping.get(s) === MAPPING.anon || p === zero) continue;
          if (p !== v.page || !k.inCache(s, p) || k.root.truncated.test(s)) return false;
        }
        return true;
      }),
      always('S.mapcount', `a page's mapcount is the number of PTEs that map it (rmap pairs with set_pte_at and the zap)${k.hasThp ? '; a THP\'s entire mapcount is the number of PMDs that map it whole' : ''}`, (s) => {
        return k.mapcountsMatch(s);
      }),
      ...(k.sh.swapSlots.length > 0 ? [always('S.swap-count', 'each swap slot\'s count is the number of swap PTEs holding its entry, and a present PTE holds none (swap_duplicate and swap_free pair with the swap PTEs)', (s) => {
        for (let x = 0; x < k.sw.length; x++) {
          let n = 0;
          for (const { q, i, e } of vmas) {
            const y = k.swapEntry(s, q, i);
            if (y >= 0 && e.present.test(s)) return false;
            if (y === x) n++;
          }
          if (n !== k.sw[x]!.count.get(s)) return false;
        }
        return true;
      })] : []),
      sometimes('S.witness', 'a PTE is present (what S constrains)', (s) => {
        for (const { e } of vmas) if (e.present.test(s)) return true;
        return false;
      }),
    ];
  },
};

/**
 * S.swapcache-not-exclusive: from 5.19 (1493a1913e34), a page in the swap cache that a swap PTE
 * still refers to is not PageAnonExclusive — the exclusivity went into the swap PTE's bit, and
 * do_swap_page has BUG_ON(PageAnon(page) && PageAnonExclusive(page)) for such a page.
 */
export function swapcacheNotExclusive(k: Kernel): Property[] {
  if (k.sh.swapSlots.length === 0) return [];
  return [always('S.swapcache-not-exclusive', 'a swap-cache page a swap PTE still refers to is not PageAnonExclusive (else do_swap_page: BUG_ON(PageAnon && PageAnonExclusive))', (s) => {
    for (let p = 0; p < k.NP; p++) {
      if (k.pageSwapCount(s, p) > 0 && k.isAnon(s, p) && k.pg[p]!.PG_anon_exclusive.test(s)) return false;
    }
    return true;
  })];
}

/** S.anon-writable-exclusive: from 5.19 (6c287605fd56), a writable PTE of an anonymous page maps a PageAnonExclusive page. */
export function anonWritableExclusive(k: Kernel): Property[] {
  const ptes = k.sh.procs.flatMap((pr, q) => pr.vmas.map((_, i) => k.pr[q]!.vma[i]!));
  if (!k.sh.procs.some((p) => p.vmas.some((v) => !v.file || !v.shared))) return [];
  return [always('S.anon-writable-exclusive', 'a writable PTE of an anonymous page maps a PageAnonExclusive page (what PG_anon_exclusive guarantees from 5.19)', (s) => {
    for (const e of ptes) {
      if (!e.present.test(s) || !e.w.test(s)) continue;
      const p = e.pfn.get(s);
      if (k.isAnon(s, p) && !k.pg[p]!.PG_anon_exclusive.test(s)) return false;
    }
    return true;
  })];
}
