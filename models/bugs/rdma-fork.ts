// RDMA and fork: the MADV_DONTFORK rule of libibverbs (ibv_fork_init).
import { defineBug } from './bug.js';

const mr = (dontfork: boolean, name: string, description: string) => ({
  name,
  description,
  pages: [{ id: 'A', kind: 'anon' }],
  processes: [
    { id: 'parent', mappings: [{ page: 'A', store: true, ...(dontfork ? { dontfork: true } : {}) }] },
    { id: 'child', childOf: 'parent', mappings: [] },
  ],
  holders: [{ id: 'mr', process: 'parent', page: 'A', kind: 'PIN', write: true, longterm: true }],
});

export const rdmaFork = defineBug({
  name: 'rdma-fork',
  title: 'An RDMA memory region and fork() without MADV_DONTFORK: after the parent writes, the HCA\'s DMA and the process see different pages',
  reported: 'libibverbs ibv_fork_init(3): "fork() is not safe with registered memory" unless the MR is MADV_DONTFORK; Jason Gunthorpe, "RDMA: Add copy-on-fork attribute" (6cc9e215eb27, 5.13) reports when the kernel no longer needs it',
  fixedBy: ['70e806e4e645'],
  lastBad: 'v5.8',
  fixedIn: 'v5.9',
  scenario: mr(false, 'rdma-fork', 'ibv_reg_mr of anonymous memory (ib_umem_get: FOLL_WRITE|FOLL_LONGTERM, a pin from 5.6; get_user_pages before), then fork() without MADV_DONTFORK, then the parent writes the buffer: the MR must stay on the page the parent maps (I3c).'),
  property: 'I3c',
  notes: 'The same COW as pinned-fork-cow, met by every RDMA application that forks; until 5.9 (70e806e4e645) the only remedy was MADV_DONTFORK on the MR (ibv_fork_init). The workaround scenario shows why that worked on every release: the child never maps the buffer, so nothing shares it. Registered with pin_user_pages_fast the same MR also races fork until 5.11 (gup-fast-fork-race).',
  workaround: {
    scenario: mr(true, 'rdma-fork-dontfork', 'As rdma-fork, with madvise(MADV_DONTFORK) on the MR (ibv_fork_init): dup_mmap skips the VMA (VM_DONTCOPY).'),
    about: 'MADV_DONTFORK (VM_DONTCOPY): the child has no mapping of the MR, the parent\'s page stays exclusive, I3c holds on every release',
  },
});
