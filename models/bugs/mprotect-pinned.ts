// mprotect() of an io_uring fixed buffer.
import { defineBug } from './bug.js';

export const mprotectPinned = defineBug({
  name: 'mprotect-pinned',
  title: 'A R/W pin (an io_uring fixed buffer) of anonymous memory that is then mapped R/O and back R/W: the next write copies the pinned page, and the pin no longer sees the process\'s memory',
  reported: 'David Hildenbrand, "mm: COW fixes part 2: reliable GUP pins of anonymous pages" (LKML, March 2022); cow.c "R/O-mapping a page registered as iouring fixed buffer"',
  fixedBy: ['6c287605fd56'],
  lastBad: 'v5.18',
  fixedIn: 'v5.19',
  scenario: {
    name: 'mprotect-pinned',
    description: 'io_uring_register_buffers (pin_user_pages FOLL_WRITE|FOLL_LONGTERM) of anonymous memory, then mprotect(PROT_READ), clear_refs (so mprotect cannot skip the write fault), mprotect(PROT_READ|PROT_WRITE), then the process writes; write_fixed must see the write (cow.c "R/O-mapping a page registered as iouring fixed buffer").',
    pages: [{ id: 'A', kind: 'anon' }],
    processes: [{ id: 'app', mappings: [{ page: 'A', store: true, mprotect: true, clearSoftDirty: true }] }],
    holders: [{ id: 'iouring', process: 'app', page: 'A', kind: 'PIN', write: true, longterm: true }],
  },
  property: 'I3c',
  notes: 'From 5.9 to 5.18 do_wp_page reuses an anonymous page only at refcount 1; a pinned page never is, so the write fault copies it. 5.19\'s PG_anon_exclusive (6c287605fd56) lets do_wp_page reuse a page the process maps exclusively whatever its refcount. Before 5.9 the mapcount rule reused it too: history shows the bug arrive with 09854ba94c6a.',
});
