// GUP-fast pinning a page while fork() write-protects it.
import { defineBug } from './bug.js';

export const gupFastForkRace = defineBug({
  name: 'gup-fast-fork-race',
  title: 'pin_user_pages_fast() races fork(): the pin lands between copy_present_pte\'s page_maybe_dma_pinned() test and its ptep_set_wrprotect(), so fork shares the freshly pinned page',
  reported: 'Jason Gunthorpe, "mm/gup: prevent gup_fast from racing with COW during fork" (LKML, October 2020)',
  fixedBy: ['57efa1fe5957'],
  lastBad: 'v5.9',
  fixedIn: 'v5.11',
  scenario: {
    name: 'gup-fast-fork-race',
    description: 'One thread pins anonymous memory with pin_user_pages_fast(FOLL_WRITE|FOLL_LONGTERM) (an RDMA MR, an io_uring buffer) while another thread forks; then the parent writes the page. GUP-fast takes neither mmap_lock nor the PT lock, so it can run inside fork\'s copy of the page table.',
    pages: [{ id: 'A', kind: 'anon' }],
    processes: [
      { id: 'parent', mappings: [{ page: 'A', store: true }] },
      { id: 'child', childOf: 'parent', mappings: [] },
    ],
    holders: [{ id: 'pin', process: 'parent', page: 'A', kind: 'PIN', write: true, longterm: true, fast: true }],
  },
  property: 'I3c',
  notes: '5.9\'s fork copies a maybe-pinned page, but decides before it write-protects: a GUP-fast pin in between (its recheck still sees the writable PTE) is shared with the child and COWed away by the parent\'s write. 57efa1fe5957 makes copy_page_range hold mm->write_protect_seq odd and lockless_pages_from_mm undo a FOLL_PIN grab when the sequence was odd or moved. Also in 5.10.y (5.10.7).',
});
