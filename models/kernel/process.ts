// What user processes do: fork, munmap, and a user store through a PTE,
// with the write fault it may need first.

import { action, type Action } from '../../src/engine/model.js';
import { doHugePmdWpPage, faultBlocked, faultLocks, handleMmFault, needsFault, swapWords } from './fault.js';
import { FORK, OWNER, type Kernel } from './kernel.js';

/**
 * fork → dup_mmap → copy_page_range, in two steps, because GUP-fast does not
 * take the locks fork holds (mmap_lock for write, the PT locks) and can run
 * between them: copy_present_pte first decides whether the child needs its
 * own copy of a page now (the kernel's rule, a hook: a maybe-pinned page
 * from 5.9), then write-protects the parent's PTE and shares the page. From
 * 5.11 copy_page_range holds mm->write_protect_seq odd across both (the
 * `forked` field is that sequence's phase). A VMA with MADV_DONTFORK
 * (VM_DONTCOPY) is not copied at all.
 */
export function forkActions(k: Kernel): Action[] {
  const P = k.sh.forkParent;
  const C = k.sh.forkChild;
  if (P < 0 || C < 0) return [];
  const parent = k.sh.procs[P]!;
  const K = k.hooks;
  const forked = k.root.forked;
  const sharesAnon = (s: Uint32Array, v: number) => {
    const pe = k.pr[P]!.vma[v]!;
    return !parent.vmas[v]!.dontfork && pe.present.test(s) && k.isAnon(s, pe.pfn.get(s)) && !k.pr[C]!.vma[v]!.present.test(s);
  };
  return [
    action({
      name: 'fork: copy_present_pte decides', actor: parent.id, params: { process: parent.id },
      label: `${parent.id}: fork() → dup_mmap → copy_page_range: ${k.fn('fork.copyPte')} reads each PTE${k.hasThp ? ' (copy_huge_pmd each huge PMD: split first where the page would be copied)' : ''}${K.forkWords()}`,
      // fork takes mmap_lock for writing: it waits while khugepaged holds it.
      guard: (s) => forked.get(s) === FORK.no && !k.collapsing(s, P),
      effect: (s) => {
        forked.set(s, FORK.copying);
        // copy_huge_pmd: a THP the rule would copy (maybe pinned) has its PMD split first (5.9's
        // d042035eaf5f, 5.19's page_try_dup_anon_rmap: -EAGAIN), and the PTE pass below decides per
        // subpage; any other is shared whole in the second step.
        if (k.hasThp) {
          parent.vmas.forEach((vma, v) => {
            if (vma.dontfork || vma.thp === null || vma.thp.head !== v || !k.pmdMapped(s, P, v) || !k.isAnon(s, k.pr[P]!.vma[v]!.pfn.get(s))) return;
            if (K.forkSplitsPinnedHugePmd() && K.forkCopiesForChild(s, k.pr[P]!.vma[v]!.pfn.get(s))) k.splitHugePmd(s, P, v);
          });
        }
        parent.vmas.forEach((vma, v) => {
          const pe = k.pr[P]!.vma[v]!;
          const ce = k.pr[C]!.vma[v]!;
          // VM_DONTCOPY: dup_mmap skips the VMA; so does a VMA the parent has munmapped.
          ce.unmapped.setBool(s, pe.unmapped.test(s) || vma.dontfork);
          if (vma.dontfork) return;
          const x = k.swapEntry(s, P, v);
          if (x >= 0) {
            // copy_nonpresent_pte: swap_duplicate the entry into the child; neither copy is exclusive now.
            ce.swp!.set(s, x + 1);
            pe.swp_exclusive!.set(s, 0);
            k.sw[x]!.count.set(s, k.sw[x]!.count.get(s) + 1);
            return;
          }
          if (!pe.present.test(s)) return;
          if (k.hasThp && k.pmdMapped(s, P, v)) return; // a huge PMD: shared in the second step
          const p = pe.pfn.get(s);
          if (!k.isAnon(s, p)) {
            // A file page (or the zero page): copy_page_range skips a VMA whose faults refill it — shared,
            // or private without an anon_vma — and the child refaults; a private VMA that has an
            // anon_vma (a COW happened in it) has its PTEs copied (vma_needs_copy; 4.x to 6.6 alike).
            if (pe.anon_vma?.test(s) === true) k.mapPte(s, C, v, p, false, pe.d.test(s));
            return;
          }
          // The kernel's rule says the child gets its own copy now (copy_present_page).
          if (K.forkCopiesForChild(s, p)) k.mapPte(s, C, v, k.copyToNewAnonPage(s, p), vma.writable, false);
        });
      },
    }),
    action({
      name: 'fork: share write-protected', actor: parent.id, params: { process: parent.id },
      label: `${parent.id}: fork(): ${k.fn('fork.copyPte')}: ptep_set_wrprotect the parent's PTE, map the page into the child (shared, COW)${k.hasThp ? '; copy_huge_pmd: pmdp_set_wrprotect, the THP shared by both PMDs' : ''}`,
      guard: (s) => forked.get(s) === FORK.copying,
      effect: (s) => {
        parent.vmas.forEach((vma, v) => {
          // The huge zero page's PMD: do_huge_pmd_anonymous_page gave the VMA an anon_vma, so
          // copy_page_range copies it, and copy_huge_pmd shares the huge zero page (no reference per PMD).
          const hz = k.sh.hugeZeroSlot;
          if (hz >= 0 && vma.thp !== null && vma.thp.head === v && !vma.dontfork && k.pmdMapped(s, P, v) && k.pr[P]!.vma[v]!.pfn.get(s) === hz &&
            !k.pr[C]!.vma[v]!.present.test(s)) {
            k.mapPmd(s, C, v, hz, false, false);
            return;
          }
          if (!sharesAnon(s, v)) return;
          const pe = k.pr[P]!.vma[v]!;
          const p = pe.pfn.get(s);
          if (k.hasThp && k.pmdMapped(s, P, v)) {
            // copy_huge_pmd: page_dup_rmap(compound) (5.19: page_try_dup_anon_rmap clears PageAnonExclusive),
            // pmdp_set_wrprotect the parent's PMD, the child's PMD write-protected.
            const r = vma.thp!;
            if (r.head !== v) return;
            for (const e of k.rangeEntries(s, P, v)) {
              k.pg[e.pfn.get(s)]!.PG_anon_exclusive.set(s, 0);
              e.w.set(s, 0);
            }
            k.mapPmd(s, C, v, p, false, pe.d.test(s));
            return;
          }
          // Shared: the page is no longer exclusive; both PTEs are write-protected.
          k.pg[p]!.PG_anon_exclusive.set(s, 0);
          pe.w.set(s, 0);
          k.mapPte(s, C, v, p, false, false);
        });
        forked.set(s, FORK.done);
        k.pr[C]!.alive.set(s, 1);
      },
    }),
  ];
}

/** Per (process, address): munmap and the user's store, where the scenario has them. */
export function userActions(k: Kernel): Action[] {
  const out: Action[] = [];
  const K = k.hooks;
  k.sh.procs.forEach((pr, q) => pr.vmas.forEach((vma, v) => {
    const E = k.pr[q]!.vma[v]!;
    // A THP head's munmap, MADV_DONTNEED, mprotect and clear_refs cover the THP's whole range (the tail's own, the tail alone).
    const range = vma.thp !== null && vma.thp.head === v ? vma.thp : null;
    const tailE = range === null ? undefined : k.pr[q]!.vma[range.tail]!;
    const where = k.sh.pages[vma.page]!.id;
    const whereRange = range === null ? where : `${where}..${k.sh.pages[pr.vmas[range.tail]!.page]!.id}`;
    /** zap_pmd_range over the range: zap_huge_pmd if a PMD maps it, else each PTE (a lone subpage: split first). */
    const zapRange = (s: Uint32Array) => {
      if (range !== null && k.pmdMapped(s, q, v)) k.zapPmd(s, q, v);
      else {
        k.zapPte(s, q, v);
        if (range !== null) k.zapPte(s, q, range.tail);
      }
    };
    const fn = (huge: string, ptes: string) => (range === null ? ptes : huge);
    // Where a THP write fault's reuse test can race another process's PMD split (before 5.8), the
    // fault is two steps, holding the PMD lock between them (the process's other steps wait).
    const R = k.root.proc[pr.id]!.thp_reuse_read;
    const twoStep = R !== undefined && vma.thp !== null && vma.store && K.hugeWpReuseRacesSplit();
    const inFault = (s: Uint32Array) => R !== undefined && R.get(s) > 0;
    // A thread of the process runs these with mmap_lock held: they wait while fork copies.
    const live = (s: Uint32Array) => k.pr[q]!.alive.test(s) && !E.unmapped.test(s) && !k.mmapWriteLocked(s, q) && !inFault(s);
    /** A write fault on this PMD-mapped, write-protected THP would go through reuse_swap_page. */
    const hugeReuse = (s: Uint32Array) => twoStep && E.present.test(s) && !E.w.test(s) && k.pmdMapped(s, q, v) && k.isAnon(s, E.pfn.get(s));
    if (vma.munmap) {
      out.push(action({
        name: 'munmap: zap_pte_range', actor: pr.id, params: { process: pr.id, address: whereRange },
        label: `${pr.id}: munmap(${whereRange}) → ${fn('zap_pmd_range (zap_huge_pmd, or zap_pte_range)', 'zap_pte_range')}`,
        guard: live,
        effect: (s) => {
          zapRange(s);
          E.unmapped.set(s, 1);
          tailE?.unmapped.set(s, 1);
        },
      }));
    }
    if (vma.dontneed) {
      // madvise(MADV_DONTNEED) → zap_page_range: the PTE goes (its dirty bit to the page), the VMA stays.
      out.push(action({
        name: 'madvise: MADV_DONTNEED', actor: pr.id, params: { process: pr.id, address: whereRange },
        label: `${pr.id}: madvise(${whereRange}, MADV_DONTNEED) → ${fn('zap_pmd_range (zap_huge_pmd, or zap_pte_range)', 'zap_pte_range')}`,
        guard: (s) => live(s) && (E.present.test(s) || k.swapEntry(s, q, v) >= 0 || (tailE !== undefined && tailE.present.test(s))),
        effect: (s) => {
          // A holder of the page this address maps now parts from it by the user's own call (a ghost for I3c).
          for (const x of range === null ? [v] : [v, range.tail]) {
            const X = k.pr[q]!.vma[x]!;
            if (!X.present.test(s)) continue;
            const p = X.pfn.get(s);
            k.sh.holders.forEach((h, hi) => {
              if (h.proc === q && h.va === x && k.holding(s, hi) && k.hd[hi]!.page.get(s) === p) k.hd[hi]!.dropped!.set(s, 1);
            });
          }
          zapRange(s);
        },
      }));
    }
    if (vma.mprotect) {
      const M = E.mprotected!;
      const armed = E.softDirtyCleared;
      out.push(action({
        name: 'mprotect: R/O then R/W', actor: pr.id, params: { process: pr.id, address: whereRange },
        label: `${pr.id}: mprotect(${whereRange}, PROT_READ); mprotect(${whereRange}, PROT_READ|PROT_WRITE) → ${fn('change_protection (change_huge_pmd, or change_pte_range)', 'change_pte_range')}`,
        guard: (s) => live(s) && !M.test(s),
        effect: (s) => {
          M.set(s, 1);
          const on = armed !== undefined && armed.test(s);
          // change_huge_pmd: a PMD over the range stays huge, both subpages as the head decides.
          if (range !== null && k.pmdMapped(s, q, v)) {
            const w = K.mprotectMapsPmdWritable(s, E.pfn.get(s), on);
            for (const e of k.rangeEntries(s, q, v)) e.w.setBool(s, w);
            return;
          }
          // A tail's own range: the PMD is split first (the VMA splits at the subpage).
          if (k.hasThp && k.pmdMapped(s, q, v)) k.splitHugePmd(s, q, v);
          // PROT_READ write-protects the PTE; PROT_READ|PROT_WRITE maps it writable again only where the kernel's rule allows.
          for (const x of range === null ? [v] : [v, range.tail]) {
            const X = k.pr[q]!.vma[x]!;
            if (X.present.test(s)) X.w.setBool(s, K.mprotectMapsWritable(s, q, x, X.pfn.get(s), on));
          }
        },
      }));
    }
    if (vma.clearSoftDirty) {
      const A = E.softDirtyCleared!;
      out.push(action({
        name: 'clear_refs: clear soft-dirty', actor: pr.id, params: { process: pr.id, address: whereRange },
        label: `${pr.id}: echo 4 > /proc/self/clear_refs → clear_refs_write → clear_soft_dirty`,
        guard: (s) => live(s) && !A.test(s),
        effect: (s) => {
          A.set(s, 1);
          // clear_soft_dirty_pmd keeps a PMD huge and write-protects it — pinned or not: 5.11's
          // pinned-page check (9348b73c2e1b) is in the PTE path only. (clear_refs is process-wide.)
          if (range !== null && k.pmdMapped(s, q, v)) {
            for (const e of k.rangeEntries(s, q, v)) e.w.set(s, 0);
            return;
          }
          for (const x of range === null ? [v] : [v, range.tail]) {
            const X = k.pr[q]!.vma[x]!;
            // ptep_modify_prot: pte_wrprotect + pte_clear_soft_dirty (the next write faults, to mark it soft-dirty).
            if (X.present.test(s) && !K.clearRefsSkips(s, q, x, X.pfn.get(s))) X.w.set(s, 0);
          }
        },
      }));
    }
    if (vma.load) {
      const Ld = E.loaded!;
      out.push(faultLocks(k, q, v, OWNER.none, action({
        name: 'load: read fault', actor: pr.id, params: { process: pr.id, address: where },
        label: `${pr.id}: load from ${where} faults: handle_mm_fault (a read fault)${swapWords(k, q, v)}`,
        guard: (s) => live(s) && !Ld.test(s) && !E.present.test(s) && !faultBlocked(k, s, q, v, false),
        effect: (s) => {
          // SIGBUS (a truncated file): the load never completes.
          if (handleMmFault(k, s, q, v, false, false) !== 'ok') Ld.set(s, 1);
        },
      })));
      out.push(action({
        name: 'load: user reads', actor: pr.id, params: { process: pr.id, address: where },
        label: `${pr.id}: loads from ${where} through its PTE`,
        guard: (s) => live(s) && !Ld.test(s) && E.present.test(s),
        effect: (s) => { Ld.set(s, 1); },
      }));
    }
    if (vma.store) {
      // The process's own faults run as no lock owner of the model: it only has to find the lock free.
      out.push(faultLocks(k, q, v, OWNER.none, action({
        name: 'store: write fault', actor: pr.id, params: { process: pr.id, address: where },
        label: `${pr.id}: store to ${where} faults: handle_mm_fault(FAULT_FLAG_WRITE)${swapWords(k, q, v)}`,
        guard: (s) => live(s) && !E.stored.test(s) && needsFault(k, s, q, v, true, false) && !faultBlocked(k, s, q, v, true) && !hugeReuse(s),
        effect: (s) => {
          // SIGBUS/SIGSEGV: the store never happens.
          if (handleMmFault(k, s, q, v, true, false) !== 'ok') E.stored.set(s, 1);
        },
      })));
      if (twoStep) {
        // page_trans_huge_map_swapcount: the subpages' _mapcount first, then PageDoubleMap and the compound mapcount.
        out.push(action({
          name: 'store: do_huge_pmd_wp_page: reuse_swap_page reads the subpages', actor: pr.id, params: { process: pr.id, address: where },
          label: `${pr.id}: store to ${where} faults: do_huge_pmd_wp_page (PMD lock, lock_page): reuse_swap_page reads each subpage's _mapcount`,
          guard: (s) => live(s) && !E.stored.test(s) && hugeReuse(s) && !faultBlocked(k, s, q, v, true),
          effect: (s) => { R!.set(s, 1 + k.subpageMapcountRead(s, E.pfn.get(s))); },
        }));
        out.push(action({
          name: 'store: do_huge_pmd_wp_page: reuse_swap_page decides', actor: pr.id, params: { process: pr.id, address: where },
          label: `${pr.id}: do_huge_pmd_wp_page: reuse_swap_page reads PageDoubleMap and the compound mapcount: reuse if the count is at most 1, else copy`,
          guard: (s) => k.pr[q]!.alive.test(s) && R!.get(s) > 0 && k.pmdMapped(s, q, v),
          effect: (s) => {
            const p = E.pfn.get(s);
            const count = R!.get(s) - 1 - (k.doubleMap(s, p) ? 1 : 0) + k.pg[k.folioOf[p]!]!.compound_mapcount!.get(s);
            R!.set(s, 0);
            doHugePmdWpPage(k, s, q, v, true, false, count <= 1);
          },
        }));
      }
      out.push(action({
        name: 'store: user writes', actor: pr.id, params: { process: pr.id, address: where },
        label: `${pr.id}: stores to ${where} through its writable PTE`,
        guard: (s) => live(s) && !E.stored.test(s) && E.present.test(s) && E.w.test(s),
        effect: (s) => {
          k.writeData(s, E.pfn.get(s), q);
          k.writeCompleted(s, E.pfn.get(s));
          k.markPteDirty(s, q, v);
          E.stored.set(s, 1);
        },
      }));
    }
  }));
  return out;
}
