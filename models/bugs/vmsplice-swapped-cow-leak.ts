// CVE-2020-29374 again, through the swap cache: do_swap_page reused by mapcount.
import { defineBug } from './bug.js';

export const vmspliceSwappedCowLeak = defineBug({
  name: 'vmsplice-swapped-cow-leak',
  title: 'vmsplice() of a swapped-out page after fork: the parent\'s write fault swaps the page in and reuses it (reuse_swap_page: mapcount + swap count, the child\'s GUP reference unseen), so the child reads the parent\'s later write',
  cve: 'CVE-2020-29374',
  reported: 'David Hildenbrand, "mm: COW fixes part 1: fix the COW security issue for THP and swap" (LKML, 2022): the 5.8/5.9 fixes made do_wp_page copy a GUP-referenced page, but do_swap_page still reused by reuse_swap_page; cow.c\'s "vmsplice() + unmap in child ... with swapped out base page"',
  fixedBy: ['c145e0b47c77'],
  lastBad: 'v5.13',
  fixedIn: 'v5.18',
  scenario: {
    name: 'vmsplice-swapped-cow-leak',
    description: 'cow.c "vmsplice() + unmap in child ... with swapped out base page": the anonymous page is swapped out (MADV_PAGEOUT); after fork() the child vmsplice()s it (a read-only get_user_pages_fast FOLL_GET, which faults it back in) and munmaps it; the parent writes the page. The child must not read the parent\'s write through the pipe (I10).',
    pages: [{ id: 'A', kind: 'anon', swapped: true }],
    processes: [
      { id: 'parent', mappings: [{ page: 'A', store: true }] },
      { id: 'child', childOf: 'parent', mappings: [{ page: 'A', munmap: true }] },
    ],
    holders: [{ id: 'vmsplice', process: 'child', page: 'A', kind: 'GET', write: false, fast: true }],
  },
  property: 'I10',
  notes: 'The history: up to 5.7 it leaks (CVE-2020-29374 itself); 5.8 holds, because 17839856fd58 makes every GUP of a COW mapping break COW, so the child\'s vmsplice gets a copy of its own; 5.9 takes the forced break out again (a308c71bf1e6) and relies on do_wp_page copying a page whose refcount is above 1 — which the base-page row needs, but with the page swapped out the parent\'s write fault goes through do_swap_page, whose reuse_swap_page counts mappings and swap entries and not the vmsplice reference: 5.9–5.17 leak. 5.18 (c145e0b47c77) makes do_swap_page decide by page_count as do_wp_page does.',
});
