// Linux 6.0 (October 2022): FOLL_FORCE writes only to exclusive anonymous pages.

import { defineProposal } from '../kernel/proposal.js';
import { v5_19 } from './v5.19.js';

export const v6_0 = defineProposal({
  name: 'v6.0',
  base: v5_19,
  release: true,
  era: 'v6.0',
  date: '2022-10',
  title: 'Linux 6.0',
  changes: 'FOLL_COW is gone: a FOLL_FORCE write may follow a read-only PTE only in a private mapping and only to a PageAnonExclusive page',
  notes: 'Closes the shmem variant of Dirty COW (CVE-2022-2590, brought in by 5.16\'s 9ae0f87d009c) by a rule that does not depend on the dirty bit.',
  commits: [{
    id: '5535be309971',
    subject: 'mm/gup: fix FOLL_FORCE COW security issue and remove FOLL_COW',
    what: 'can_follow_write_pte: pte_write, or FOLL_FORCE in a private mapping on an anonymous PageAnonExclusive page (the copy the COW fault just made)',
    backports: ['5.19.6'],
    hooks: ({ k }) => ({
      canFollowWritePte: (s, h, _cowed, p, w) => w || (h.force && !k.sh.procs[h.proc]!.vmas[h.va]!.shared && k.isAnon(s, p) && k.pg[p]!.PG_anon_exclusive.test(s)),
    }),
  }],
});
