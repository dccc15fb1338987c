// PageAnonExclusive (5.19, David Hildenbrand; reference §3.9): only exclusive
// anonymous pages may be pinned, R/O pins unshare first, fork copies a pinned
// exclusive page for the child, do_wp_page reuses by the exclusive bit. It
// lands on top of 5.9's fork early copy and refcount-based reuse, 5.11's
// write_protect_seq for GUP-fast, and 5.18's ext4 WARN instead of BUG.

import { BASELINE_ERA } from '../kernel/era.js';
import type { Proposal } from './proposal.js';

export const anonExclusive: Proposal = {
  name: 'anon-exclusive',
  title: 'PageAnonExclusive (5.19): pins only on exclusive anon pages, unshare, fork copies pinned pages',
  changes: 'PG_anon_exclusive decides COW reuse and fork sharing; R/O pins unshare; ext4 WARNs instead of BUG (5.18)',
  notes: 'CVE-2020-29374 (I10 on fork-vmsplice) and the pinned fork (I3, I3c, I10 on fork-iouring) hold; I5 is vacuous on fork-iouring because fork now copies the pinned page, so the held page never loses its PTE. The ext4 BUG is now 5.18\'s WARN, which the model shows for what it does: it clears PG_dirty, and the data written through the pin never reaches the disk (I6, 16 steps).',
  era: {
    ...BASELINE_ERA, name: 'v5.19', pinBias: true, forkEarlyCow: true, gupFastSeqcount: true,
    cowReuse: 'exclusive', anonExclusive: true, ext4WarnNotBug: true,
  },
};
