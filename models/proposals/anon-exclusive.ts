// PageAnonExclusive (5.19, David Hildenbrand): Linux 5.19 as released
// (models/releases/v5.19.ts, with 5.9's fork copy and refcount reuse,
// 5.11's write_protect_seq and 5.18's ext4 WARN below it), under the name
// the comparison has always used.

import { defineProposal } from '../kernel/proposal.js';
import { v5_19 } from '../releases/v5.19.js';

export const anonExclusive = defineProposal({
  name: 'anon-exclusive',
  base: v5_19,
  era: 'v5.19',
  date: '2022-07',
  title: 'PageAnonExclusive (5.19): pins only on exclusive anon pages, unshare, fork copies pinned pages',
  changes: 'Linux 5.19 as released: PG_anon_exclusive decides COW reuse and fork sharing; R/O pins unshare; ext4 WARNs instead of BUG (5.18)',
  notes: 'CVE-2020-29374 (I10 on fork-vmsplice) and the pinned fork (I3, I3c, I10 on fork-iouring) hold; I5 is vacuous on fork-iouring because fork now copies the pinned page, so the held page never loses its PTE. The ext4 BUG is now 5.18\'s WARN, which the model shows for what it does: it clears PG_dirty, and the data written through the pin never reaches the disk (I6, 16 steps).',
});
