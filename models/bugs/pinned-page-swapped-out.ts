// A pinned anonymous page swapped out: the COW that 5.9's refcount rule makes of it.
import { defineBug } from './bug.js';

export const pinnedPageSwappedOut = defineBug({
  name: 'pinned-page-swapped-out',
  title: 'Reclaim puts a pinned anonymous page into the swap cache and unmaps it; the next read fault maps it back read-only and the write fault after it copies it (page_count != 1): the pin and the process part',
  reported: 'Linus Torvalds, feb889fb40fa "mm: don\'t put pinned pages into the swap cache" (January 2021), after the 5.9 do_wp_page simplification (09854ba94c6a) made every swap-cache page copy on write',
  fixedBy: ['feb889fb40fa'],
  lastBad: 'v5.9',
  fixedIn: 'v5.11',
  scenario: {
    name: 'pinned-page-swapped-out',
    description: 'io_uring has pinned an anonymous buffer (pin_user_pages FOLL_WRITE|FOLL_LONGTERM, taken before the scenario starts); kswapd may swap anonymous pages out; the process reads the buffer, then writes it. The pin must stay on the page the process maps (I3c).',
    pages: [{ id: 'A', kind: 'anon' }],
    processes: [{ id: 'app', mappings: [{ page: 'A', store: true, load: true }] }],
    holders: [{ id: 'iouring', process: 'app', page: 'A', kind: 'PIN', write: true, longterm: true, held: true }],
    actors: { swap: true },
  },
  property: 'I3c',
  notes: 'Up to 5.8 the model holds: do_swap_page maps the swap-cache page read-only, but do_wp_page reuses it by reuse_swap_page (mapcount + swap count, the pin unseen). 5.9 (09854ba94c6a) reuses only at page_count 1, and the swap cache\'s own reference makes the pinned page copy. 5.11 keeps a maybe-pinned page out of the swap cache. The fix is partial, as its message says: a page pinned after add_to_swap is still unmapped (the same scenario with the pin taken during the run, not before it, still fails I3c on 5.11–5.18: `gupcheck history` on it flips only at 5.19, whose try_to_unmap_one refuses an exclusive page that may be pinned). I5.swap (no pinned page unmapped to swap) flips at 5.11 here too.',
});
