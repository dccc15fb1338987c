// The half feb889fb40fa left open: a page pinned after add_to_swap.
import { defineBug } from './bug.js';

export const pinnedAfterAddToSwap = defineBug({
  name: 'pinned-after-add-to-swap',
  title: 'A page pinned between add_to_swap and try_to_unmap is still unmapped to swap; the next read fault maps it read-only and the write fault after it copies it: the pin and the process part',
  reported: 'feb889fb40fa\'s own message ("the page could be pinned after we have added it to the swap cache"); closed by David Hildenbrand\'s "mm: COW fixes part 2: reliable GUP pins of anonymous pages" (5.19), whose try_to_unmap_one refuses an exclusive page that may be pinned',
  fixedBy: ['6c287605fd56'],
  lastBad: 'v5.18',
  fixedIn: 'v5.19',
  scenario: {
    name: 'pinned-after-add-to-swap',
    description: 'io_uring pins an anonymous buffer (pin_user_pages FOLL_WRITE|FOLL_LONGTERM) while kswapd may swap anonymous pages out; the process reads the buffer, then writes it. The pin must stay on the page the process maps (I3c).',
    pages: [{ id: 'A', kind: 'anon' }],
    processes: [{ id: 'app', mappings: [{ page: 'A', store: true, load: true }] }],
    holders: [{ id: 'iouring', process: 'app', page: 'A', kind: 'PIN', write: true, longterm: true }],
    actors: { swap: true },
  },
  property: 'I3c',
  notes: 'The run: kswapd isolates the page and adds it to the swap cache; io_uring pins it (the PTE is still there); try_to_unmap turns the PTE into a swap entry; the pinned page cannot be freed and stays in the swap cache; the read fault maps it back read-only and the write fault copies it (5.9–5.18 copy a swap-cache page whose refcount is above 1; 5.18\'s try_to_free_swap in do_wp_page does not help a pinned page). Up to 5.8 it holds (reuse by mapcount + swap count), from 5.9 it fails — on 5.9 also with the pin taken first (pinned-page-swapped-out, closed by 5.11). 5.19 closes both: try_to_unmap_one restores the PTE of an exclusive page that may be pinned, and do_wp_page reuses an exclusive page whatever its refcount.',
});
