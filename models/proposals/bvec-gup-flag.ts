// A GUP flag per bio_vec (Jérôme Glisse, April 2019, "[PATCH v1 00/15] Keep
// track of GUPed pages in fs and block"; Dan Williams: make bv_page a pfn_t
// with a PFN_* flag), on top of the 5.7 pin bias it was
// meant to serve: each bvec remembers whether its reference came from GUP,
// and completion unpins or puts accordingly. A bvec that merges a second
// reference to the same page keeps one flag for both.

import { bioRelease } from '../kernel/bio.js';
import { HOLDER } from '../kernel/kernel.js';
import { defineProposal } from '../kernel/proposal.js';
import { gupBias } from './gup-bias.js';

export const bvecGupFlag = defineProposal({
  name: 'bvec-gup-flag',
  base: gupBias,
  era: '2019 bvec GUP flag',
  date: '2019-04',
  title: 'GUP flag per bio_vec (2019, bv_pfn / pfn_t): completion releases each bvec by its flag',
  changes: 'on top of gup-bias: bio_release_pages unpins a bvec flagged GUP and puts the others; a merged bvec has one flag',
  notes: 'ZERO_PAGE gets a bvec of its own with its own flag, so dio-zero-page balances, and completion releases each bvec by the right flag. What breaks is the code that handles bvecs without looking at the flag, as Jan Kara warned ("with so many bio_add_page() callers it\'s difficult to get things right"): on dio-merge the bio merges a second pinned iovec of the same page and the merge site drops the duplicate with put_page (as 5.1–6.4\'s __bio_iov_iter_get_pages does), so BIAS−1 leaks (I2). A plain and a GUP reference merged into one bvec under one flag has no kernel path: a merge site drops the duplicate at once, so it is not modelled; split, clone and bounce are not modelled either.',
  hooks: ({ k }) => ({
    // Bios know pins: direct I/O pins its user pages.
    dioGupKind: () => 'PIN',
    // Completion: the GUP page's bvec is flagged GUP (unpin); ZERO_PAGE's bvec is not (put_page).
    bioReleases: (s, hi) => {
      const h = k.sh.holders[hi]!;
      const H = k.hd[hi]!;
      const out = [];
      if (H.pc.get(s) === HOLDER.held) out.push(bioRelease(k, h.kind, H.page.get(s), true));
      if (h.bio === 'zero-page') out.push(bioRelease(k, 'plain', h.bioPage, false));
      return out;
    },
    bioEndioWords: () => 'unpin or put each bvec by its GUP flag',
  }),
});
