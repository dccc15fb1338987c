// R/O long-term pins of the shared zero page.
import { defineBug } from './bug.js';

export const zeroPageLongtermPin = defineBug({
  name: 'zero-page-longterm-pin',
  title: 'A R/O long-term pin of anonymous memory that was only read pins the shared zero page; the process\'s first write maps a new page, and the pin never sees it',
  reported: 'David Hildenbrand, "mm: extend FAULT_FLAG_UNSHARE support to anything in a COW mapping" (LKML, November 2022); cow.c "R/O longterm GUP pin ... with shared zeropage"',
  fixedBy: ['84209e87c696'],
  lastBad: 'v6.0',
  fixedIn: 'v6.2',
  scenario: {
    name: 'zero-page-longterm-pin',
    description: 'Anonymous memory populated by a read (the PTE maps the shared zero page), a R/O FOLL_LONGTERM pin (gup_test), then the process writes: the pin must see the write (cow.c "R/O longterm GUP pin ... with shared zeropage").',
    pages: [{ id: 'A', kind: 'anon' }],
    processes: [{ id: 'app', mappings: [{ page: 'A', store: true, zeropage: true }] }],
    holders: [{ id: 'gup_test', process: 'app', page: 'A', kind: 'PIN', write: false, longterm: true }],
  },
  property: 'I3c',
  notes: '8d6a0ac09a16 lets FAULT_FLAG_UNSHARE replace the zero page in a COW mapping with a fresh exclusive anonymous page, and 84209e87c696 makes a FOLL_LONGTERM R/O pin ask for it (gup_must_unshare), so the pin holds the page the process will write. As with the page-cache case, 5.8\'s forced COW break hid the bug for one release.',
});
