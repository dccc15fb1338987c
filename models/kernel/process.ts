// What user processes do: fork, munmap, and a user store through a PTE,
// with the write fault it may need first.

import { action, type Action } from '../../src/engine/model.js';
import { faultBlocked, faultLocks, handleMmFault, needsFault, swapWords } from './fault.js';
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
      label: `${parent.id}: fork() → dup_mmap → copy_page_range: ${k.fn('fork.copyPte')} reads each PTE${K.forkWords()}`,
      guard: (s) => forked.get(s) === FORK.no,
      effect: (s) => {
        forked.set(s, FORK.copying);
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
      label: `${parent.id}: fork(): ${k.fn('fork.copyPte')}: ptep_set_wrprotect the parent's PTE, map the page into the child (shared, COW)`,
      guard: (s) => forked.get(s) === FORK.copying,
      effect: (s) => {
        parent.vmas.forEach((_, v) => {
          if (!sharesAnon(s, v)) return;
          const pe = k.pr[P]!.vma[v]!;
          const p = pe.pfn.get(s);
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
    const where = k.sh.pages[vma.page]!.id;
    // A thread of the process runs these with mmap_lock held: they wait while fork copies.
    const live = (s: Uint32Array) => k.pr[q]!.alive.test(s) && !E.unmapped.test(s) && !k.mmapLockedByFork(s, q);
    if (vma.munmap) {
      out.push(action({
        name: 'munmap: zap_pte_range', actor: pr.id, params: { process: pr.id, address: where },
        label: `${pr.id}: munmap(${where}) → zap_pte_range`,
        guard: live,
        effect: (s) => {
          k.zapPte(s, q, v);
          E.unmapped.set(s, 1);
        },
      }));
    }
    if (vma.dontneed) {
      // madvise(MADV_DONTNEED) → zap_page_range: the PTE goes (its dirty bit to the page), the VMA stays.
      out.push(action({
        name: 'madvise: MADV_DONTNEED', actor: pr.id, params: { process: pr.id, address: where },
        label: `${pr.id}: madvise(${where}, MADV_DONTNEED) → zap_pte_range`,
        guard: (s) => live(s) && (E.present.test(s) || k.swapEntry(s, q, v) >= 0),
        effect: (s) => {
          // A holder of the page this address maps now parts from it by the user's own call (a ghost for I3c).
          if (E.present.test(s)) {
            const p = E.pfn.get(s);
            k.sh.holders.forEach((h, hi) => {
              if (h.proc === q && h.va === v && k.holding(s, hi) && k.hd[hi]!.page.get(s) === p) k.hd[hi]!.dropped!.set(s, 1);
            });
          }
          k.zapPte(s, q, v);
        },
      }));
    }
    if (vma.mprotect) {
      const M = E.mprotected!;
      const armed = E.softDirtyCleared;
      out.push(action({
        name: 'mprotect: R/O then R/W', actor: pr.id, params: { process: pr.id, address: where },
        label: `${pr.id}: mprotect(${where}, PROT_READ); mprotect(${where}, PROT_READ|PROT_WRITE) → change_pte_range`,
        guard: (s) => live(s) && !M.test(s),
        effect: (s) => {
          M.set(s, 1);
          if (!E.present.test(s)) return;
          // PROT_READ write-protects the PTE; PROT_READ|PROT_WRITE maps it writable again only where the kernel's rule allows.
          E.w.setBool(s, K.mprotectMapsWritable(s, q, v, E.pfn.get(s), armed !== undefined && armed.test(s)));
        },
      }));
    }
    if (vma.clearSoftDirty) {
      const A = E.softDirtyCleared!;
      out.push(action({
        name: 'clear_refs: clear soft-dirty', actor: pr.id, params: { process: pr.id, address: where },
        label: `${pr.id}: echo 4 > /proc/self/clear_refs → clear_refs_write → clear_soft_dirty`,
        guard: (s) => live(s) && !A.test(s),
        effect: (s) => {
          A.set(s, 1);
          if (!E.present.test(s) || K.clearRefsSkips(s, q, v, E.pfn.get(s))) return;
          // ptep_modify_prot: pte_wrprotect + pte_clear_soft_dirty (the next write faults, to mark it soft-dirty).
          E.w.set(s, 0);
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
        guard: (s) => live(s) && !E.stored.test(s) && needsFault(k, s, q, v, true, false) && !faultBlocked(k, s, q, v, true),
        effect: (s) => {
          // SIGBUS/SIGSEGV: the store never happens.
          if (handleMmFault(k, s, q, v, true, false) !== 'ok') E.stored.set(s, 1);
        },
      })));
      out.push(action({
        name: 'store: user writes', actor: pr.id, params: { process: pr.id, address: where },
        label: `${pr.id}: stores to ${where} through its writable PTE`,
        guard: (s) => live(s) && !E.stored.test(s) && E.present.test(s) && E.w.test(s),
        effect: (s) => {
          k.writeData(s, E.pfn.get(s), q);
          k.writeCompleted(s, E.pfn.get(s));
          E.d.set(s, 1);
          E.stored.set(s, 1);
        },
      }));
    }
  }));
  return out;
}
