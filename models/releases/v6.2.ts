// Linux 6.2 (February 2023): reliable R/O long-term pins in COW mappings.

import { defineProposal } from '../kernel/proposal.js';
import { v6_0 } from './v6.0.js';

export const v6_2 = defineProposal({
  name: 'v6.2',
  base: v6_0,
  release: true,
  era: 'v6.2',
  date: '2023-02',
  title: 'Linux 6.2',
  changes: 'a R/O FOLL_LONGTERM pin of a page-cache page (or the zero page) in a private (COW) mapping unshares it into an exclusive anonymous copy first; ext4 has no ->writepage (kswapd cannot write its pages); mprotect may map a clean exclusive anonymous PTE writable',
  notes: 'A later write through the private mapping can no longer leave the long-term pin behind on the page-cache page.',
  commits: [
    {
      id: '8d6a0ac09a16',
      subject: 'mm: extend FAULT_FLAG_UNSHARE support to anything in a COW mapping',
      what: 'FAULT_FLAG_UNSHARE of a page-cache page (or the zero page) in a COW mapping replaces it with an exclusive anonymous copy, mapped R/O',
    },
    {
      id: '84209e87c696',
      subject: 'mm/gup: reliable R/O long-term pinning in COW mappings',
      what: 'gup_must_unshare: under FOLL_LONGTERM, a non-anonymous page in a COW mapping must be unshared (is_cow_mapping)',
      hooks: ({ k, base }) => ({
        gupMustUnshare: (s, h, p) => base.gupMustUnshare(s, h, p) ||
          (h.kind === 'PIN' && !h.write && !k.isAnon(s, p) && h.longterm && !k.sh.procs[h.proc]!.vmas[h.va]!.shared),
      }),
    },
    {
      id: 'dae999602eeb',
      subject: 'ext4: stop providing .writepage hook',
      what: 'ext4_aops, ext4_da_aops and ext4_journalled_aops list .writepages and no .writepage: kswapd\'s pageout() cannot write an ext4 page (it activates it); writeback of ext4 pages is the flusher\'s and fsync\'s only',
      hooks: () => ({ reclaimCanPageout: () => false }),
    },
    {
      id: 'd84887739d5c',
      subject: 'mm/mprotect: allow clean exclusive anon pages to be writable',
      what: 'can_change_pte_writable no longer needs pte_dirty for a PageAnonExclusive page in a private mapping',
      hooks: ({ k }) => ({
        mprotectMapsWritable: (s, _q, _v, p, armed) => !armed && k.isAnon(s, p) && k.pg[p]!.PG_anon_exclusive.test(s),
      }),
    },
    {
      id: 'c27f479ef542',
      subject: 'mm/huge_memory: try avoiding write faults when changing PMD protection',
      what: 'change_huge_pmd: can_change_pmd_writable maps the PMD of an exclusive anonymous THP writable at once (not while soft-dirty tracking wants the fault)',
      hooks: ({ k }) => ({
        mprotectMapsPmdWritable: (s, f, armed) => !armed && k.isAnon(s, f) && k.pg[f]!.PG_anon_exclusive.test(s),
      }),
    },
  ],
});
