// GUP-fast against khugepaged's collapse: the pin lands on a page the collapse copies away.
import { defineBug } from './bug.js';

export const gupFastThpCollapse = defineBug({
  name: 'gup-fast-thp-collapse',
  title: 'GUP-fast walks to a PTE table that khugepaged has just detached (pmdp_collapse_flush), pins the old page after __collapse_huge_page_isolate found it unpinned, and its PTE recheck passes: the pin stays on a page the process no longer maps once the collapse installs the new THP',
  reported: 'Yang Shi, "mm: gup: fix the fast GUP race against THP collapse" (LKML, September 2022): since RCU GUP-fast (2667f50e8b81) a TLB flush stops GUP-fast only on architectures that flush by IPI',
  fixedBy: ['70cbc3cc78a9'],
  lastBad: 'v5.19',
  fixedIn: 'v6.0',
  scenario: {
    name: 'gup-fast-thp-collapse',
    description: 'A PTE-mapped THP (two subpages); an RDMA registration pins its head with pin_user_pages_fast(FOLL_WRITE|FOLL_LONGTERM) while khugepaged collapses the range (collapse_huge_page). The pin must stay on the page the process maps (I3c).',
    pages: [{ id: 'A', kind: 'anon', thp: 'pte' }, { id: 'A_tail', kind: 'anon', tailOf: 'A' }],
    processes: [{ id: 'app', mappings: [{ page: 'A' }, { page: 'A_tail' }] }],
    holders: [{ id: 'rdma', process: 'app', page: 'A', kind: 'PIN', write: true, longterm: true, fast: true }],
    actors: { collapse: true },
  },
  property: 'I3c',
  notes: 'GUP-fast takes no lock: it reads the PMD (gup_pmd_range), then the PTE in the table the PMD pointed to (gup_pte_range), grabs the page and rechecks only the PTE. collapse_huge_page clears the PMD (pmdp_collapse_flush) and checks that no page has references beyond its mappings (__collapse_huge_page_isolate) before it copies them and clears the old PTEs: a GUP-fast that read the PMD before the flush and grabs after the check passes its recheck on the detached table, and keeps the old page. 6.0 (70cbc3cc78a9, queued for 5.10 and 5.15 stable) rechecks the PMD too. The model shows it from 5.8, where khugepaged learnt to collapse a PTE-mapped THP (5503fbf2b0b8); with small pages the same race goes back to 2667f50e8b81. x86 flushes TLBs by IPI, which GUP-fast (interrupts off) holds off: there the race needs a kernel that frees page tables by RCU without the IPI. 6.2\'s 2ba99c5e0881 adds that IPI after pmdp_collapse_flush everywhere (not modelled: 6.0\'s recheck already refuses the step).',
});
