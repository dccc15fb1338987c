// Linux 4.14 (November 2017), the LTS most of the 2018–2019 arguments were
// had on: the same pinning behaviour as 4.9.

import { defineProposal } from '../kernel/proposal.js';
import { v4_9 } from './v4.9.js';

export const v4_14 = defineProposal({
  name: 'v4.14',
  base: v4_9,
  release: true,
  era: 'v4.14',
  date: '2017-11',
  title: 'Linux 4.14',
  changes: 'a FOLL_FORCE write may follow a read-only huge PMD that is dirty after its COW (FOLL_COW), as a PTE may since 4.9',
  notes: 'The 4.14.y stable series later took a8f97366452e (4.14.4), 17839856fd58 (4.14.232) and cc5095747edf (4.14.276): a distribution 4.14 of 2022 is not this one (the model is 4.14.0).',
  commits: [{
    id: '8310d48b125d',
    subject: 'mm/huge_memory.c: respect FOLL_FORCE/FOLL_COW for thp',
    what: 'can_follow_write_pmd: pmd_write, or FOLL_FORCE and FOLL_COW and pmd_dirty — the PTE\'s rule of 19be0eaffa3a for a huge PMD (before it a FOLL_FORCE write of a read-only THP faulted again and again)',
    hooks: ({ k }) => ({ canFollowWritePmd: (s, h, cowed, p, w, d) => k.hooks.canFollowWritePte(s, h, cowed, p, w, d) }),
  }],
});
