// R/O long-term pins of page-cache pages in private mappings.
import { defineBug } from './bug.js';

export const roLongtermCowUnshare = defineBug({
  name: 'ro-longterm-cow-unshare',
  title: 'A R/O long-term pin of a file page in a MAP_PRIVATE mapping pins the page-cache page; the process\'s next write COWs its PTE away, and the pin (a R/O RDMA MR, VFIO) no longer sees the process\'s memory',
  reported: 'David Hildenbrand, "mm/gup: reliable R/O long-term pinning in COW mappings" (LKML, November 2022); cow.c "R/O longterm GUP pin ... with tmpfile"',
  fixedBy: ['84209e87c696'],
  lastBad: 'v6.0',
  fixedIn: 'v6.2',
  scenario: {
    name: 'ro-longterm-cow-unshare',
    description: 'A one-page ext4 file mapped MAP_PRIVATE read/write and faulted in by a read; a R/O FOLL_LONGTERM pin (gup_test PIN_LONGTERM_TEST_START); the process writes through the private mapping; the pin must see the write (cow.c "R/O longterm GUP pin ... with tmpfile").',
    pages: [{ id: 'F', kind: 'file', fs: 'ext4' }],
    processes: [{ id: 'app', mappings: [{ page: 'F', shared: false, writable: true, store: true }] }],
    holders: [{ id: 'gup_test', process: 'app', page: 'F', kind: 'PIN', write: false, longterm: true }],
  },
  property: 'I3c',
  notes: 'From 6.2 gup_must_unshare answers yes for a non-anonymous page in a COW mapping under FOLL_LONGTERM, and FAULT_FLAG_UNSHARE (8d6a0ac09a16) gives the process an exclusive anonymous copy first, which the pin then holds. History also shows 5.8 holding: its forced COW break for reading (17839856fd58) did the same by accident, until 5.9 removed it (a308c71bf1e6).',
});
