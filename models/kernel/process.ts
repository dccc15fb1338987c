// What user processes do: fork (§2.10), munmap (§2.12), and a user store
// through a PTE, with the write fault it may need first (§2.4, §2.11).

import { action, type Action } from '../../src/engine/model.js';
import { faultBlocked, handleMmFault, needsFault } from './fault.js';
import type { Kernel } from './kernel.js';

/** fork → dup_mmap → copy_page_range → copy_present_pte, one atomic step (mmap_lock, PT locks, write_protect_seq). */
export function forkActions(k: Kernel): Action[] {
  const P = k.sh.forkParent;
  const C = k.sh.forkChild;
  if (P < 0 || C < 0) return [];
  const parent = k.sh.procs[P]!;
  const K = k.hooks;
  return [action({
    name: 'fork: copy_page_range', actor: parent.id, params: { process: parent.id },
    label: `${parent.id}: fork() → copy_page_range (share anon pages write-protected${K.forkWords()})`,
    guard: (s) => !k.root.forked.test(s),
    effect: (s) => {
      k.root.forked.set(s, 1);
      k.pr[C]!.alive.set(s, 1);
      parent.vmas.forEach((vma, v) => {
        const pe = k.pr[P]!.vma[v]!;
        const ce = k.pr[C]!.vma[v]!;
        ce.unmapped.setBool(s, pe.unmapped.test(s));
        if (!pe.present.test(s)) return;
        const p = pe.pfn.get(s);
        // Shared file mappings (and file pages in private ones) are not copied: the child refaults.
        if (!k.isAnon(s, p)) return;
        const g = k.pg[p]!;
        if (K.forkCopiesForChild(s, p)) {
          // The kernel's rule says the child gets its own copy now (copy_present_page).
          k.mapPte(s, C, v, k.copyToNewAnonPage(s, p), vma.writable, false);
          return;
        }
        // Share: the page is no longer exclusive; both PTEs are write-protected.
        g.PG_anon_exclusive.set(s, 0);
        pe.w.set(s, 0);
        k.mapPte(s, C, v, p, false, false);
      });
    },
  })];
}

/** Per (process, address): munmap and the user's store, where the scenario has them. */
export function userActions(k: Kernel): Action[] {
  const out: Action[] = [];
  k.sh.procs.forEach((pr, q) => pr.vmas.forEach((vma, v) => {
    const E = k.pr[q]!.vma[v]!;
    const where = k.sh.pages[vma.page]!.id;
    const live = (s: Uint32Array) => k.pr[q]!.alive.test(s) && !E.unmapped.test(s);
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
        label: `${pr.id}: madvise(${where}, MADV_DONTNEED) → zap_page_range`,
        guard: (s) => live(s) && E.present.test(s),
        effect: (s) => { k.zapPte(s, q, v); },
      }));
    }
    if (vma.store) {
      out.push(action({
        name: 'store: write fault', actor: pr.id, params: { process: pr.id, address: where },
        label: `${pr.id}: store to ${where} faults: handle_mm_fault(FAULT_FLAG_WRITE)`,
        guard: (s) => live(s) && !E.stored.test(s) && needsFault(k, s, q, v, true, false) && !faultBlocked(k, s, q, v, true),
        effect: (s) => {
          // SIGBUS/SIGSEGV: the store never happens.
          if (handleMmFault(k, s, q, v, true, false) !== 'ok') E.stored.set(s, 1);
        },
      }));
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
