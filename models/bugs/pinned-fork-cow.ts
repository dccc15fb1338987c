// A pinned anonymous page and fork: the parent's next write moves its PTE off the pinned page.
import { defineBug } from './bug.js';

export const pinnedForkCow = defineBug({
  name: 'pinned-fork-cow',
  title: 'fork() shares a pinned anonymous page; the parent\'s next write COWs its PTE away from the pin (an io_uring fixed buffer or RDMA MR stops seeing the process\'s memory)',
  reported: 'Jason Gunthorpe and Peter Xu, "mm: Break COW for pinned pages during fork()" (LKML, September 2020)',
  fixedBy: ['70e806e4e645'],
  lastBad: 'v5.8',
  fixedIn: 'v5.9',
  scenario: 'fork-iouring',
  property: 'I3c',
  notes: 'Before 5.9 fork write-protects and shares every anonymous page, pinned or not, and the first write after fork copies the page for whichever process writes (the parent here). 70e806e4e645 copies a maybe-pinned page for the child at fork (when the mm has ever pinned, 008cfe4418b3), so the parent keeps its pinned page writable. The bisection runs v5.9\'s four commits on v5.8: the refcount rule of do_wp_page (09854ba94c6a) alone does not fix it.',
});
