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
  changes: 'FOLL_COW is gone: a FOLL_FORCE write may follow a read-only PTE only in a private mapping and only to a PageAnonExclusive page; mprotect maps a dirty exclusive anonymous PTE writable again without a fault',
  notes: 'Closes the shmem variant of Dirty COW (CVE-2022-2590, brought in by 5.16\'s 9ae0f87d009c) by a rule that does not depend on the dirty bit.',
  commits: [{
    id: '5535be309971',
    subject: 'mm/gup: fix FOLL_FORCE COW security issue and remove FOLL_COW',
    what: 'can_follow_write_pte: pte_write, or FOLL_FORCE in a private mapping on an anonymous PageAnonExclusive page (the copy the COW fault just made)',
    backports: ['5.19.6'],
    hooks: ({ k }) => ({
      canFollowWritePte: (s, h, _cowed, p, w) => w || (h.force && !k.sh.procs[h.proc]!.vmas[h.va]!.shared && k.isAnon(s, p) && k.pg[p]!.PG_anon_exclusive.test(s)),
    }),
  }, {
    id: '64fe24a3e05e',
    subject: 'mm/mprotect: try avoiding write faults for exclusive anonymous pages when changing protection',
    what: 'can_change_pte_writable: mprotect(PROT_READ|PROT_WRITE) maps a dirty PTE of a PageAnonExclusive page in a private mapping writable at once (its soft-dirty test is inverted: it never refuses)',
    hooks: ({ k }) => ({
      mprotectMapsWritable: (s, q, v, p) => k.pr[q]!.vma[v]!.d.test(s) && k.isAnon(s, p) && k.pg[p]!.PG_anon_exclusive.test(s),
    }),
  }, {
    id: '70cbc3cc78a9',
    subject: 'mm: gup: fix the fast GUP race against THP collapse',
    what: 'gup_pte_range rechecks the PMD as well as the PTE after the grab: a GUP-fast that walked to the PTE table before khugepaged\'s pmdp_collapse_flush backs off instead of keeping a page the collapse is copying away',
    backports: ['5.10.y', '5.15.y'],
    hooks: ({ k, base }) => ({
      gupFastPinAllowed: (s, hi, p) => {
        const h = k.sh.holders[hi]!;
        // The PMD over the holder's address changed: khugepaged cleared it (the range's PMD only).
        const inRange = k.sh.procs[h.proc]!.vmas[h.va]!.thp !== null;
        return !(inRange && k.collapsing(s, h.proc)) && base.gupFastPinAllowed(s, hi, p);
      },
    }),
  }, {
    id: '76aefad628aa',
    subject: 'mm/mprotect: fix soft-dirty check in can_change_pte_writable()',
    what: 'vma_soft_dirty_enabled && !pte_soft_dirty: while soft-dirty tracking is armed, mprotect leaves the PTE write-protected so the next write faults',
    hooks: ({ base }) => ({
      mprotectMapsWritable: (s, q, v, p, armed) => !armed && base.mprotectMapsWritable(s, q, v, p, armed),
    }),
  }],
});
