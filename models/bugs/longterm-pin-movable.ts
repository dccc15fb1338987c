// A long-term pin on ZONE_MOVABLE memory: memory offlining hangs.
import { defineBug } from './bug.js';

export const longtermPinMovable = defineBug({
  name: 'longterm-pin-movable',
  title: 'A FOLL_LONGTERM pin (an RDMA region, an io_uring buffer) stays on a page in ZONE_MOVABLE: migration fails at its refcount check for as long as the pin lives, so memory hot-unplug of the block never completes',
  reported: 'Pavel Tatashin, "prohibit pinning pages in ZONE_MOVABLE" (LKML, 2020–2021): hot-remove of movable memory fails while a device holds long-term pins; merged as d1e153fea2a8 (5.13)',
  fixedBy: ['d1e153fea2a8'],
  lastBad: 'v5.11',
  fixedIn: 'v5.13',
  scenario: {
    name: 'longterm-pin-movable',
    description: 'An RDMA region (pin_user_pages FOLL_WRITE|FOLL_LONGTERM) of an anonymous page that lies in a ZONE_MOVABLE memory block; the process writes the buffer; the block is offlined (offline_pages migrates its pages out, retrying while one cannot move). The pin must not hold a page of the movable block (M.pinnable), and offlining must return (L.offline).',
    pages: [{ id: 'A', kind: 'anon', movable: true }],
    processes: [{ id: 'app', mappings: [{ page: 'A', store: true }] }],
    holders: [{ id: 'mr', process: 'app', page: 'A', kind: 'PIN', write: true, longterm: true }],
    actors: { offline: true },
  },
  property: 'M.pinnable',
  notes: 'Up to 5.12 the long-term GUP pins the page where it is (5.4–5.12 migrate only CMA pages, which the model has none of), and offline_pages retries its migration until a signal: L.offline is violated with a lasso of isolate → migrate_pages -EAGAIN → putback. From 5.13 the GUP isolates the page, unpins, migrates it out of the block and pins the new page (and fails with -ENOMEM where something else keeps the page from moving: the offline-movable scenario). Migration never moves a pinned page in any release: the refcount check refuses it, and from 5.19 try_to_migrate_one backs off earlier for an exclusive page that may be pinned.',
});
