// Linux 5.8 (August 2020): GUP breaks COW even for reads (CVE-2020-29374).

import { defineProposal } from '../kernel/proposal.js';
import { v5_7 } from './v5.7.js';

export const v5_8 = defineProposal({
  name: 'v5.8',
  base: v5_7,
  release: true,
  era: 'v5.8',
  date: '2020-08',
  title: 'Linux 5.8',
  changes: 'a GUP of a private (COW) mapping breaks COW first, even for reading',
  notes: 'The vmsplice() leak (CVE-2020-29374) closes; the next release takes the forced break out again and relies on refcount-based reuse instead.',
  commits: [{
    id: '17839856fd58',
    subject: 'gup: document and work around "COW can break either way" issue',
    what: 'should_force_cow_break: FOLL_GET or FOLL_PIN on a COW mapping sets FOLL_WRITE, so the GUP faults the page in for writing (breaking COW) and takes the copy',
    backports: ['5.7.3', '5.6.19', '5.4.47', '4.19.189', '4.14.232', '4.9.287', '4.4.289'],
    hooks: ({ k }) => ({
      // is_cow_mapping(vma->vm_flags) && (flags & (FOLL_GET | FOLL_PIN)): the model's private mappings are COW mappings.
      gupBreaksCow: (h) => !k.sh.procs[h.proc]!.vmas[h.va]!.shared,
      // can_follow_write_pte: pte_write || (FOLL_COW && pte_dirty) — the forced break follows without FOLL_FORCE.
      canFollowWritePte: (_s, _h, cowed, _p, w, d) => w || (cowed && d),
    }),
  }, {
    id: 'c444eb564fb1',
    subject: 'mm: thp: make the THP mapcount atomic against __split_huge_pmd_locked()',
    what: '__split_huge_pmd takes the page lock (trylock_page, or lock_page and a pmd_same recheck), so the mapcount transfer from the compound mapcount to the subpages can no longer run while reuse_swap_page sums them under that lock (CVE-2020-29368)',
    backports: ['5.7.5', '5.4.48', '4.19.129', '4.14.185', '4.9.228'],
    hooks: () => ({ hugeWpReuseRacesSplit: () => false }),
  }, {
    id: '9445689f3b61',
    subject: 'khugepaged: allow to collapse a page shared across fork',
    what: 'is_refcount_suitable: a page may be collapsed when page_count equals its mapcount (plus the swap cache): a page fork shared is no longer refused, a GUP reference still is',
    hooks: ({ k }) => ({ collapseIsolates: (s, p) => !k.isLarge(p) && k.pg[p]!.ref.get(s) === k.totalMapcount(s, p) + (k.swapSlotOf(s, p) >= 0 ? 1 : 0) }),
  }, {
    id: '5503fbf2b0b8',
    subject: 'khugepaged: allow to collapse PTE-mapped compound pages',
    what: 'khugepaged_scan_pmd and __collapse_huge_page_isolate take a PTE-mapped THP (compound_head) too, by is_refcount_suitable: page_count == total_mapcount',
    hooks: ({ k }) => ({ collapseIsolates: (s, p) => k.pg[p]!.ref.get(s) === k.totalMapcount(s, p) + (k.swapSlotOf(s, p) >= 0 ? 1 : 0) }),
  }, {
    id: '3917c80280c9',
    subject: 'thp: change CoW semantics for anon-THP',
    what: 'do_huge_pmd_wp_page no longer copies a THP it may not reuse: it splits the PMD (__split_huge_pmd) and returns VM_FAULT_FALLBACK, so the PTE-level fault copies the one subpage',
    hooks: () => ({ hugeWpFallback: () => 'split' as const }),
  }],
});
