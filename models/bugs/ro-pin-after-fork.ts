// A R/O pin of a page fork() shares.
import { defineBug } from './bug.js';

export const roPinAfterFork = defineBug({
  name: 'ro-pin-after-fork',
  title: 'A R/O pin of an anonymous page that fork() shares with a child: the parent\'s next write COWs its PTE away from the pin',
  reported: 'David Hildenbrand, "mm: COW fixes part 2: reliable GUP pins of anonymous pages" (LKML, March 2022); cow.c "R/O GUP pin on R/O-mapped shared page"',
  fixedBy: ['a7f226604170'],
  lastBad: 'v5.18',
  fixedIn: 'v5.19',
  scenario: {
    name: 'ro-pin-after-fork',
    description: 'fork() shares an anonymous page (the child stays alive); the parent takes a R/O FOLL_LONGTERM pin of it (gup_test PIN_LONGTERM_TEST_START), then writes it; the pin must see the write (cow.c "R/O GUP pin on R/O-mapped shared page").',
    pages: [{ id: 'A', kind: 'anon' }],
    processes: [
      { id: 'parent', mappings: [{ page: 'A', store: true }] },
      { id: 'child', childOf: 'parent', mappings: [] },
    ],
    holders: [{ id: 'gup_test', process: 'parent', page: 'A', kind: 'PIN', write: false, longterm: true }],
  },
  property: 'I3c',
  notes: 'A R/O pin does not fault, so it pins the shared page as it is; the parent\'s write then copies (the page is shared, or pinned) and the pin is left behind. 5.19 makes a R/O pin of an anonymous page that is not PageAnonExclusive unshare it first (gup_must_unshare → FAULT_FLAG_UNSHARE, a7f226604170 with c89357e27f20), so the pin holds the parent\'s exclusive copy. A pin taken before fork is a different story: from 5.9 fork copies a maybe-pinned page for the child (pinned-fork-cow).',
});
