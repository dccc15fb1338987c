// CVE-2020-29374 again, through a THP: do_huge_pmd_wp_page reused by mapcount.
import { defineBug } from './bug.js';

export const vmspliceThpCowLeak = defineBug({
  name: 'vmsplice-thp-cow-leak',
  title: 'vmsplice() of a PMD-mapped THP after fork: once the child has unmapped it, the parent\'s write fault reuses the THP in place (do_huge_pmd_wp_page\'s reuse_swap_page counts mappings, not the child\'s GUP reference), so the child reads the parent\'s later write',
  cve: 'CVE-2020-29374',
  reported: 'David Hildenbrand, "mm: COW fixes part 1: fix the COW security issue for THP and swap" (LKML, 2022): 5.9\'s do_wp_page copies a page a GUP reference holds, but a PMD-mapped THP never reaches do_wp_page; cow.c\'s "vmsplice() + unmap in child ... with THP"',
  fixedBy: ['3bff7e3f1f16'],
  lastBad: 'v5.13',
  fixedIn: 'v5.18',
  scenario: {
    name: 'vmsplice-thp-cow-leak',
    description: 'cow.c "vmsplice() + unmap in child ... with THP": the anonymous memory is a THP mapped by one PMD (two subpages in the model); after fork() the child vmsplice()s it (a read-only get_user_pages_fast FOLL_GET of the head subpage: a reference on the folio) and munmaps it; the parent writes both subpages. The child must not read the parent\'s write through the pipe (I10).',
    pages: [{ id: 'A', kind: 'anon', thp: 'pmd' }, { id: 'A_tail', kind: 'anon', tailOf: 'A' }],
    processes: [
      { id: 'parent', mappings: [{ page: 'A', store: true }, { page: 'A_tail', store: true }] },
      { id: 'child', childOf: 'parent', mappings: [{ page: 'A', munmap: true }] },
    ],
    holders: [{ id: 'vmsplice', process: 'child', page: 'A', kind: 'GET', write: false, fast: true }],
  },
  property: 'I10',
  notes: 'The history: up to 5.7 it leaks (CVE-2020-29374 itself: do_huge_pmd_wp_page reuses by reuse_swap_page); 5.8 holds, because 17839856fd58 makes every GUP of a COW mapping break COW, so the child\'s vmsplice takes a copy of its own; 5.9 takes the forced break out again (a308c71bf1e6) and relies on do_wp_page copying a page whose refcount is above 1 (09854ba94c6a) — but a write fault on a PMD-mapped THP goes to do_huge_pmd_wp_page, which still reused by reuse_swap_page\'s mapcount: with the child\'s PMD zapped the mapcount is 1 and the parent writes into the THP the pipe holds. 5.9–5.17 leak. 5.18 (3bff7e3f1f16) decides by page_count: the THP is split and the subpage copied (3917c80280c9\'s fallback).',
});
