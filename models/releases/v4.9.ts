// Linux 4.9 (December 2016): the Dirty COW fix.

import { defineProposal } from '../kernel/proposal.js';
import { v4_8 } from './v4.8.js';

export const v4_9 = defineProposal({
  name: 'v4.9',
  base: v4_8,
  release: true,
  era: 'v4.9',
  date: '2016-12',
  title: 'Linux 4.9',
  changes: 'FOLL_COW: a FOLL_FORCE write no longer drops FOLL_WRITE after breaking COW (Dirty COW, CVE-2016-5195)',
  notes: 'Fixes Dirty COW.',
  commits: [{
    id: '19be0eaffa3a',
    subject: 'mm: remove gup_flags FOLL_WRITE games from __get_user_pages()',
    what: 'after a FOLL_FORCE write fault breaks COW, GUP keeps FOLL_WRITE and sets FOLL_COW; a read-only PTE may be followed for write only if FOLL_COW and the PTE is dirty (can_follow_write_pte)',
    backports: ['4.8.3', '4.7.9', '4.4.26'],
    hooks: () => ({
      gupKeepsWriteAfterCow: () => true,
      // can_follow_write_pte: pte_write || (FOLL_FORCE && FOLL_COW && pte_dirty).
      canFollowWritePte: (_s, h, cowed, _p, w, d) => w || (h.force && cowed && d),
    }),
  }],
});
