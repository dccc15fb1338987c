// Clearing soft-dirty bits of a pinned page.
import { defineBug } from './bug.js';

export const clearRefsPinned = defineBug({
  name: 'clear-refs-pinned',
  title: 'echo 4 > /proc/PID/clear_refs write-protects a pinned anonymous page; the next write COWs it away from the pin (a regression of 5.9\'s do_wp_page refcount rule)',
  reported: 'Linus Torvalds, "mm: don\'t play games with pinned pages in clear_page_refs" (January 2021), after the 5.9 refcount-based COW broke soft-dirty users with pinned pages (RDMA, as reported by Jason Gunthorpe and Peter Xu)',
  fixedBy: ['9348b73c2e1b'],
  lastBad: 'v5.9',
  fixedIn: 'v5.11',
  scenario: {
    name: 'clear-refs-pinned',
    description: 'A R/W FOLL_LONGTERM pin of anonymous memory (an RDMA MR), then the process clears its soft-dirty bits (/proc/self/clear_refs, as CRIU does), then writes the page: the pin must stay on the page the process maps (I3c).',
    pages: [{ id: 'A', kind: 'anon' }],
    processes: [{ id: 'app', mappings: [{ page: 'A', store: true, clearSoftDirty: true }] }],
    holders: [{ id: 'pin', process: 'app', page: 'A', kind: 'PIN', write: true, longterm: true }],
  },
  property: 'I3c',
  notes: 'Up to 5.8 do_wp_page reused a page mapped once (mapcount), so write-protecting a pinned page was harmless. 09854ba94c6a (5.9) reuses only at refcount 1, and a pinned page never is: history shows I3c flipping to violated at 5.9 by that commit, and back at 5.11 by 9348b73c2e1b, which leaves a writable PTE of a maybe-pinned page alone (pte_is_pinned; still in 6.6).',
});
